"""The workbench's figures (the Mini App, web/): one function per page.

The headline figures come from the service the chat, the digest and the roster already
use, so the page and the Monday digest cannot disagree:

- the supervisor's week: `services.digest.build_digest` (visits, companies reached,
  coverage, overdue measures, questions waiting, trainees against the cited target) over
  the roster's row sources (`services.sheets.default_sources`). The breakdowns by
  specialist and by district, the 12-week trend and "not visited this month" are counted
  in the database over the same tables with the same join and region rule as the roster's
  visit rows (`_visits`, services.digest_counts), by the very queries whose answers the
  digest takes for its visits and coverage (`digest_counts.Counted`), so they add up to
  the digest's figures (tests/workbench) at a fraction of the cost of reading every row;
  coverage by specialist is the digest's
  definition (their assigned companies visited since 1 January, by anyone). A deployment
  that feeds the digest rows of its own (`AppContext.row_sources`) gets these from the tables;
- the specialist's companies: `services.visits.company_overview`; a company's card:
  `services.visits.company_card` plus the policy engine on its known facts
  (`services.eligibility.known_facts`), with citations;
- the SME: `services.plans.plan_for` and the same eligibility results, for its own company.

Who sees what is decided where the chat decides it: the region of an export
(`services.export.export_region`) for the week, `services.companies.get_visible` for a
company. A refusal is a `Refusal` (audited where the chat audits it); the web layer
answers it with 403.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, NoReturn, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import col, select

from policy import Catalog, ProgrammeResult
from services import audit, digest_counts, plans
from services.companies import region_name
from services.digest import Digest, build_digest
from services.digest_counts import in_region
from services.eligibility import known_facts
from services.errors import Refusal
from services.export import ExportError, export_region
from services.session import AsyncSession, Database
from services.sheets import Period, RowProvider, Week, week_of
from services.sheets.companies import company_rows
from services.sheets.measures import is_overdue
from services.sheets.questions import unanswered_rows
from services.users import Actor, Role
from services.visits import Card, CompanyRow, company_card, company_overview, specialists_in_scope
from storage.models import Company, User, Visit

__all__ = ["WorkbenchError", "WeekPage", "SpecialistLine", "DistrictLine", "TrendPoint", "CompanyPage", "SmePage",
           "TREND_WEEKS", "week_page", "week_visits", "week_overdue", "unvisited_this_month", "waiting_questions",
           "my_companies", "company_page", "sme_page", "supervisor_region", "eligibility_of"]

#: The trend covers this many ISO weeks up to the chosen one.
TREND_WEEKS = 12
T = TypeVar("T")
LIST_LIMIT = 500
SUPERVISORS = frozenset({Role.supervisor, Role.admin})


class WorkbenchError(Refusal):
    """A page this actor may not open (the web layer answers 403)."""


class _Covered:
    """A line's coverage: the share of its assigned companies visited since 1 January."""

    assigned: int
    visited: int

    @property
    def coverage(self) -> float | None:
        return self.visited / self.assigned if self.assigned else None


@dataclass(frozen=True)
class SpecialistLine(_Covered):
    """One specialist's week: visits made, assigned companies, those visited since 1 January."""

    specialist_id: int | None
    name: str
    visits: int
    assigned: int
    visited: int


@dataclass(frozen=True)
class DistrictLine(_Covered):
    code: str
    name: str
    companies: int
    visits: int
    assigned: int
    visited: int


@dataclass(frozen=True)
class TrendPoint:
    week: str
    visits: int
    companies: int


@dataclass
class WeekPage:
    week: Week
    region: str | None
    digest: Digest
    specialists: list[SpecialistLine] = field(default_factory=list)
    districts: list[DistrictLine] = field(default_factory=list)
    trend: list[TrendPoint] = field(default_factory=list)
    unvisited_month: int = 0


@dataclass
class CompanyPage:
    card: Card
    facts: dict[str, Any]
    results: list[ProgrammeResult]


@dataclass
class SmePage:
    company_id: int
    name: str
    measures: list[plans.MeasureRow]
    results: list[ProgrammeResult]


async def supervisor_region(session: AsyncSession, actor: Actor, week: Week) -> str | None:
    """The region the actor's week page covers: a supervisor's own, every region for an admin;
    anyone else is refused (and audited, as a refused export is)."""
    if actor.role not in SUPERVISORS:
        await _refuse(session, actor, "workbench.week", "not_allowed", week=week.label)
    try:
        return export_region(actor, None)
    except ExportError as exc:
        code = exc.code
    await _refuse(session, actor, "workbench.week", code, week=week.label)


async def _refuse(session: AsyncSession, actor: Actor, action: str, code: str, **detail: Any) -> NoReturn:
    await audit.record(session, action, "denied", actor.telegram_id, role=actor.role.value, code=code, **detail)
    raise WorkbenchError(code)


async def _rows(provider: RowProvider | None, session: AsyncSession, period: Period,
                region: str | None) -> list[Mapping[str, Any]]:
    return [] if provider is None else [r async for r in provider(session, period, region)]


