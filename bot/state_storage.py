"""Dialog (FSM) state in the project's database, for the embedded default without Redis.

aiogram's MemoryStorage loses a half-filled dialog on every restart; this storage keeps
state and data in the `dialog_state` table, so a user presses the next button after a
redeploy and goes on.

Inside an update, state is read and written through that update's own session
(`bind_update_session`), so it commits with the update's other writes and its inbox
row, or not at all; an update never waits on a second connection for a lock its own
first one holds. Outside an update the storage uses an engine of its own.

Reads come from memory after the first on SQLite, where one process owns the file; an
update's writes reach that copy only when its transaction commits. With several
processes (PostgreSQL without Redis) every read asks the database; Redis stays the
choice there, for its per-user event isolation too.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, KeyBuilder, StateType, StorageKey
from sqlalchemy import event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from services.session import AsyncSession, Database
from services.updates import UpdateSession, note_write
from storage.models import DialogState
from storage.types import utcnow

_TABLE = DialogState.__table__
_PENDING = "ipbot.state_pending"
Entry = tuple[str | None, dict[str, Any]]

_current: ContextVar[AsyncSession | None] = ContextVar("ipbot_update_session", default=None)


@contextmanager
def bind_update_session(session: AsyncSession) -> Iterator[None]:
    """For the duration of one update, state goes through its session."""
    token = _current.set(session)
    try:
        yield
    finally:
        _current.reset(token)


class DatabaseStorage(BaseStorage):
    def __init__(self, db: Database, key_builder: KeyBuilder | None = None) -> None:
        self.own = Database(db.url)
        self.key_builder = key_builder or DefaultKeyBuilder(with_destiny=True)
        self.cached = db.engine.dialect.name == "sqlite"
        self._cache: dict[str, Entry] = {}
        self._insert = (postgresql if db.engine.dialect.name == "postgresql" else sqlite).insert

    # ------------------------------------------------------------------ rows

    async def _load(self, key: str) -> Entry:
        session = _current.get()
        if session is not None:
            pending = session.sync_session.info.get(_PENDING, {})
            if (self, key) in pending:
                return pending[(self, key)]
        if self.cached and key in self._cache:
            return self._cache[key]
        query = select(_TABLE.c.state, _TABLE.c.data).where(_TABLE.c.key == key)
        if session is not None:
            row = (await (await session.connection()).execute(query)).first()
        else:
            async with self.own.engine.connect() as connection:
                row = (await connection.execute(query)).first()
        entry = (row.state, dict(row.data or {})) if row else (None, {})
        if self.cached and session is None:
            self._cache[key] = entry
        return entry

    async def _save(self, key: str, state: str | None, data: dict[str, Any]) -> None:
        data = copy.deepcopy(data)
        if state is None and not data:
            statement = _TABLE.delete().where(_TABLE.c.key == key)
        else:
            now = utcnow()
            statement = self._insert(_TABLE).values(key=key, state=state, data=data, updated_at=now)
            statement = statement.on_conflict_do_update(index_elements=["key"],
                                                        set_={"state": state, "data": data, "updated_at": now})
        session = _current.get()
        if session is not None:
            await (await session.connection()).execute(statement)
            note_write(session)
            session.sync_session.info.setdefault(_PENDING, {})[(self, key)] = (state, data)
            return
        async with self.own.engine.begin() as connection:
            await connection.execute(statement)
        if self.cached:
            self._cache[key] = (state, data)

    def _committed(self, key: str, entry: Entry) -> None:
        if self.cached:
            self._cache[key] = entry

    # ------------------------------------------------------------------ aiogram's API

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        name = self.key_builder.build(key)
        _old, data = await self._load(name)
        await self._save(name, state.state if isinstance(state, State) else state, data)

    async def get_state(self, key: StorageKey) -> str | None:
        return (await self._load(self.key_builder.build(key)))[0]

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        name = self.key_builder.build(key)
        state, _old = await self._load(name)
        await self._save(name, state, dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        return copy.deepcopy((await self._load(self.key_builder.build(key)))[1])

    async def close(self) -> None:
        self._cache.clear()
        await self.own.close()


@event.listens_for(UpdateSession, "after_commit")
def _publish(session: Session) -> None:
    """The update's state writes are durable now: the in-memory copy may show them."""
    for (storage, key), entry in session.info.pop(_PENDING, {}).items():
        storage._committed(key, entry)


@event.listens_for(UpdateSession, "after_soft_rollback")
def _discard(session: Session, _previous: object) -> None:
    session.info.pop(_PENDING, None)
