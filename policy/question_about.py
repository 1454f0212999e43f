"""A figure said to be about so much: "有效发明大概六十件左右", "利税一千九百万左右", "about 2.5% of sales"
(issue 16, round 18).

The reader never takes an approximate figure for the truth: it reports it as inexact (the answer says
why it needs the figure). But an owner who gives a figure as approximate means a figure near it, not
any figure: it is read as the narrow range it stands for (5 % either way, and for a count at least
one either way: a reading of this module, not a number of the documents), and answered like a range
said ("五六件"): where both ends give the same answer, that answer holds whatever the exact figure is,
and the card shows the range ("57–63 件"), never one end as if the asker had said it. So "大概六十件"
is more than 50 (five stars' count), while "大概二十件" against "超过20件" is left open. A bound
("超过50件", "至少", "不到") or a round number's spread ("大概四十几件") is no approximation here, nor
is a series of years ("利税每年两千万左右"): a range of a series has no way to be shown, so the answer
asks for the figures. Pure: the caller reads the plain text.
"""

from __future__ import annotations

import math
import re
from typing import Any

__all__ = ["SPREAD", "plain", "approximations"]

#: the share of the figure either way that an approximate figure may stand for
SPREAD = 0.05
_NUMERAL = r"[\d一二两三四五六七八九十百千万亿零]"
_BEFORE = re.compile(rf"(?:(?<![签合预节制公])约|大约|大概|大致|差不多|\babout\b|\baround\b|\broughly\b|\bapproximately\b|~)\s*(?={_NUMERAL})",
                     re.IGNORECASE)
_AFTER = re.compile(r"(?<=[件个项人名位万元%])\s*(?:左右|上下)|(?<=\d%)\s+or so\b|(?<=\d)\s+or so\b", re.IGNORECASE)


def plain(text: str) -> str:
    """``text`` with the words that make a figure approximate taken out ("大概六十件左右" is "六十件")."""
    return _AFTER.sub("", _BEFORE.sub("", text))


def _spread(value: Any) -> tuple[Any, Any] | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:  # a series too
        return None
    if isinstance(value, int):
        step = max(1, math.floor(value * SPREAD))
        return value - step, value + step
    return value * (1 - SPREAD), value * (1 + SPREAD)


def approximations(stated: dict[str, Any], plainly: dict[str, Any], ranged: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The approximate figures of a question, by fact: (lower, upper). ``stated``: the facts read from
    the question; ``plainly``: those read from its :func:`plain` text, ``ranged`` the ranges among them
    (a round number's spread is a range of its own, no approximation)."""
    out: dict[str, tuple[Any, Any]] = {}
    for fact, value in plainly.items():
        ends = None if fact in stated or fact in ranged else _spread(value)
        if ends is not None:
            out[fact] = ends
    return out