def _district(code: str | None) -> str:
    """The county-level division a company lies in (its 6-digit code), or "" when unknown."""
    return (code or "").ljust(6, "0")[:6] if code else ""


def _visits(columns: tuple, period: Period, region: str | None) -> Any:
    """Visits made in `period` to companies within `region`: the join and the region rule of
    the roster's visit rows (services.sheets.sources.visit_rows), counted in the database."""
    query = (select(*columns).select_from(Visit).join(Company, Company.id == Visit.company_id)
             .where(Visit.visited_at >= period.start_utc, Visit.visited_at < period.end_utc))
    return in_region(query, region)


def _month(week: Week) -> Period:
    """From the 1st of the week's last month to the week's end ("this month")."""
    return Period(week.end.replace(day=1), week.end, week.tz)


async def _visited(session: AsyncSession, period: Period, region: str | None) -> set[int]:
    return set((await session.exec(_visits((Visit.company_id,), period, region).distinct())).all())


def _trend_weeks(week: Week) -> list[Week]:
    return [week_of(week.start - timedelta(days=7 * i), week.tz) for i in range(TREND_WEEKS - 1, -1, -1)]


async def week_page(session: AsyncSession, actor: Actor, week: Week, catalog: Catalog,
                    sources: Mapping[str, RowProvider], targets: list | None = None,
                    db: Database | None = None) -> WeekPage:
    """The supervisor's week at a glance: the digest's figures, and their breakdowns.

    Counted in the database, not row by row (a region of 100,000 visits is a few small
    answers), each thing once: the 12 weeks' visits (services.digest_counts.weekly_visits)
    are the trend and the digest's visits of the week and the week before; the region's
    companies grouped by specialist and district, with those visited since 1 January of
    the week and of the week before and this month (digest_counts.company_groups), are the
    digest's coverage, the coverage by specialist and district and "not visited this
    month"; the week's visits grouped by specialist and district are both breakdowns.
    Given the database, these and the rest of the digest are read on connections of their
    own at once; the digest takes the counts it shares with the page (digest_counts.Counted)."""
    region = await supervisor_region(session, actor, week)
    weeks = _trend_weeks(week)
    ytd, ytd_before, month = week.year_to_date(), week.before().year_to_date(), _month(week)
    periods = (ytd, ytd_before, month)
    week_counts = await _start(session, db, lambda own: digest_counts.weekly_visits(own, weeks, region))
    groups_task = await _start(session, db, lambda own: digest_counts.company_groups(own, periods, region))
    counted = digest_counts.Counted(weeks, week_counts, periods, groups_task)
    digest_task = await _start(session, db, lambda own: build_digest(own, week, region, catalog, sources, targets,
                                                                     lists=False, counted=counted))
    try:
        return await _breakdowns(session, actor, week, region, weeks, week_counts, groups_task, digest_task)
    except BaseException:
        for task in (week_counts, groups_task, digest_task):
            task.cancel()
        raise


async def _breakdowns(session: AsyncSession, actor: Actor, week: Week, region: str | None, weeks: list[Week],
                      week_counts: asyncio.Future[list[tuple[int, int]]],
                      groups_task: asyncio.Future[list[digest_counts.CompanyGroup]],
                      digest_task: asyncio.Future[Digest]) -> WeekPage:
    """The page around the digest: the week's visits by specialist and district, counted here
    while the digest and the counts it shares are read on their own connections."""
    page = WeekPage(week, region, None)  # type: ignore[arg-type] - the digest is set below
    by_line = (await session.exec(_visits((Visit.specialist_id, Company.region_code, func.count()), week, region)
                                  .group_by(Visit.specialist_id, Company.region_code))).all()
    names = {u.id: u.full_name for u in await specialists_in_scope(session, actor)}
    groups = await groups_task
    page.unvisited_month = sum(g.companies - g.visited[2] for g in groups)

    by_specialist: Counter[int] = Counter()
    assigned: Counter[int] = Counter()
    visited: Counter[int] = Counter()
    for sid, _code, count in by_line:
        by_specialist[sid] += int(count)
    for g in groups:
        if g.specialist_id is not None:
            assigned[g.specialist_id] += g.companies
            visited[g.specialist_id] += g.visited[0]
    others = (set(assigned) | set(by_specialist)) - set(names)
    if others:
        names.update((await session.exec(select(User.id, User.full_name).where(col(User.id).in_(others)))).all())
    page.specialists = sorted(
        (SpecialistLine(sid, names.get(sid) or "—", by_specialist.get(sid, 0), assigned.get(sid, 0),
                        visited.get(sid, 0)) for sid in names),
        key=lambda s: (s.coverage if s.coverage is not None else 2.0, -s.visits, s.name))

    by_district: dict[str, list[int]] = {}
    for g in groups:
        line = by_district.setdefault(_district(g.region_code), [0, 0, 0, 0])
        line[0] += g.companies
        if g.specialist_id is not None:
            line[2] += g.companies
            line[3] += g.visited[0]
    for _sid, code, count in by_line:
        by_district.setdefault(_district(code), [0, 0, 0, 0])[1] += int(count)
    page.districts = sorted((DistrictLine(code, region_name(code) if code else "—", *counts)
                             for code, counts in by_district.items()), key=lambda d: d.code)
    page.digest = await digest_task
    page.trend = [TrendPoint(one.label, visits, reached) for one, (visits, reached) in zip(weeks, await week_counts)]
    return page


