"""The demo database: a few companies, people in every role, a training.

Demo people get their roles directly (they are fixtures of a local demo
database, not real users); everywhere else roles come only from invites.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import select

from services.session import AsyncSession
from services.training_demo import seed_training_demo
from services.visits_demo import seed_visits_demo
from storage.models import Company, InboxEntry, Role, User


@dataclass(frozen=True)
class Persona:
    key: str
    telegram_id: int
    first_name: str
    role: Role


PERSONAS = (
    Persona("specialist", 1001, "王特派", Role.specialist),
    Persona("sme", 1002, "李总", Role.sme),
    Persona("supervisor", 1003, "张主管", Role.supervisor),
    Persona("admin", 1004, "管理员", Role.admin),
)

REGION = "320500"  # 苏州市: the demo companies lie in 太仓 (320585) and 吴中 (320506)

COMPANIES = (
    ("91320585MA1W8K7Q3G", "太仓精工机械有限公司", "320585",
     {"is_sme": True, "is_key_sme": True, "rd_expense_last_year": 1_200_000, "invention_applications_total": 0}),
    ("91320585MA1X2B3C5X", "太仓新材料科技有限公司", "320585",
     {"is_sme": True, "invention_grants_this_year": 4, "valid_invention_patents": 19, "high_value_patents": 5}),
    ("91320506MA1Y4D5E8P", "苏州吴中智能装备股份有限公司", "320506",
     {"is_sme": True, "valid_invention_patents": 35, "high_value_patents": 6}),
)


async def seed_demo(session: AsyncSession) -> bool:
    """Fill an empty database; return False when it already has people."""
    if (await session.exec(select(User).limit(1))).first() is not None:
        return False
    specialist = None
    for persona in PERSONAS:
        user = User(telegram_id=persona.telegram_id, role=persona.role, full_name=persona.first_name,
                    region_code=REGION if persona.role != Role.admin else None)
        session.add(user)
        await session.flush()
        if persona.role == Role.specialist:
            specialist = user
    companies = []
    for uscc, name, region, facts in COMPANIES:
        company = Company(uscc=uscc, name=name, region_code=region, specialist_id=specialist.id, facts=facts)
        session.add(company)
        companies.append(company)
    await session.flush()
    sme = (await session.exec(select(User).where(User.role == Role.sme))).one()
    sme.company_id = companies[0].id
    session.add(sme)
    await session.flush()
    await seed_visits_demo(session)
    await seed_training_demo(session)
    return True


async def newest_update_id(session: AsyncSession) -> int:
    """The newest Telegram update id this database has recorded; 0 when none.

    A new demo run numbers its updates above it, as Telegram would within a week: the
    inbox takes an id it holds with the same content for a copy (and numbering from 1
    again is harmless there, but the demo should look like Telegram).
    """
    newest = (await session.exec(select(func.max(InboxEntry.update_id)))).one()
    return newest or 0
