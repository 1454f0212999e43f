"""How many people were trained: one rule, one service, for every view.

A person counts once, at their first attended session ever (status `attended`), under
their own category (services.trainees.CATEGORIES) and under the region and organiser of
that session, so every breakdown adds up to its total. `/progress`, the digest, the
roster's 培训进度 sheet and the chart all read `compute_progress` (or `people_rows`, its
rows by category and region), so they cannot disagree.

With a target in force the count is by the target's own window. With none in force
(December 2026: the only cited target, 苏知发〔2018〕86号 二(五), ran 2018-05-30..
2020-12-31) the latest target is shown as ended, with the count at its end, the count
since (the breakdowns and the chart cover this part), this year's count and the rate of
the last RATE_WEEKS weeks. `Progress.as_json()` is the shape `ipbot progress --json` prints.

The numbers come from one grouped query (first attendance per person, grouped by session
and category), so 100,000 enrolments cost one pass in the database and a few thousand
rows in Python (see bench/progress.py).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy.dialects.postgresql import distinct_on
from sqlmodel import select

from services import regions
from services.session import AsyncSession
from services.targets import Target, TargetChoice, target_at
from storage.models import Training, User
from storage.training_tables import Enrolment, Trainee

__all__ = ["PeopleRow", "Progress", "RATE_WEEKS", "compute_progress", "iso_week", "people_rows"]

#: The weekly rate is the people added in this many weeks up to the as-of date, per week.
RATE_WEEKS = 12
UNKNOWN = "未注明"


class First(NamedTuple):
    """People whose first attended session was on `day`, in `region`, by `organiser_id`."""

    day: date
    region: str | None
    organiser_id: int | None
    category: str
    people: int


@dataclass(frozen=True)
class Progress:
    as_of: date
    target: Target
    in_force: bool
    #: People first trained within the target's window, up to `counted_to` (at its end once it ended).
    trained: int
    #: Breakdowns of `counted` people: the window's when in force, those since the end when not.
    by_category: dict[str, int]
    by_region: dict[str, int]
    by_organiser: dict[str, int]
    #: (ISO week "2026-W47", people first trained that week): the counted period's weeks with
    #: data, up to as-of (from the target's start when in force; from the first week with data when not).
    weekly: list[tuple[str, int]]
    rate_per_week: float
    projected_date: date | None
    #: The last day counted in the window: the as-of date, or the window's end if that came first.
    counted_to: date
    #: People first trained after the target's end up to as-of (None while it is in force).
    since_end: int | None = None
    #: People first trained from 1 January of as-of's year to as-of.
    this_year: int = 0

    @property
    def share(self) -> float:
        return self.trained / self.target.people

    @property
    def counted(self) -> int:
        """The people the breakdowns and the chart show: the window's, or those since the end."""
        return self.trained if self.in_force else (self.since_end or 0)

    @property
    def counted_from(self) -> date:
        """First day of the counted period: the target's start, or the day after its end."""
        return self.target.start if self.in_force else self.target.end + timedelta(days=1)

    def as_json(self) -> dict[str, Any]:
        return {
            "target": self.target.people,
            "trained": self.trained,
            "by_category": self.by_category,
            "by_region": self.by_region,
            "weekly": [{"week": week, "new": new} for week, new in self.weekly],
            "projected_date": self.projected_date.isoformat() if self.projected_date else None,
            "period": {"from": self.target.start.isoformat(), "to": self.target.end.isoformat()},
            "citation": {**self.target.citation, "target_id": self.target.id, "in_force": self.in_force,
                         "since_end": self.since_end, "this_year": self.this_year,
                         "rate_weeks": RATE_WEEKS},
        }


@dataclass(frozen=True)
class PeopleRow:
    """One row of 培训进度: people by (category, region of their first session)."""

    category: str
    region_code: str
    in_week: int
    this_year: int
    in_window: int
    since_end: int | None


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


async def compute_progress(session: AsyncSession, targets: list[Target], as_of: date, tz: ZoneInfo) -> Progress:
    choice: TargetChoice = target_at(targets, as_of)
    firsts = await _firsts(session, as_of, tz)
    return _progress(choice, firsts, as_of, await _organiser_names(
        session, sorted({f.organiser_id for f in firsts if f.organiser_id is not None})))


async def people_rows(session: AsyncSession, targets: list[Target], as_of: date, tz: ZoneInfo,
                      week: tuple[date, date], region: str | None) -> list[PeopleRow]:
    """培训进度's rows: people first trained in `week` (first, last day), this year, in the
    target's window and since its end, by category and region, within `region`. Their
    columns add up to the digest's 新培训人数 and to `compute_progress`'s figures."""
    target = target_at(targets, as_of).target
    ended = as_of > target.end
    cells: dict[tuple[str, str], list[int]] = {}
    for f in await _firsts(session, as_of, tz):
        if region and not regions.contains(region, f.region):
            continue
        row = cells.setdefault((f.category, f.region or UNKNOWN), [0, 0, 0, 0])
        row[0] += f.people if week[0] <= f.day <= week[1] else 0
        row[1] += f.people if f.day.year == as_of.year else 0
        row[2] += f.people if target.start <= f.day <= target.end else 0
        row[3] += f.people if f.day > target.end else 0
    return [PeopleRow(category, code, *counts[:3], counts[3] if ended else None)
            for (category, code), counts in sorted(cells.items())]


