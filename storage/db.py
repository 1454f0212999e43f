"""Engine and session factory.

SQLite runs in WAL mode with a busy timeout so the bot, the scheduler and the
command line can share one file; PostgreSQL needs nothing special here.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel import Session
from sqlmodel.ext.asyncio.session import AsyncSession

SQLITE_BUSY_TIMEOUT_MS = 5000
#: Pages read through a memory map rather than a read() call each (pages are shared with the
#: OS cache, not copied per connection): the week page's counts over 100,000 visits read
#: tens of thousands of index pages, a quarter faster so (bench/workbench.py).
SQLITE_MMAP_BYTES = 256 * 1024 * 1024


def make_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    if url.startswith("sqlite"):
        _ensure_sqlite_dir(url)
        engine = create_async_engine(url, echo=echo, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    # 30 connections per process, all kept, none opened beyond: an update holds one from its first
    # query to its commit, so a bot with dozens of updates in flight used every connection it could
    # open, and connections above the kept ones (SQLAlchemy's overflow) were closed on return and
    # opened again, milliseconds of CPU each on both sides: with 20 kept and 10 more, two instances
    # opened 31-51 connections in bench/scale.py's 11 s window; with 30 kept, 0-7. An update beyond
    # the 30th waits for a connection (up to the pool's 30 s). Several instances: PostgreSQL's
    # max_connections must cover 30 per instance and a few for the command line.
    # asyncpg prepares every statement, and after five runs PostgreSQL may keep one generic plan
    # for it; a region prefix bound as a parameter then plans "any region" and checks visits company
    # by company (ten times slower on bench/workbench.py). Custom plans cost a little planning per run.
    connect_args = {"server_settings": {"plan_cache_mode": "force_custom_plan"}} if "asyncpg" in url else {}
    return create_async_engine(url, echo=echo, pool_pre_ping=True, pool_size=30, max_overflow=0,
                               connect_args=connect_args)


def make_sessionmaker(engine: AsyncEngine, *, sync_session_class: type[Session] = Session,
                      ) -> async_sessionmaker[AsyncSession]:
    """`sync_session_class` lets a caller attach class-level session events (see
    services.updates.UpdateSession) instead of listening on each new session."""
    return async_sessionmaker(engine, class_=AsyncSession, sync_session_class=sync_session_class,
                              expire_on_commit=False)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
    cursor.close()


def _ensure_sqlite_dir(url: str) -> None:
    path = url.split("///", 1)[1] if "///" in url else ""
    if path and path != ":memory:" and not path.startswith("file:"):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
