from datetime import date

import pytest

from policy import FactError
from services import eligibility as elig
from services.companies import CompanyError, add_company
from services.invites import create_invite, redeem
from services.session import unit_of_work

AS_OF = date(2025, 6, 30)  # inside the county plan's period


@pytest.fixture
def cat():
    return elig.catalog()


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
        news = await elig.save_facts(s, specialist, company_id, {"invention_grants_this_year": 4}, AS_OF)
    assert [r.policy for r in news.one_step] == ["invention-star"] and not news.eligible
    async with unit_of_work(db) as s:
        news = await elig.save_facts(s, specialist, company_id, {"invention_grants_this_year": 5}, AS_OF)
    assert [r.policy for r in news.eligible] == ["invention-star"]
    async with unit_of_work(db) as s:
        subject = await elig.subject_for(s, specialist, company_id)
    assert subject.facts == {"invention_grants_this_year": 5}


async def test_an_sme_cannot_read_or_save_another_company(db):
    async with unit_of_work(db) as s:
        mine = await add_company(s, "91320585MA1W8K7Q3G", "太仓精工机械有限公司", "320585")
        other = await add_company(s, "91320585MA1X2B3C5X", "太仓新材料科技有限公司", "320585")
        owner = (await redeem(s, (await create_invite(s, "sme", company_uscc=mine.uscc)).token,
                              2, "李", None, "zh")).actor
    async with unit_of_work(db) as s:
        assert [cid for cid, _ in await elig.choices_for(s, owner)] == [mine.id]
        with pytest.raises(CompanyError):
            await elig.subject_for(s, owner, other.id)
        with pytest.raises(CompanyError):
            await elig.save_facts(s, owner, other.id, {"is_sme": True}, AS_OF)
    async with unit_of_work(db) as s:
        with pytest.raises(FactError):
            await elig.save_facts(s, owner, mine.id, {"invention_grants_this_year": -1}, AS_OF)
        assert (await elig.subject_for(s, owner, mine.id)).facts == {}