async def _start(session: AsyncSession, db: Database | None,
                 read: Callable[[AsyncSession], Awaitable[T]]) -> asyncio.Future[T]:
    """`read` started on a connection of its own (given the database), else read now on `session`."""
    if db is not None:
        return asyncio.ensure_future(_in_own_session(db, read))
    done: asyncio.Future[T] = asyncio.get_running_loop().create_future()
    done.set_result(await read(session))
    return done


async def _in_own_session(db: Database, read: Callable[[AsyncSession], Awaitable[T]]) -> T:
    async with db.sessions() as own:
        return await read(own)


async def week_visits(session: AsyncSession, actor: Actor, week: Week, sources: Mapping[str, RowProvider], *,
                      specialist_id: int | None = None, district: str | None = None) -> list[Mapping[str, Any]]:
    """The visits behind the week's figure (of one specialist, or one district)."""
    region = await supervisor_region(session, actor, week)
    rows = await _rows(sources.get("visits"), session, week, region)
    if specialist_id is not None:
        rows = [r for r in rows if r.get("specialist_id") == specialist_id]
    if district:
        rows = [r for r in rows if _district(r.get("region_code")) == district]
    return rows[:LIST_LIMIT]


async def week_overdue(session: AsyncSession, actor: Actor, week: Week,
                       sources: Mapping[str, RowProvider]) -> list[Mapping[str, Any]]:
    """The measures overdue at the week's end, by the digest's rule, oldest due first."""
    region = await supervisor_region(session, actor, week)
    after = week.end + timedelta(days=1)
    late = [m for m in await _rows(sources.get("measures"), session, week, region) if is_overdue(m, after)]
    return sorted(late, key=lambda m: m["due_on"])[:LIST_LIMIT]


async def unvisited_this_month(session: AsyncSession, actor: Actor, week: Week) -> list[Mapping[str, Any]]:
    """The region's companies with no visit from the 1st of the week's last month to its end."""
    region = await supervisor_region(session, actor, week)
    visited = await _visited(session, _month(week), region)
    return [c async for c in company_rows(session, week, region) if c["company_id"] not in visited][:LIST_LIMIT]


async def waiting_questions(session: AsyncSession, actor: Actor, week: Week) -> list[Mapping[str, Any]]:
    region = await supervisor_region(session, actor, week)
    return [q async for q in unanswered_rows(session, week, region)][:LIST_LIMIT]


async def my_companies(session: AsyncSession, actor: Actor, today: date, tz: ZoneInfo) -> list[CompanyRow]:
    """A specialist's assigned companies (everyone else: those they see), what needs a visit
    first: never visited, then the longest since the last visit, then the most open measures."""
    if actor.role == Role.sme:
        await _refuse(session, actor, "workbench.companies", "not_allowed")
    rows = await company_overview(session, actor, today, tz, limit=LIST_LIMIT)
    oldest = datetime.min.replace(tzinfo=tz)
    return sorted(rows, key=lambda r: (r.last_visit or oldest, -r.open_measures, r.name))


def eligibility_of(catalog: Catalog, facts: dict[str, Any], as_of: date) -> tuple[dict[str, Any], list[ProgrammeResult]]:
    """The facts the packs know and the programmes' results on them (in force first)."""
    known = known_facts(catalog, facts or {})
    results = catalog.evaluate(catalog.parse_facts(known), as_of)
    return known, sorted(results, key=lambda r: (not r.in_force, r.status != "eligible", r.title))


async def company_page(session: AsyncSession, actor: Actor, company_id: int, catalog: Catalog,
                       today: date) -> CompanyPage:
    """A company's card for staff: visits, measures, facts, eligibility with citations."""
    if actor.role == Role.sme:
        await _refuse(session, actor, "workbench.company", "not_allowed", company_id=company_id)
    card = await company_card(session, actor, company_id, today)  # refused (audited) when not visible
    facts, results = eligibility_of(catalog, card.company.facts or {}, today)
    return CompanyPage(card, facts, results)


async def sme_page(session: AsyncSession, actor: Actor, catalog: Catalog, today: date,
                   company_id: int | None = None) -> SmePage:
    """An SME's own company: its measures and eligibility results. Another id is refused."""
    if actor.role != Role.sme or actor.company_id is None:
        await _refuse(session, actor, "workbench.sme", "not_allowed", company_id=company_id)
    if company_id is not None and company_id != actor.company_id:
        await _refuse(session, actor, "workbench.sme", "not_visible", company_id=company_id)
    company, measures = await plans.plan_for(session, actor, actor.company_id, today=today)
    _known, results = eligibility_of(catalog, company.facts or {}, today)
    return SmePage(company.id, company.name, measures, results)

