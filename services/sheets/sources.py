"""The roster's and the digest's row sources over the real tables: visits, 一企一策
measures (the visits feature) and attendance (the training feature).

Each is a row provider (services.sheets.base) yielding the row shape its sheet module
documents. Region: the company's region for visits and measures, the session's region
for attendance, within the region the way the access rule says
(`services.companies.within_region`); `None` is every region. Rows are streamed from the
database (a server-side cursor on PostgreSQL), so 30,000 rows never sit in memory at once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import select

from locales import t
from services.companies import within_region
from services.session import AsyncSession
from services.sheets.base import Row, RowProvider
from services.sheets.period import Period
from services.sheets.training import progress_people
from services.targets import Target, load_targets
from storage.models import Company, Measure, Training, User, Visit
from storage.training_tables import Enrolment, Trainee

__all__ = ["attendance_query", "attendance_rows", "measure_rows", "overdue_measure_count", "sources", "visit_rows"]

BATCH = 1000
_DONE, _OPEN = "已完成", "进行中"


async def _stream(session: AsyncSession, query: Any) -> AsyncIterator[Any]:
    """The query's rows as mappings, fetched BATCH at a time: one trip through the async
    bridge a batch, not one a row (a greenlet switch each, most of the cost of a row)."""
    result = await session.stream(query.execution_options(yield_per=BATCH))
    async for batch in result.mappings().partitions(BATCH):
        for row in batch:
            yield row


def _joined(items: list[str] | None) -> str:
    return "；".join(i for i in (items or []) if i)


async def visit_rows(session: AsyncSession, period: Period, region: str | None) -> AsyncIterator[Row]:
    """One row per visit made in the period (services.sheets.visits). The visit records who
    took part, not a contact's phone, so `contact_phone` is empty; `follow_up` is the
    needs and problems noted (the measures agreed are on 一企一策措施)."""
    query = (sa.select(Visit.id, Visit.visited_at, Visit.way, Visit.topics, Visit.findings, Visit.needs,
                       Visit.problems, Visit.participants, Visit.specialist_id, Visit.company_id, Company.name.label("company_name"),
                       Company.uscc, Company.region_code, User.full_name.label("specialist_name"))
             .join(Company, Company.id == Visit.company_id).outerjoin(User, User.id == Visit.specialist_id)
             .where(Visit.visited_at >= period.start_utc, Visit.visited_at < period.end_utc)
             .order_by(Visit.visited_at, Visit.id))
    if region:
        query = query.where(within_region(Company.region_code, region))
    async for r in _stream(session, query):
        yield {"visit_id": r["id"], "company_id": r["company_id"], "visited_at": r["visited_at"],
               "company_name": r["company_name"],
               "uscc": r["uscc"], "region_code": r["region_code"], "specialist_id": r["specialist_id"],
               "specialist_name": r["specialist_name"] or "", "contact_name": r["participants"] or None,
               "contact_phone": None, "way": r["way"],
               "topic": "、".join(t(f"topic_{code}", "zh") for code in (r["topics"] or [])) or None,
               "notes": r["findings"] or None, "follow_up": _joined([*(r["needs"] or []), *(r["problems"] or [])]) or None}


def _measures(period: Period, region: str | None, overdue_only: bool) -> Any:
    owner, specialist = aliased(User), aliased(User)
    query = (sa.select(Measure.id, Measure.what, Measure.status, Measure.due_on, Measure.done_at, Measure.created_at,
                       Company.name.label("company_name"), Company.uscc, Company.region_code,
                       owner.full_name.label("owner_name"), specialist.full_name.label("specialist_name"))
             .select_from(Measure))
    return (_measures_open(query, period, region, overdue_only)
            .outerjoin(owner, owner.id == Measure.owner_id)
            .outerjoin(specialist, specialist.id == Company.specialist_id)
            .order_by(Measure.due_on, Measure.id))


def _measures_open(query: Any, period: Period, region: str | None, overdue_only: bool) -> Any:
    """The measures open in the period (and, `overdue_only`, overdue at its end) of the region:
    one rule for the rows and for their count."""
    # Agreed at a visit, a measure is open from that visit, however late it was typed in. Asked
    # as EXISTS, not by an outer join to visits: PostgreSQL then hashed every visit (a third of
    # the digest's count of overdue measures, bench/workbench.py), SQLite read each one's row.
    agreed = sa.exists().where(Visit.id == Measure.visit_id, Visit.visited_at < period.end_utc)
    query = (query.join(Company, Company.id == Measure.company_id)
             .where(sa.or_(Measure.created_at < period.end_utc, agreed),
                    sa.or_(Measure.done_at.is_(None), Measure.done_at >= period.start_utc)))
    if region:
        query = query.where(within_region(Company.region_code, region))
    if overdue_only:  # the row's rule below: done = done_at before the end, else status "done"
        query = query.where(Measure.due_on < period.end + timedelta(days=1),
                            sa.or_(sa.and_(Measure.done_at.is_(None), Measure.status != "done"),
                                   Measure.done_at >= period.end_utc))
    return query


async def measure_rows(session: AsyncSession, period: Period, region: str | None, *,
                       overdue_only: bool = False) -> AsyncIterator[Row]:
    """Measures open at any time in the period: agreed (the visit it came from, else its
    creation) before its end, not done before its start; status and done date as of the period's end (services.sheets.measures adds
    whether each is overdue then). `specialist_name` is the company's specialist (the
    owner when the company has none): the digest lists overdue measures by them.

    `overdue_only`: only the rows `services.sheets.measures.is_overdue` finds overdue at
    the period's end (due before the day after it, not done by then), chosen in the
    database: the digest needs those of a region's 20,000, not all."""
    async for r in _stream(session, _measures(period, region, overdue_only)):
        done_at: datetime | None = r["done_at"]
        done = done_at < period.end_utc if done_at is not None else r["status"] == "done"
        yield {"measure_id": r["id"], "company_name": r["company_name"], "uscc": r["uscc"],
               "region_code": r["region_code"], "specialist_name": r["specialist_name"] or r["owner_name"] or "",
               "owner_name": r["owner_name"] or "", "measure": r["what"], "status": _DONE if done else _OPEN,
               "due_on": r["due_on"], "done_on": done_at.astimezone(period.tz).date() if done and done_at else None,
               "created_at": r["created_at"]}


