"""Counts said as a first figure, then more of them: "今年1-6月授权4件，7月又下来2件" is six grants,
"有效发明去年底29件，今年又授权了3件" is 32 valid inventions now.

又 ("again", "more") before a grant adds the new ones to the count said just before: to the same
count (the second figure is no correction of the first, which would be read as said again), or to
the patents held (a grant is one more valid patent). Only a count the reader kept from that figure
is added to, and only grants of the same kind (not "又授权了3件实用新型" to invention patents).
Pure.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["with_added", "MORE"]

#: more granted: "又授权了3件", "7月又下来2件", "又拿到发明证书1件"
_MORE = re.compile(r"又(?:新)?(?:授权|下来|下证|拿证|拿到|拿了|获得|获授权|批下来|批了|新增|增加)了?(?:发明(?:专利)?(?:证书)?)?\s*"
                   r"(?P<n>\d+)\s*件(?!实用新型|外观|商标)")
#: the count said before, in the same sentence, not far
_BEFORE = re.compile(r"(?P<n>\d+)\s*件(?:[^。；;!?？！\d]|\d{1,2}\s*月){0,16}$")  # a month between: "4件，7月又…"
#: the counts a grant adds to: grants themselves, and the valid patents held
_ADDS_TO = re.compile(r"grants|^valid_(invention_)?patents|_total$")
#: the grants said after 又, for other readers (policy.question_year_end)
MORE = _MORE


def with_added(text: str, facts: dict[str, Any], spans: list[tuple[int, int]]) -> dict[str, Any]:
    """``facts`` with the grants said after 又 added to the count read from the figure before."""
    for more in _MORE.finditer(text):
        prior = _BEFORE.search(text, max(0, more.start() - 30), more.start())
        if prior is None or not any(s <= prior.start("n") < e for s, e in spans):
            continue
        first, extra = int(prior.group("n")), int(more.group("n"))
        said = [f for f, v in facts.items() if type(v) is int and v == first and _ADDS_TO.search(f)]
        if len(said) == 1:
            facts = {**facts, said[0]: first + extra}
    return facts
