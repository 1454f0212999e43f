"""The digest's counted figures, counted in the database over the real tables.

The digest's definitions (services.digest) are written over the roster's rows; over the
deployment's own tables (services.sheets.sources) the same numbers are a few grouped
queries with the same join and region rule as the rows (`Visit` joined to its `Company`,
the company's region by `within_region`), instead of reading every visit of the year into
Python. services.digest uses these only when its row source is the real table's
(`services.sheets.sources.visit_rows`); rows a deployment feeds of its own are counted
row by row, as before.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from weakref import WeakKeyDictionary

import sqlalchemy as sa
from sqlalchemy import distinct, func
from sqlalchemy.sql import visitors
from sqlmodel import select

from policy import Catalog
from services.companies import within_region
from services.session import AsyncSession
from services.sheets import Period
from services.sheets.sources import attendance_query
from storage.models import Company, Visit

__all__ = ["region_clause", "in_region", "visited_clause", "week_visits", "weekly_visits", "CompanyGroup",
           "company_groups", "coverage", "coverage_of", "Counted", "attendance_counts", "new_eligible"]


def _literal(bind: Any) -> None:
    bind.literal_execute = True


def region_clause(column: Any, region: str) -> Any:
    """`services.companies.within_region` (the one region rule), with the region's prefix
    written into the statement rather than bound: PostgreSQL then plans for this region's
    share of the companies. Bound, a prepared statement's generic plan (asyncpg's, after
    five runs) guesses that LIKE matches 0.5% of them and probes the visits company by
    company, ten times slower on a region of 20,000. The prefix is a division code
    (digits, services.regions), rendered by SQLAlchemy as a quoted literal."""
    return visitors.cloned_traverse(within_region(column, region), {}, {"bindparam": _literal})


def in_region(query: Any, region: str | None, column: Any = None) -> Any:
    """`query` narrowed to companies (`column`: Company.region_code) within `region` (None: all)."""
    return query.where(region_clause(Company.region_code if column is None else column, region)) if region else query


def visited_clause(period: Period) -> Any:
    """The company (`Company`, the outer query's) had a visit in `period`: an index probe
    on visits.company_id per company, not a scan of the period's visits."""
    return sa.exists().where(Visit.company_id == Company.id, Visit.visited_at >= period.start_utc,
                             Visit.visited_at < period.end_utc)


async def week_visits(session: AsyncSession, period: Period, region: str | None) -> tuple[int, int]:
    """Visits made in `period` to companies within `region`, and the companies they reached:
    the number of the roster's visit rows and of their distinct `company_id`s."""
    return (await weekly_visits(session, [period], region))[0]


async def weekly_visits(session: AsyncSession, periods: Sequence[Period], region: str | None) -> list[tuple[int, int]]:
    """`week_visits` of each of `periods` (which must not overlap), in one query: the rows of
    the span they cover are read once and counted per period (the workbench's 12-week trend
    and the digest's two weeks were fourteen queries, each joining the region's companies)."""
    spans = sorted((p.start_utc, p.end_utc) for p in periods)
    if any(later[0] < earlier[1] for earlier, later in zip(spans, spans[1:])):
        raise ValueError("overlapping periods: weekly_visits counts each visit in one period")
    which = sa.case(*((sa.and_(Visit.visited_at >= p.start_utc, Visit.visited_at < p.end_utc), i)
                      for i, p in enumerate(periods)))
    rows = in_region(select(which.label("period"), Visit.company_id).select_from(Visit)
                     .join(Company, Company.id == Visit.company_id)
                     .where(Visit.visited_at >= spans[0][0], Visit.visited_at < spans[-1][1]), region).subquery()
    query = select(rows.c.period, func.count(), func.count(distinct(rows.c.company_id))).group_by(rows.c.period)
    counts = {i: (int(n), int(reached)) for i, n, reached in (await session.exec(query)).all() if i is not None}
    return [counts.get(i, (0, 0)) for i in range(len(periods))]


@dataclass(frozen=True)
class CompanyGroup:
    """The region's companies of one specialist (None: none) in one division code, and for
    each period asked about how many of them had a visit in it."""

    specialist_id: int | None
    region_code: str | None
    companies: int
    visited: tuple[int, ...]


async def company_groups(session: AsyncSession, periods: Sequence[Period], region: str | None) -> list[CompanyGroup]:
    """Every company within `region`, grouped by specialist and division code, with the number
    visited in each period: the digest's coverage, and the workbench's coverage by specialist
    and district and "not visited this month", are sums of these groups, read once.

    SQLite answers "had a visit in the period" fastest as a probe per company on
    (company_id, visited_at); PostgreSQL plans those probes as a hash of every visit per
    period, and is two to three times faster reading the span's visits once, grouped by company."""
    if session.bind.dialect.name == "postgresql":
        flags = [func.max(sa.case((sa.and_(Visit.visited_at >= p.start_utc, Visit.visited_at < p.end_utc), 1),
                                  else_=0)).label(f"v{i}") for i, p in enumerate(periods)]
        per_company = (select(Visit.company_id, *flags)
                       .where(Visit.visited_at >= min(p.start_utc for p in periods),
                              Visit.visited_at < max(p.end_utc for p in periods))
                       .group_by(Visit.company_id).subquery())
        counts = [func.coalesce(func.sum(per_company.c[f"v{i}"]), 0) for i in range(len(periods))]
        query = (select(Company.specialist_id, Company.region_code, func.count(), *counts).select_from(Company)
                 .outerjoin(per_company, per_company.c.company_id == Company.id))
    else:
        counts = [func.coalesce(func.sum(sa.case((visited_clause(p), 1), else_=0)), 0) for p in periods]
        query = select(Company.specialist_id, Company.region_code, func.count(), *counts)
    query = in_region(query.group_by(Company.specialist_id, Company.region_code), region)
    return [CompanyGroup(sid, code, int(n), tuple(int(v) for v in visited))
            for sid, code, n, *visited in (await session.exec(query)).all()]


def coverage_of(groups: Sequence[CompanyGroup], index: int) -> float | None:
    """The share of the companies with a specialist visited in the `index`th period (None
    when no company has a specialist)."""
    assigned = sum(g.companies for g in groups if g.specialist_id is not None)
    return sum(g.visited[index] for g in groups if g.specialist_id is not None) / assigned if assigned else None


async def coverage(session: AsyncSession, periods: Sequence[Period], region: str | None) -> list[float | None]:
    """For each period: the share of the region's companies with a specialist that had a
    visit in it (None when no company has a specialist), all periods in one query."""
    groups = await company_groups(session, periods, region)
    return [coverage_of(groups, i) for i in range(len(periods))]


def _span(period: Period) -> tuple[datetime, datetime]:
    return period.start_utc, period.end_utc


@dataclass(frozen=True)
class Counted:
    """What a caller is already counting with `weekly_visits` and `company_groups` (tasks it
    started: each is awaited more than once), for the digest to take instead of counting it
    again: the workbench's week page reads the trend's weeks and the companies' groups once,
    for the page and for its digest. A period the caller did not count, the digest counts."""

    weeks: Sequence[Period]
    week_counts: Awaitable[list[tuple[int, int]]]
    periods: Sequence[Period]
    groups: Awaitable[list[CompanyGroup]]

    async def week_visits(self, period: Period) -> tuple[int, int] | None:
        spans = [_span(w) for w in self.weeks]
        return (await self.week_counts)[spans.index(_span(period))] if _span(period) in spans else None

    async def coverage(self, period: Period) -> tuple[bool, float | None]:
        """(known, share): known False when the caller did not count this period."""
        spans = [_span(p) for p in self.periods]
        if _span(period) not in spans:
            return False, None
        return True, coverage_of(await self.groups, spans.index(_span(period)))


async def attendance_counts(session: AsyncSession, period: Period, region: str | None) -> tuple[int, int]:
    """Of the roster's attendance rows (services.sheets.sources.attendance_rows) of `period`:
    the people at their first attended session, and the sessions; (0, 0) without a row."""
    rows = attendance_query(period, region).subquery()
    query = select(func.count(distinct(sa.case((rows.c.first_time, rows.c.trainee_id)))),
                   func.count(distinct(rows.c.training_id)))
    people, sessions = (await session.exec(query)).one()
    return int(people), int(sessions)


async def new_eligible(session: AsyncSession, period: Period, region: str | None, catalog: Catalog) -> int:
    """(company, programme) pairs eligible as of the period's last day among the region's
    companies whose facts were saved in the period: the rows of 资格核查
    (services.sheets.companies.eligibility_rows) with `eligible` and `facts_updated_at` in
    the period, evaluating only the companies saved in it. Facts are overwritten on save,
    so a past week is recomputed with today's facts of the companies saved in it (an
    approximation)."""
    query = in_region(select(Company.facts).where(Company.updated_at >= period.start_utc,
                                                  Company.updated_at < period.end_utc), region)
    count = 0
    for facts in (await session.exec(query)).all():
        known = {k: v for k, v in (facts or {}).items() if k in catalog.registry}
        if known:
            count += _eligible(catalog, known, period.end)
    return count


#: Evaluations remembered per catalog: (as_of, the facts as JSON) -> programmes eligible.
_EVALUATED: WeakKeyDictionary[Catalog, OrderedDict[tuple[date, str], int]] = WeakKeyDictionary()
REMEMBERED = 50_000


def _eligible(catalog: Catalog, facts: dict[str, Any], as_of: date) -> int:
    """How many programmes find `facts` eligible on `as_of`. The engine is a pure function
    of the catalog, the facts and the day, and a week's page or digest asks it again about
    the same few hundred companies each time it is opened, so answers are remembered (the
    newest REMEMBERED per catalog): a company whose facts change is asked about anew."""
    memo = _EVALUATED.setdefault(catalog, OrderedDict())
    key = (as_of, json.dumps(facts, sort_keys=True, default=str))
    if key in memo:
        memo.move_to_end(key)
        return memo[key]
    memo[key] = answer = sum(1 for r in catalog.evaluate(catalog.parse_facts(facts), as_of) if r.status == "eligible")
    if len(memo) > REMEMBERED:
        memo.popitem(last=False)
    return answer
