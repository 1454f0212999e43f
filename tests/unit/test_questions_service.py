"""services.questions against the real policy texts and a migrated SQLite database."""

from __future__ import annotations

import pytest
from sqlmodel import select

from search import SearchIndex, policy_documents
from services.companies import add_company
from services.questions import (
    MAX_ANSWER_CHARS,
    Routed,
    citation,
    find_thread_by_specialist_message,
    record_answer,
    record_forward,
    route_to_specialist,
)
from services.session import unit_of_work
from services.users import load_actor
from storage.models import AuditEntry, QuestionThread, Role, User

INDEX = SearchIndex()  # one index for these tests, as one context holds one

USCC = "91320585MA1W8K7Q3G"
OTHER_USCC = "91320585MA1X2B3C5X"
SPECIALIST, OWNER, SUPERVISOR, FAR_SUPERVISOR, ADMIN = 501, 502, 503, 504, 505


# --------------------------------------------------------------------------- search


def test_documents_carry_number_and_title_apart():
    docs = {d.doc_id: d for d in policy_documents()}
    assert docs["000_94898abcd3045e73"].number == "苏知发〔2018〕86号"
    assert docs["000_94898abcd3045e73"].title.startswith("江苏省中小企业知识产权战略推进工程实施方案")
    county = docs["001_bb17abadfc902431"]
    assert county.number == "" and county.title == "关于提升知识产权创新支撑力的实施意见（附件8）"


def test_first_invention_question_is_answered_from_the_clause():
    answer = INDEX.answer("首件发明专利有补贴吗？")
    assert answer.confident
    top = answer.hits[0]
    assert citation(top) == "苏知发〔2018〕86号 二（一）1"
    assert "首件发明专利的申请费和代理费给予一定补贴" in top.quote


def test_county_clause_is_cited_by_its_title():
    answer = INDEX.answer("发明之星奖励条件")
    assert answer.confident
    assert citation(answer.hits[0]) == "关于提升知识产权创新支撑力的实施意见（附件8） 三（一）"


def test_off_topic_question_is_not_confident():
    answer = INDEX.answer("我们公司明年想在德国申请专利，费用怎么算？")
    assert not answer.confident


@pytest.mark.parametrize("text", ["", "   ", "👍👍", "<b>粗体</b>", "=SUM(A1)", "&amp;&lt;", "专利" * 3000, "\x00\u200b"])
def test_odd_input_never_raises(text):
    answer = INDEX.answer(text)
    assert answer.reason in {"ok", "empty", "no_match", "low_score", "low_coverage"}


def test_the_index_is_built_once_per_context_and_kept_there():
    index = SearchIndex()
    index.warm_up()
    assert index.get() is index.get()
    assert SearchIndex().get() is not index.get()  # another context, another index


def test_the_composition_root_hands_the_search_down_in_the_context():
    from bot.app import build_context
    from bot.settings import Settings

    settings = Settings(DATABASE_URL="sqlite+aiosqlite:///:memory:")
    assert isinstance(build_context(settings, None).search, SearchIndex)
    assert build_context(settings, None, search=INDEX).search is INDEX  # e.g. one index for a test session


# --------------------------------------------------------------------------- routing and answers


async def _people(db, *, specialist: bool = True, active: bool = True) -> None:
    async with unit_of_work(db) as session:
        spec = User(telegram_id=SPECIALIST, role=Role.specialist, full_name="王特派", language="en",
                    region_code="320585", active=active)
        session.add_all([
            spec,
            User(telegram_id=SUPERVISOR, role=Role.supervisor, full_name="张主管", region_code="3205"),
            User(telegram_id=FAR_SUPERVISOR, role=Role.supervisor, full_name="远方主管", region_code="3201"),
            User(telegram_id=ADMIN, role=Role.admin, full_name="管理员"),
        ])
        await session.flush()
        company = await add_company(session, USCC, "太仓精工机械有限公司", "320585",
                                    specialist_id=spec.id if specialist else None)
        session.add(User(telegram_id=OWNER, role=Role.sme, full_name="李总", company_id=company.id))


async def _route(db, text: str = "德国专利费用怎么算？"):
    async with unit_of_work(db) as session:
        return await route_to_specialist(session, await load_actor(session, OWNER), text)


async def test_route_records_a_thread_for_the_company_specialist(db):
    await _people(db)
    route = await _route(db)
    assert route.outcome == Routed.ok
    assert (route.company_name, route.specialist_telegram_id, route.specialist_name, route.specialist_language) == (
        "太仓精工机械有限公司", SPECIALIST, "王特派", "en")
    async with db.sessions() as session:
        thread = await session.get(QuestionThread, route.thread_id)
    assert (thread.asker_telegram_id, thread.specialist_telegram_id, thread.question) == (
        OWNER, SPECIALIST, "德国专利费用怎么算？")
    assert thread.specialist_message_id is None and thread.answer is None


