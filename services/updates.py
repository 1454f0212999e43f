"""Exactly-once writes per Telegram update.

Every update arrives through the inbox (services.inbox). Its writes commit in the
same transaction as its inbox row turning done, so a second copy's writes find the
row done and roll back, and an update whose writes failed leaves its row pending.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import event
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import Session

from services.inbox import AlreadyDone, mark_done_with
from services.session import AsyncSession, Database
from storage.db import make_sessionmaker

__all__ = ["Receipt", "AlreadyDone", "UpdateSession", "update_sessions", "has_writes", "commit_update"]

_WROTE = "ipbot.wrote"


@dataclass(slots=True)
class Receipt:
    """How the handling of one recorded update went, for the intake that fed it."""

    inbox_id: int
    marked: bool = False  # its writes committed with the row marked done
    error: str | None = None  # it failed; the row is parked with this


class UpdateSession(Session):
    """The session behind one update; remembers whether anything was flushed, so
    read-only updates stay read-only (no commit, no inbox write in their transaction).

    A class of its own, with the listener set once here, rather than a listener added
    to every session: `event.listen` on an instance costs more than creating the
    session, on every update.
    """


@event.listens_for(UpdateSession, "after_flush")
def _mark_wrote(sync_session: Session, _context: object) -> None:
    sync_session.info[_WROTE] = True


@event.listens_for(UpdateSession, "do_orm_execute")
def _mark_statement_wrote(state: ORMExecuteState) -> None:
    """`session.exec(update(...))` / insert / delete write without a flush: count them too."""
    if state.is_update or state.is_delete or state.is_insert:
        state.session.info[_WROTE] = True


def update_sessions(db: Database) -> async_sessionmaker[AsyncSession]:
    """Sessions for `commit_update`: one per update, on the database's engine."""
    return make_sessionmaker(db.engine, sync_session_class=UpdateSession)


def has_writes(session: AsyncSession) -> bool:
    s = session.sync_session
    assert isinstance(s, UpdateSession), "a session from update_sessions() is needed to see flushed writes"
    return bool(s.info.get(_WROTE) or s.new or s.dirty or s.deleted)


async def commit_update(session: AsyncSession, receipt: Receipt | None) -> None:
    """Commit the update's writes with its inbox row; safe to call again after more writes.

    Handlers call this before they reply, so a user is never told "saved" about
    something a failed commit then threw away. Raises `AlreadyDone` when a copy of the
    update committed first (the caller rolls back and stays silent).
    """
    if not has_writes(session):
        return
    if receipt is not None and not receipt.marked:
        await mark_done_with(session, receipt.inbox_id)
        await session.commit()
        receipt.marked = True
    else:
        await session.commit()
    session.sync_session.info[_WROTE] = False
