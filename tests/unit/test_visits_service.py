"""services.visits.save_visit on SQLite and PostgreSQL: once per draft, all or nothing."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlmodel import select

from policy import load_catalog
from services import plans, visits
from services.companies import CompanyError
from services.session import unit_of_work
from services.users import Actor
from storage.models import Company, CompanyHistory, Measure, Role, User, Visit, VisitAttachment

TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 3, 0, tzinfo=timezone.utc)


@pytest.fixture
async def setup(db):
    async with unit_of_work(db) as s:
        spec = User(telegram_id=1, role=Role.specialist, full_name="王特派", region_code="320585")
        s.add(spec)
        await s.flush()
        company = Company(uscc=None, name="太仓精工机械有限公司", name_key="精工机械", region_code="320585",
                          specialist_id=spec.id, facts={"is_sme": True})
        s.add(company)
        await s.flush()
        sme = User(telegram_id=2, role=Role.sme, full_name="李总", company_id=company.id)
        s.add(sme)
        await s.flush()
        actors = {"spec": Actor(spec.id, 1, Role.specialist, "王特派", "320585", None, "zh"),
                  "sme": Actor(sme.id, 2, Role.sme, "李总", None, company.id, "zh")}
    return db, actors, company.id


def draft(company_id: int, owner_id: int, **changes) -> dict:
    base = {"key": "k1", "company_id": company_id, "way": "onsite", "location": [31.45, 121.1], "topics": ["pledge"],
            "findings": "需求：质押融资\n意见：多办培训", "photos": [{"file_id": "F1", "file_unique_id": "U1", "size": 1000}],
            "voices": [], "facts": {"valid_invention_patents": 3}, "facts_base": {"valid_invention_patents": None},
            "measures": [{"what": "介绍评估机构", "owner_id": owner_id, "due": "2026-12-01"},
                         {"what": "安排贯标培训", "owner_id": owner_id, "due": "2026-12-15"}]}
    return {**base, **changes}


async def counts(db) -> tuple[int, int, int, int]:
    async with db.sessions() as s:
        return tuple([len((await s.exec(select(table))).all())
                      for table in (Visit, VisitAttachment, Measure, CompanyHistory)])


async def test_a_draft_saved_twice_is_one_visit_with_its_measures_photos_and_facts(setup):
    db, actors, company_id = setup
    spec = actors["spec"]
    for _ in range(2):
        async with unit_of_work(db) as s:
            saved = await visits.save_visit(s, spec, draft(company_id, spec.user_id), now=NOW, today=TODAY,
                                            catalog=load_catalog())
    assert not saved.created and len(saved.measure_ids) == 2
    assert await counts(db) == (1, 1, 2, 1)
    async with db.sessions() as s:
        visit = (await s.exec(select(Visit))).one()
        assert visit.needs == ["质押融资"] and visit.opinions == ["多办培训"]
        assert (await s.get(Company, company_id)).facts["valid_invention_patents"] == 3
        _company, rows = await plans.plan_for(s, spec, company_id, today=TODAY)
        assert [r.what for r in rows] == ["介绍评估机构", "安排贯标培训"]


@pytest.mark.parametrize(("changes", "code"), [
    ({"way": "carrier pigeon"}, "bad_way"),
    ({"topics": ["weather"]}, "bad_topic"),
    ({"findings": "长" * 4001}, "findings_too_long"),
    ({"findings": "", "voices": []}, "findings_missing"),
    ({"photos": [{"file_id": "F", "size": 11 * 1024 * 1024}]}, "photo_too_large"),
    ({"voices": [{"file_id": "V", "duration": 301}]}, "voice_too_long"),
    ({"measures": [{"what": "x", "owner_id": 0, "due": "2026-11-24"}]}, "due_past"),
    ({"measures": [{"what": "  ", "owner_id": 0, "due": "2026-12-24"}]}, "what_missing"),
    ({"facts": {"valid_invention_patents": 5}, "facts_base": {"valid_invention_patents": 1}}, "conflict"),
])
async def test_a_bad_draft_is_refused_by_name_and_nothing_is_written(setup, changes, code):
    db, actors, company_id = setup
    spec = actors["spec"]
    if code == "conflict":  # someone saw 1 and the stored value is now something else
        async with unit_of_work(db) as s:
            company = await s.get(Company, company_id)
            company.facts = {**company.facts, "valid_invention_patents": 2}
            s.add(company)
    for m in changes.get("measures", []):
        m["owner_id"] = spec.user_id
    async with unit_of_work(db) as s:
        with pytest.raises(Exception) as err:
            await visits.save_visit(s, spec, draft(company_id, spec.user_id, **changes), now=NOW, today=TODAY,
                                    catalog=load_catalog())
    assert getattr(err.value, "code", None) == code
    assert await counts(db) == (0, 0, 0, 0)


async def test_an_sme_cannot_save_a_visit_and_a_measure_owner_must_belong_to_the_company(setup):
    db, actors, company_id = setup
    async with unit_of_work(db) as s:
        with pytest.raises(CompanyError):
            await visits.save_visit(s, actors["sme"], draft(company_id, actors["sme"].user_id), now=NOW, today=TODAY)
        with pytest.raises(plans.PlanError) as err:
            await visits.save_visit(s, actors["spec"], draft(company_id, 9999), now=NOW, today=TODAY)
        assert err.value.code == "bad_owner"
    assert (await counts(db))[0] == 0
    # An SME of the company may own a measure (it is reminded like anyone).
    async with unit_of_work(db) as s:
        saved = await visits.save_visit(s, actors["spec"], draft(company_id, actors["sme"].user_id, key="k2"),
                                        now=NOW, today=TODAY)
    assert saved.created


async def test_coverage_counts_the_specialists_own_visits_to_assigned_companies_in_the_period(setup):
    db, actors, company_id = setup
    spec = actors["spec"]
    monday, sunday = visits.week_of(TODAY)
    assert (monday, sunday) == (date(2026, 11, 23), date(2026, 11, 29))
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("Asia/Shanghai")
    async with unit_of_work(db) as s:
        assert (await visits.coverage(s, spec.user_id, monday, sunday, tz)).share == 0
        await visits.save_visit(s, spec, draft(company_id, spec.user_id, facts={}), now=NOW, today=TODAY)
    async with db.sessions() as s:
        week = await visits.coverage(s, spec.user_id, monday, sunday, tz)
        before = await visits.coverage(s, spec.user_id, date(2026, 11, 16), date(2026, 11, 22), tz)
    assert (week.assigned, week.visited, week.share) == (1, 1, 1.0)
    assert before.visited == 0
