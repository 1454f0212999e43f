"""Test databases made fast: one migrated template per kind, copied for each test.

SQLite: a file migrated once, copied with SQLite's backup API. PostgreSQL: a database
migrated once per state of the migrations and kept on the server, copied with
`CREATE DATABASE … TEMPLATE`, one test ahead, on a thread of its own (`PostgresPool`).
The fixtures that hand them out are in tests/conftest.py.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import hashlib
import sqlite3
import tempfile
import threading
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


_TEMPLATES: dict[str, object] = {}


class PostgresPool:
    """Copies of the PostgreSQL template made ahead of need and dropped after use, on a
    thread with an event loop of its own.

    Creating a copy and dropping it cost about 0.15 s a test, a few hundred times a run;
    here the next test's copy is made while this one runs, and a used one is dropped while
    the next runs. Each test still gets a database nobody else used.
    """

    def __init__(self, template: str) -> None:
        self.template = template
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="postgres-pool", daemon=True)
        self.thread.start()
        self.spare: concurrent.futures.Future | None = None
        self.drops: list[concurrent.futures.Future] = []

    def _run(self, coroutine) -> concurrent.futures.Future:  # noqa: ANN001
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop)

    async def _execute(self, sql: str) -> None:
        import asyncpg

        admin = await asyncpg.connect(f"postgresql://{PG_SERVER}/postgres", timeout=10)
        try:
            await admin.execute(sql)
        finally:
            await admin.close()

    async def _create(self) -> str:
        name = f"ipbot_test_{uuid4().hex[:12]}"
        await self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        return name

    async def take(self) -> str:
        """A new copy (awaited in the caller's loop); the next one is started meanwhile."""
        ready, self.spare = self.spare or self._run(self._create()), self._run(self._create())
        return await asyncio.wrap_future(ready)

    def give_back(self, name: str) -> None:
        self.drops = [d for d in self.drops if not d.done()]
        self.drops.append(self._run(self._execute(f'DROP DATABASE "{name}" WITH (FORCE)')))

    def close(self) -> None:
        """Drop the spare copy, wait for the drops under way, stop the thread."""
        if self.spare is not None:
            with contextlib.suppress(Exception):
                self.give_back(self.spare.result(timeout=30))
        concurrent.futures.wait(self.drops, timeout=30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)


async def postgres_pool() -> PostgresPool:
    pool = _TEMPLATES.get("postgresql-pool")
    if pool is None:
        pool = _TEMPLATES["postgresql-pool"] = PostgresPool(await _postgres_template())
    return pool


@asynccontextmanager
async def pooled_postgres() -> AsyncIterator[str]:
    """The URL of a fresh, migrated PostgreSQL database from the pool, given back afterwards
    (skipped, saying why, when no server answers)."""
    pool = await postgres_pool()
    name = await pool.take()
    try:
        yield f"postgresql+asyncpg://{PG_SERVER}/{name}"
    finally:
        pool.give_back(name)


def close_postgres_pool() -> None:
    pool = _TEMPLATES.pop("postgresql-pool", None)
    if pool is not None:
        pool.close()


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


@asynccontextmanager
async def emptied_redis(url: str) -> AsyncIterator[str]:
    """A real Redis database, emptied before and after; the test skips, saying why, only when
    none answers at ``url``. Each test module that uses one names its own database number."""
    from redis.asyncio import Redis

    client = Redis.from_url(url)
    try:
        await client.ping()
    except Exception as exc:  # noqa: BLE001 - any failure to reach it is the reason to skip
        await client.aclose()
        pytest.skip(f"no Redis reachable at {url}: {exc}")
    await client.flushdb()
    try:
        yield url
    finally:
        await client.flushdb()
        await client.aclose()
