"""Applications counted in a past year, told as done (issue 16, round 13).

"18年已经申请了3件发明专利", "2019年已經申請過一件", "前年申请过一件发明被驳回了": a count said of a
past year is no total since the company began (``cumulative`` in question_words.yaml), but it
says that many were filed before; the application the asker means now is another one. So the
total so far is at least that count plus one, which is what 86号 二(一)1 "首件发明专利" needs to
know (none filed before). Only a past year (去年, 前年, a year named) and a done marker
(已经, 过, 了) before the figure count: "今年申请了2件" or "明年打算申请1件" say nothing of before. Pure.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .question_numbers import Figure
from .question_vocab import LAST_YEAR, OTHER, THREE_YEARS_AGO, TWO_YEARS_AGO

__all__ = ["filed_before", "asks_first"]

_PAST = frozenset({LAST_YEAR, TWO_YEARS_AGO, THREE_YEARS_AGO, OTHER})
#: done, said between the time and the figure: "已经申请了", "申请过", "申請過"
#: …or, in English, a verb of filing right before the figure: "We filed 2 invention applications in 2016"
_DONE = re.compile(r"(已经|已經|已|过|過|了)[^，,。；;]{0,8}$|\b(filed|submitted|applied for)\s+$", re.IGNORECASE)
#: a year still to come, or a plan: "打算", "准备", "计划"
_PLAN = re.compile(r"打算|准备|準備|计划|計劃|将要|要申请")


#: a question about the first one ("现在再申请还能算首件吗"), though no programme is named
_FIRST = re.compile(r"首件|第一件|头一件|首次申请|first[ -]invention", re.IGNORECASE)


def asks_first(text: str) -> bool:
    """Whether ``text`` asks about a first application: only then does a past count matter."""
    return _FIRST.search(text) is not None


def filed_before(fig: Figure, time: str | None, hard: bool, before: str) -> Figure | None:
    """The count so far that ``fig``, said of the past year ``time`` with ``before`` (its
    clause up to it) in front, tells: one more than it (the one asked about now); else None."""
    if not hard or time not in _PAST or fig.value < 1 or not fig.exact:
        return None
    if not _DONE.search(before) or _PLAN.search(before):
        return None
    return replace(fig, value=fig.value + 1, high=None)
