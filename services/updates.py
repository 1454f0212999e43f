"""Exactly-once writes per Telegram update.

Telegram redelivers an update when it did not see our answer in time. The
update's id is recorded in the same transaction as the writes it caused, so a
redelivered update finds its id and is skipped, and an update whose writes
failed leaves no id behind and can be tried again.
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlmodel import select

from services.session import AsyncSession
from storage.models import ProcessedUpdate

_WROTE = "ipbot.wrote"
_MARKED = "ipbot.update_marked"


async def already_processed(session: AsyncSession, update_id: int) -> bool:
    found = await session.exec(select(ProcessedUpdate.update_id).where(ProcessedUpdate.update_id == update_id))
    return found.first() is not None


def track_writes(session: AsyncSession) -> None:
    """Remember whether anything was flushed, so read-only updates stay read-only."""
    event.listen(session.sync_session, "after_flush", _mark_wrote)


def _mark_wrote(sync_session: Session, _context: object) -> None:
    sync_session.info[_WROTE] = True


def has_writes(session: AsyncSession) -> bool:
    s = session.sync_session
    return bool(s.info.get(_WROTE) or s.new or s.dirty or s.deleted)


async def commit_update(session: AsyncSession, update_id: int) -> None:
    """Commit the update's writes with its id; safe to call again after more writes.

    Handlers call this before they reply, so a user is never told "saved" about
    something a failed commit then threw away.
    """
    info = session.sync_session.info
    if not has_writes(session):
        return
    if not info.get(_MARKED):
        session.add(ProcessedUpdate(update_id=update_id))
        info[_MARKED] = True
    await session.commit()
    info[_WROTE] = False
