"""In-force periods: whether a programme applies at an as-of date, and if not, why (a code).

A programme's period, its application deadline and the document's taper (the years in
which it says subsidies shrink and end) decide it. The answer is a code with its dates
(and, while tapering, the cited sentence); the renderer words it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from .results import ProgrammeInfo

__all__ = ["IN_FORCE_CODES", "in_force_state", "in_force_at", "years_before"]

#: every in_force_code: not yet started, applications closed, ended, ended but the document's taper runs
IN_FORCE_CODES = ("not_started", "deadline_passed", "ended", "ended_tapering")


def years_before(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February
        return d.replace(year=d.year - years, day=28)


def in_force_state(info: ProgrammeInfo, as_of: date) -> tuple[bool, str | None, dict[str, Any] | None]:
    """(in force, why not as a code, its parameters).  Codes: not_started, deadline_passed, ended,
    ended_tapering (after the period, in the time the document says subsidies taper: the cited
    sentence is in the parameters)."""
    if as_of < info.start:
        return False, "not_started", {"start": info.start, "as_of": as_of}
    if info.deadline is not None and as_of > info.deadline and (info.end is None or info.deadline <= info.end):
        return False, "deadline_passed", {"deadline": info.deadline}
    if info.end is not None and as_of > info.end:
        if info.taper_end is not None and as_of <= info.taper_end and info.taper_citation is not None:
            c = info.taper_citation
            return False, "ended_tapering", {"end": info.end, "taper_end": info.taper_end, "as_of": as_of,
                                             "quote": c.quote or "", "citation": c.text()}
        return False, "ended", {"end": info.end}
    if info.deadline is not None and as_of > info.deadline:
        return False, "deadline_passed", {"deadline": info.deadline}
    return True, None, None


def in_force_at(info: ProgrammeInfo, as_of: date) -> tuple[bool, str | None]:
    """(in force, why not as a code): :func:`in_force_state` without the parameters."""
    ok, code, _params = in_force_state(info, as_of)
    return ok, code
