"""A grant abroad is a PCT grant only where the question says it came through PCT (issue 16, round 15).

001 三（一） rewards a foreign invention grant obtained **through PCT**; a patent filed directly abroad
(Paris route) is not one. "拿到一件德国发明专利授权，能享受PCT奖励吗" names PCT only as the reward's
name: the grant is told, its route is not, so the count is no PCT grant and the engine says what it
still needs to know. A question that names the route anywhere else ("走PCT", "PCT进入国家阶段",
"national phase") keeps it. Pure.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .question_facts import QuestionFacts

__all__ = ["GRANTS", "route_unsaid", "without_unsaid_route"]

GRANTS = "pct_foreign_invention_grants"
#: the reward's own names, which say nothing of how a grant came
_REWARD_NAME = re.compile(r"pct\s*的?\s*(奖励|奖|reward|award|grant reward)", re.IGNORECASE)
_ROUTE = re.compile(r"pct|ptc|国家阶段|国际申请|national phase|national-phase", re.IGNORECASE)


def route_unsaid(text: str) -> bool:
    """Whether ``text`` names PCT (or a national phase) only as the reward's name."""
    return _ROUTE.search(_REWARD_NAME.sub("", text)) is None


def without_unsaid_route(read: QuestionFacts) -> QuestionFacts:
    """``read`` without a count of PCT grants whose route the question does not say."""
    if not read.facts.get(GRANTS) or not route_unsaid(read.text):
        return read
    return replace(read, facts={k: v for k, v in read.facts.items() if k != GRANTS})
