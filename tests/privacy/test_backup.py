"""Backups that restore: a backup taken while a writer commits visits, measures, attendance and
invites holds every one committed before it began, and restores into a new database with nothing
missing (SQLite's online backup API; pg_dump/pg_restore on the real PostgreSQL at 127.0.0.1:5432,
skipped, saying why, only when no server answers). A restore refuses a database with data unless forced."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from bot.cli import main
from services import backup
from services.session import Database, unit_of_work
from storage.models import Company, Invite, Measure, Role, Training, User, Visit
from storage.training_tables import Enrolment, Trainee
from storage.types import utcnow
from tests.databases import copy_sqlite, fresh_postgres_database, pooled_postgres, sqlite_template

BEFORE, AFTER = 25, 5  # writes committed before the backup begins, and at least this many once it ended





@contextlib.asynccontextmanager
async def source_database(kind: str, folder: Path):
    """A migrated database with a bot's tables: a SQLite file, or a new PostgreSQL database."""
    if kind == "sqlite":
        await asyncio.to_thread(copy_sqlite, await sqlite_template(), folder / "source.db")
        yield f"sqlite+aiosqlite:///{folder / 'source.db'}"
        return
    async with pooled_postgres() as url:
        yield url


@contextlib.asynccontextmanager
async def empty_database(kind: str, folder: Path):
    if kind == "sqlite":
        yield f"sqlite+aiosqlite:///{folder / 'restored.db'}"
        return
    async with fresh_postgres_database() as url:
        yield url


@dataclass
class Written:
    visits: list[int] = field(default_factory=list)
    measures: list[int] = field(default_factory=list)
    attendance: list[int] = field(default_factory=list)
    invites: list[int] = field(default_factory=list)

    def upto(self, n: int) -> dict[str, set[int]]:
        return {k: set(v[:n]) for k, v in vars(self).items()}


async def writer(db: Database, written: Written, stop: asyncio.Event) -> None:
    """Traffic: one transaction at a time, each a visit, its measure, a person's attendance and an
    invite, as the bot writes them; a transaction's ids are listed once it committed."""
    async with unit_of_work(db) as s:
        company = Company(uscc="91320585MA1W8K7Q3G", name="太仓精工机械有限公司", region_code="320585")
        specialist = User(telegram_id=8201, role=Role.specialist, full_name="王特派", region_code="320585")
        s.add_all([company, specialist])
        await s.flush()
        training = Training(title="专利挖掘实务", starts_at=utcnow(), region_code="320585", organiser_id=specialist.id)
        s.add(training)
        await s.flush()
        ids = company.id, specialist.id, training.id, training.starts_at
    company_id, specialist_id, training_id, starts_at = ids
    i = 0
    while not stop.is_set():
        async with unit_of_work(db) as s:
            visit = Visit(client_key=f"draft-{i}", company_id=company_id, specialist_id=specialist_id, way="onsite",
                          visited_at=utcnow(), findings=f"第 {i} 次走访")
            trainee = Trainee(name=f"学员{i}", mobile=f"+86136{i:08d}", category="贯标内审员")
            invite = Invite(token_hash=secrets.token_hex(32), role=Role.sme, expires_at=utcnow() + timedelta(days=7))
            s.add_all([visit, trainee, invite])
            await s.flush()
            measure = Measure(company_id=company_id, visit_id=visit.id, what=f"措施 {i}", owner_id=specialist_id,
                              due_on=date(2026, 12, 31))
            attendance = Enrolment(training_id=training_id, trainee_id=trainee.id, status="attended",
                                   session_starts_at=starts_at)
            s.add_all([measure, attendance])
            await s.flush()
            row = visit.id, measure.id, attendance.id, invite.id
        for ids_of, new in zip(vars(written).values(), row):
            ids_of.append(new)
        i += 1
        await asyncio.sleep(0)


async def _wait_for(written: Written, n: int) -> None:
    deadline = asyncio.get_running_loop().time() + 10
    while len(written.visits) < n:
        assert asyncio.get_running_loop().time() < deadline, f"the writer made {len(written.visits)} of {n} writes"
        await asyncio.sleep(0.005)


async def _rows(url: str) -> dict[str, set[int]]:
    db = Database(url)
    try:
        async with db.sessions() as s:
            return {
                "visits": set((await s.exec(select(Visit.id))).all()),
                "measures": set((await s.exec(select(Measure.id))).all()),
                "attendance": set((await s.exec(select(Enrolment.id).where(Enrolment.status == "attended"))).all()),
                "invites": set((await s.exec(select(Invite.id))).all()),
                "orphans": set((await s.exec(select(Measure.id).where(Measure.visit_id.not_in(select(Visit.id))))).all()),
            }
    finally:
        await db.close()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
