"""Exactly-once writes per Telegram update.

Telegram redelivers an update when it did not see our answer in time. The
update's id is recorded in the same transaction as the writes it caused, so a
second copy's writes fail on that primary key and roll back, and an update
whose writes failed leaves no id behind and can be tried again.

Skipping a copy before any handler runs (so it is not answered twice) is the
job of `Redeliveries`: ids this process has seen are remembered, and the
database is asked only about ids not newer than the newest it held when the
process started, which is where a restart's redeliveries come from.
"""

from __future__ import annotations

from collections import OrderedDict

from sqlalchemy import event, func
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import Session, select

from services.session import AsyncSession, Database
from storage.db import make_sessionmaker
from storage.models import ProcessedUpdate

_WROTE = "ipbot.wrote"
_MARKED = "ipbot.update_marked"


async def already_processed(session: AsyncSession, update_id: int) -> bool:
    found = await session.exec(select(ProcessedUpdate.update_id).where(ProcessedUpdate.update_id == update_id))
    return found.first() is not None


class Redeliveries:
    """Which incoming updates are copies of ones already handled."""

    def __init__(self, remember: int = 50_000) -> None:
        self.remember = remember
        self.recent: OrderedDict[int, None] = OrderedDict()
        self.horizon: int | None = None

    async def is_copy(self, session: AsyncSession, update_id: int) -> bool:
        if update_id in self.recent:
            return True
        self.recent[update_id] = None
        if len(self.recent) > self.remember:
            self.recent.popitem(last=False)
        if self.horizon is None:
            newest = (await session.exec(select(func.max(ProcessedUpdate.update_id)))).one()
            self.horizon = -1 if newest is None else newest
        return update_id <= self.horizon and await already_processed(session, update_id)

    def forget(self, update_id: int) -> None:
        """An update that failed may be delivered again and must then be handled."""
        self.recent.pop(update_id, None)


class UpdateSession(Session):
    """The session behind one update; remembers whether anything was flushed, so
    read-only updates stay read-only (no commit, no ProcessedUpdate row).

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
