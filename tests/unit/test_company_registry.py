"""The company registry: USCC checks that say what is wrong, name keys, registration rules."""

from __future__ import annotations

import string
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc

from services import companies, regions
from services.companies import CompanyError, clean_uscc, name_key, normalise_uscc
from services.session import unit_of_work
from services.users import Actor
from storage.models import Role, User

GOOD = "91320585MA1W8K7Q3G"
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
AS_OF = date(2026, 11, 25)


def uscc_from(body: str) -> str:
    return body + stdnum_uscc.calc_check_digit(body)


uscc_bodies = st.tuples(st.text("0123456789", min_size=8, max_size=8),
                        st.text(ALPHABET, min_size=9, max_size=9)).map("".join)


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@given(uscc_bodies, st.sampled_from([str, str.lower, full_width]), st.lists(st.integers(0, 17), max_size=3))
def test_a_valid_code_is_accepted_however_it_is_typed(body, spelling, spaces):
    code = uscc_from(body)
    typed = spelling(code)
    for position in sorted(spaces, reverse=True):
        typed = typed[:position] + " " + typed[position:]
    assert normalise_uscc(typed) == code


@given(uscc_bodies, st.sampled_from(ALPHABET))
def test_a_wrong_check_character_is_named_with_the_right_one(body, other):
    code = uscc_from(body)
    if other == code[-1]:
        return
    with pytest.raises(CompanyError) as err:
        normalise_uscc(code[:-1] + other)
    assert err.value.params == {"reason": "check", "expected": code[-1], "got": other}


@given(st.text(ALPHABET, max_size=30).filter(lambda s: len(s) != 18))
def test_a_wrong_length_is_named(text):
    with pytest.raises(CompanyError) as err:
        normalise_uscc(text)
    assert err.value.params == {"reason": "length", "got": len(text)}


@given(uscc_bodies, st.integers(8, 16), st.sampled_from("IOSVZ"))
def test_a_letter_not_in_the_alphabet_is_named_with_its_position(body, position, letter):
    code = body[:position] + letter + body[position + 1:] + "0"
    with pytest.raises(CompanyError) as err:
        normalise_uscc(code)
    assert err.value.params == {"reason": "char", "char": letter, "position": position + 1}


def test_letters_in_the_first_eight_places_are_named():
    with pytest.raises(CompanyError) as err:
        normalise_uscc("9132A585MA1W8K7Q3G")
    assert err.value.params == {"reason": "char", "char": "A", "position": 5}


NAMES = st.text(string.ascii_letters + "精工机械新材料科技智能装备", min_size=2, max_size=12)


@settings(max_examples=200)
@given(NAMES, st.sampled_from(["有限公司", "有限责任公司", "股份有限公司", ""]),
       st.sampled_from(["", "苏州", "苏州市", "太仓市", "江苏省苏州市"]), st.booleans(), st.booleans())
def test_spellings_of_one_name_share_a_key(core, form, place, width, spaced):
    base = name_key(core + "有限公司")
    name = place + core + form
    if width:
        name = full_width(name)
    if spaced:
        name = " ".join(name)
    assert name_key(name) == base
    assert name_key(name_key(name)) == name_key(name)  # idempotent


@pytest.mark.parametrize(("a", "b"), [
    ("太仓精工机械有限公司", "精工机械（太仓）有限公司"),
    ("苏州吴中智能装备股份有限公司", "吴中智能装备有限责任公司"),
    ("ABC 科技有限公司", "ａｂｃ科技有限公司"),
    ("太仓新材料科技有限公司", "太仓新材料科技【有限公司】"),
])
def test_known_spellings_are_likely_duplicates(a, b):
    assert name_key(a) == name_key(b)


def test_different_companies_keep_different_keys():
    assert name_key("太仓精工机械有限公司") != name_key("太仓新材料科技有限公司")


def test_regions_come_from_the_package_and_the_uscc():
    assert regions.lookup("320585").full_name == "江苏省苏州市太仓市"
    assert regions.from_uscc(GOOD).code == "320585"
    assert regions.resolve("太仓").code == "320585"
    assert regions.resolve("320500").name == "苏州市"
    assert regions.resolve("火星") is None
    assert regions.contains("320500", "320585") and regions.contains("32", "320585")
    assert not regions.contains("320506", "320585") and not regions.contains(None, "320585")


@pytest.fixture
async def people(db):
    async with unit_of_work(db) as s:
        out = {}
        for key, role, region in (("spec", Role.specialist, "320585"), ("other", Role.specialist, "320506"),
                                  ("sup", Role.supervisor, "320500"), ("sme", Role.sme, None)):
            user = User(telegram_id=len(out) + 100, role=role, full_name=key, region_code=region)
            s.add(user)
            await s.flush()
            out[key] = Actor(user.id, user.telegram_id, role, key, region, None, "zh")
    return db, out


