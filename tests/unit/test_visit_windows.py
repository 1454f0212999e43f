"""The visit dialog window by window with aiogram-dialog's own test tools: no HTTP, no waits.

A stub bot stands in for Telegram (aiogram_dialog.test_tools' FakeBot, recording the
plain messages the handlers send besides the windows); the database is real, and so is
each update's unit of work (the bot's own `UpdateContext`: its session, its commit, the
actor and language loaded from the database). Dialog state is kept as JSON
(`JsonMemoryStorage`, as in aiogram-dialog's own tests), so dialog data that the
database-backed storage could not keep fails here too.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import re

import pytest
from aiogram import Dispatcher
from aiogram.methods import SendMessage
from aiogram.types import Chat, Message
from aiogram_dialog import setup_dialogs
from aiogram_dialog.test_tools import BotClient, MockMessageManager
from aiogram_dialog.test_tools.memory_storage import JsonMemoryStorage
from aiogram_dialog.test_tools.bot_client import FakeBot
from aiogram_dialog.test_tools.keyboard import InlineButtonTextLocator
from sqlmodel import select

from bot.middlewares import UpdateContext
from dialogs.company import dialog as company_dialog
from dialogs.visit import dialog as visit_dialog
from policy import load_catalog
from services.context import AppContext
from services.session import Database, unit_of_work
from storage.models import Company, Role, User, Visit
from tests.databases import copy_sqlite, sqlite_template

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 25, 2, 0, tzinfo=timezone.utc)  # Wednesday 10:00 in Shanghai


class RecordingBot(FakeBot):
    """Answers sendMessage (refusals, the location keyboard, the outlook) and keeps the texts."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    async def __call__(self, method: Any, request_timeout: int | None = None) -> Any:
        if isinstance(method, SendMessage):
            self.sent.append(method.text)
            return Message(message_id=len(self.sent) + 10_000, date=NOW, chat=Chat(id=method.chat_id, type="private"),
                           text=method.text)
        return await super().__call__(method, request_timeout)


@pytest.fixture
async def world(tmp_path):
    copy_sqlite(await sqlite_template(), tmp_path / "w.db")
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'w.db'}")
    async with unit_of_work(db) as s:
        user = User(telegram_id=1, role=Role.specialist, full_name="王特派", region_code="320585")
        s.add(user)
        await s.flush()
        s.add(Company(uscc="91320585MA1W8K7Q3G", name="太仓精工机械有限公司", name_key="精工机械", region_code="320585",
                      specialist_id=user.id, facts={"is_sme": True}))
    dp = Dispatcher(storage=JsonMemoryStorage())
    dp["ctx"] = AppContext(settings=None, catalog=load_catalog(), db=db, tz=TZ, clock=lambda: NOW)
    dp.update.outer_middleware(UpdateContext(db, admin_ids=frozenset()))  # the bot's own unit of work
    dp.include_router(visit_dialog.build())
    dp.include_router(company_dialog.build())
    messages = MockMessageManager()
    setup_dialogs(dp, message_manager=messages)
    bot = RecordingBot()
    client = BotClient(dp, bot=bot)  # Telegram user 1, the specialist above
    yield client, messages, bot, db
    await db.close()


async def click(client, messages, text: str) -> Message:
    shown = _last(messages)
    messages.reset_history()
    await client.click(shown, InlineButtonTextLocator(text if text.startswith("^") else f".*{re.escape(text)}.*"))
    return _last(messages)


def _last(messages) -> Message:
    return messages.last_message()


async def test_a_phone_visit_press_by_press_with_an_edit_from_the_summary(world):
    client, messages, bot, db = world
    await client.send("/visit")
    assert "走访哪家企业" in _last(messages).text
    await click(client, messages, "太仓精工")
    assert "走访方式" in _last(messages).text
    assert any("发送位置" in text for text in bot.sent)  # the reply keyboard came with it
    await click(client, messages, "电话")
    assert "谈到了哪些内容" in _last(messages).text
    window = await click(client, messages, "质押融资")
    assert any("✅ 质押融资" in b.text for row in window.reply_markup.inline_keyboard for b in row)
    messages.reset_history()
    await client.send("问题：缺少质押评估机构")
    assert "发送照片" in _last(messages).text
    await click(client, messages, "下一步")
    messages.reset_history()
    await client.send("介绍两家评估机构")
    calendar = _last(messages)
    assert "请选择完成期限" in calendar.text
    labels = [b.text for row in calendar.reply_markup.inline_keyboard for b in row]
    assert "🗓 2026年11月" in labels and labels[labels.index("🗓 2026年11月") + 1:][:7] == list("一二三四五六日")
    due = (NOW.astimezone(TZ) + timedelta(days=1)).day
    await click(client, messages, f"^{due}$")
    assert "介绍两家评估机构" in _last(messages).text
    summary = await click(client, messages, "完成")
    assert "电话" in summary.text and "质押融资" in summary.text
    await click(client, messages, "✏️ 内容")
    await click(client, messages, "贯标")
    summary = await click(client, messages, "下一步")  # editing: back to the summary, nothing else asked
    assert "走访记录" in summary.text and "质押融资、贯标" in summary.text
    await click(client, messages, "保存")
    assert any("已保存" in text for text in bot.sent)
    async with db.sessions() as s:
        visit = (await s.exec(select(Visit))).one()
    assert visit.way == "phone" and visit.topics == ["pledge", "ip_standard"]
    assert visit.problems == ["缺少质押评估机构"]


