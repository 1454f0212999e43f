"""The audit log: denials, invites and exports."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from services.session import AsyncSession
from storage.models import AuditEntry


async def record(session: AsyncSession, action: str, outcome: str, telegram_id: int | None = None, **detail: Any) -> None:
    session.add(AuditEntry(telegram_id=telegram_id, action=action, outcome=outcome, detail=detail))


async def recent(session: AsyncSession, action: str | None = None, limit: int = 50) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if action:
        query = query.where(AuditEntry.action == action)
    return list((await session.exec(query)).all())
