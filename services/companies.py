"""Companies served under 一企一策, and who may see them."""

from __future__ import annotations

from sqlmodel import select
from stdnum.cn import uscc as uscc_number
from stdnum.exceptions import ValidationError

from services.errors import Refusal
from services.session import AsyncSession
from services.users import Actor
from storage.models import Company, Role

__all__ = ["Company", "CompanyError", "normalise_uscc", "find_by_uscc", "visible_companies", "can_see", "add_company"]


class CompanyError(Refusal):
    """A company cannot be found, seen or registered."""


def normalise_uscc(text: str) -> str:
    """The 18-character unified social credit code, check digit verified (GB 32100-2015)."""
    try:
        return uscc_number.validate(text)
    except ValidationError:
        raise CompanyError("bad_uscc") from None


async def find_by_uscc(session: AsyncSession, text: str) -> Company | None:
    code = normalise_uscc(text)
    return (await session.exec(select(Company).where(Company.uscc == code))).first()


async def add_company(
    session: AsyncSession, uscc: str, name: str, region_code: str | None = None, specialist_id: int | None = None
) -> Company:
    code = normalise_uscc(uscc)
    name = " ".join(name.split())
    if not 1 <= len(name) <= 128:
        raise CompanyError("bad_name")
    if (await session.exec(select(Company).where(Company.uscc == code))).first():
        raise CompanyError("exists")
    company = Company(uscc=code, name=name, region_code=region_code, specialist_id=specialist_id)
    session.add(company)
    await session.flush()
    return company


def can_see(actor: Actor, company: Company) -> bool:
    """SMEs see only their own company; specialists theirs and their region's; supervisors their region."""
    if actor.role == Role.admin:
        return True
    if actor.role == Role.sme:
        return company.id == actor.company_id
    if actor.role == Role.specialist and company.specialist_id == actor.user_id:
        return True
    if actor.role in (Role.specialist, Role.supervisor):
        return actor.region_code is None or (company.region_code or "").startswith(actor.region_code)
    return False


async def visible_companies(session: AsyncSession, actor: Actor, limit: int = 200) -> list[Company]:
    query = select(Company).order_by(Company.name).limit(limit)
    if actor.role == Role.sme:
        if actor.company_id is None:
            return []
        query = query.where(Company.id == actor.company_id)
    elif actor.role == Role.specialist:
        if actor.region_code:
            query = query.where(
                (Company.specialist_id == actor.user_id) | Company.region_code.startswith(actor.region_code)
            )
    elif actor.role == Role.supervisor and actor.region_code:
        query = query.where(Company.region_code.startswith(actor.region_code))
    return list((await session.exec(query)).all())


async def company_name(session: AsyncSession, company_id: int) -> str | None:
    company = await session.get(Company, company_id)
    return company.name if company else None
