"""Shared fixtures: a migrated database per test, on SQLite and on a real PostgreSQL (made
by tests/databases.py); and no SSL pause when a bot closes its HTTP session."""

from __future__ import annotations

import asyncio

import pytest

from services.session import Database
from tests.databases import (  # noqa: F401 - re-exported: tests import these from here
    PG_SERVER, close_postgres_pool, copy_sqlite, fresh_postgres_database, pooled_postgres, postgres_pool,
    sqlite_template)


@pytest.fixture(scope="session", autouse=True)
def _close_bot_sessions_without_the_ssl_pause():
    """aiogram's `AiohttpSession.close` sleeps 250 ms after closing, for SSL connections to
    shut down (aiohttp's graceful-shutdown advice). Tests talk plain HTTP to the emulator, and
    every bot stopped (over a hundred a run) would pay it: here it closes without the pause."""
    from aiogram.client.session.aiohttp import AiohttpSession

    async def close(self: AiohttpSession) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(AiohttpSession, "close", close)
        yield


@pytest.fixture
async def pg_url():
    async with fresh_postgres_database() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
async def db(request, tmp_path):
    """A fresh, migrated database: a SQLite file, or a new PostgreSQL database.

    Both are copies of a template migrated once (a file copy; `CREATE DATABASE … TEMPLATE`):
    migrating costs about 0.4 s a database, and every test here gets the same schema. The
    PostgreSQL copies are made one test ahead and dropped after it on a thread of their own
    (`PostgresPool`). Tests of the migrations themselves start from an empty database
    (`pg_url`, a bare file).
    """
    if request.param == "sqlite":
        path = tmp_path / "ipbot.db"
        await asyncio.to_thread(copy_sqlite, await sqlite_template(), path)
        database = Database(f"sqlite+aiosqlite:///{path}")
        yield database
        await database.close()
        return
    async with pooled_postgres() as url:
        database = Database(url)
        try:
            yield database
        finally:
            await database.close()


@pytest.fixture(scope="session", autouse=True)
def _close_the_postgres_pool():
    yield
    close_postgres_pool()