async def test_after_saving_the_specialist_sees_what_the_company_qualifies_for_or_is_one_step_from(world):
    client, messages, bot, db = world
    async with unit_of_work(db) as s:
        company = (await s.exec(select(Company))).one()
        company.facts = {"is_sme": True, "invention_grants_this_year": 4, "valid_invention_patents": 19,
                         "high_value_patents": 5}
        s.add(company)
    await client.send("/visit")
    await click(client, messages, "太仓精工")
    await click(client, messages, "线上")
    messages.reset_history()
    await client.send("线上沟通发明之星申报")
    await click(client, messages, "下一步")
    await click(client, messages, "完成")
    await click(client, messages, "保存")
    outlook = next(text for text in bot.sent if "已保存" in text)
    # The star ended on 2023-12-31: named with its end, never "还差" (issue 19, item 4).
    assert "⏹ “发明之星”奖励：已于 2023-12-31 结束" in outlook and "还差" not in outlook


async def test_a_fact_changed_by_someone_else_meanwhile_is_shown_not_overwritten(world):
    client, messages, bot, db = world
    await client.send("/visit")
    await click(client, messages, "太仓精工")
    await click(client, messages, "电话")
    messages.reset_history()
    await client.send("电话回访")
    question = await click(client, messages, "更新知识产权信息")
    assert "更新知识产权信息" in question.text
    labels = [b.text for row in question.reply_markup.inline_keyboard for b in row]
    answer = "是" if "是" in labels else "3"
    asked = question.text.splitlines()[-1]
    await click(client, messages, f"^{answer}$")
    await click(client, messages, "完成")
    await click(client, messages, "完成")  # no measures
    # Meanwhile a colleague saves a different value for the same fact.
    from services import companies
    from services.users import Actor as A
    async with unit_of_work(db) as s:
        company = (await s.exec(select(Company))).one()
        fact = next(f for f in load_catalog().registry.specs if load_catalog().question(f, "zh") == asked)
        other = A(99, 99, Role.admin, "管理员", None, None, "zh")
        theirs = False if answer == "是" else 7
        await companies.set_profile(s, other, company.id, {f"fact:{fact}": theirs}, source="call", as_of=NOW.date())
    told = await click(client, messages, "保存")
    assert "有人改了同样的信息" in told.text
    async with db.sessions() as s:
        assert (await s.exec(select(Visit))).first() is None
        assert (await s.exec(select(Company))).one().facts[fact] == theirs
    await click(client, messages, "保存")  # knowingly: this person's value
    async with db.sessions() as s:
        assert (await s.exec(select(Visit))).first() is not None
        assert (await s.exec(select(Company))).one().facts[fact] == (True if answer == "是" else 3)


async def test_search_and_a_new_company_from_the_visit_picker(world):
    client, messages, bot, db = world
    await client.send("/visit")
    messages.reset_history()
    await client.send("MA1W8K")  # part of the USCC
    found = _last(messages)
    assert "找到 1 家" in found.text and "太仓精工" in str(found.reply_markup)
    await click(client, messages, "新企业")
    messages.reset_history()
    await client.send("太仓未来机器人有限公司")
    await click(client, messages, "稍后补充")
    way = await click(client, messages, "江苏省苏州市太仓市")  # the specialist's own region, one press
    assert any("已登记" in text for text in bot.sent)
    assert "太仓未来机器人有限公司" in way.text and "走访方式" in way.text  # back in the visit, company picked
    async with db.sessions() as s:
        new = (await s.exec(select(Company).where(Company.name == "太仓未来机器人有限公司"))).one()
    assert new.uscc is None and new.region_code == "320585" and new.specialist_id is not None


async def test_an_english_speaker_gets_english_throughout(world):
    client, messages, bot, db = world
    async with unit_of_work(db) as s:  # the person's language is what the bot stored for them
        (await s.exec(select(User).where(User.telegram_id == 1))).one().language = "en"
    await client.send("/visit")
    assert "Which company" in _last(messages).text
    await click(client, messages, "太仓精工")
    assert any("share your location" in text for text in bot.sent)
    await click(client, messages, "Phone")
    messages.reset_history()
    await client.send("need: a patent pledge loan")
    await click(client, messages, "Next")
    summary = await click(client, messages, "Done")
    assert "Way: 📞 Phone" in summary.text and "Findings: need: a patent pledge loan" in summary.text
    await click(client, messages, "Save")
    assert any("saved" in text for text in bot.sent)
