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

from policy import load_catalog
from services import companies, eligibility, plans, visits
from services.session import unit_of_work
from services.users import Actor
from storage.models import Company, Measure, Role, Training, User, Visit

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


# ------------------------------------------------------------------ what an actor may give or use a region for
# Written out by hand, independently of services.regions: "-" is a refusal with that code.
#   invite: the region of a specialist invited with region None, 320585, 320506, 320100 (Nanjing), 32
INVITE_REGIONS = ("", "320585", "320506", "320100", "32")
INVITES = {
    "admin": ("-region_required", "320585", "320506", "320100", "320000"),
    "sup_taicang": ("320585", "320585", "-region_outside", "-region_outside", "-region_outside"),
    "sup_suzhou": ("320500", "320585", "320506", "-region_outside", "-region_outside"),
    "sup_jiangsu": ("320000", "320585", "320506", "320100", "320000"),
    "sup_none": ("-inviter_no_region",) * 5,
}
#   export: the region of a roster asked for with region None, 320585, 320500, 320102
EXPORT_REGIONS = ("", "320585", "320500", "320102")
EXPORTS = {
    "admin": ("", "320585", "320500", "320102"),
    "sup_taicang": ("320585", "320585", "-other_region", "-other_region"),
    "sup_suzhou": ("320500", "320585", "320500", "-other_region"),
    "sup_jiangsu": ("320000", "320585", "320500", "320102"),
    "sup_none": ("-no_region",) * 4,
    "spec_taicang": ("-not_allowed",) * 4,
    "sme_a": ("-not_allowed",) * 4,
}
# Trainings organised by the admin in these regions; who manages (lists, roster) which.
TRAININGS = {"t_taicang": "320585", "t_wuzhong": "320506", "t_nanjing": "320102", "t_province": "320000",
             "t_none": None}
MANAGES = {
    "admin": {"t_taicang", "t_wuzhong", "t_nanjing", "t_province", "t_none"},
    "sup_taicang": {"t_taicang"},
    "sup_suzhou": {"t_taicang", "t_wuzhong"},
    "sup_jiangsu": {"t_taicang", "t_wuzhong", "t_nanjing", "t_province"},
    "sup_none": set(),
    "spec_taicang": set(),  # a specialist manages the sessions they organise, none here
    "sme_a": set(),
}


def outcome(call):
    from services.errors import Refusal

    try:
        return call()
    except Refusal as exc:
        return f"-{exc.code}"


@pytest.mark.parametrize("key", list(INVITES))
async def test_an_invite_region_lies_within_the_inviters(world, key):
    from services.invites import InviteError, create_invite

    db, actors, _ids, _names = world
    got = []
    for region in INVITE_REGIONS:
        async with unit_of_work(db) as s:
            try:
                ticket = await create_invite(s, "specialist", region_code=region or None, created_by=actors[key])
                got.append(ticket.region_code)
            except InviteError as exc:
                got.append(f"-{exc.code}")
    assert tuple(got) == INVITES[key]


async def test_a_refused_invite_region_is_audited(world):
    from services import audit
    from services.invites import InviteError, create_invite

    db, actors, _ids, _names = world
    async with unit_of_work(db) as s:
        with pytest.raises(InviteError):
            await create_invite(s, "specialist", region_code="320100", created_by=actors["sup_taicang"])
    async with unit_of_work(db) as s:
        denied = [e for e in await audit.recent(s, limit=20) if e.action == "invite.denied"]
        assert [e.telegram_id for e in denied] == [actors["sup_taicang"].telegram_id]


async def test_the_opener_of_an_invite_sees_only_its_regions_companies(world):
    """The defect as found: a supervisor of 320500 made links for 320100 and 32."""
    from services.invites import create_invite, redeem

    db, actors, _ids, names = world
    async with unit_of_work(db) as s:
        ticket = await create_invite(s, "specialist", created_by=actors["sup_suzhou"])
    async with unit_of_work(db) as s:
        opener = (await redeem(s, ticket.token, 9900, "新特派", None, "zh")).actor
        seen = await companies.visible_companies(s, opener)
    assert (opener.region_code, letters(names, [c.id for c in seen])) == ("320500", "ABC")


