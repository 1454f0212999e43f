"""ISO weeks (Monday to Sunday) in the configured zone, and the UTC bounds queries use."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services.errors import Refusal

__all__ = ["Period", "Week", "WeekError", "parse_week", "week_of", "previous_week"]

_WEEK = re.compile(r"^\s*(\d{4})\s*-?\s*[Ww]\s*(\d{1,2})\s*$")
#: How far from today a week may be asked for, either way; a roster further off is surely a
#: typo (9999-W01) and would only cost a full scan (a parameter, not policy).
MAX_DISTANCE = timedelta(days=366)


class WeekError(Refusal):
    """A week label that names no ISO week (e.g. 2026-W54, or 'next')."""


@dataclass(frozen=True)
class Period:
    """Local days [start, end] inclusive, in `tz`; queries use [start_utc, end_utc)."""

    start: date
    end: date
    tz: ZoneInfo

    @property
    def start_utc(self) -> datetime:
        return datetime.combine(self.start, time(), self.tz).astimezone(ZoneInfo("UTC"))

    @property
    def end_utc(self) -> datetime:
        return datetime.combine(self.end + timedelta(days=1), time(), self.tz).astimezone(ZoneInfo("UTC"))

    def contains(self, moment: datetime) -> bool:
        return self.start_utc <= moment < self.end_utc


@dataclass(frozen=True)
class Week(Period):
    year: int = 0
    number: int = 0

    @property
    def label(self) -> str:
        """'2026-W47', as in the workbook's name and the run keys."""
        return f"{self.year}-W{self.number:02d}"

    def year_to_date(self) -> Period:
        """1 January of the week's year (of its Sunday) to the week's end."""
        return Period(date(self.end.year, 1, 1), self.end, self.tz)

    def before(self) -> Week:
        return previous_week(self)


def _week(year: int, number: int, tz: ZoneInfo) -> Week:
    monday = date.fromisocalendar(year, number, 1)
    return Week(monday, monday + timedelta(days=6), tz, year, number)


def parse_week(text: str, tz: ZoneInfo, *, today: date | None = None) -> Week:
    """'2026-W47' (also '2026W47', '2026-w7'); raises WeekError naming the problem.

    With `today` (the context's clock: ``ctx.today()``), a week more than a year from it,
    either way, is refused too (``week_too_far``, naming the first and last week allowed).
    """
    match = _WEEK.match(text or "")
    if not match:
        raise WeekError("bad_week_format", text=(text or "")[:32])
    year, number = int(match.group(1)), int(match.group(2))
    try:
        week = _week(year, number, tz)
    except ValueError:
        last = date(year, 12, 28).isocalendar().week if 1 <= year <= 9999 else 52
        raise WeekError("no_such_week", text=text.strip()[:32], year=year, number=number, last=last) from None
    if today is not None and not (today - MAX_DISTANCE <= week.end and week.start <= today + MAX_DISTANCE):
        raise WeekError("week_too_far", text=week.label, first=_near(today - MAX_DISTANCE, tz).label,
                        last=_near(today + MAX_DISTANCE, tz).label)
    return week


def _near(day: date, tz: ZoneInfo) -> Week:
    """The week holding `day`, within the calendar (a clock near year 1 or 9999 is no reason to fail)."""
    return week_of(min(max(day, date(1, 1, 8)), date(9999, 12, 24)), tz)


def week_of(day: date, tz: ZoneInfo) -> Week:
    iso = day.isocalendar()
    return _week(iso.year, iso.week, tz)


def previous_week(week: Week) -> Week:
    return week_of(week.start - timedelta(days=7), week.tz)
