"""The weekly digest's content for one region: figures, targets, what is overdue, what waits.

Everything is computed from row providers (the same `sources` the roster uses, see
services.sheets), so a feature plugs its table in once and both the workbook and the
digest show it. A figure whose source this deployment does not have is `None` ("no
data"), never 0: an empty week is an honest row of zeros, a missing source is a dash.

Over the deployment's own visit table (`services.sheets.sources.visit_rows`, the default)
the visit figures and coverage are counted in the database (services.digest_counts: same
definitions, same join and region rule), so the digest of a region with 100,000 visits does
not read them all; a source of a deployment's own is read row by row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import select

from policy import Catalog
from services.session import AsyncSession
from services.sheets import Period, RowProvider, Week
from services.sheets.companies import company_rows
from services.sheets.measures import is_overdue
from services.sheets.questions import unanswered_count, unanswered_rows
from services.sheets.sources import attendance_rows, measure_rows, overdue_measure_count, visit_rows
from services import digest_counts, regions
from services.companies import within_region
from services.digest_delivery import unreported_failures
from services.programme_targets import EXPERTS, SPECIALISTS, Target
from services.progress import Progress, compute_progress
from services.targets import Target as TrainingTarget
from services.targets import load_targets
from storage.digest_tables import DeliveryFailure
from storage.models import Role, Training, User

__all__ = ["Digest", "Figure", "TargetLine", "TrainingLine", "build_digest", "HEADLINE"]

#: The headline figures in display order (locale keys `digest_fig_<key>`).
HEADLINE = ("visits", "companies_reached", "coverage", "new_eligible", "trainings_held", "people_trained")
LIST_LIMIT = 10


@dataclass(frozen=True)
class Figure:
    key: str
    value: float | None
    before: float | None

    @property
    def change(self) -> float | None:
        return None if self.value is None or self.before is None else self.value - self.before


@dataclass(frozen=True)
class TargetLine:
    target: Target
    region_value: int | None
    province_value: int | None

    @property
    def fraction(self) -> float | None:
        return None if self.province_value is None else self.province_value / self.target.value


@dataclass(frozen=True)
class TrainingLine:
    """Progress to the training target in force at the week's end (services.targets, dated
    and cited: 苏知发〔2018〕86号 二(五)'s 30,000 for 2018-2020, or a deployment's own);
    `progress.in_force` False means none is in force and the latest is shown. `progress`
    is None when this deployment has no attendance source."""

    progress: Progress | None
    region_value: int | None = None

    @property
    def fraction(self) -> float | None:
        return None if self.progress is None else self.progress.share


@dataclass
class Digest:
    week: Week
    region: str | None
    figures: list[Figure]
    trainees: TrainingLine
    targets: list[TargetLine]
    overdue: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    overdue_total: int | None = None
    unanswered: list[dict[str, Any]] = field(default_factory=list)
    unanswered_total: int = 0
    failures: list[DeliveryFailure] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Nothing happened in the week (an honest empty digest, still sent)."""
        return not any(f.value for f in self.figures if f.key != "coverage")

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)


async def _rows(provider: RowProvider | None, session: AsyncSession, period: Period,
                region: str | None) -> list[Mapping[str, Any]] | None:
    return None if provider is None else [r async for r in provider(session, period, region)]


async def _week_figures(session: AsyncSession, week: Week, region: str | None, catalog: Catalog,
                        sources: Mapping[str, RowProvider]) -> dict[str, float | None]:
    """The week's figures but visits, companies reached and coverage (`_visit_counts`, `_coverage`)."""
    provider = sources.get("attendance")
    if provider is attendance_rows:  # the real table: counted in the database
        people, sessions = await digest_counts.attendance_counts(session, week, region)
        people_trained: int | None = people
        held = sessions or await _trainings_held(session, week, region, None)
    else:
        attendance = await _rows(provider, session, week, region)
        people_trained = None if attendance is None else _new_people(attendance)
        held = await _trainings_held(session, week, region, attendance)
    return {
        "people_trained": people_trained,
        "trainings_held": held,
        "new_eligible": await digest_counts.new_eligible(session, week, region, catalog),
    }


async def _visit_counts(session: AsyncSession, weeks: tuple[Week, ...], region: str | None,
                       provider: RowProvider | None, counted: digest_counts.Counted | None,
                       ) -> list[tuple[int | None, int | None]]:
    """Visits and companies reached in each week: the rows' count and their distinct companies."""
    if provider is visit_rows:  # the real table: counted in the database, the weeks in one query
        known = [] if counted is None else [await counted.week_visits(w) for w in weeks]
        if known and all(k is not None for k in known):
            return [k for k in known if k is not None]
        return list(await digest_counts.weekly_visits(session, weeks, region))
    counts: list[tuple[int | None, int | None]] = []
    for week in weeks:
        rows = await _rows(provider, session, week, region)
        counts.append((None, None) if rows is None else (len(rows), len({_company(v) for v in rows})))
    return counts


def _company(visit: Mapping[str, Any]) -> Any:
    """A visited company by id (a company may have no USCC yet), by USCC in rows without one."""
    return visit.get("company_id") or visit.get("uscc")


def _new_people(attendance: list[Mapping[str, Any]]) -> int:
    """People whose first attended session was in the week (rows without `first_time`
    or `trainee_id` count as one new person each)."""
    return len({r.get("trainee_id", ("row", i)) for i, r in enumerate(attendance) if r.get("first_time", True)})


