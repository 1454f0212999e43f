"""Dialog (FSM) state in the project's database, for the embedded default without Redis.

aiogram's MemoryStorage loses a half-filled dialog on every restart; this storage keeps
state and data in the `dialog_state` table, so a user presses the next button after a
redeploy and goes on. Reads come from memory after the first: on SQLite one process
owns the file, so a write-through copy is always current. With several processes
(PostgreSQL without Redis) the copy is not kept and every read asks the database;
Redis stays the choice there, for its per-user event isolation too.

It has an engine (connection pool) of its own: an update's session holds a connection
for the whole update, and aiogram-dialog reads and writes state inside it, so sharing
one pool lets a burst of updates each hold a connection while waiting for a second.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, KeyBuilder, StateType, StorageKey
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from services.session import Database
from storage.models import DialogState
from storage.types import utcnow

_TABLE = DialogState.__table__


class DatabaseStorage(BaseStorage):
    def __init__(self, db: Database, key_builder: KeyBuilder | None = None) -> None:
        self.db = Database(db.url)
        self.key_builder = key_builder or DefaultKeyBuilder(with_destiny=True)
        self.cached = db.engine.dialect.name == "sqlite"
        self._cache: dict[str, tuple[str | None, dict[str, Any]]] = {}
        self._insert = (postgresql if db.engine.dialect.name == "postgresql" else sqlite).insert

    async def _load(self, key: str) -> tuple[str | None, dict[str, Any]]:
        if self.cached and key in self._cache:
            return self._cache[key]
        async with self.db.engine.connect() as connection:
            row = (await connection.execute(select(_TABLE.c.state, _TABLE.c.data).where(_TABLE.c.key == key))).first()
        entry = (row.state, dict(row.data or {})) if row else (None, {})
        if self.cached:
            self._cache[key] = entry
        return entry

    async def _save(self, key: str, state: str | None, data: dict[str, Any]) -> None:
        async with self.db.engine.begin() as connection:
            if state is None and not data:
                await connection.execute(_TABLE.delete().where(_TABLE.c.key == key))
            else:
                values = {"key": key, "state": state, "data": data, "updated_at": utcnow()}
                statement = self._insert(_TABLE).values(**values)
                await connection.execute(statement.on_conflict_do_update(
                    index_elements=["key"], set_={"state": state, "data": data, "updated_at": values["updated_at"]}))
        if self.cached:
            self._cache[key] = (state, copy.deepcopy(data))

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
        await self.db.close()
