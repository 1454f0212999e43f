"""A question that drops its first topic for another (issue 16, round 16).

"先问下首件发明补贴…算了 问贯标 我们中小企业 贯标认证2019年就过了", "先问问贯标奖励 哦那个过期了 那优先审查呢":
people type as they think, and the programme they end up asking about is the one named after the
turn (算了, 不问了, 换个问题, "那…呢"). The programmes named before it are no longer asked about; where
nothing is named after the turn, the question keeps all it named. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["after_turn"]

#: a turn to another topic: "算了", "不问了", "先不问", "换个问题", "那优先审查呢" (那 opening a clause that asks with 呢)
_TURN = re.compile(r"算了|不问了|先不问|先不说|不说这个了|换个问题|换个问|(?:^|(?<=[，,。.…\s]))那(?=[^，,。？?]{1,12}呢)")


def after_turn(text: str, programmes: tuple[str, ...], named: Callable[[str], tuple[str, ...]]) -> tuple[str, ...]:
    """The programmes ``text`` asks about: those ``named`` after its last turn, when any is; else
    ``programmes`` (all it names)."""
    if len(programmes) < 2:
        return programmes
    turns = list(_TURN.finditer(text))
    if not turns:
        return programmes
    later = tuple(p for p in named(text[turns[-1].end():]) if p in programmes)
    return later or programmes
