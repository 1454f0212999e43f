"""The last places user text came in without the gate (services.textgate), each on SQLite and PostgreSQL:
SMEs' questions and specialists' replies, company search words and the profile's industry, typed
check-in codes, Telegram names and usernames; and the migration that cleans names stored before the gate.

Each site is fed a NUL byte (PostgreSQL refuses 0x00 in text outright), a right-to-left override
(U+202E) and a zero-width space (U+200B), as a forged client might send them.
"""

from __future__ import annotations

import html
import re
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import text as sql
from sqlmodel import select

from services import companies, questions, textgate
from services import training as tr
from services.invites import Redeemed, create_invite, redeem
from services.session import Database, unit_of_work
from services.trainees import PersonDraft
from services.users import Actor, ensure_admin, load_actor
from storage.migrate import alembic_config, upgrade_async
from storage.models import Company, QuestionThread, Role, User

TRICKS = ("\x00", "\u202e", "\u200b")
USCC = "91320585MA1W8K7Q3G"
COMPANY = "太仓精工机械有限公司"
SPECIALIST, OWNER = 601, 602
TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)


def typed(text: str) -> str:
    """The text with a NUL, a right-to-left override and a zero-width space after its first character."""
    return text[:1] + "".join(TRICKS) + text[1:]


def clean_of_tricks(text: str | None) -> bool:
    return text is not None and not any(c in text for c in TRICKS)


# --------------------------------------------------------------------------- questions and replies


async def _asker_and_specialist(db) -> None:
    async with unit_of_work(db) as s:
        spec = User(telegram_id=SPECIALIST, role=Role.specialist, full_name="王特派", region_code="320585")
        s.add(spec)
        await s.flush()
        company = await companies.add_company(s, USCC, COMPANY, "320585", specialist_id=spec.id)
        s.add(User(telegram_id=OWNER, role=Role.sme, full_name="李总", company_id=company.id))


async def _ask(db, question: str) -> questions.Route:
    async with unit_of_work(db) as s:
        return await questions.route_to_specialist(s, await load_actor(s, OWNER), question)


async def test_a_question_and_a_reply_with_a_nul_an_override_and_a_zero_width_space_are_stored_and_relayed_clean(db):
    await _asker_and_specialist(db)
    route = await _ask(db, typed("德国专利费用怎么算？") + "\n另外：PCT 呢？")
    assert route.outcome == questions.Routed.ok
    async with unit_of_work(db) as s:
        relay = await questions.record_answer(s, route.thread_id, typed("按标准收费。") + "\n谢谢 👨\u200d👩\u200d👧")
    async with unit_of_work(db) as s:
        follow_up = await questions.record_answer(s, route.thread_id, "\u202e补\x00充：\u200b可走 PCT 途径。")
    # free text: its lines stay, and the ZWJ that holds an emoji family together stays
    assert relay.answer == "按标准收费。\n谢谢 👨\u200d👩\u200d👧"
    assert relay.question == "德国专利费用怎么算？\n另外：PCT 呢？"
    assert follow_up.follow_up and follow_up.answer == "补充：可走 PCT 途径。"
    async with db.sessions() as s:
        thread = await s.get(QuestionThread, route.thread_id)
    assert (thread.question, thread.answer) == ("德国专利费用怎么算？\n另外：PCT 呢？", "按标准收费。\n谢谢 👨\u200d👩\u200d👧")


async def test_a_question_over_the_limit_is_refused_naming_the_limit_not_cut(db):
    await _asker_and_specialist(db)
    limit = questions.MAX_QUESTION_CHARS
    with pytest.raises(questions.QuestionRefusal) as err:
        await _ask(db, "问" * (limit + 1))
    assert err.value.code == "too_long_question"
    assert err.value.params == {"field": "question", "limit": limit, "got": limit + 1}
    # invisible characters are not stored, so they do not count against the limit
    route = await _ask(db, "问" * limit + "\u200b" * 20)
    async with db.sessions() as s:
        stored = (await s.exec(select(QuestionThread.question))).all()
    assert route.outcome == questions.Routed.ok and stored == ["问" * limit]


