"""A remark in brackets that says what is not so yet: "我们做了贯标（还没拿证）" is "做了贯标，还没拿证" (issue 16,
round 19). Read as part of the word before it, its negation would deny the word itself (no 贯标 started at all);
the asker means a clause of its own, told beside the statement. A gloss that names or dates ("我司（中小企业）",
"小巨人（2022年认定）") stays where it is. Pure.
"""

from __future__ import annotations

import re

__all__ = ["asides_as_clauses"]

#: brackets opening with a not-yet or a but: "（还没拿证）", "（尚未验收）", "（但还没授权）"
_ASIDE = re.compile(r"[（(]\s*((?:但是?|不过|可是|只是)?(?:还没有|还没|还未|尚未|没有|没|未)[^（）()]{1,16}?)\s*[）)]")


def asides_as_clauses(text: str) -> str:
    """``text`` with each negative remark in brackets set off as a clause of its own."""
    return _ASIDE.sub(lambda m: "，" + m.group(1) + "，", text)
