"""Backups that restore: `ipbot db backup FILE` and `ipbot db restore FILE` (bot/cli_backup.py).

Each engine's own documented way, so a backup taken while the bot writes is consistent:

- SQLite: the online backup API (https://www.sqlite.org/backup.html; Python's
  `sqlite3.Connection.backup`), all pages in one step, so the copy is one read transaction:
  everything committed before it began, nothing half-written, while the bot goes on
  writing (WAL mode lets readers and the writer pass each other). The copy is written
  beside the target, checked (`PRAGMA quick_check`), switched to a self-contained
  rollback journal and only then renamed to FILE, so a FILE that exists is a whole backup.
- PostgreSQL: `pg_dump --format=custom` (https://www.postgresql.org/docs/15/app-pgdump.html:
  "consistent backups even if the database is being used concurrently"), restored with
  `pg_restore --single-transaction --exit-on-error --no-owner --no-privileges`. The client
  tools must be of the server's major version or newer (pg_dump refuses a newer server);
  a password in DATABASE_URL reaches them as PGPASSWORD, never on a command line.

A restore refuses a database that already holds any row unless forced: then an SQLite
target is overwritten page by page by the backup, a PostgreSQL target has every table,
sequence and enum type of its `public` schema dropped first. After a restore the
database is migrated to this code's newest revision (a backup may be older than the
code) and its counts are returned, so the operator sees what came back.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import func, inspect, text
from sqlalchemy.engine import make_url
from sqlmodel import select

from services.session import Database
from storage.models import Company, Invite, Measure, User, Visit
from storage.training_tables import Enrolment, Trainee

__all__ = ["BackupError", "Counts", "backup", "counts", "file_counts", "has_data", "restore", "safe_url"]

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class Counts:
    """What a database holds, as a restore reports it."""

    visits: int
    measures: int
    attendance: int  # enrolments with status attended
    invites: int
    users: int
    companies: int
    trainees: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def safe_url(url: str) -> str:
    """The URL as it may be printed: without its password."""
    return make_url(url).render_as_string(hide_password=True)


def _sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return None
    if not parsed.database or parsed.database == ":memory:":
        raise BackupError("an in-memory SQLite database has nothing to back up or restore into")
    return Path(parsed.database)


async def counts(db: Database) -> Counts:
    async with db.sessions() as session:
        async def n(model: type, *where: object) -> int:
            return (await session.exec(select(func.count()).select_from(model).where(*where))).one()

        return Counts(visits=await n(Visit), measures=await n(Measure),
                      attendance=await n(Enrolment, Enrolment.status == "attended"), invites=await n(Invite),
                      users=await n(User), companies=await n(Company), trainees=await n(Trainee))


def file_counts(path: Path) -> Counts:
    """What an SQLite backup file holds, read without changing it (no WAL switched on, no
    -wal or -shm file made beside it, as opening it as a bot database would)."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        def n(model: type, where: str = "") -> int:
            return connection.execute(f"SELECT count(*) FROM {model.__tablename__} {where}").fetchone()[0]

        return Counts(visits=n(Visit), measures=n(Measure), attendance=n(Enrolment, "WHERE status = 'attended'"),
                      invites=n(Invite), users=n(User), companies=n(Company), trainees=n(Trainee))
    finally:
        connection.close()


async def has_data(url: str) -> str | None:
    """The first table (but Alembic's own) holding a row, or None for an empty database."""
    path = _sqlite_path(url)
    if path is not None and (not path.exists() or path.stat().st_size == 0):
        return None
    db = Database(url)
    try:
        async with db.engine.connect() as connection:
            tables = await connection.run_sync(lambda c: inspect(c).get_table_names())
            for table in sorted(t for t in tables if t != "alembic_version"):
                quoted = connection.dialect.identifier_preparer.quote(table)
                if (await connection.execute(text(f"SELECT 1 FROM {quoted} LIMIT 1"))).first() is not None:
                    return table
        return None
    finally:
        await db.close()


# ------------------------------------------------------------------ backup

async def backup(url: str, target: Path) -> None:
    """Write a consistent backup of the database at `url` to `target` (which must not exist)."""
    if target.exists():
        raise BackupError(f"{target} exists already: choose a new name (a backup never overwrites one)")
    target.parent.mkdir(parents=True, exist_ok=True)
    path = _sqlite_path(url)
    if path is not None:
        if not path.exists():
            raise BackupError(f"{path} does not exist: there is no database to back up")
        await asyncio.to_thread(_sqlite_backup, path, target)
    else:
        await _pg_dump(url, target)


