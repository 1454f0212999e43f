"""The access rule (role × region × company) held against every list the bot shows.

The expected table is written out by hand below, independently of
services.companies; each list the bot renders (the /companies overview, search, the
/check picker, the visit picker, /plan's picker, /visits, the overdue list, a company
card) must show exactly the companies of that table, for every actor.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from services import companies, eligibility, plans, visits
from services.session import unit_of_work
from services.users import Actor
from storage.models import Company, Measure, Role, User, Visit

TZ = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 3, 0, tzinfo=timezone.utc)

# Companies: A and B in 太仓 (320585), C in 吴中 (320506), D in 南京玄武 (320102), E with no region.
COMPANIES = {"A": "320585", "B": "320585", "C": "320506", "D": "320102", "E": None}

# (actor key, role, region, company) -> the companies it sees.
ACTORS = {
    "admin": (Role.admin, None, None, "ABCDE"),
    "sup_taicang": (Role.supervisor, "320585", None, "AB"),
    "sup_suzhou": (Role.supervisor, "320500", None, "ABC"),
    "sup_jiangsu": (Role.supervisor, "32", None, "ABCD"),
    "sup_none": (Role.supervisor, None, None, ""),
    "spec_taicang": (Role.specialist, "320585", None, "AB"),
    "spec_wuzhong": (Role.specialist, "320506", None, "C"),
    "spec_none": (Role.specialist, None, None, ""),
    "spec_bogus_region": (Role.specialist, "999999", None, ""),
    "sme_a": (Role.sme, None, "A", "A"),
    "sme_orphan": (Role.sme, None, None, ""),
}
# Visits: spec_taicang visited A and B, spec_wuzhong C, admin D and E.
VISITS = {"A": "spec_taicang", "B": "spec_taicang", "C": "spec_wuzhong", "D": "admin", "E": "admin"}


def expected_visits(key: str) -> str:
    role, _region, _company, sees = ACTORS[key]
    if role == Role.sme:
        return ""
    if role == Role.specialist:
        return "".join(c for c in sees if VISITS[c] == key)
    return sees


@pytest.fixture
async def world(db):
    """Every actor, every company, a visit and an overdue measure per company."""
    async with unit_of_work(db) as s:
        ids: dict[str, int] = {}
        for letter, region in COMPANIES.items():
            company = Company(uscc=None, name=f"{letter}科技有限公司", name_key=f"{letter.lower()}科技", region_code=region)
            s.add(company)
            await s.flush()
            ids[letter] = company.id
        actors: dict[str, Actor] = {}
        for n, (key, (role, region, company, _sees)) in enumerate(ACTORS.items()):
            user = User(telegram_id=9000 + n, role=role, full_name=key, region_code=region,
                        company_id=ids[company] if company else None)
            s.add(user)
            await s.flush()
            actors[key] = Actor(user.id, user.telegram_id, role, key, region, user.company_id, "zh")
        for letter, who in VISITS.items():
            s.add(Visit(client_key=f"k{letter}", company_id=ids[letter], specialist_id=actors[who].user_id,
                        way="onsite", visited_at=NOW, findings="x"))
            s.add(Measure(company_id=ids[letter], what="跟进", owner_id=actors[who].user_id, due_on=date(2026, 11, 1)))
        (await s.get(Company, ids["A"])).specialist_id = actors["spec_taicang"].user_id
    names = {v: k for k, v in ids.items()}
    return db, actors, ids, names


def letters(names: dict[int, str], company_ids) -> str:
    return "".join(sorted(names[c] for c in company_ids))


@pytest.mark.parametrize("key", list(ACTORS))
async def test_every_list_shows_exactly_what_the_rule_allows(world, key):
    db, actors, ids, names = world
    actor, sees = actors[key], ACTORS[key][3]
    async with unit_of_work(db) as s:
        lists = {
            "visible_companies": [c.id for c in await companies.visible_companies(s, actor)],
            "search by name": [c.id for c in await companies.search_companies(s, actor, "科技")],
            "check picker": [cid for cid, _ in await eligibility.choices_for(s, actor)],
            "visit picker": [cid for cid, _ in await visits.recent_companies(s, actor, limit=50)],
            "plan picker": [cid for cid, _n, _o in await plans.companies_with_plans(s, actor)],
            "overdue list": [m.company_id for m in await plans.overdue_for(s, actor, TODAY)],
            "companies overview": [r.id for r in await visits.company_overview(s, actor, TODAY, TZ, mine_only=False)],
        }
        for name, shown in lists.items():
            assert letters(names, shown) == sees, f"{key}: {name}"
        shown_visits = await visits.visits_between(s, actor, date(2026, 11, 23), date(2026, 11, 29), TZ)
        assert letters(names, [v.company_id for v in shown_visits]) == expected_visits(key), f"{key}: /visits"
        for letter, company_id in ids.items():
            company = await s.get(Company, company_id)
            assert companies.can_see(actor, company) == (letter in sees), f"{key}: can_see {letter}"


@pytest.mark.parametrize("key", [k for k, v in ACTORS.items() if len(v[3]) < len(COMPANIES)])
async def test_a_card_or_plan_outside_the_rule_is_refused_and_audited(world, key):
    db, actors, ids, _names = world
    actor, sees = actors[key], ACTORS[key][3]
    hidden = [letter for letter in COMPANIES if letter not in sees]
    from services import audit

    async with unit_of_work(db) as s:
        for letter in hidden:
            with pytest.raises(companies.CompanyError):
                await companies.get_visible(s, actor, ids[letter])
            with pytest.raises(companies.CompanyError):
                await plans.plan_for(s, actor, ids[letter], today=TODAY)
        denied = [e for e in await audit.recent(s, limit=100) if e.outcome == "denied" and e.telegram_id == actor.telegram_id]
        assert len(denied) == 2 * len(hidden)


async def test_a_specialist_and_a_supervisor_of_one_region_see_the_same_companies(world):
    db, actors, _ids, _names = world
    async with unit_of_work(db) as s:
        for spec, sup in (("spec_taicang", "sup_taicang"),):
            a = [c.id for c in await companies.visible_companies(s, actors[spec])]
            b = [c.id for c in await companies.visible_companies(s, actors[sup])]
            assert a == b and a
