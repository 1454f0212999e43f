"""Three yearly amounts said one after another with no time word of their own: "利税二千一百万 二千三百万
二千六百万" about a programme that asks for the last three years' 利税 names those three years, oldest
first, as "近三年利税分别是…" does (issue 16, round 14). A time carried from a clause before ("去年知识产权
费用占研发5%，利税…") is no time of theirs. One or two such amounts keep the reading they had. Pure.
"""

from __future__ import annotations

from typing import Any

__all__ = ["untimed_three"]


def untimed_three(items: list[tuple[Any, str | None, str, bool]], three_years: str) -> list[tuple[Any, str | None, str]]:
    """``items`` (figure, time, clause, whether the time is the figure's own) as (figure, time, clause),
    three figures without a time of their own read as the three years."""
    if len(items) == 3 and not any(hard for *_rest, hard in items):
        return [(fig, three_years, clause) for fig, _time, clause, _hard in items]
    return [(fig, time, clause) for fig, time, clause, _hard in items]