async def test_a_backup_during_traffic_restores_everything_committed_before_it(kind, tmp_path):
    file = tmp_path / ("backup.db" if kind == "sqlite" else "backup.dump")
    async with source_database(kind, tmp_path) as url:
        db = Database(url)
        written, stop = Written(), asyncio.Event()
        traffic = asyncio.create_task(writer(db, written, stop))
        try:
            await _wait_for(written, BEFORE)
            begun = len(written.visits)  # every write listed so far had committed
            await backup.backup(url, file)
            ended = len(written.visits)
            print(f"{kind}: {ended - begun} writes committed while the backup ran")
            await _wait_for(written, ended + AFTER)  # the writer went on through and after the backup
        finally:
            stop.set()
            await traffic
            await db.close()
        async with empty_database(kind, tmp_path) as target:
            counts = await backup.restore(file, target)
            restored = await _rows(target)
    for kind_of_row, before in written.upto(begun).items():
        missing = before - restored[kind_of_row]
        assert not missing, f"{kind_of_row} committed before the backup began are missing: {sorted(missing)}"
        # nothing in the copy that was never committed, and no half of a transaction
        assert restored[kind_of_row] <= set(getattr(written, kind_of_row))
    assert len({len(restored[k]) for k in ("visits", "measures", "attendance", "invites")}) == 1
    assert restored["orphans"] == set()
    assert (counts.visits, counts.measures, counts.attendance, counts.invites) == \
        tuple(len(restored[k]) for k in ("visits", "measures", "attendance", "invites"))
    assert begun <= counts.visits <= len(written.visits) - AFTER


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
async def test_a_restore_refuses_a_database_with_data_unless_forced(kind, tmp_path):
    file = tmp_path / ("backup.db" if kind == "sqlite" else "backup.dump")
    async with source_database(kind, tmp_path) as url:
        db = Database(url)
        try:
            async with unit_of_work(db) as s:
                s.add(Company(uscc="91320585MA1W8K7Q3G", name="太仓精工机械有限公司"))
            await backup.backup(url, file)
            async with unit_of_work(db) as s:
                s.add(Company(uscc="91320506MA1Y4D5E8P", name="吴中某某科技有限公司"))
        finally:
            await db.close()
        with pytest.raises(backup.BackupError, match="holds data.*--force"):
            await backup.restore(file, url)
        assert (await backup.restore(file, url, force=True)).companies == 1  # as it was when backed up
        with pytest.raises(backup.BackupError, match="exists already"):
            await backup.backup(url, file)


def test_the_command_line_backs_up_restores_and_says_what_it_restored(tmp_path, capsys):
    source = tmp_path / "ipbot.db"

    async def seed() -> int:
        await asyncio.to_thread(copy_sqlite, await sqlite_template(), source)
        db = Database(f"sqlite+aiosqlite:///{source}")
        written, stop = Written(), asyncio.Event()
        task = asyncio.create_task(writer(db, written, stop))
        await _wait_for(written, 3)
        stop.set()
        await task
        await db.close()
        return len(written.visits)

    n = asyncio.run(seed())
    assert main(["--db", str(source), "db", "backup", str(tmp_path / "b.db")]) == 0
    said = capsys.readouterr().out
    assert "written to" in said and f"it holds visits {n}, measures {n}, attendance {n}, invites {n}" in said
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith("b.db") and p.name != "b.db"]  # one file
    assert main(["--db", str(tmp_path / "new.db"), "db", "restore", str(tmp_path / "b.db")]) == 0
    assert f"visits {n}, measures {n}, attendance {n}, invites {n}" in capsys.readouterr().out
    assert main(["--db", str(tmp_path / "new.db"), "db", "restore", str(tmp_path / "b.db")]) == 2
    assert "holds data" in capsys.readouterr().err
    assert main(["--db", str(tmp_path / "new.db"), "db", "restore", "--force", str(tmp_path / "b.db")]) == 0
    assert main(["--db", "postgresql+asyncpg://u:secret@127.0.0.1:5432/x", "db", "restore",
                 str(tmp_path / "b.db")]) == 2
    err = capsys.readouterr().err
    assert "SQLite backup" in err and "secret" not in err
