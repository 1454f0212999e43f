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
from collections.abc import Sequence
from datetime import date
from typing import Any
from weakref import WeakKeyDictionary

import sqlalchemy as sa
from sqlalchemy import distinct, func
from sqlalchemy.sql import visitors
from sqlmodel import col, select

from policy import Catalog
from services.companies import within_region
from services.session import AsyncSession
from services.sheets import Period
from storage.models import Company, Visit

__all__ = ["region_clause", "in_region", "visited_clause", "week_visits", "coverage", "new_eligible"]


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
    query = (select(func.count(), func.count(distinct(Visit.company_id))).select_from(Visit)
             .join(Company, Company.id == Visit.company_id)
             .where(Visit.visited_at >= period.start_utc, Visit.visited_at < period.end_utc))
    visits, reached = (await session.exec(in_region(query, region))).one()
    return int(visits), int(reached)


async def coverage(session: AsyncSession, periods: Sequence[Period], region: str | None) -> list[float | None]:
    """For each period: the share of the region's companies with a specialist that had a
    visit in it (None when no company has a specialist), all periods in one query."""
    counts = [func.coalesce(func.sum(sa.case((visited_clause(p), 1), else_=0)), 0) for p in periods]
    query = select(func.count(), *counts).select_from(Company).where(col(Company.specialist_id).is_not(None))
    assigned, *visited = (await session.exec(in_region(query, region))).one()
    return [None if not assigned else int(v) / int(assigned) for v in visited]


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