def _sqlite_backup(source: Path, target: Path) -> None:
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(source, timeout=30)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)  # pages=-1: every page in one step, one read transaction of the source
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            check = dst.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            dst.close()
    finally:
        src.close()
    if check != "ok":
        partial.unlink(missing_ok=True)
        raise BackupError(f"the copy failed SQLite's quick_check: {check}")
    os.replace(partial, target)


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed: install the PostgreSQL client tools of the server's major "
                          f"version (Debian/Ubuntu: apt install postgresql-client-15)")
    return found


def _pg_connection(url: str) -> tuple[list[str], dict[str, str]]:
    """libpq options and environment for DATABASE_URL; the password only in the environment."""
    parsed = make_url(url)
    args: list[str] = ["--no-password"]
    if parsed.host:
        args += ["--host", parsed.host]
    if parsed.port:
        args += ["--port", str(parsed.port)]
    if parsed.username:
        args += ["--username", parsed.username]
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    ssl = parsed.query.get("ssl") or parsed.query.get("sslmode")
    if isinstance(ssl, str):
        env["PGSSLMODE"] = {"true": "require", "false": "disable"}.get(ssl, ssl)
    return args, env


async def _run(tool: str, args: list[str], env: dict[str, str]) -> None:
    process = await asyncio.create_subprocess_exec(_pg_tool(tool), *args, env=env, stdout=asyncio.subprocess.PIPE,
                                                   stderr=asyncio.subprocess.PIPE)
    _out, err = await process.communicate()
    if process.returncode != 0:
        message = err.decode(errors="replace").strip()
        raise BackupError(f"{tool} failed (exit {process.returncode}): {message}")


async def _pg_dump(url: str, target: Path) -> None:
    args, env = _pg_connection(url)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        await _run("pg_dump", [*args, "--format=custom", "--file", str(partial), "--dbname",
                               make_url(url).database or ""], env)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, target)


# ------------------------------------------------------------------ restore

def _kind(source: Path) -> str:
    if not source.is_file():
        raise BackupError(f"{source} is no file")
    with source.open("rb") as fh:
        head = fh.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_CUSTOM_MAGIC):
        return "postgresql"
    raise BackupError(f"{source} is neither an SQLite backup nor a pg_dump custom-format archive")


async def restore(source: Path, url: str, *, force: bool = False) -> Counts:
    """Restore `source` into the database at `url`, migrate it, and return what it holds."""
    kind, path = _kind(source), _sqlite_path(url)
    if (kind == "sqlite") != (path is not None):
        raise BackupError(f"{source} is {'an SQLite' if kind == 'sqlite' else 'a PostgreSQL'} backup; restore it into a "
                          f"{'SQLite file (--db FILE)' if kind == 'sqlite' else 'PostgreSQL database (--db URL)'}")
    occupied = await has_data(url)
    if occupied and not force:
        raise BackupError(f"{safe_url(url)} holds data (table {occupied} has rows): restore into a new, empty "
                          f"database, or add --force to replace everything in it")
    if path is not None:
        if path.exists() and path.resolve() == source.resolve():
            raise BackupError("the backup and the database are the same file")
        await asyncio.to_thread(_sqlite_restore, source, path)
    else:
        if occupied:
            await _pg_empty(url)
        args, env = _pg_connection(url)
        await _run("pg_restore", [*args, "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
                                  "--dbname", make_url(url).database or "", str(source)], env)
    db = Database(url)
    try:
        await db.upgrade()
        return await counts(db)
    finally:
        await db.close()


def _sqlite_restore(source: Path, target: Path) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        check = src.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"{source} fails SQLite's quick_check: {check}")
        if src.execute("SELECT 1 FROM sqlite_master WHERE name = 'alembic_version'").fetchone() is None:
            raise BackupError(f"{source} is an SQLite file but no ipbot database (no alembic_version table)")
        target.parent.mkdir(parents=True, exist_ok=True)
        dst = sqlite3.connect(target, timeout=30)
        try:
            src.backup(dst)  # the target's pages replaced by the backup's, through SQLite (its WAL included)
        finally:
            dst.close()
    finally:
        src.close()


async def _pg_empty(url: str) -> None:
    """Drop every table, sequence and enum type of the `public` schema (a forced restore)."""
    db = Database(url)
    try:
        async with db.engine.begin() as connection:
            quote = connection.dialect.identifier_preparer.quote
            for kind, query in (
                ("TABLE", "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"),
                ("SEQUENCE", "SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = 'public'"),
                ("TYPE", "SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
                         "WHERE n.nspname = 'public' AND t.typtype = 'e'"),
            ):
                names = [row[0] for row in await connection.execute(text(query))]
                if names:
                    await connection.execute(text(f"DROP {kind} IF EXISTS "
                                                  + ", ".join(f"public.{quote(n)}" for n in names) + " CASCADE"))
    finally:
        await db.close()