async def test_a_question_of_nothing_but_invisible_characters_is_refused(db):
    await _asker_and_specialist(db)
    with pytest.raises(questions.QuestionRefusal) as err:
        await _ask(db, "\u200b\x00\u202e ")
    assert err.value.code == "qa_question_empty"
    async with db.sessions() as s:
        assert (await s.exec(select(QuestionThread))).all() == []


async def test_a_reply_over_the_limit_or_of_nothing_visible_is_refused_by_a_sentence(db):
    from handlers.errors import refusal_sentence

    await _asker_and_specialist(db)
    route = await _ask(db, "德国专利费用怎么算？")
    limit = questions.MAX_ANSWER_CHARS
    async with unit_of_work(db) as s:
        with pytest.raises(questions.QuestionRefusal) as long:
            await questions.record_answer(s, route.thread_id, "答" * (limit + 1))
        with pytest.raises(questions.QuestionRefusal) as empty:
            await questions.record_answer(s, route.thread_id, "\u200b\x00")
    assert (long.value.code, long.value.params) == ("too_long_answer", {"field": "answer", "limit": limit,
                                                                        "got": limit + 1})
    assert refusal_sentence(long.value, "zh") == f"答复太长了：最多 {limit} 个字，您输入了 {limit + 1} 个字。"
    assert str(limit) in refusal_sentence(long.value, "en")
    assert empty.value.code == "answer_empty"
    assert "文字" in refusal_sentence(empty.value, "zh") and "text" in refusal_sentence(empty.value, "en")
    async with db.sessions() as s:
        assert (await s.get(QuestionThread, route.thread_id)).answer is None


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("key", ["qa_relay", "qa_relay_follow_up"])
def test_the_longest_reply_still_fits_one_telegram_message_once_wrapped(lang, key):
    """What the bot sends the company: the reply (at its limit), the specialist's name (at its
    limit), the question's first characters; Telegram counts the text after parsing the HTML."""
    from handlers.questions import QUESTION_ECHO_LIMIT, clip
    from locales import t

    name = textgate.gate("王" * 300, textgate.TELEGRAM_NAME)
    worst = t(key, lang, answer=html.escape("<" * questions.MAX_ANSWER_CHARS), name=html.escape(name),
              question=html.escape(clip("问" * questions.MAX_QUESTION_CHARS, QUESTION_ECHO_LIMIT)))
    shown = html.unescape(re.sub(r"<[^>]+>", "", worst))
    assert len(name) == 128 and len(shown) <= 4096
    assert len(shown.encode("utf-16-le")) // 2 <= 4096  # also as UTF-16 code units, for BMP text


# --------------------------------------------------------------------------- company search and profile


async def _specialist(db) -> Actor:
    async with unit_of_work(db) as s:
        user = User(telegram_id=SPECIALIST, role=Role.specialist, full_name="王特派", region_code="320585")
        s.add(user)
        await s.flush()
        await companies.add_company(s, USCC, COMPANY, "320585", specialist_id=user.id)
        return Actor(user.id, SPECIALIST, Role.specialist, "王特派", "320585", None, "zh")


@pytest.mark.parametrize("words", ["太\u200b仓", "太仓\x00", "\u202e太仓", "精\u200b工", "精工\x00机械", "\ufeff精工",
                                   typed("太仓精工"), "9132\u200b0585", "精工\u2060机械"])
async def test_a_search_word_with_a_nul_an_override_or_a_zero_width_space_still_finds_the_company(db, words):
    actor = await _specialist(db)
    async with db.sessions() as s:
        found = await companies.search_companies(s, actor, words)
    assert [c.name for c in found] == [COMPANY]


