"""The digest's figures counted in the database (services.digest_counts, the overdue count)
equal the same figures counted row by row from the roster's rows, on SQLite and PostgreSQL.

A deployment whose row sources are its own is counted row by row; wrapping the real
providers in a function of our own takes that path over the same tables, so the two
digests must agree on every figure. The world: two regions, companies with and without a
specialist, visits from last December to the week (so "since 1 January" matters), in the
week before, measures done before, during and after the week, with and without a due date
passed, and companies whose facts were saved in the week.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from policy import load_catalog
from services.digest import build_digest
from services.sheets import default_sources, parse_week
from storage.models import Company, Measure, QuestionThread, Training, User, Visit
from storage.training_tables import Enrolment, Trainee

TZ = ZoneInfo("Asia/Shanghai")
UTC = timezone.utc
WEEK = parse_week("2026-W02", TZ)  # Mon 5 Jan - Sun 11 Jan 2026: the week before starts in 2025
LATER = parse_week("2026-W47", TZ)
CATALOG = load_catalog()
FACTS = ({"is_sme": True, "invention_grants_this_year": 5, "valid_invention_patents": 5, "jiangsu_legal_entity": True},
         {"is_sme": True, "invention_grants_this_year": 3}, {}, {"valid_invention_patents": 1},
         {"is_sme": True, "invention_grants_this_year": 6, "valid_invention_patents": 12,
          "is_high_tech_enterprise": True, "jiangsu_legal_entity": True})


async def _fill(db) -> None:
    rnd = random.Random(18)
    start = datetime(2025, 12, 1, tzinfo=UTC)
    span = (datetime(2026, 11, 23, tzinfo=UTC) - start).total_seconds()
    moment = lambda: start + timedelta(seconds=rnd.uniform(0, span))  # noqa: E731
    in_week = lambda week: week.start_utc + timedelta(hours=rnd.uniform(0, 167))  # noqa: E731
    async with db.engine.begin() as conn:
        await conn.execute(sa.insert(User.__table__), [
            {"id": i, "telegram_id": 9000 + i, "role": "specialist", "full_name": f"特派员{i}", "language": "zh",
             "region_code": "320500" if i <= 3 else "320100", "active": True, "created_at": start}
            for i in range(1, 6)])
        companies = []
        for n in range(60):
            region = ("320585", "320506", "320583", "320102")[n % 4]
            saved = in_week(WEEK) if n % 5 == 0 else in_week(LATER) if n % 5 == 1 else moment()
            companies.append({"id": n + 1, "uscc": None, "name": f"公司{n}", "name_key": f"公司{n}", "region_code": region,
                              "specialist_id": None if n % 7 == 0 else (1 + n % 3 if region != "320102" else 4 + n % 2),
                              "facts": FACTS[(n // 5) % len(FACTS)], "titles": {}, "created_at": start, "updated_at": saved})
        await conn.execute(sa.insert(Company.__table__), companies)
        visits = []
        for i in range(400):
            when = in_week((WEEK, WEEK.before(), LATER, LATER.before())[i % 4]) if i % 3 == 0 else moment()
            company = 1 + rnd.randrange(55)  # the last five never visited
            visits.append({"id": i + 1, "client_key": f"t-{i}", "company_id": company, "specialist_id": 1 + i % 5,
                           "way": "onsite", "visited_at": when, "topics": ["pledge"], "programmes": [], "findings": "",
                           "needs": [], "problems": [], "opinions": [], "participants": "", "created_at": start})
        await conn.execute(sa.insert(Visit.__table__), visits)
        measures = []
        for i in range(300):
            visit = visits[rnd.randrange(len(visits))]
            created = visit["visited_at"] + timedelta(hours=rnd.choice((1, 24 * 30)))  # some typed in a month late
            done_at = (None if i % 3 == 0 else created + timedelta(days=rnd.randrange(0, 90)))
            status = "done" if done_at is not None or i % 9 == 3 else "open"
            measures.append({"company_id": visit["company_id"], "visit_id": visit["id"] if i % 4 else None,
                             "what": f"措施{i}", "owner_id": visit["specialist_id"],
                             "due_on": (created + timedelta(days=rnd.randrange(-5, 60))).date(), "status": status,
                             "created_by": visit["specialist_id"], "created_at": created, "done_at": done_at})
        await conn.execute(sa.insert(Measure.__table__), measures)
        asked = [moment() for _ in range(40)] + [in_week(WEEK) for _ in range(5)] + [in_week(LATER) for _ in range(5)]
        await conn.execute(sa.insert(QuestionThread.__table__), [
            {"company_id": 1 + i % 60, "asker_telegram_id": 8000 + i, "question": f"问题{i}", "asked_at": when,
             "answered_at": None if i % 3 == 0 else when + timedelta(days=rnd.randrange(0, 20))}
            for i, when in enumerate(asked)])
        # sessions in both weeks, the weeks before and elsewhere; people who came before count once
        starts = [in_week(WEEK), in_week(WEEK), in_week(WEEK.before()), in_week(LATER), in_week(LATER.before()),
                  moment(), moment(), in_week(LATER)]
        await conn.execute(sa.insert(Training.__table__), [
            {"id": k + 1, "title": f"培训{k}", "category": "知识产权总监", "starts_at": when,
             "ends_at": when + timedelta(hours=3), "location": "苏州", "region_code": "320585" if k % 4 else "320102",
             "capacity": 0, "seats_taken": 0, "organiser_id": 1, "status": "scheduled", "checkin_secret": "",
             "created_at": start, "updated_at": start} for k, when in enumerate(starts)])
        await conn.execute(sa.insert(Trainee.__table__), [
            {"id": i + 1, "name": f"学员{i}", "mobile": f"+86139{i:08d}", "company": f"公司{i}", "position": "工程师",
             "category": "知识产权总监", "created_at": start, "updated_at": start} for i in range(30)])
        pairs = sorted({(rnd.randrange(len(starts)), rnd.randrange(30)) for _ in range(90)})
        await conn.execute(sa.insert(Enrolment.__table__), [
            {"training_id": k + 1, "trainee_id": p + 1, "status": "attended" if (k + p) % 5 else "enrolled",
             "session_starts_at": starts[k], "source": "import", "enrolled_at": start,
             "checked_in_at": starts[k] + timedelta(minutes=5), "updated_at": start} for k, p in pairs])


def _own(provider):
    """The same rows through a provider of the deployment's own (not the real table's)."""
    async def provide(session, period, region):
        async for row in provider(session, period, region):
            yield row
    return provide


@pytest.mark.parametrize("region", ["3205", "320585", None, "3201"])
async def test_counted_in_the_database_as_row_by_row(db, region):
    await _fill(db)
    real = default_sources()
    own = {name: _own(provider) for name, provider in real.items() if name in ("visits", "measures", "attendance")}
    for week in (WEEK, LATER):
        async with db.sessions() as session:
            counted = await build_digest(session, week, region, CATALOG, real)
            by_rows = await build_digest(session, week, region, CATALOG, own)
            summary = await build_digest(session, week, region, CATALOG, real, lists=False)
        assert [(f.key, f.value, f.before) for f in counted.figures] == \
            [(f.key, f.value, f.before) for f in by_rows.figures]
        assert counted.overdue_total == by_rows.overdue_total == summary.overdue_total
        assert counted.overdue == by_rows.overdue and summary.overdue == {}
        assert counted.unanswered_total == by_rows.unanswered_total == summary.unanswered_total
        assert summary.unanswered == []
        assert (counted.figure("visits").value or 0) > 0 or region == "3201"
    # the world exercises what it should: a coverage below 1, overdue measures, new eligible pairs
    async with db.sessions() as session:
        digest = await build_digest(session, LATER, "3205", CATALOG, real)
    assert 0 < digest.figure("coverage").value < 1
    assert digest.overdue_total and digest.figure("new_eligible").value and digest.unanswered_total
    assert digest.figure("people_trained").value and digest.figure("trainings_held").value

