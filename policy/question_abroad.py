"""Whether a grant counted is one abroad (issue 16, reconciling rounds 14 and 16).

Round 14 reads a count of PCT grants told of a past year as one of them ("我们前年通过PCT在日本拿了一件发明授权":
the count has no year). Round 16 reads "PCT奖励 我们今年发明授权4件 全在国内 国外一件没有" as four grants this year
and none abroad. Both hold when a grant's year is set aside only where the sentence, up to the figure, says the
grant is foreign: PCT, a country or an office abroad or a national phase, besides the reward's own name ("PCT奖励");
the rest of the figure's clause too, where the thing counted is named after its count ("有一件PCT进EPO的发明授权了",
round 23c). Pure.
"""

from __future__ import annotations

import re

__all__ = ["timeless", "told_abroad"]

#: the reward's own names, which say nothing of where a grant came
_REWARD_NAME = re.compile(r"pct\s*(授权)?\s*(奖励|奖|资助|reward|award|grant reward)", re.IGNORECASE)
_ABROAD = re.compile(r"pct|ptc|国外|海外|境外|外国|欧洲|欧盟|美国|日本|德国|韩国|英国|法国|国家阶段|abroad|foreign|overseas|"
                     r"national phase|epo|uspto|jpo|kipo|欧专局|欧洲专利局|特许厅", re.IGNORECASE)
#: the rest of the figure's clause: the thing counted, named after its count ("有一件PCT进EPO的发明授权了")
_CLAUSE_END = re.compile(r"[,，;；。！？!?\n]")
_SENTENCE_END = re.compile(r"[。！？!?\n]")


def told_abroad(text: str, end: int) -> bool:
    """Whether the sentence of ``text`` up to ``end`` (a figure's end), or the rest of the figure's clause, says the
    grant is one abroad."""
    start = max((m.end() for m in _SENTENCE_END.finditer(text, 0, end)), default=0)
    after = _CLAUSE_END.search(text, end)
    return _ABROAD.search(_REWARD_NAME.sub("", text[start:after.start() if after else len(text)])) is not None


def timeless(family: str, any_time: frozenset[str], text: str, end: int) -> bool:
    """Whether a figure of ``family`` ending at ``end`` counts things whatever their year: a family
    of ``any_time`` (the PCT grants), told abroad."""
    return family in any_time and told_abroad(text, end)