async def test_a_search_of_nothing_but_invisible_characters_finds_nothing_and_a_long_one_is_cut(db):
    actor = await _specialist(db)
    async with db.sessions() as s:
        assert await companies.search_companies(s, actor, "\u200b\x00\u202e") == []
        # search words are not stored: an over-long search is cut to the field's limit, not refused
        assert [c.name for c in await companies.search_companies(s, actor, "精工" + "\u200b" * 200)] == [COMPANY]
        assert await companies.search_companies(s, actor, "精工" + "x" * 200) == []


async def test_the_profile_s_industry_is_gated_and_refused_over_its_column(db):
    actor = await _specialist(db)
    async with db.sessions() as s:
        company_id = (await s.exec(select(Company.id))).one()
    async with unit_of_work(db) as s:
        await companies.set_profile(s, actor, company_id, {"industry": typed("新材料") + "\n（高分子）"},
                                    source="call", as_of=TODAY)
    async with db.sessions() as s:
        assert (await s.get(Company, company_id)).industry == "新材料 （高分子）"
    async with unit_of_work(db) as s:
        with pytest.raises(companies.CompanyError) as err:
            await companies.set_profile(s, actor, company_id, {"industry": "材" * 65}, source="call", as_of=TODAY)
        await companies.set_profile(s, actor, company_id, {"industry": "\u200b "}, source="call", as_of=TODAY)
    assert (err.value.code, err.value.params) == ("too_long_industry", {"field": "industry", "limit": 64, "got": 65})
    async with db.sessions() as s:
        assert (await s.get(Company, company_id)).industry is None


# --------------------------------------------------------------------------- typed check-in codes


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) for c in text)


async def test_a_typed_check_in_code_is_read_through_full_width_digits_spaces_and_invisible_characters(db):
    async with unit_of_work(db) as s:
        organiser = User(telegram_id=SPECIALIST, role=Role.specialist, full_name="王特派", region_code="320585")
        member = User(telegram_id=OWNER, role=Role.sme, full_name="赵六")
        s.add_all([organiser, member])
        await s.flush()
        org = Actor(organiser.id, SPECIALIST, Role.specialist, "王特派", "320585", None, "zh")
        me = Actor(member.id, OWNER, Role.sme, "赵六", None, None, "zh")
        training = await tr.create_session(s, org, tr.SessionDraft(
            title="贯标内审员培训", category="贯标内审员", starts_at=NOW + timedelta(days=3),
            ends_at=NOW + timedelta(days=3, hours=3), capacity=20, location="太仓市科技创业园", region_code="320585"), NOW)
        await tr.enrol_self(s, me, training, NOW, PersonDraft.parse("赵六", "13600136000", COMPANY, "研发经理", "工程师"))
        start = NOW + timedelta(days=3)
        code = tr.checkin_token(training, start).code
    async with unit_of_work(db) as s:
        for wrong in ("١٢٣٤٥٦", "12345", "\x00" * 6):  # Arabic-Indic digits are no code of ours: refused, no crash
            with pytest.raises(tr.TrainingRefusal) as err:
                await tr.check_in_by_code(s, me, wrong, start)
            assert err.value.code == "checkin_code_shape"
    async with unit_of_work(db) as s:
        done = await tr.check_in_by_code(s, me, full_width(code[:3]) + "\u3000" + code[3:], start)
    assert done.status == "attended"
    async with unit_of_work(db) as s:
        again = await tr.check_in_by_code(s, me, code[:2] + "\u200b\x00 " + code[2:4] + "\u202e\ufeff" + code[4:], start)
    assert again.already


# --------------------------------------------------------------------------- names from Telegram


