"""/check window by window, with aiogram-dialog's own test tools: no HTTP, no waits.

Each press is fed to a dispatcher holding only the /check router; the mock message
manager keeps what each window showed, so a test reads it right after the press. The
database is real (SQLite and PostgreSQL, as everywhere), and so is each update's unit of
work (the bot's own `UpdateContext`: its session and commit, the actor and language loaded
from the database). Dialog state is kept as JSON (`JsonMemoryStorage`, as in
aiogram-dialog's own tests), so dialog data the database-backed storage could not keep
fails here too.
"""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from aiogram import Dispatcher
from aiogram.types import InlineKeyboardButton, Update
from aiogram_dialog import setup_dialogs
from aiogram_dialog.test_tools import BotClient, MockMessageManager
from aiogram_dialog.test_tools.memory_storage import JsonMemoryStorage
from aiogram_dialog.test_tools.keyboard import InlineButtonTextLocator

from bot.middlewares import UpdateContext
from dialogs import check
from policy import load_catalog
from services import audit
from services.companies import add_company
from services.context import AppContext
from services.invites import create_invite, redeem
from services.session import unit_of_work

FIXED = datetime(2023, 6, 30, 2, 0, tzinfo=timezone.utc)
FACTS = {"is_sme": True, "invention_grants_this_year": 3, "valid_invention_patents": 19, "high_value_patents": 5}


class Chat:
    """A dispatcher with the /check router for one user; every press reads the window it caused."""

    def __init__(self, db, actor) -> None:
        self.ctx = AppContext(settings=None, catalog=load_catalog(), db=db, tz=ZoneInfo("Asia/Shanghai"),
                              clock=lambda: FIXED)
        self.actor = actor
        self.dp = Dispatcher(storage=JsonMemoryStorage())
        self.dp["ctx"] = self.ctx
        self.dp.update.outer_middleware(UpdateContext(db, admin_ids=frozenset()))  # the bot's own unit of work
        self.dp.include_router(check.build())
        self.messages = MockMessageManager()
        setup_dialogs(self.dp, message_manager=self.messages)
        self.client = BotClient(self.dp, user_id=actor.telegram_id, chat_id=actor.telegram_id)

    @property
    def window(self):
        return self.messages.last_message()

    def buttons(self) -> list[list[str]]:
        return [[b.text for b in row] for row in self.window.reply_markup.inline_keyboard]

    async def send(self, text: str):
        await self.client.send(text)
        return self.window

    async def press(self, text: str, message=None):
        await self.client.click(message or self.window, InlineButtonTextLocator(f".*{text}.*"))
        return self.window

    async def forge(self, widget_id: str) -> None:
        """Press a button of the current window that it does not show: its intent id, then the widget id."""
        intent = self.window.reply_markup.inline_keyboard[0][0].callback_data.split("\x1d", 1)[0]
        callback = self.client._new_callback(self.window, InlineKeyboardButton(text="?",
                                                                              callback_data=f"{intent}\x1d{widget_id}"))
        await self.dp.feed_update(self.client.bot, Update(update_id=self.client._new_update_id(),
                                                          callback_query=callback))


async def _people(db, role: str, language: str = "zh", **invite):
    async with unit_of_work(db) as s:
        company = await add_company(s, "91320585MA1X2B3C5X", "太仓新材料科技有限公司", "320585")
        company.facts = dict(FACTS)
        actor = (await redeem(s, (await create_invite(s, role, **invite)).token, 5001, "王", None, language)).actor
    return actor, company.id


async def test_a_specialist_goes_through_the_windows_press_by_press(db):
    actor, _ = await _people(db, "specialist", region_code="320585")
    chat = Chat(db, actor)
    assert "请选择要自查的企业" in (await chat.send("/check")).text
    question = await chat.press("太仓新材料")
    assert "通过PCT途径获得国外发明专利授权的有几件" in question.text
    assert chat.buttons() == [["0", "1", "2", "3", "4", "5"], ["跳过", "直接看结果", "取消"]]
    nxt = await chat.press("^0$")
    assert "已答 1 项" in nxt.text and "知识产权项目是否已获批立项" in nxt.text  # project-lead-reward
    assert chat.buttons() == [["是", "否"], ["跳过", "直接看结果", "取消"]]  # the fixed row stays put
    results = await chat.press("直接看结果")
    assert "资格自查结果（截至 2023-06-30）" in results.text and "❌ <b>PCT 途径国外发明专利授权奖励</b>" in results.text
    assert ["保存到企业档案", "发给企业"] in chat.buttons()
    detail = await chat.press("发明之星")
    assert detail.text.splitlines()[:4] == ["❌ <b>“发明之星”奖励</b>", "结论：不符合", "", "需同时满足以下条件："]
    assert chat.buttons() == [["‹ 返回"]]
    assert "资格自查结果" in (await chat.press("返回")).text


async def test_an_old_press_on_the_previous_question_is_ignored(db):
    actor, _ = await _people(db, "specialist", region_code="320585")
    chat = Chat(db, actor)
    await chat.send("/check")
    first = await chat.press("太仓新材料")
    await chat.press("^0$", first)
    answered_once = chat.window.text
    await chat.press("^0$", first)  # the same button of the same message, pressed again
    assert chat.window.text == answered_once and "已答 1 项" in answered_once


async def test_forged_save_and_send_are_refused_in_the_window_and_audited(db):
    actor, company_id = await _people(db, "supervisor", region_code="3205")
    chat = Chat(db, actor)
    await chat.send("/check")
    await chat.press("太仓新材料")
    await chat.send("9")  # an answer a save would store
    results = await chat.press("直接看结果")
    assert not {"保存到企业档案", "发给企业"} & {b for row in chat.buttons() for b in row}
    shown = len(chat.messages.sent_messages)
    await chat.forge("save")
    await chat.forge("send")
    assert len(chat.messages.sent_messages) == shown and chat.window.text == results.text  # nothing redrawn
    async with unit_of_work(db) as s:
        from services.eligibility import subject_for

        assert (await subject_for(s, chat.ctx.catalog, actor, company_id)).facts == FACTS
        assert sorted(e.action for e in await audit.recent(s) if e.outcome == "denied") == ["check.save", "check.send"]


async def test_a_typed_command_is_not_taken_for_an_answer(db):
    actor, _ = await _people(db, "specialist", region_code="320585")
    chat = Chat(db, actor)
    await chat.send("/check")
    question = await chat.press("太仓新材料")
    await chat.send("/policies")
    assert chat.window.text == question.text  # no answer recorded, no complaint: it went past the dialog
    wrong = await chat.send("很多")
    assert wrong.text.startswith("⚠️ “通过PCT途径获得的国外发明专利授权件数”应为 0 或正整数")


async def test_english_windows_keep_the_same_places(db):
    actor, _ = await _people(db, "specialist", "en", region_code="320585")
    chat = Chat(db, actor)
    await chat.send("/check")
    question = await chat.press("太仓新材料")
    assert "How many foreign invention patents have been granted through the PCT route?" in question.text
    assert chat.buttons() == [["0", "1", "2", "3", "4", "5"], ["Skip", "Show results", "Cancel"]]


def test_programme_buttons_are_cut_at_a_word_never_inside_brackets():
    """The field test: a button read "（新建项目·企业申报" when a title was cut mid-word."""
    from dialogs.shared import short_label

    title = "2022年度省高价值专利培育计划项目（新建项目·企业申报）实施细则"
    label = short_label(title, 29)
    assert label == "2022年度省高价值专利培育计划项目…" and len(label) <= 30
    assert short_label("发明之星奖励", 29) == "发明之星奖励"
