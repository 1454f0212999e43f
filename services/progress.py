"""Progress toward the training target: distinct people, never attendances.

A person counts once, when they first attended a session (status `attended`) that
started within the target's period, up to the as-of date; they are counted under their
own category (services.trainees.CATEGORIES) and under the region and organiser of that
first session, so every breakdown adds up to the total. Digests call `compute_progress`
and read the `Progress` fields; `Progress.as_json()` is the shape `ipbot progress --json`
prints.

The numbers come from one grouped query (first attendance per person, grouped by session
and category), so 100,000 enrolments cost one pass in the database and a few thousand
rows in Python (see bench/progress.py).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy.dialects.postgresql import distinct_on
from sqlmodel import select

from services.session import AsyncSession
from services.targets import Target, TargetChoice, target_at
from storage.models import Training, User
from storage.training_tables import Enrolment, Trainee

__all__ = ["Progress", "RATE_WEEKS", "compute_progress", "iso_week"]

#: The weekly rate is the people added in this many weeks up to the as-of date, per week.
RATE_WEEKS = 8
UNKNOWN = "未注明"


@dataclass(frozen=True)
class Progress:
    as_of: date
    target: Target
    in_force: bool
    trained: int
    by_category: dict[str, int]
    by_region: dict[str, int]
    by_organiser: dict[str, int]
    #: (ISO week "2026-W47", people first trained that week), every week of the period up to as-of.
    weekly: list[tuple[str, int]]
    rate_per_week: float
    projected_date: date | None
    #: The last day counted: the as-of date, or the period's end if that came first.
    counted_to: date

    @property
    def share(self) -> float:
        return self.trained / self.target.people

    def as_json(self) -> dict[str, Any]:
        return {
            "target": self.target.people,
            "trained": self.trained,
            "by_category": self.by_category,
            "by_region": self.by_region,
            "weekly": [{"week": week, "new": new} for week, new in self.weekly],
            "projected_date": self.projected_date.isoformat() if self.projected_date else None,
            "period": {"from": self.target.start.isoformat(), "to": self.target.end.isoformat()},
            "citation": {**self.target.citation, "target_id": self.target.id, "in_force": self.in_force},
        }


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


async def compute_progress(session: AsyncSession, targets: list[Target], as_of: date, tz: ZoneInfo) -> Progress:
    choice: TargetChoice = target_at(targets, as_of)
    target = choice.target
    counted_to = min(as_of, target.end)
    lo = datetime.combine(target.start, time.min, tz)
    hi = datetime.combine(counted_to + timedelta(days=1), time.min, tz)
    firsts = await _first_attendances(session, lo, hi) if counted_to >= target.start else []

    by_category: Counter[str] = Counter()
    by_region: Counter[str] = Counter()
    by_organiser_id: Counter[int | None] = Counter()
    by_day: Counter[date] = Counter()
    sessions = await _sessions(session, {training_id for training_id, _category, _people in firsts}, tz)
    for training_id, category, people in firsts:
        day, region, organiser_id = sessions[training_id]
        by_category[category] += people
        by_region[region or UNKNOWN] += people
        by_organiser_id[organiser_id] += people
        by_day[day] += people
    trained = sum(by_category.values())
    names = await _organiser_names(session, [i for i in by_organiser_id if i is not None])
    by_organiser = {names.get(i, UNKNOWN) if i is not None else UNKNOWN: n for i, n in by_organiser_id.items()}

    rate = _rate(by_day, target.start, counted_to)
    return Progress(
        as_of=as_of, target=target, in_force=choice.in_force, trained=trained,
        by_category=_sorted(by_category), by_region=_sorted(by_region), by_organiser=_sorted(Counter(by_organiser)),
        weekly=_weekly(by_day, target.start, counted_to), rate_per_week=rate,
        projected_date=_projected(by_day, target, trained, rate, as_of), counted_to=counted_to,
    )


async def _first_attendances(session: AsyncSession, lo: datetime, hi: datetime) -> list[tuple]:
    """(session id, person's category, people) counted at each person's first attended session.

    The inner query reads only the index `ix_enrolment_first_attended` (the enrolment
    carries its session's start). "The first row per person" is said the way each
    database does it fastest: PostgreSQL's DISTINCT ON, SQLite's MIN() with bare columns
    (documented: they come from the row holding the minimum).
    """
    attended = (
        select(Enrolment.trainee_id.label("trainee_id"), Enrolment.training_id.label("training_id"))
        .where(Enrolment.status == "attended", Enrolment.session_starts_at >= lo, Enrolment.session_starts_at < hi)
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


def _weekly(by_day: Counter[date], start: date, end: date) -> list[tuple[str, int]]:
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


def _rate(by_day: Counter[date], start: date, end: date) -> float:
    """People per week over the last RATE_WEEKS weeks (fewer if the period is younger)."""
    if end < start:
        return 0.0
    window_start = max(start, end - timedelta(days=7 * RATE_WEEKS - 1))
    days = (end - window_start).days + 1
    people = sum(n for day, n in by_day.items() if window_start <= day <= end)
    return people / (days / 7)


def _projected(by_day: Counter[date], target: Target, trained: int, rate: float, as_of: date) -> date | None:
    """The day the target was reached, or will be at the current rate; None when it cannot be said."""
    if trained >= target.people:
        running = 0
        for day in sorted(by_day):
            running += by_day[day]
            if running >= target.people:
                return day
    if rate <= 0 or as_of > target.end:
        return None
    return as_of + timedelta(days=math.ceil((target.people - trained) / rate * 7))


def _sorted(counter: Counter) -> dict:
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], str(kv[0]))))