async def test_a_telegram_name_and_username_with_tricks_are_stored_clean_and_a_long_name_never_stops_a_join(db):
    async with unit_of_work(db) as s:
        ticket = await create_invite(s, "specialist", region_code="320585")
        other = await create_invite(s, "specialist", region_code="320585")
    async with unit_of_work(db) as s:
        joined = await redeem(s, ticket.token, 42, typed("王特派") + " \u2066Wang\u2069", typed("wang_te"), "zh")
    async with unit_of_work(db) as s:
        long = await redeem(s, other.token, 43, "長" * 64 + " " + "名" * 64 + "\x00", "\u200b", "zh")
    async with unit_of_work(db) as s:
        admin = await ensure_admin(s, 44, typed("管理员") + "\u202d", "zh")
    assert joined.outcome == long.outcome == Redeemed.ok
    assert (joined.actor.full_name, long.actor.full_name[:3], admin.full_name) == ("王特派 Wang", "長長長", "管理员")
    async with db.sessions() as s:
        users = {u.telegram_id: u for u in (await s.exec(select(User))).all()}
    assert (users[42].full_name, users[42].username) == ("王特派 Wang", "wang_te")
    # 64 + 1 + 64 characters: cut to the column's 128, not refused (a Telegram name is no field of ours)
    assert users[43].full_name == "長" * 64 + " " + "名" * 63 and users[43].username is None
    assert users[44].full_name == "管理员"


# --------------------------------------------------------------------------- the migration


MIGRATION = "textgate_1"


@pytest.fixture(params=["sqlite", "postgresql"])
async def bare_url(request, tmp_path):
    """An empty database to migrate step by step: a bare SQLite file, or a new PostgreSQL database."""
    from tests.conftest import fresh_postgres_database

    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'migrate.db'}"
        return
    async with fresh_postgres_database() as url:
        yield url


def _previous_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_revision(MIGRATION).down_revision


async def test_the_migration_cleans_company_names_and_user_names_stored_before_the_gate(bare_url):
    await upgrade_async(bare_url, _previous_revision())
    sqlite = bare_url.startswith("sqlite")
    nul = "\x00" if sqlite else "\x07"  # PostgreSQL never stored a NUL: a bell stands in for the control
    dirty = {  # as the pre-gate clean_name stored them: NFKC, spaces collapsed, brackets Chinese
        1: f"太仓{nul}精工\u202e机械\u200b有限公司",
        2: "精\u2060工机械（太仓）\ufeff有限公司",
        3: "苏州 \u200b 新材料 有限公司",
        4: "e\u200b\u0301lan 科技有限公司",  # removing the space leaves a pair NFC composes
        5: "苏州清白科技有限公司",
    }
    names = {1: f"王{nul}特派\u202e\u200b", 2: "Ｌｉ\u2066 Wei\u2069", 3: "张三"}
    database = Database(bare_url)
    try:
        async with database.engine.begin() as conn:
            for cid, name in dirty.items():
                await conn.execute(sql("INSERT INTO companies (id, name, name_key, facts, titles, created_at, updated_at)"
                                       " VALUES (:id, :name, :key, '{}', '{}', :now, :now)"),
                                   {"id": cid, "name": name, "key": f"key{cid}", "now": NOW})
            for uid, name in names.items():
                await conn.execute(sql("INSERT INTO users (id, telegram_id, role, full_name, language, active, created_at)"
                                       " VALUES (:id, :tid, 'sme', :name, 'zh', :yes, :now)"),
                                   {"id": uid, "tid": 900 + uid, "name": name, "yes": True, "now": NOW})
        await upgrade_async(bare_url)
        async with database.sessions() as s:
            stored = {c.id: c for c in (await s.exec(select(Company))).all()}
            users = {u.id: u.full_name for u in (await s.exec(select(User))).all()}
    finally:
        await database.close()
    assert {i: c.name for i, c in stored.items()} == {
        1: "太仓精工机械有限公司", 2: "精工机械（太仓）有限公司", 3: "苏州 新材料 有限公司", 4: "élan 科技有限公司",
        5: "苏州清白科技有限公司"}
    # what the gate gives for the same text today: the migration and the services agree
    assert all(stored[i].name == companies.clean_name(dirty[i]) for i in dirty)
    assert users == {1: "王特派", 2: "Li Wei", 3: "张三"}
    assert all(users[i] == textgate.gate(names[i], textgate.TELEGRAM_NAME) for i in names)
    # name_key is left as it was (recomputing it needs services.regions; see the migration's docstring)
    assert [c.name_key for c in stored.values()] == [f"key{i}" for i in stored]