async def test_register_without_uscc_then_complete_it_once(people):
    db, p = people
    async with unit_of_work(db) as s:
        company = await companies.register_company(s, p["spec"], "太仓精工机械有限公司", None, "太仓", as_of=AS_OF)
        assert company.uscc is None and company.specialist_id == p["spec"].user_id
        assert company.region_code == "320585"
        cid = company.id
    async with unit_of_work(db) as s:
        with pytest.raises(CompanyError) as err:
            await companies.register_company(s, p["spec"], "精工机械（太仓）有限公司", None, "太仓", as_of=AS_OF)
        assert err.value.code == "likely_duplicate"
        await companies.complete_uscc(s, p["spec"], cid, "91320585 ma1w8k7q3g", as_of=AS_OF)
    async with unit_of_work(db) as s:
        with pytest.raises(CompanyError) as err:
            await companies.complete_uscc(s, p["spec"], cid, "91320585MA1X2B3C5X", as_of=AS_OF)
        assert err.value.code == "uscc_already_set"
        with pytest.raises(CompanyError) as err:
            await companies.register_company(s, p["sup"], "另一家公司", GOOD, as_of=AS_OF)
        assert err.value.code == "exists" and err.value.params["company_id"] == cid
        history = await companies.history(s, p["spec"], cid, "uscc")
        assert [h.value for h in history] == [GOOD]


async def test_registration_stays_in_the_actors_region_and_smes_cannot_register(people):
    db, p = people
    async with unit_of_work(db) as s:
        with pytest.raises(CompanyError) as err:
            await companies.register_company(s, p["other"], "某某有限公司", GOOD, as_of=AS_OF)  # USCC says 太仓
        assert err.value.code == "region_outside"
        with pytest.raises(CompanyError) as err:
            await companies.register_company(s, p["spec"], "某某有限公司", None, "火星", as_of=AS_OF)
        assert err.value.code == "unknown_region"
        with pytest.raises(CompanyError) as err:
            await companies.register_company(s, p["sme"], "某某有限公司", None, "太仓", as_of=AS_OF)
        assert err.value.code == "not_allowed"


async def test_profile_values_keep_their_source_and_history_and_a_concurrent_change_is_shown(people):
    db, p = people
    async with unit_of_work(db) as s:
        cid = (await companies.register_company(s, p["spec"], "太仓精工机械有限公司", GOOD, as_of=AS_OF)).id
    async with unit_of_work(db) as s:
        await companies.set_profile(s, p["spec"], cid, {"title:high_tech": "2024-12-01", "fact:valid_invention_patents": 3},
                                    source="visit:1", as_of=AS_OF, base={"fact:valid_invention_patents": None})
    async with unit_of_work(db) as s:  # the supervisor saw 3 and sets 5
        await companies.set_profile(s, p["sup"], cid, {"fact:valid_invention_patents": 5}, source="call",
                                    as_of=AS_OF, base={"fact:valid_invention_patents": 3})
    async with unit_of_work(db) as s:  # the specialist still thinks it is 3 and writes 4: told, nothing written
        with pytest.raises(companies.ProfileConflict) as err:
            await companies.set_profile(s, p["spec"], cid, {"fact:valid_invention_patents": 4}, source="visit:2",
                                        as_of=AS_OF, base={"fact:valid_invention_patents": 3})
        assert err.value.params["changes"] == [("fact:valid_invention_patents", 5, 4)]
    async with unit_of_work(db) as s:
        values = await companies.sourced_values(s, cid)
        assert values["fact:valid_invention_patents"].value == 5 and values["fact:valid_invention_patents"].source == "call"
        assert values["title:high_tech"].value == "2024-12-01"
        assert [h.value for h in await companies.history(s, p["sup"], cid, "fact:valid_invention_patents")] == [5, 3]


def test_clean_uscc_handles_full_width_and_dashes():
    assert clean_uscc("９１３２０５８５－ma1w8k7q3g") == GOOD


async def test_the_visits_demo_seeds_once_on_the_demo_database(db):
    from services.demo_seed import seed_demo
    from services.visits_demo import seed_visits_demo
    from storage.models import Measure, Visit
    from sqlmodel import select

    async with unit_of_work(db) as s:
        assert await seed_demo(s)  # the demo seed includes the visits demo
    async with unit_of_work(db) as s:
        assert not await seed_visits_demo(s)
        assert len((await s.exec(select(Visit))).all()) == 1
        assert len((await s.exec(select(Measure))).all()) == 2


@given(st.text(max_size=200))
def test_any_text_gets_a_key_or_a_named_refusal_never_a_crash(text):
    assert len(name_key(text)) <= companies.MAX_NAME
    try:
        code = normalise_uscc(text)
    except CompanyError as exc:
        assert exc.params["reason"] in ("length", "char", "check")
    else:
        assert len(code) == 18 and stdnum_uscc.is_valid(code)