async def overdue_measure_count(session: AsyncSession, period: Period, region: str | None) -> int:
    """How many rows `measure_rows(..., overdue_only=True)` yields, counted in the database."""
    query = _measures_open(sa.select(sa.func.count()).select_from(Measure), period, region, True)
    return int((await session.exec(query)).scalar_one())


def attendance_query(period: Period, region: str | None) -> Any:
    """The rows of `attendance_rows`, unordered: one rule for the rows and for what the digest
    counts of them (services.digest_counts.attendance_counts)."""
    earlier = aliased(Enrolment)
    first_time = ~sa.exists().where(earlier.trainee_id == Enrolment.trainee_id, earlier.status == "attended",
                                    earlier.session_starts_at < Enrolment.session_starts_at)
    query = (sa.select(Training.title, Training.starts_at, Training.location, Training.online_link,
                       Training.region_code, Training.category.label("training_category"), Trainee.name,
                       Trainee.mobile, Trainee.company, Trainee.category,
                       Enrolment.trainee_id, Enrolment.training_id, Enrolment.checked_in_at,
                       first_time.label("first_time"))
             .join(Training, Training.id == Enrolment.training_id).join(Trainee, Trainee.id == Enrolment.trainee_id)
             .where(Enrolment.status == "attended", Enrolment.session_starts_at >= period.start_utc,
                    Enrolment.session_starts_at < period.end_utc))
    return query.where(within_region(Training.region_code, region)) if region else query


async def attendance_rows(session: AsyncSession, period: Period, region: str | None) -> AsyncIterator[Row]:
    """One row per person who attended a session that started in the period, in the order
    sessions started. `first_time` says it was the person's first attended session (the
    rule of services.progress: a person counts once, at their first session), so the
    digest's "new people trained" and 培训进度 count people, not attendances. Phones are
    given as the national number for mainland mobiles; the sheet masks them."""
    query = attendance_query(period, region).order_by(Enrolment.session_starts_at, Enrolment.training_id,
                                                       Enrolment.id)
    async for r in _stream(session, query):
        mobile = r["mobile"] or ""
        yield {"training_id": r["training_id"], "training_title": r["title"], "starts_at": r["starts_at"],
               "location": r["location"] or r["online_link"] or None,
               "category": r["training_category"], "trainee_category": r["category"],
               "region_code": r["region_code"], "trainee_id": r["trainee_id"], "attendee_name": r["name"],
               "attendee_phone": mobile[3:] if mobile.startswith("+86") else mobile or None,
               "company_name": r["company"] or None, "uscc": None, "checked_in_at": r["checked_in_at"],
               "first_time": bool(r["first_time"])}


def sources(targets: list[Target] | None = None) -> dict[str, RowProvider]:
    """The real tables' providers; 培训进度 counts by services.progress against `targets`
    (the deployment's, `load_targets(settings.training_targets)`; the built-in ones if None)."""
    return {"visits": visit_rows, "measures": measure_rows, "attendance": attendance_rows,
            "progress": progress_people(targets if targets is not None else load_targets())}
