"""待答复问题: SMEs' questions routed to a specialist and not answered by the period's end."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import func
from sqlmodel import select

from services.companies import within_region
from services.session import AsyncSession
from services.sheets.base import Row, Sheet, columns
from services.sheets.period import Period
from storage.models import Company, QuestionThread, User

COLUMNS = columns("questions")


def _waiting(query: Any, period: Period, region: str | None) -> Any:
    end = period.end_utc
    query = (query.join(Company, Company.id == QuestionThread.company_id)
             .where(QuestionThread.asked_at < end)
             .where((QuestionThread.answered_at.is_(None)) | (QuestionThread.answered_at >= end)))
    return query.where(within_region(Company.region_code, region)) if region else query


async def unanswered_count(session: AsyncSession, period: Period, region: str | None) -> int:
    """How many rows `unanswered_rows` yields, counted in the database."""
    return int((await session.exec(_waiting(select(func.count()).select_from(QuestionThread), period, region))).one())


async def unanswered_rows(session: AsyncSession, period: Period, region: str | None) -> AsyncIterator[Row]:
    """Asked before the period ended and, at its end, still without an answer; oldest first."""
    end = period.end_utc
    query = (_waiting(select(QuestionThread, Company, User.full_name), period, region)
             .outerjoin(User, User.id == Company.specialist_id)
             .order_by(QuestionThread.asked_at))
    for thread, company, specialist in (await session.exec(query)).all():
        yield {"thread_id": thread.id, "asked_at": thread.asked_at, "company_name": company.name,
               "uscc": company.uscc, "region_code": company.region_code, "specialist_id": company.specialist_id,
               "specialist_name": specialist or "", "question": thread.question,
               "waiting_days": max(0, (end - thread.asked_at).days)}


SHEET = Sheet("待答复问题", COLUMNS, unanswered_rows)