@pytest.mark.parametrize("specialist,active", [(False, True), (True, False)])
async def test_no_specialist_names_the_supervisor_of_the_region(db, specialist, active):
    await _people(db, specialist=specialist, active=active)
    route = await _route(db)
    assert route.outcome == Routed.no_specialist and route.thread_id is None
    assert route.company_name == "太仓精工机械有限公司" and route.contacts == ("张主管",)
    async with db.sessions() as session:
        assert (await session.exec(select(QuestionThread))).all() == []


async def test_no_supervisor_over_the_region_falls_back_to_admins(db):
    await _people(db, specialist=False)
    async with unit_of_work(db) as session:
        boss = (await session.exec(select(User).where(User.telegram_id == SUPERVISOR))).one()
        boss.active = False
        session.add(boss)
    route = await _route(db)
    assert route.contacts == ("管理员",)


async def test_an_sme_without_a_company_is_told_so(db):
    async with unit_of_work(db) as session:
        session.add(User(telegram_id=OWNER, role=Role.sme, full_name="李总"))
    route = await _route(db)
    assert route.outcome == Routed.no_company


async def test_forwarded_thread_is_found_only_in_the_specialist_chat(db):
    await _people(db)
    route = await _route(db)
    async with unit_of_work(db) as session:
        await record_forward(session, route.thread_id, 77)
    async with db.sessions() as session:
        found = await find_thread_by_specialist_message(session, SPECIALIST, 77)
        assert found is not None
        assert (found.id, found.company_name, found.asker_telegram_id, found.answered) == (
            route.thread_id, "太仓精工机械有限公司", OWNER, False)
        assert await find_thread_by_specialist_message(session, SPECIALIST, 78) is None
        assert await find_thread_by_specialist_message(session, OWNER, 77) is None
        with pytest.raises(LookupError):
            await record_forward(session, 999, 1)


async def test_first_reply_is_the_answer_and_later_ones_are_follow_ups(db):
    await _people(db)
    route = await _route(db)
    async with unit_of_work(db) as session:
        await record_forward(session, route.thread_id, 77)
    async with unit_of_work(db) as session:
        thread = await find_thread_by_specialist_message(session, SPECIALIST, 77)
        relay = await record_answer(session, thread, "  按德国专利商标局的收费标准。 ")
    assert (relay.asker_telegram_id, relay.asker_language, relay.follow_up) == (OWNER, "zh", False)
    assert relay.answer == "按德国专利商标局的收费标准。" and relay.question == "德国专利费用怎么算？"
    async with unit_of_work(db) as session:
        thread = await find_thread_by_specialist_message(session, SPECIALIST, 77)
        assert thread.answered
        again = await record_answer(session, thread.id, "补充：可走 PCT 途径。")
    assert again.follow_up and again.answer == "补充：可走 PCT 途径。"
    async with db.sessions() as session:
        stored = await session.get(QuestionThread, route.thread_id)
        audit = (await session.exec(select(AuditEntry).where(AuditEntry.action == "question.follow_up"))).all()
    assert stored.answer == "按德国专利商标局的收费标准。" and stored.answered_at is not None
    assert [(a.telegram_id, a.detail["thread_id"]) for a in audit] == [(SPECIALIST, route.thread_id)]


async def test_answers_must_fit(db):
    await _people(db)
    route = await _route(db)
    async with unit_of_work(db) as session:
        for text in ("", "   ", "答" * (MAX_ANSWER_CHARS + 1)):
            with pytest.raises(ValueError):
                await record_answer(session, route.thread_id, text)
        with pytest.raises(LookupError):
            await record_answer(session, 999, "答复")


def test_the_route_of_a_question_is_decided_in_one_place_where_a_classifier_plugs_in():
    from policy import load_catalog
    from services.questions import ENGINE, SEARCH, decide

    catalog = load_catalog()
    stated = decide("我们今年授权了6件发明专利，能评发明之星吗", catalog)
    assert (stated.kind, stated.programmes, stated.facts) == (ENGINE, ("invention-star",),
                                                             {"invention_grants_this_year": 6})
    assert decide("发明之星奖励条件", catalog).kind == SEARCH  # a programme but no figure: the texts answer
    assert decide("首件发明专利有补贴吗？", catalog).kind == SEARCH
    weather = decide("今天苏州天气怎么样？", catalog, classify=lambda q: "off_topic" if "天气" in q else None)
    assert weather.kind == "off_topic"
    assert decide("我们今年授权了6件发明专利，能评发明之星吗", catalog, classify=lambda q: None).kind == ENGINE
