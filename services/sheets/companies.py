"""企业名册 and 资格核查: the companies served, and each one's eligibility as of the week.

Nothing on this branch records individual eligibility checks, so 资格核查 shows what the
policy engine finds for each company's saved facts as of the period's last day (one row
per company and programme), with the document and clause behind each programme.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from sqlmodel import select

from locales.programmes import label, status_word, why_not_in_force
from policy import Catalog
from services.companies import within_region
from services.session import AsyncSession
from services.sheets.base import Row, RowProvider, Sheet, columns
from services.sheets.period import Period
from storage.models import Company, User

COMPANY_COLUMNS = columns("companies")

ELIGIBILITY_COLUMNS = columns("eligibility")


async def company_rows(session: AsyncSession, _period: Period, region: str | None) -> AsyncIterator[Row]:
    """Every company in the region (the register is not per week), by name."""
    query = (select(Company, User.full_name).outerjoin(User, User.id == Company.specialist_id)
             .order_by(Company.region_code, Company.name))
    if region:
        query = query.where(within_region(Company.region_code, region))
    for company, specialist in (await session.exec(query)).all():
        yield {"company_id": company.id, "company_name": company.name, "uscc": company.uscc,
               "region_code": company.region_code, "specialist_id": company.specialist_id,
               "specialist_name": specialist or "", "facts": company.facts or {},
               "created_at": company.created_at, "updated_at": company.updated_at}


def eligibility_rows(catalog: Catalog) -> RowProvider:
    """One row per company and programme, evaluated as of the period's last day."""
    async def provide(session: AsyncSession, period: Period, region: str | None) -> AsyncIterator[Row]:
        async for company in company_rows(session, period, region):
            facts = {k: v for k, v in company["facts"].items() if k in catalog.registry}
            if not facts:
                continue
            for result in catalog.evaluate(catalog.parse_facts(facts), period.end):
                yield {**_company_part(company), "programme": result.title, "status": status_word(result.status, "zh"),
                       "eligible": result.status == "eligible", "tier": result.tier,
                       "gaps": _gaps(catalog, result), "citation": result.citation.text(),
                       "in_force": "执行期内" if result.in_force else _ended(result),
                       "as_of": period.end, "facts_updated_at": company["updated_at"]}
    return provide


def _company_part(company: dict[str, Any]) -> dict[str, Any]:
    keys = ("company_id", "company_name", "uscc", "region_code", "specialist_id", "specialist_name")
    return {k: company[k] for k in keys}


def _ended(result: Any) -> str:
    """执行期已结束, with the sentence saying when (locales.programmes, as chat says it)."""
    if not result.in_force_code:
        return "执行期已结束"
    return "执行期已结束：" + why_not_in_force(result.in_force_code, result.in_force_params, "zh")


def _gaps(catalog: Catalog, result: Any) -> str:
    """What is missing; "还差 N" only for a programme in force (an ended one offers nothing to reach)."""
    parts = [f"{label(g.label, 'zh', catalog)}：还差 {g.short_by:g}" if g.short_by is not None and result.in_force
             else label(g.label, "zh", catalog) for g in result.gaps]
    parts += [f"缺少：{catalog.label(name)}" for name in result.missing]
    return "；".join(parts)


COMPANIES = Sheet("企业名册", COMPANY_COLUMNS, company_rows)


def eligibility_sheet(catalog: Catalog) -> Sheet:
    return Sheet("资格核查", ELIGIBILITY_COLUMNS, eligibility_rows(catalog))
