"""Shared fixtures: a migrated database per test, on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from uuid import uuid4

import pytest

from services.session import Database
from storage.migrate import MIGRATIONS

PG_SERVER = "postgres@127.0.0.1:5432"


@asynccontextmanager
async def fresh_postgres_database(template: str | None = None) -> AsyncIterator[str]:
    """A new PostgreSQL database, empty or a copy of `template`, dropped afterwards.

    PostgreSQL runs on this machine and in CI; a test using it is skipped, saying so,
    only when no server answers on 127.0.0.1:5432.
    """
    import asyncpg

    try:
        admin = await asyncpg.connect(f"postgresql://{PG_SERVER}/postgres", timeout=3)
    except (OSError, asyncpg.PostgresError) as exc:
        pytest.skip(f"no PostgreSQL reachable at {PG_SERVER}: {exc}")
    name = f"ipbot_test_{uuid4().hex[:12]}"
    await admin.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
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
    """A fresh, migrated database: a SQLite file, or a new PostgreSQL database.

    Both are copies of a template migrated once (a file copy; `CREATE DATABASE … TEMPLATE`):
    migrating costs about 0.4 s a database, and every test here gets the same schema.
    Tests of the migrations themselves start from an empty database (`pg_url`, a bare file).
    """
    if request.param == "sqlite":
        path = tmp_path / "ipbot.db"
        await asyncio.to_thread(copy_sqlite, await sqlite_template(), path)
        database = Database(f"sqlite+aiosqlite:///{path}")
        yield database
        await database.close()
        return
    async with fresh_postgres_database(template=await _postgres_template()) as url:
        database = Database(url)
        yield database
        await database.close()


_TEMPLATES: dict[str, object] = {}


def _migrations_hash() -> str:
    """Names a template by the migrations it was built from, so a changed migration builds a new one."""
    digest = hashlib.sha256()
    for path in sorted(MIGRATIONS.rglob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


async def sqlite_template() -> Path:
    path = _TEMPLATES.get("sqlite")
    if path is None:
        path = Path(tempfile.mkdtemp(prefix="ipbot-template-")) / "template.db"
        database = Database(f"sqlite+aiosqlite:///{path}")
        await database.upgrade()
        await database.close()
        _TEMPLATES["sqlite"] = path
    return path


def copy_sqlite(source: Path, target: Path) -> None:
    """SQLite's own backup API: a consistent copy whatever the source's WAL holds."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


async def _postgres_template() -> str:
    """A migrated database to copy, built once per migrations state and kept on the server
    (under a name with the migrations' hash); built under a temporary name and renamed, so
    two test runs at once never copy a half-migrated one."""
    name = _TEMPLATES.get("postgresql")
    if name is not None:
        return name
    import asyncpg

    name = f"ipbot_tmpl_{_migrations_hash()}"
    try:
        admin = await asyncpg.connect(f"postgresql://{PG_SERVER}/postgres", timeout=3)
    except (OSError, asyncpg.PostgresError) as exc:
        pytest.skip(f"no PostgreSQL reachable at {PG_SERVER}: {exc}")
    try:
        if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            building = f"ipbot_tmpl_build_{uuid4().hex[:12]}"
            await admin.execute(f'CREATE DATABASE "{building}"')
            database = Database(f"postgresql+asyncpg://{PG_SERVER}/{building}")
            await database.upgrade()
            await database.close()
            try:
                await admin.execute(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
            except asyncpg.DuplicateDatabaseError:  # another run built it first
                await admin.execute(f'DROP DATABASE "{building}" WITH (FORCE)')
    finally:
        await admin.close()
    _TEMPLATES["postgresql"] = name
    return name