async def _trainings_held(session: AsyncSession, week: Week, region: str | None,
                          attendance: list[Mapping[str, Any]] | None) -> int:
    """Trainings of the week: those with check-ins, else the `trainings` table by organiser region."""
    if attendance:
        return len({r.get("training_id") or (r.get("training_title"), r.get("starts_at")) for r in attendance})
    query = (select(func.count()).select_from(Training)
             .where(Training.starts_at >= week.start_utc, Training.starts_at < week.end_utc,
                    Training.status != "cancelled"))
    if region:
        query = query.where(within_region(Training.region_code, region))
    return int((await session.exec(query)).one())


async def _coverage(session: AsyncSession, weeks: tuple[Week, ...], region: str | None,
                    visits: RowProvider | None, counted: digest_counts.Counted | None) -> list[float | None]:
    """Share of the region's companies with a specialist that have had a visit since
    1 January (of each week's year) to each week's end; None without such a company."""
    if visits is None:
        return [None for _ in weeks]
    if visits is visit_rows:
        if counted is not None:
            known = [await counted.coverage(w.year_to_date()) for w in weeks]
            if all(k for k, _share in known):
                return [share for _k, share in known]
        return await digest_counts.coverage(session, [w.year_to_date() for w in weeks], region)
    assigned = {c["company_id"] async for c in company_rows(session, weeks[0], region) if c["specialist_id"] is not None}
    shares: list[float | None] = []
    for week in weeks:
        visited = {v.get("company_id") async for v in visits(session, week.year_to_date(), region)}
        shares.append(len(assigned & visited) / len(assigned) if assigned else None)
    return shares


async def _count_role(session: AsyncSession, role: Role, region: str | None) -> int:
    query = select(func.count()).select_from(User).where(User.role == role, User.active)
    if region:
        query = query.where(within_region(User.region_code, region))
    return int((await session.exec(query)).one())


async def training_line(session: AsyncSession, week: Week, region: str | None,
                        targets: list[TrainingTarget]) -> TrainingLine:
    """The province's progress as of the week's end (services.progress: distinct people at
    their first session), and the part of it in `region` (the first session's region)."""
    progress = await compute_progress(session, targets, week.end, week.tz)
    part = None if not region else sum(n for code, n in progress.by_region.items() if regions.contains(region, code))
    return TrainingLine(progress, part)


async def build_digest(session: AsyncSession, week: Week, region: str | None, catalog: Catalog,
                       sources: Mapping[str, RowProvider] | None = None,
                       targets: list[TrainingTarget] | None = None, *, lists: bool = True,
                       counted: digest_counts.Counted | None = None) -> Digest:
    """The digest of `week` for `region` (None: every region), with the week before for comparison.

    `targets`: the training targets (`services.targets.load_targets(settings.training_targets)`);
    the built-in ones when not given. `lists` False: the questions waiting, and the
    overdue measures of the real table, are counted, not listed (`unanswered` and
    `overdue` stay empty, the totals are the same numbers): the workbench's week shows the
    counts and opens the lists on demand. `counted`: the visit counts and coverage a caller is
    already reading with the same functions (services.digest_counts.Counted), taken instead of
    read again; they are awaited last, so the rest of the digest is read meanwhile."""
    sources = sources or {}
    now, before = (await _week_figures(session, week, region, catalog, sources),
                   await _week_figures(session, week.before(), region, catalog, sources))

    trainees = (TrainingLine(None) if sources.get("attendance") is None
                else await training_line(session, week, region, targets if targets is not None else load_targets()))
    targets = [
        TargetLine(SPECIALISTS, await _count_role(session, Role.specialist, region),
                   await _count_role(session, Role.specialist, None)),
        TargetLine(EXPERTS, None, None),  # no register of consulting experts on this deployment yet
    ]
    digest = Digest(week, region, [], trainees, targets)

    provider = sources.get("measures")
    measures: list[Mapping[str, Any]] | None = None
    if provider is measure_rows and not lists:
        digest.overdue_total = await overdue_measure_count(session, week, region)
    elif provider is measure_rows:  # the real table: only the overdue rows, chosen in the database
        measures = [r async for r in measure_rows(session, week, region, overdue_only=True)]
    else:
        measures = await _rows(provider, session, week, region)
    if measures is not None:
        after = week.end + timedelta(days=1)
        late = [m for m in measures if is_overdue(m, after)]
        by_specialist: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for m in sorted(late, key=lambda m: m["due_on"]):
            by_specialist[m.get("specialist_name") or "—"].append(dict(m))
        digest.overdue, digest.overdue_total = dict(sorted(by_specialist.items(), key=lambda kv: -len(kv[1]))), len(late)

    if lists:
        waiting = [r async for r in unanswered_rows(session, week, region)]
        digest.unanswered, digest.unanswered_total = waiting[:LIST_LIMIT], len(waiting)
    else:
        digest.unanswered_total = await unanswered_count(session, week, region)
    digest.failures = await unreported_failures(session, region)
    weeks = (week, week.before())
    coverage = await _coverage(session, weeks, region, sources.get("visits"), counted)
    counts = await _visit_counts(session, weeks, region, sources.get("visits"), counted)
    for figures, (visits, reached), share in zip((now, before), counts, coverage):
        figures.update(visits=visits, companies_reached=reached, coverage=share)
    digest.figures = [Figure(key, now[key], before[key]) for key in HEADLINE]
    return digest
