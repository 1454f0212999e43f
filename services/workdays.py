"""Working days of the Chinese calendar: public holidays off, adjusted working days (调休) on.

`chinese_calendar` carries each year's State Council holiday notice once it is published
(usually in November for the next year). For a year it has no data for, the answer falls
back to Monday–Friday and a warning is logged once per year and process: a reminder
may then land on a holiday, but nothing fails.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

import chinese_calendar

__all__ = ["day_kind", "is_working_day", "next_working_day", "working_days_between"]

log = logging.getLogger(__name__)

#: Years already warned about; it only keeps the log quiet and never changes an answer.
_warned_years: set[int] = set()


def is_working_day(d: date) -> bool:
    try:
        return chinese_calendar.is_workday(d)
    except NotImplementedError:  # chinese_calendar's answer for a year it has no notice for
        if d.year not in _warned_years:
            _warned_years.add(d.year)
            log.warning("chinese_calendar has no holiday data for %s; treating Monday-Friday as working days",
                        d.year)
        return d.weekday() < 5


def day_kind(d: date) -> str | None:
    """"holiday" (a public holiday), "adjusted_workday" (a weekend day worked instead, 调休),
    "calendar_unpublished" (no data for the year yet) or None for an ordinary day."""
    try:
        on_holiday, name = chinese_calendar.get_holiday_detail(d)
    except NotImplementedError:  # no notice for that year yet (see the module docstring)
        return "calendar_unpublished"
    if on_holiday and name is not None:
        return "holiday"
    if not on_holiday and d.weekday() >= 5:
        return "adjusted_workday"
    return None


def next_working_day(d: date) -> date:
    """The first working day after `d` (never `d` itself)."""
    d += timedelta(days=1)
    while not is_working_day(d):  # the longest run of days off is about nine days
        d += timedelta(days=1)
    return d


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when `end` <= `start`)."""
    days, d = 0, start + timedelta(days=1)
    while d <= end:
        days += is_working_day(d)
        d += timedelta(days=1)
    return days
