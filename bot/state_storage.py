"""Dialog (FSM) state in the project's database, for the embedded default without Redis.

aiogram's MemoryStorage loses a half-filled dialog on every restart; this storage keeps
state and data in the `dialog_state` table, so a user presses the next button after a
redeploy and goes on.

Inside an update, writes are kept aside (`update_scope`) and written once the update's
own transaction has committed, in one short transaction that writes first: on SQLite a
transaction that read before it writes fails at once ("database is locked") when another
commit came in between. An update that fails leaves the dialog where it was.

The storage uses the project's one engine (the `Database` it is given). Inside an update
it reads and writes through the update's own session, so an update never holds one
connection of the pool while it waits for a second (with many users at once, every
connection could be held by an update waiting so); outside an update it borrows a
connection for the one statement.

Reads come from a small cache after the first on SQLite, where one process owns the
file; the cache keeps the most recently used dialogs (`CACHE_SIZE`) for at most
`CACHE_SECONDS`, so memory stays bounded however many people ever wrote to the bot. With
several processes (PostgreSQL without Redis) every read asks the database; Redis stays
the choice there, for its per-user event isolation too.
"""

from __future__ import annotations

import copy
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, KeyBuilder, StateType, StorageKey
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from services.session import AsyncSession, Database
from storage.models import DialogState
from storage.types import utcnow

_TABLE = DialogState.__table__
Entry = tuple[str | None, dict[str, Any]]

#: Dialogs kept in memory on SQLite, and for how long; an evicted one is read again.
CACHE_SIZE = 10_000
CACHE_SECONDS = 3600.0


class StateCache:
    """The most recently used `size` entries, none older than `max_age` seconds."""

    def __init__(self, size: int = CACHE_SIZE, max_age: float = CACHE_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.size, self.max_age, self.clock = size, max_age, clock
        self._entries: OrderedDict[str, tuple[float, Entry]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str) -> Entry | None:
        found = self._entries.get(key)
        if found is None:
            return None
        if self.clock() - found[0] > self.max_age:
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return found[1]

    def put(self, key: str, entry: Entry) -> None:
        if self.size <= 0:
            return
        self._entries[key] = (self.clock(), entry)
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()


class StateBuffer:
    """State written during one update, not yet in the database, and that update's session."""

    def __init__(self, session: AsyncSession | None = None) -> None:
        self.session = session
        self.entries: dict[tuple[DatabaseStorage, str], Entry] = {}

    async def flush(self) -> None:
        by_storage: dict[DatabaseStorage, dict[str, Entry]] = {}
        for (storage, key), entry in self.entries.items():
            by_storage.setdefault(storage, {})[key] = entry
        self.entries.clear()
        for storage, entries in by_storage.items():
            await storage._write(entries, self.session)


_current: ContextVar[StateBuffer | None] = ContextVar("ipbot_state_buffer", default=None)


@contextmanager
def update_scope(session: AsyncSession | None = None) -> Iterator[StateBuffer]:
    """For the duration of one update, state writes wait in a buffer the caller flushes
    (after committing `session`, the update's own, which reads and the flush then use)."""
    buffer = StateBuffer(session)
    token = _current.set(buffer)
    try:
        yield buffer
    finally:
        _current.reset(token)


class DatabaseStorage(BaseStorage):
    def __init__(self, db: Database, key_builder: KeyBuilder | None = None, cache: StateCache | None = None) -> None:
        self.db = db
        self.key_builder = key_builder or DefaultKeyBuilder(with_destiny=True)
        dialect = db.engine.dialect.name
        self._cache = cache if cache is not None else StateCache(CACHE_SIZE if dialect == "sqlite" else 0)
        self._insert = (postgresql if dialect == "postgresql" else sqlite).insert

    # ------------------------------------------------------------------ rows

    async def _load(self, key: str) -> Entry:
        buffer = _current.get()
        if buffer is not None and (self, key) in buffer.entries:
            return buffer.entries[(self, key)]
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        query = select(_TABLE.c.state, _TABLE.c.data).where(_TABLE.c.key == key)
        if buffer is not None and buffer.session is not None:
            row = (await (await buffer.session.connection()).execute(query)).first()
        else:
            async with self.db.engine.connect() as connection:
                row = (await connection.execute(query)).first()
        entry = (row.state, dict(row.data or {})) if row else (None, {})
        self._cache.put(key, entry)
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

    async def _write(self, entries: dict[str, Entry], session: AsyncSession | None = None) -> None:
        if session is not None:
            await self._upsert(await session.connection(), entries)
            await session.commit()
        else:
            async with self.db.engine.begin() as connection:
                await self._upsert(connection, entries)
        for key, entry in entries.items():
            self._cache.put(key, entry)

    async def _upsert(self, connection: AsyncConnection, entries: dict[str, Entry]) -> None:
        now = utcnow()
        for key, (state, data) in entries.items():
            if state is None and not data:
                await connection.execute(_TABLE.delete().where(_TABLE.c.key == key))
                continue
            statement = self._insert(_TABLE).values(key=key, state=state, data=data, updated_at=now)
            await connection.execute(statement.on_conflict_do_update(
                index_elements=["key"], set_={"state": state, "data": data, "updated_at": now}))

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
        """The database is the project's and closes with it; only the cache goes."""
        self._cache.clear()
