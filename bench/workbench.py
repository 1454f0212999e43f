"""Benchmark: the supervisor's week page of the workbench (issue 18's Performance).

A region (Suzhou, 3205) with 500 specialists, 20,000 companies and 100,000 visits this year
(plus a smaller second region, Nanjing, so the region rule has something to leave out),
20,000 一企一策 measures, 2,000 SME questions and 200 training sessions with 20,000
attendances, bulk-inserted into the real tables of a fresh database after
`Database.upgrade()`: a SQLite file, then a PostgreSQL database created on 127.0.0.1:5432
(`--postgres`) and dropped afterwards.

Timed: what the server does for the week page: `GET /workbench/view/week?week=2026-W48`
through aiohttp's test client against the workbench application (web.app.create_app) with
the supervisor's `initData` signed as Telegram signs it (web.auth.sign_init_data): the
check of initData, the actor, `services.workbench.week_page` (the digest's figures and the
breakdowns) and the HTML fragment. Two warm-up requests, then `--requests` (30) timed ones;
p50 and p95 per engine. The page weight is the shell (`GET /workbench`) plus the week
fragment. The headline figures are printed so that a change to the code can be checked
against the figures of a run before it.

Yardstick, same run, same engine, taken between the timed requests (so under the same load
of the machine): a bare `SELECT count(DISTINCT company_id) FROM visits` (110,000 rows read
from an index) on a connection of the engine, p50; the ratio of the page's p50 to it says
how a run compares with another on a busier or quieter machine. Last line:

    {"bench": "workbench", "p95_ms": x, "p95_ms_postgres": y, "page_kb": z}

Goal: p95 <= 300 ms on SQLite and on PostgreSQL.

    .venv/bin/python bench/workbench.py            # full size, both engines
    .venv/bin/python bench/workbench.py --quick    # a tenth of the size, 10 requests
    .venv/bin/python bench/workbench.py --no-postgres
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa  # noqa: E402
from aiohttp.test_utils import TestClient, TestServer  # noqa: E402

from policy import load_catalog  # noqa: E402
from services import workbench  # noqa: E402
from services.context import AppContext  # noqa: E402
from services.session import Database  # noqa: E402
from services.sheets import default_sources, parse_week  # noqa: E402
from services.users import load_actor  # noqa: E402
from storage.models import Company, Measure, QuestionThread, Training, User, Visit  # noqa: E402
from storage.training_tables import Enrolment, Trainee  # noqa: E402
from web.app import create_app  # noqa: E402
from web.auth import INIT_DATA_SCHEME, sign_init_data  # noqa: E402

from postgres_db import create_database, drop_database  # noqa: E402 - bench/postgres_db.py

TOKEN = "424242:BENCH-workbench-token-AAAAAAAAAAAAAA"
TZ = ZoneInfo("Asia/Shanghai")
UTC = timezone.utc
NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)  # Thursday: the default week is 2026-W48
WEEK = parse_week("2026-W48", TZ)
YEAR_START = datetime(2025, 12, 31, 16, 0, tzinfo=UTC)  # 1 January 2026, 00:00 in Shanghai
GOAL_MS = 300.0
SUPERVISOR_TID = 7_000_001
DISTRICTS = ("320505", "320506", "320507", "320508", "320509", "320581", "320582", "320583", "320585")
OTHER = ("320102", "320104", "320106")  # Nanjing: outside the supervisor's region
BATCH = 10_000


@dataclass(frozen=True)
class Size:
    specialists: int
    companies: int
    visits: int
    measures: int
    questions: int
    sessions: int
    attendances: int

    def scaled(self, share: float) -> "Size":
        return Size(*(max(1, int(v * share)) for v in vars(self).values()))


FULL = Size(specialists=500, companies=20_000, visits=100_000, measures=20_000, questions=2_000, sessions=200,
            attendances=20_000)


def uscc(n: int) -> str:
    from stdnum.cn import uscc as u

    body = f"91320{n:012d}"[:17]
    return body + u.calc_check_digit(body)


async def _insert(conn, table, rows: list[dict]) -> None:
    for i in range(0, len(rows), BATCH):
        await conn.execute(sa.insert(table), rows[i:i + BATCH])


async def fill(db: Database, size: Size) -> None:
    """The region's year so far, and a tenth of it in another region."""
    rnd = random.Random(18)
    span = (NOW - YEAR_START).total_seconds() - 86400 * 4  # up to the end of W48
    moment = lambda: YEAR_START + timedelta(seconds=rnd.uniform(0, span))  # noqa: E731
    others = max(1, size.companies // 10)
    n_companies = size.companies + others
    specialists = size.specialists + max(1, size.specialists // 10)
    async with db.engine.begin() as conn:
        users = [{"id": 1, "telegram_id": SUPERVISOR_TID, "role": "supervisor", "full_name": "周主管", "language": "zh",
                  "region_code": "3205", "active": True, "created_at": YEAR_START}]
        users += [{"id": 2 + i, "telegram_id": 7_100_000 + i, "role": "specialist", "full_name": f"特派员{i:03d}",
                   "language": "zh", "region_code": "320500" if i < size.specialists else "320100", "active": True,
                   "created_at": YEAR_START} for i in range(specialists)]
        await _insert(conn, User.__table__, users)

        def specialist_of(n: int) -> int | None:
            if n % 20 == 19:
                return None  # 5 % without a specialist
            if n < size.companies:
                return 2 + n % size.specialists
            return 2 + size.specialists + n % (specialists - size.specialists)

        companies = []
        for n in range(n_companies):
            region = DISTRICTS[n % len(DISTRICTS)] if n < size.companies else OTHER[n % len(OTHER)]
            updated = moment()
            companies.append({
                "id": n + 1, "uscc": uscc(n), "name": f"苏州某某精密机械制造有限公司{n}", "name_key": f"苏州某某精密{n}",
                "region_code": region, "specialist_id": specialist_of(n),
                "facts": {"is_sme": True, "invention_grants_this_year": n % 7, "valid_invention_patents": n % 15,
                          "is_high_tech_enterprise": n % 3 == 0, "jiangsu_legal_entity": True},
                "titles": {}, "created_at": YEAR_START, "updated_at": updated})
        await _insert(conn, Company.__table__, companies)

        n_visits = size.visits + size.visits // 10
        visits = []
        for i in range(n_visits):
            company = rnd.randrange(size.companies) if i < size.visits else size.companies + rnd.randrange(others)
            visits.append({
                "id": i + 1, "client_key": f"bench-{i}", "company_id": company + 1,
                "specialist_id": specialist_of(company) or 2 + company % size.specialists, "way": "onsite",
                "visited_at": moment(), "topics": ["ip_standard", "pledge"], "programmes": [],
                "findings": "了解企业研发情况，建议申请首件发明专利", "needs": ["质押融资"], "problems": ["缺少评估机构"],
                "opinions": [], "participants": "李经理", "created_at": YEAR_START})
        await _insert(conn, Visit.__table__, visits)

        measures = []
        for i in range(size.measures):
            visit = visits[rnd.randrange(len(visits))]
            created = visit["visited_at"] + timedelta(hours=1)
            done = rnd.random() < 0.5
            measures.append({
                "company_id": visit["company_id"], "visit_id": visit["id"], "what": "完成知识产权管理规范贯标",
                "owner_id": visit["specialist_id"], "due_on": (created + timedelta(days=rnd.randrange(10, 90))).date(),
                "status": "done" if done else "open", "created_by": visit["specialist_id"], "created_at": created,
                "done_at": created + timedelta(days=rnd.randrange(1, 60)) if done else None})
        await _insert(conn, Measure.__table__, measures)

        questions = []
        for i in range(size.questions):
            asked = moment()
            questions.append({
                "company_id": rnd.randrange(n_companies) + 1, "asker_telegram_id": 8_000_000 + i,
                "question": "我们公司能申请知识产权质押融资贴息吗？", "asked_at": asked,
                "answer": None if i % 4 == 0 else "可以", "answered_at": None if i % 4 == 0 else asked + timedelta(days=2)})
        await _insert(conn, QuestionThread.__table__, questions)

        starts = sorted(moment() for _ in range(size.sessions))
        await _insert(conn, Training.__table__, [
            {"id": k + 1, "title": f"知识产权总监培训第{k}期", "category": "知识产权总监", "starts_at": starts[k],
             "ends_at": starts[k] + timedelta(hours=3), "location": "太仓市科技局",
             "region_code": DISTRICTS[k % len(DISTRICTS)] if k % 10 else OTHER[0], "capacity": 0, "seats_taken": 0,
             "organiser_id": 2 + k % size.specialists, "status": "scheduled", "checkin_secret": "",
             "created_at": YEAR_START, "updated_at": YEAR_START} for k in range(size.sessions)])
        people = max(1, size.attendances * 2 // 3)
        await _insert(conn, Trainee.__table__, [
            {"id": i + 1, "name": f"学员{i}", "mobile": f"+86139{i:08d}", "company": f"苏州某某公司{i % n_companies}",
             "position": "工程师", "category": ("知识产权总监", "知识产权工程师", "贯标内审员", "经营管理人员")[i % 4],
             "created_at": YEAR_START, "updated_at": YEAR_START} for i in range(people)])
        pairs: set[tuple[int, int]] = set()
        while len(pairs) < size.attendances:
            pairs.add((rnd.randrange(size.sessions), rnd.randrange(people)))
        await _insert(conn, Enrolment.__table__, [
            {"training_id": k + 1, "trainee_id": p + 1, "status": "attended", "session_starts_at": starts[k],
             "source": "import", "enrolled_at": YEAR_START, "checked_in_at": starts[k] + timedelta(minutes=5),
             "updated_at": YEAR_START} for k, p in sorted(pairs)])
    async with db.engine.connect() as connection:  # fresh statistics, as autovacuum keeps them
        await connection.exec_driver_sql("ANALYZE")
        await connection.commit()


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


async def figures(ctx: AppContext) -> str:
    """The headline figures and breakdown totals, to compare runs before and after a change."""
    async with ctx.db.sessions() as session:
        actor = await load_actor(session, SUPERVISOR_TID)
        page = await workbench.week_page(session, actor, WEEK, ctx.catalog, default_sources(), None)
    d = page.digest
    heads = ", ".join(f"{f.key}={f.value if not isinstance(f.value, float) else round(f.value, 6)}"
                      f"/{f.before if not isinstance(f.before, float) else round(f.before, 6)}" for f in d.figures)
    return (f"{heads}; overdue={d.overdue_total}; waiting={d.unanswered_total}; "
            f"trainees={d.trainees.progress.trained if d.trainees.progress else None}/{d.trainees.region_value}; "
            f"specialists={len(page.specialists)} (visits {sum(s.visits for s in page.specialists)}, "
            f"visited {sum(s.visited for s in page.specialists)}/{sum(s.assigned for s in page.specialists)}); "
            f"districts={len(page.districts)} (visits {sum(x.visits for x in page.districts)}); "
            f"trend={[p.visits for p in page.trend]}; unvisited_month={page.unvisited_month}")


async def yardstick(db: Database) -> float:
    """One bare aggregate over every visit, in ms: how fast this machine and engine are now."""
    async with db.engine.connect() as connection:
        t0 = time.perf_counter()
        (await connection.exec_driver_sql("SELECT count(DISTINCT company_id) FROM visits")).scalar_one()
        return (time.perf_counter() - t0) * 1000


async def run(url: str, label: str, size: Size, requests: int) -> tuple[float, float, float]:
    db = Database(url)
    try:
        await db.upgrade()
        started = time.perf_counter()
        await fill(db, size)
        print(f"{label}: filled {size.specialists} specialists, {size.companies} companies, {size.visits} visits "
              f"in the region (+10% elsewhere), {size.measures} measures, {size.questions} questions, "
              f"{size.attendances} attendances in {time.perf_counter() - started:.1f} s")
        ctx = AppContext(settings=None, catalog=load_catalog(), db=db, tz=TZ, clock=lambda: NOW)
        async with TestClient(TestServer(create_app(ctx, TOKEN))) as client:
            user = {"id": SUPERVISOR_TID, "first_name": "周", "language_code": "zh-hans"}
            headers = {"Authorization": f"{INIT_DATA_SCHEME} {sign_init_data(TOKEN, user, int(NOW.timestamp()))}"}
            shell = await (await client.get("/workbench")).read()

            async def once() -> tuple[float, bytes]:
                t0 = time.perf_counter()
                response = await client.get(f"/workbench/view/week?week={WEEK.label}", headers=headers)
                body = await response.read()
                elapsed = (time.perf_counter() - t0) * 1000
                if response.status != 200:
                    raise SystemExit(f"{label}: the week page answered {response.status}: {body[:200]!r}")
                return elapsed, body

            for _ in range(2):
                await once()
                await yardstick(db)
            timings, body, bare = [], b"", []
            for _ in range(requests):
                ms, body = await once()
                timings.append(ms)
                bare.append(await yardstick(db))
        print(f"{label}: {await figures(ctx)}")
        p50, p95 = statistics.median(timings), _percentile(timings, 0.95)
        page_kb = (len(shell) + len(body)) / 1024
        print(f"{label}: week page over {requests} requests: p50 {p50:.1f} ms, p95 {p95:.1f} ms "
              f"(min {min(timings):.1f}, max {max(timings):.1f}); goal p95 <= {GOAL_MS:.0f} ms: "
              f"{'met' if p95 <= GOAL_MS else 'NOT met'}; page {page_kb:.1f} KB "
              f"(shell {len(shell) / 1024:.1f} KB + week {len(body) / 1024:.1f} KB)")
        bare_p50 = statistics.median(bare)
        print(f"{label}: yardstick, bare SELECT count(DISTINCT company_id) FROM visits: p50 {bare_p50:.1f} ms, "
              f"p95 {_percentile(bare, 0.95):.1f} ms; page p50 / yardstick p50 = {p50 / bare_p50:.1f}")
        return p50, p95, page_kb
    finally:
        await db.close()


async def main(size: Size, requests: int, postgres: str | None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        _p50, p95, page_kb = await run(f"sqlite+aiosqlite:///{tmp}/bench.db", "SQLite", size, requests)
    p95_pg = None
    if postgres:
        try:
            name = await create_database(postgres, "ipbot_bench_workbench")
        except OSError as exc:
            raise SystemExit(f"PostgreSQL at {postgres} cannot be reached ({exc}); --no-postgres to leave it out")
        try:
            base = postgres.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
            _p50, p95_pg, _kb = await run(f"{base}/{name}", "PostgreSQL", size, requests)
        finally:
            await drop_database(postgres, name)
    verdict = all(p is None or p <= GOAL_MS for p in (p95, p95_pg))
    print(f"goal p95 <= {GOAL_MS:.0f} ms on both engines: {'met' if verdict else 'NOT met'}")
    return {"bench": "workbench", "p95_ms": round(p95, 1), "p95_ms_postgres": None if p95_pg is None else round(p95_pg, 1),
            "page_kb": round(page_kb, 1)}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the size, 10 requests")
    parser.add_argument("--requests", type=int, default=None, help="timed requests per engine (default 30)")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres",
                        help="an administrative DSN: a database is created there and dropped after")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    chosen = FULL.scaled(0.1) if args.quick else FULL
    count = args.requests or (10 if args.quick else 30)
    print(json.dumps(asyncio.run(main(chosen, count, None if args.no_postgres else args.postgres))))