def _progress(choice: TargetChoice, firsts: list[First], as_of: date,
              names: dict[int, str]) -> Progress:
    target = choice.target
    counted_to = min(as_of, target.end)
    start = target.start if choice.in_force else target.end + timedelta(days=1)
    trained = sum(f.people for f in firsts if target.start <= f.day <= counted_to)
    since_end = None if choice.in_force else sum(f.people for f in firsts if f.day > target.end)
    this_year = sum(f.people for f in firsts if f.day.year == as_of.year)

    by_category: Counter[str] = Counter()
    by_region: Counter[str] = Counter()
    by_organiser: Counter[str] = Counter()
    by_day: Counter[date] = Counter()
    for f in firsts:
        by_day[f.day] += f.people
        if start <= f.day <= (counted_to if choice.in_force else as_of):
            by_category[f.category] += f.people
            by_region[f.region or UNKNOWN] += f.people
            by_organiser[names.get(f.organiser_id, UNKNOWN) if f.organiser_id is not None else UNKNOWN] += f.people
    counted_days = {d: n for d, n in by_day.items() if start <= d <= (counted_to if choice.in_force else as_of)}
    if choice.in_force:
        weekly = _weekly(counted_days, target.start, counted_to)
    else:
        weekly = _weekly(counted_days, min(counted_days), as_of) if counted_days else []
    rate = _rate(by_day, as_of)
    return Progress(
        as_of=as_of, target=target, in_force=choice.in_force, trained=trained,
        by_category=_sorted(by_category), by_region=_sorted(by_region), by_organiser=_sorted(by_organiser),
        weekly=weekly, rate_per_week=rate,
        projected_date=_projected(by_day, target, trained, rate, as_of), counted_to=counted_to,
        since_end=since_end, this_year=this_year,
    )


async def _firsts(session: AsyncSession, as_of: date, tz: ZoneInfo) -> list[First]:
    """Each person's first attended session up to the end of `as_of`, grouped (see First)."""
    hi = datetime.combine(as_of + timedelta(days=1), time.min, tz)
    grouped = await _first_attendances(session, hi)
    sessions = await _sessions(session, {training_id for training_id, _category, _people in grouped}, tz)
    return [First(*sessions[training_id], category or UNKNOWN, people) for training_id, category, people in grouped]


async def _first_attendances(session: AsyncSession, hi: datetime) -> list[tuple]:
    """(session id, person's category, people) counted at each person's first attended session.

    The inner query reads only the index `ix_enrolment_first_attended` (the enrolment
    carries its session's start). "The first row per person" is said the way each
    database does it fastest: PostgreSQL's DISTINCT ON, SQLite's MIN() with bare columns
    (documented: they come from the row holding the minimum). A person is counted at their
    first session ever (as the roster's `first_time` flag is), never again in a later window.
    """
    attended = (
        select(Enrolment.trainee_id.label("trainee_id"), Enrolment.training_id.label("training_id"))
        .where(Enrolment.status == "attended", Enrolment.session_starts_at < hi)
    )
    if session.bind.dialect.name == "postgresql":
        firsts = (attended.ext(distinct_on(Enrolment.trainee_id))
                  .order_by(Enrolment.trainee_id, Enrolment.session_starts_at, Enrolment.training_id).subquery())
    else:
        firsts = attended.add_columns(func.min(Enrolment.session_starts_at)).group_by(Enrolment.trainee_id).subquery()
    query = (
        select(firsts.c.training_id, Trainee.category, func.count())
        .join(Trainee, Trainee.id == firsts.c.trainee_id)
        .group_by(firsts.c.training_id, Trainee.category)
    )
    return list((await session.exec(query)).all())


async def _sessions(session: AsyncSession, ids: set[int], tz: ZoneInfo) -> dict[int, tuple[date, str | None, int | None]]:
    """(local day, region, organiser) of each session, read once rather than once per person."""
    found: dict[int, tuple[date, str | None, int | None]] = {}
    ordered = sorted(ids)
    for i in range(0, len(ordered), 5000):  # stay well under the drivers' bound-parameter limits
        rows = await session.exec(select(Training.id, Training.starts_at, Training.region_code, Training.organiser_id)
                                  .where(Training.id.in_(ordered[i:i + 5000])))
        found.update((i, (start.astimezone(tz).date(), region, org)) for i, start, region, org in rows.all())
    return found


async def _organiser_names(session: AsyncSession, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await session.exec(select(User.id, User.full_name).where(User.id.in_(ids)))
    return {i: name or f"#{i}" for i, name in rows.all()}


def _weekly(by_day: dict[date, int], start: date, end: date) -> list[tuple[str, int]]:
    if end < start:
        return []
    per_week: Counter[str] = Counter()
    for day, people in by_day.items():
        per_week[iso_week(day)] += people
    weeks, monday = [], start - timedelta(days=start.weekday())
    while monday <= end:
        weeks.append((iso_week(monday), per_week.get(iso_week(monday), 0)))
        monday += timedelta(days=7)
    return weeks


def _rate(by_day: Counter[date], as_of: date) -> float:
    """People first trained per week over the RATE_WEEKS weeks up to as-of."""
    window_start = as_of - timedelta(days=7 * RATE_WEEKS - 1)
    return sum(n for day, n in by_day.items() if window_start <= day <= as_of) / RATE_WEEKS


def _projected(by_day: Counter[date], target: Target, trained: int, rate: float, as_of: date) -> date | None:
    """The day the target was reached, or will be at the current rate; None when it cannot be said."""
    if trained >= target.people:
        running = 0
        for day in sorted(d for d in by_day if target.start <= d <= target.end):
            running += by_day[day]
            if running >= target.people:
                return day
    if rate <= 0 or as_of > target.end:
        return None
    return as_of + timedelta(days=math.ceil((target.people - trained) / rate * 7))


def _sorted(counter: Counter) -> dict:
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], str(kv[0]))))
