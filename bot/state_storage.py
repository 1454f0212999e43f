"""Dialog (FSM) state in the project's database, for the embedded default without Redis.

aiogram's MemoryStorage loses a half-filled dialog on every restart; this storage keeps
state and data in the `dialog_state` table, so a user presses the next button after a
redeploy and goes on.

Inside an update, writes are kept aside (`update_scope`) and written once the update's
own transaction has committed, in one short transaction that writes first: on SQLite a
transaction that read before it writes fails at once ("database is locked") when another
commit came in between, and an update's session must never wait for a lock it holds
itself. An update that fails leaves the dialog where it was. The storage has an engine
of its own, so an update holding a connection never waits for a second from its pool.

Reads come from memory after the first on SQLite, where one process owns the file. With
several processes (PostgreSQL without Redis) every read asks the database; Redis stays
the choice there, for its per-user event isolation too.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, KeyBuilder, StateType, StorageKey
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from services.session import Database
from storage.models import DialogState
from storage.types import utcnow

_TABLE = DialogState.__table__
Entry = tuple[str | None, dict[str, Any]]

class StateBuffer:
    """State written during one update, not yet in the database."""

    def __init__(self) -> None:
        self.entries: dict[tuple[DatabaseStorage, str], Entry] = {}

    async def flush(self) -> None:
        by_storage: dict[DatabaseStorage, dict[str, Entry]] = {}
        for (storage, key), entry in self.entries.items():
            by_storage.setdefault(storage, {})[key] = entry
        self.entries.clear()
        for storage, entries in by_storage.items():
            await storage._write(entries)


_current: ContextVar[StateBuffer | None] = ContextVar("ipbot_state_buffer", default=None)


@contextmanager
def update_scope() -> Iterator[StateBuffer]:
    """For the duration of one update, state writes wait in a buffer the caller flushes."""
    buffer = StateBuffer()
    token = _current.set(buffer)
    try:
        yield buffer
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
        buffer = _current.get()
        if buffer is not None and (self, key) in buffer.entries:
            return buffer.entries[(self, key)]
        if self.cached and key in self._cache:
            return self._cache[key]
        async with self.own.engine.connect() as connection:
            row = (await connection.execute(
                select(_TABLE.c.state, _TABLE.c.data).where(_TABLE.c.key == key))).first()
        entry = (row.state, dict(row.data or {})) if row else (None, {})
        if self.cached:
            self._cache[key] = entry
        return entry

    async def _save(self, key: str, state: str | None, data: dict[str, Any]) -> None:
        """aiogram-dialog saves its (often empty, unchanged) stack on every update: only a
        change is written."""
        if await self._load(key) == (state, data):
            return
        entry = (state, copy.deepcopy(data))
        buffer = _current.get()
        if buffer is not None:
            buffer.entries[(self, key)] = entry
        else:
            await self._write({key: entry})

    async def _write(self, entries: dict[str, Entry]) -> None:
        now = utcnow()
        async with self.own.engine.begin() as connection:
            for key, (state, data) in entries.items():
                if state is None and not data:
                    await connection.execute(_TABLE.delete().where(_TABLE.c.key == key))
                    continue
                statement = self._insert(_TABLE).values(key=key, state=state, data=data, updated_at=now)
                await connection.execute(statement.on_conflict_do_update(
                    index_elements=["key"], set_={"state": state, "data": data, "updated_at": now}))
        if self.cached:
            self._cache.update(entries)

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
