from datetime import date

import pytest

from policy import FactError, load_catalog
from services import eligibility as elig
from services.companies import add_company
from services.invites import create_invite, redeem
from services.session import unit_of_work

AS_OF = date(2025, 6, 30)  # inside the county plan's period


@pytest.fixture
def cat():
    return load_catalog()


@pytest.mark.parametrize(("fact", "text", "value"), [
    ("is_sme", "是", True), ("is_sme", "否", False), ("is_sme", " yes ", True),
    ("invention_grants_this_year", "7", 7),
    ("rd_expense_last_year", "120万", 1_200_000), ("rd_expense_last_year", "1,200,000", 1_200_000),
    ("rd_expense_last_year", "1.5亿", 150_000_000),
    ("profit_tax_by_year", "2100万,2300万，2500万", [21_000_000, 23_000_000, 25_000_000]),
])
def test_typed_answers_become_typed_facts(cat, fact, text, value):
    assert elig.parse_answer(cat, fact, text) == value


@pytest.mark.parametrize(("fact", "text", "code"), [
    ("is_sme", "也许", "want_yes_no"), ("invention_grants_this_year", "-3", "want_count"),
    ("invention_grants_this_year", "3.5", "want_count"), ("rd_expense_last_year", "=SUM(A1)", "want_money"),
    ("profit_tax_by_year", "1,2", "want_three"), ("is_sme", "是" * 100, "too_long"),
])
def test_unreadable_answers_name_the_problem(cat, fact, text, code):
    with pytest.raises(elig.AnswerError) as err:
        elig.parse_answer(cat, fact, text)
    assert err.value.code == code


def test_a_ratio_over_100_percent_is_refused_by_the_engine(cat):
    fact = next(n for n, s in cat.registry.specs.items() if s.type == "ratio")
    with pytest.raises(FactError):
        elig.parse_answer(cat, fact, "350%")


def test_what_if_reads_labels_and_relative_changes(cat):
    assert elig.parse_whatif(cat, "当年发明专利授权 +2")[0] == {"invention_grants_this_year": "+2"}
    assert elig.parse_whatif(cat, "2024-06-30")[1] == date(2024, 6, 30)
    assert elig.parse_whatif(cat, "中小企业 +2") is None  # a yes/no fact has no "+2"
    assert elig.parse_whatif(cat, "天气 3") is None


async def test_saving_facts_reports_what_newly_qualifies_and_what_is_one_step_away(db):
    async with unit_of_work(db) as s:
        await add_company(s, "91320585MA1W8K7Q3G", "太仓精工机械有限公司", "320585")
        specialist = (await redeem(s, (await create_invite(s, "specialist", region_code="320585")).token,
                                   1, "王", None, "zh")).actor
    async with unit_of_work(db) as s:
        company_id = (await elig.choices_for(s, specialist))[0][0]
        news = await elig.save_facts(s, load_catalog(), specialist, company_id, {"invention_grants_this_year": 4}, AS_OF)
    assert [r.policy for r in news.one_step] == ["invention-star"] and not news.eligible
    async with unit_of_work(db) as s:
        news = await elig.save_facts(s, load_catalog(), specialist, company_id, {"invention_grants_this_year": 5}, AS_OF)
    assert [r.policy for r in news.eligible] == ["invention-star"]
    async with unit_of_work(db) as s:
        subject = await elig.subject_for(s, load_catalog(), specialist, company_id)
    assert subject.facts == {"invention_grants_this_year": 5}


async def test_an_sme_cannot_read_or_save_another_company(db):
    async with unit_of_work(db) as s:
        mine = await add_company(s, "91320585MA1W8K7Q3G", "太仓精工机械有限公司", "320585")
        other = await add_company(s, "91320585MA1X2B3C5X", "太仓新材料科技有限公司", "320585")
        owner = (await redeem(s, (await create_invite(s, "sme", company_uscc=mine.uscc)).token,
                              2, "李", None, "zh")).actor
    async with unit_of_work(db) as s:
        assert [cid for cid, _ in await elig.choices_for(s, owner)] == [mine.id]
        with pytest.raises(elig.CheckRefusal):
            await elig.subject_for(s, load_catalog(), owner, other.id)
        with pytest.raises(elig.CheckRefusal):
            await elig.save_facts(s, load_catalog(), owner, other.id, {"is_sme": True}, AS_OF)
    async with unit_of_work(db) as s:
        with pytest.raises(FactError):
            await elig.save_facts(s, load_catalog(), owner, mine.id, {"invention_grants_this_year": -1}, AS_OF)
        assert (await elig.subject_for(s, load_catalog(), owner, mine.id)).facts == {}


def test_several_related_numbers_in_one_message(cat):
    assert elig.parse_answers(cat, "invention_grants_this_year", "申请 15 件，授权 5 件，有效 12 件") == {
        "invention_applications_total": 15, "invention_grants_this_year": 5, "valid_invention_patents": 12}
    assert elig.parse_answers(cat, "invention_grants_this_year", "7") == {"invention_grants_this_year": 7}
    with pytest.raises(FactError) as err:
        elig.parse_answers(cat, "invention_grants_this_year", "授权 2 件，有效 -1 件")
    assert err.value.fields == ["valid_invention_patents"]


def test_a_question_that_settles_nothing_open_is_not_asked(cat):
    from services.users import Actor, Role

    specialist = Actor(1, 1, Role.specialist, "王", None, None, "zh")
    # In 2023 the 2018 and 2022 programmes have ended: nothing only they need is asked.
    asked, facts = [], {"is_sme": True}
    while (fact := elig.next_question(cat, specialist, facts, date(2023, 6, 30))) is not None:
        assert fact not in asked and len(asked) < 20
        asked.append(fact)
        facts[fact] = False if elig.fact_kind(cat, fact) == "bool" else 0
    assert "is_key_sme" not in asked and "ip_standard_certified" not in asked  # only ended programmes need them
    assert "invention_grants_this_year" in asked
    # on request, the ended ones too
    assert elig.next_question(cat, specialist, facts, date(2023, 6, 30), include_ended=True) is not None


async def test_refusals_are_audited_and_change_nothing(db):
    from services import audit

    async with unit_of_work(db) as s:
        company = await add_company(s, "91320585MA1W8K7Q3G", "太仓精工机械有限公司", "320585")
        company.facts = {"is_sme": True}
        boss = (await redeem(s, (await create_invite(s, "supervisor", region_code="3205")).token,
                             3, "张", None, "zh")).actor
    async with unit_of_work(db) as s:
        with pytest.raises(elig.CheckRefusal) as err:
            await elig.save_facts(s, load_catalog(), boss, company.id, {"is_sme": False}, AS_OF)
        assert err.value.code == "may_not_save"
        with pytest.raises(elig.CheckRefusal) as err:
            await elig.recipients_for_send(s, boss, company.id)
        assert err.value.code == "may_not_send"
    async with unit_of_work(db) as s:
        assert (await elig.subject_for(s, load_catalog(), boss, company.id)).facts == {"is_sme": True}
        assert sorted(e.action for e in await audit.recent(s) if e.action.startswith("check.")) == ["check.save", "check.send"]
