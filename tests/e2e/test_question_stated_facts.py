"""An SME's question that states a figure the record contradicts (issue 16, items 2, 3 and 5).

李总's record (as the demo seeds it) has 0 invention applications. "我们有效发明专利35件，能拿几星
创新之星？" used to end in "抱歉，处理这条消息时出错了": the stated 35 valid patents and the 0
applications on file cannot both be so, and the catalog's FactError was not caught. Now the
answer is on the stated figure, names the figure on file that differs, gives the star level,
and offers the change to the specialist, who gets it as a question thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
from datetime import datetime, timezone

import pytest

from tests.e2e.harness import FrozenClock

USCC = "91320585MA1W8K7Q3G"
RECORD = {"is_sme": True, "is_key_sme": True, "rd_expense_last_year": 1_200_000, "invention_applications_total": 0}
QUESTION = "我们有效发明专利35件，能拿几星创新之星？"
GENERIC_ERROR = "出错了"


@pytest.fixture
def bot_clock():
    return FrozenClock(datetime(2023, 6, 30, 2, 0, tzinfo=timezone.utc))  # the county plan in force


async def _setup(harness, language: str = "zh-hans"):
    emu = harness.emu
    specialist = emu.user(3301, first_name="王特派")
    await harness.join(specialist, "specialist", region_code="320585")
    await harness.add_company(USCC, "太仓精工机械有限公司", specialist=specialist, facts=RECORD)
    owner = emu.user(3302, first_name="李总", language_code=language)
    await harness.join(owner, "sme", company_uscc=USCC)
    return specialist, owner


async def test_a_contradicting_figure_is_answered_and_the_figure_on_file_named(harness):
    emu = harness.emu
    specialist, owner = await _setup(harness)
    card = await harness.say(owner, QUESTION, "创新之星")
    assert GENERIC_ERROR not in card.text
    assert card.text.startswith("🧮"), card.text
    assert "有效发明专利件数 35 件" in card.text  # answered on what was said
    assert "发明专利申请累计件数：档案 0 件" in card.text  # the figure on file that differs
    assert "可评三星级" in card.text and "四星级须有效发明专利件数 > 40 件，还差 6 件" in card.text
    assert "待补充：高价值专利件数" in card.text

    # the change goes to the specialist as a thread, once
    before = len(emu.messages(specialist.id))
    await emu.press_button(owner, "请特派员更新档案")
    sent = await emu.wait_message(owner.id, "已把档案更正建议转给您的特派员")
    assert "王特派" in sent.text
    note = await emu.wait_message(specialist.id, "档案更正建议")
    assert "发明专利申请累计件数：档案 0 件" in note.text and "太仓精工机械有限公司" in note.text
    assert "有效发明专利件数：档案 未知，企业说 35 件" in note.text
    assert len(emu.messages(specialist.id)) == before + 1
    [data] = [b["callback_data"] for b in card.buttons()]
    await harness.settled()
    shown = next(m for m in emu.messages(owner.id) if m.message_id == card.message_id)
    assert list(shown.buttons()) == []  # the button went: the change is sent once
    again = await emu.press(owner, card.message_id, data, strict=False)
    assert await harness.settle(again) == "done"
    [stale] = [c for c in emu.callbacks() if c.update_id == again]
    assert "已过期" in stale.answer["text"]
    assert len(emu.messages(specialist.id)) == before + 1  # nothing sent twice

    # the specialist answers by replying, as to any question
    await emu.send_text(specialist, "已核对，档案改为申请 40 件、有效 35 件。", reply_to=note.message_id)
    relayed = await emu.wait_message(owner.id, "您的特派员答复")
    assert "已核对" in relayed.text


async def test_in_english_the_figure_on_file_is_named_too(harness):
    _specialist, owner = await _setup(harness, "en")
    card = await harness.say(owner, QUESTION, "Innovation Star")
    assert GENERIC_ERROR not in card.text and "error" not in card.text.lower()
    assert "invention patent applications filed so far: on file 0" in card.text
    assert "the figures reach three stars" in card.text
    assert any("specialist" in b["text"] for b in card.buttons())


async def test_last_years_figure_is_said_not_counted(harness):
    _specialist, owner = await _setup(harness)
    card = await harness.say(owner, "我们去年授权发明专利3件，今年5件，能申请发明之星吗", "发明之星")
    assert "✅ “发明之星”奖励：符合条件" in card.text
    assert "当年发明专利授权件数 5 件 ≥ 5 件" in card.text
    assert "“我们去年授权发明专利3件”没有计入" in card.text
    assert not list(card.buttons())  # nothing differs from the record


async def test_the_command_line_answers_as_the_chat_did(harness):
    """`ipbot ask --json` on the bot's own database decides as the chat did for the same question."""
    from bot.cli import main

    _specialist, owner = await _setup(harness)
    questions = {QUESTION: "🧮", "首件发明专利有补贴吗？": "📖", "商标注册要多少钱": "已转给您的特派员",
                 "今天苏州天气怎么样？": "只能回答知识产权政策"}
    routes = {"🧮": "fact", "📖": "answer", "已转给您的特派员": "forward", "只能回答知识产权政策": "offtopic"}
    for text, mark in questions.items():
        reply = await harness.say(owner, text)
        assert mark in reply.text, (text, reply.text)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = await asyncio.to_thread(main, ["--db", harness.settings.database_url, "ask", "--company", USCC,
                                                  "--as-of", "2023-06-30", "--json", text])
        assert code == 0
        assert json.loads(out.getvalue())["route"] == routes[mark], text


async def test_a_typo_in_the_name_and_english_figures_are_read_in_the_chat(harness):
    _specialist, owner = await _setup(harness)
    card = await harness.say(owner, "发明之心能报吗 今年授权了七件发明", "发明之星")  # 之心: a typo of 之星
    assert "✅ “发明之星”奖励：符合条件" in card.text
    assert "当年发明专利授权件数 7 件 ≥ 5 件" in card.text
    english = await harness.say(owner, "We're not a high-tech enterprise. Can we get enforcement aid?", "维权援助")
    assert "❌" in english.text and "高新技术企业 否" in english.text