@pytest.mark.parametrize("key", list(EXPORTS))
def test_an_export_covers_only_the_readers_region(world_actors, key):
    from services.export import export_region

    got = tuple(outcome(lambda r=r: export_region(world_actors[key], r or None) or "") for r in EXPORT_REGIONS)
    assert got == EXPORTS[key]


@pytest.fixture
def world_actors():
    return {key: Actor(n, 9000 + n, role, key, region, 1 if company else None, "zh")
            for n, (key, (role, region, company, _sees)) in enumerate(ACTORS.items())}


async def test_a_supervisor_without_a_region_exports_nothing(world, tmp_path):
    """The defect as found: an admin's regionless supervisor exported every region's rows."""
    from services.export import ExportError, export_roster
    from services.sheets import default_sources, week_of
    from services.roster import default_sheets

    db, actors, _ids, _names = world
    async with unit_of_work(db) as s:
        with pytest.raises(ExportError) as err:
            await export_roster(s, actors["sup_none"], week_of(TODAY, TZ), None, default_sheets(load_catalog(), default_sources()),
                                tmp_path / "out", TZ)
    assert err.value.code == "no_region" and not (tmp_path / "out").exists()


async def test_a_roster_holds_only_the_regions_visits(world, tmp_path):
    from openpyxl import load_workbook

    from services.export import export_roster
    from services.sheets import default_sources, week_of
    from services.roster import default_sheets

    db, actors, _ids, _names = world
    async with unit_of_work(db) as s:
        result = await export_roster(s, actors["sup_suzhou"], week_of(TODAY, TZ), None,
                                     default_sheets(load_catalog(), default_sources()), tmp_path, TZ)
    book = load_workbook(result.path, read_only=True)
    cells = {str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row if c}
    present = {letter for letter in COMPANIES if f"{letter}科技有限公司" in cells}
    assert result.region == "320500" and present == {"A", "B", "C"}


@pytest.fixture
async def trainings(world):
    from datetime import timedelta

    db, actors, _ids, _names = world
    async with unit_of_work(db) as s:
        ids = {}
        for key, region in TRAININGS.items():
            row = Training(title=key, starts_at=NOW + timedelta(days=3), ends_at=NOW + timedelta(days=3, hours=2),
                           region_code=region, capacity=10, organiser_id=actors["admin"].user_id, location="会议室")
            s.add(row)
            await s.flush()
            ids[key] = row.id
    return ids


@pytest.mark.parametrize("key", list(MANAGES))
async def test_a_training_is_managed_within_its_region(world, trainings, key):
    from services import training

    db, actors, _ids, _names = world
    actor = actors[key]
    async with unit_of_work(db) as s:
        listed = {t.title for t in await training.list_sessions(s, actor, NOW)}
        opened = set()
        for name, training_id in trainings.items():
            try:
                await training.roster(s, actor, training_id)
                opened.add(name)
            except training.TrainingRefusal as exc:
                assert exc.code == "not_allowed"
    assert (listed, opened) == (MANAGES[key], MANAGES[key])


@pytest.mark.parametrize("key, region, expected", [
    ("sup_taicang", None, "320585"), ("sup_suzhou", "320506", "320506"), ("sup_taicang", "320506", "-region_outside"),
    ("spec_taicang", "320000", "-region_outside"), ("spec_none", None, "-organiser_no_region"),
    ("admin", "320000", "320000"), ("admin", None, None), ("sup_jiangsu", "999999", "-region_invalid"),
])
async def test_a_new_training_belongs_to_a_region_inside_the_organisers(world, key, region, expected):
    from datetime import timedelta

    from services import training

    db, actors, _ids, _names = world
    draft = training.SessionDraft("专利挖掘实务", "知识产权工程师", NOW + timedelta(days=2), NOW + timedelta(days=2, hours=3),
                                  30, "太仓会议中心", None, region)
    async with unit_of_work(db) as s:
        try:
            got = (await training.create_session(s, actors[key], draft, NOW)).region_code
        except training.TrainingRefusal as exc:
            got = f"-{exc.code}"
    assert got == expected
