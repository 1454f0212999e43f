"""Time the numbers behind /progress: 30,000 trainees and 100,000 enrolments.

Fills a fresh database (SQLite file; PostgreSQL too when one answers on 127.0.0.1:5432)
with 2,000 sessions over 2026-2028, 30,000 people and 100,000 enrolments (about 70 %
attended), then times `services.progress.compute_progress` (median of 7 runs after one
warm-up). Yardstick in the same run: a bare `SELECT COUNT(DISTINCT trainee_id)` over the
attended enrolments, the least any exact count has to do. Goal: under 200 ms on SQLite.
The last line is `{"bench": "progress", "ms": <SQLite median>}`.

    .venv/bin/python bench/progress.py
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, insert, select  # noqa: E402

from services.progress import compute_progress  # noqa: E402
from services.session import Database  # noqa: E402
from services.targets import Target  # noqa: E402
from services.trainees import CATEGORIES  # noqa: E402
from storage.models import Training, User  # noqa: E402
from storage.training_tables import Enrolment, Trainee  # noqa: E402

TZ = ZoneInfo("Asia/Shanghai")
TRAINEES, ENROLMENTS, SESSIONS, ORGANISERS = 30_000, 100_000, 2_000, 40
REGIONS = ("320585", "320506", "320583", "320582", "320581", "320102", "320211", "320412")
TARGET = Target("bench-2026-2028", 30000, date(2026, 1, 1), date(2028, 12, 31),
                {"document": "bench", "clause": "bench"})
RUNS = 7


async def fill(db: Database) -> None:
    rng = random.Random(86)
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    async with db.sessions() as session:
        await session.exec(insert(User), params=[
            {"telegram_id": 10_000 + i, "role": "specialist", "full_name": f"特派员{i}", "language": "zh",
             "active": True, "created_at": now} for i in range(ORGANISERS)])
        start = datetime(2026, 1, 5, 1, 0, tzinfo=timezone.utc)
        await session.exec(insert(Training), params=[
            {"title": f"培训{i}", "category": CATEGORIES[i % 5], "starts_at": start + timedelta(hours=12 * i),
             "ends_at": start + timedelta(hours=12 * i + 3), "location": "会场", "region_code": REGIONS[i % 8],
             "capacity": 0, "seats_taken": 0, "organiser_id": 1 + i % ORGANISERS, "status": "scheduled",
             "checkin_secret": "", "created_at": now, "updated_at": now} for i in range(SESSIONS)])
        await session.exec(insert(Trainee), params=[
            {"name": f"学员{i}", "mobile": f"+86138{i:08d}", "company": "", "position": "",
             "category": CATEGORIES[i % 5], "created_at": now, "updated_at": now} for i in range(TRAINEES)])
        pairs: set[tuple[int, int]] = set()
        while len(pairs) < ENROLMENTS:
            pairs.add((rng.randint(1, SESSIONS), rng.randint(1, TRAINEES)))
        starts = {1 + i: start + timedelta(hours=12 * i) for i in range(SESSIONS)}
        rows = [{"training_id": t, "trainee_id": p, "status": "attended" if rng.random() < 0.7 else "registered",
                 "session_starts_at": starts[t], "source": "bench", "enrolled_at": now, "updated_at": now}
                for t, p in sorted(pairs, key=lambda pair: rng.random())]
        for i in range(0, len(rows), 10_000):
            await session.exec(insert(Enrolment), params=rows[i:i + 10_000])
        await session.commit()
    async with db.engine.connect() as connection:  # fresh statistics, as autovacuum / a nightly job keeps them
        await connection.exec_driver_sql("ANALYZE")
        await connection.commit()


async def timed(db: Database, as_of: date) -> tuple[float, float, int]:
    async def progress_ms() -> tuple[float, int]:
        async with db.sessions() as session:
            started = time.perf_counter()
            result = await compute_progress(session, [TARGET], as_of, TZ)
            return (time.perf_counter() - started) * 1000, result.trained

    async def distinct_ms() -> float:
        async with db.sessions() as session:
            started = time.perf_counter()
            await session.exec(select(func.count(func.distinct(Enrolment.trainee_id)))
                               .where(Enrolment.status == "attended"))
            return (time.perf_counter() - started) * 1000

    await progress_ms(), await distinct_ms()  # warm-up: caches, prepared statements
    progress = [await progress_ms() for _ in range(RUNS)]
    bare = [await distinct_ms() for _ in range(RUNS)]
    return statistics.median(ms for ms, _ in progress), statistics.median(bare), progress[0][1]


async def run(url: str, label: str) -> float:
    db = Database(url)
    try:
        await db.upgrade()
        started = time.perf_counter()
        await fill(db)
        fill_s = time.perf_counter() - started
        ms, bare, trained = await timed(db, date(2028, 12, 31))
        print(f"{label}: filled {TRAINEES} trainees / {ENROLMENTS} enrolments / {SESSIONS} sessions in {fill_s:.1f} s; "
              f"progress {ms:.1f} ms (median of {RUNS}), {trained} people trained; "
              f"yardstick COUNT(DISTINCT) {bare:.1f} ms; ratio {ms / bare:.1f}x; goal < 200 ms: "
              f"{'met' if ms < 200 else 'NOT met'}")
        return ms
    finally:
        await db.close()


async def postgres() -> float | None:
    import asyncpg

    try:
        admin = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/postgres", timeout=3)
    except (OSError, asyncpg.PostgresError) as exc:
        print(f"PostgreSQL: skipped, none reachable at 127.0.0.1:5432 ({exc})")
        return None
    name = f"ipbot_bench_{int(time.time())}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        return await run(f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}", "PostgreSQL")
    finally:
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.close()


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_ms = await run(f"sqlite+aiosqlite:///{tmp}/bench.db", "SQLite")
    await postgres()
    print(json.dumps({"bench": "progress", "ms": round(sqlite_ms, 1)}))


if __name__ == "__main__":
    asyncio.run(main())
