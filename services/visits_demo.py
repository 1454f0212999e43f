"""Demo data for visits: a past visit with a photo-less record, an open and an overdue
一企一策 measure, titles and facts with their sources, so /visits, /companies, /plan and
the overdue reminder have something to show. Called by the demo seed after `seed_demo`."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from services.companies import name_key
from services.session import AsyncSession
from storage.models import Company, CompanyHistory, Measure, MeasureEvent, Role, User, Visit
from storage.types import utcnow


async def seed_visits_demo(session: AsyncSession, today: date | None = None) -> bool:
    """Add the visits demo once (False when there are visits already or no demo people).

    `today` is the demo's local day (ctx.today()); without it the UTC day, which is at
    most one day off and only moves the demo's due dates."""
    if (await session.exec(select(Visit).limit(1))).first() is not None:
        return False
    specialist = (await session.exec(select(User).where(User.role == Role.specialist).order_by(User.id))).first()
    found = list((await session.exec(select(Company).order_by(Company.id))).all())
    if specialist is None or not found:
        return False
    now = utcnow()
    today = today or now.date()
    for company in found:
        company.name_key = company.name_key or name_key(company.name)
        session.add(company)
    first = found[0]
    first.titles = {"ip_standard": "", "specialized": "2024-06-01"}
    session.add(first)
    session.add(CompanyHistory(company_id=first.id, field="title:specialized", value="2024-06-01",
                               source="demo:江苏省工信厅公示", as_of=today - timedelta(days=30)))
    for fact, value in (first.facts or {}).items():
        session.add(CompanyHistory(company_id=first.id, field=f"fact:{fact}", value=value, source="demo:企业自报",
                                   as_of=today - timedelta(days=20)))
    visit = Visit(client_key="demo-visit-1", company_id=first.id, specialist_id=specialist.id, way="onsite",
                  visited_at=now - timedelta(days=10), latitude=31.4571, longitude=121.1003,
                  topics=["first_invention", "ip_standard"], findings="需求：首件发明专利申请辅导\n问题：研发记录不完整",
                  needs=["首件发明专利申请辅导"], problems=["研发记录不完整"], participants="李总、研发部王工")
    session.add(visit)
    await session.flush()
    for what, due in (("协助梳理研发记录，挖掘可申请发明的技术点", today - timedelta(days=2)),
                      ("辅导提交首件发明专利申请", today + timedelta(days=20))):
        measure = Measure(company_id=first.id, visit_id=visit.id, what=what, owner_id=specialist.id, due_on=due,
                          created_by=specialist.id)
        session.add(measure)
        await session.flush()
        session.add(MeasureEvent(measure_id=measure.id, actor_id=specialist.id, action="created", due_after=due))
    return True
