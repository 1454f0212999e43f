"""Shared fixtures: a migrated database per test, on SQLite and on a real PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from uuid import uuid4

import pytest

from services.session import Database

PG_SERVER = "postgres@127.0.0.1:5432"


@asynccontextmanager
async def fresh_postgres_database() -> AsyncIterator[str]:
    """A new, empty PostgreSQL database, dropped afterwards.

    PostgreSQL runs on this machine and in CI; a test using it is skipped, saying so,
    only when no server answers on 127.0.0.1:5432.
    """
    import asyncpg

    try:
        admin = await asyncpg.connect(f"postgresql://{PG_SERVER}/postgres", timeout=3)
    except (OSError, asyncpg.PostgresError) as exc:
        pytest.skip(f"no PostgreSQL reachable at {PG_SERVER}: {exc}")
    name = f"ipbot_test_{uuid4().hex[:12]}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+asyncpg://{PG_SERVER}/{name}"
    finally:
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.close()


@pytest.fixture
async def pg_url():
    async with fresh_postgres_database() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
async def db(request, tmp_path):
    """A fresh, migrated database: a SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        database = Database(f"sqlite+aiosqlite:///{tmp_path / 'ipbot.db'}")
        await database.upgrade()
        yield database
        await database.close()
        return
    async with fresh_postgres_database() as url:
        database = Database(url)
        await database.upgrade()
        yield database
        await database.close()
