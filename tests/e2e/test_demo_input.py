"""The demo's input, as a person types or pastes it: several lines, long text, refreshing messages.

Driven in process on the e2e harness's bot (the real bot over HTTP through the emulator),
as tests/e2e/test_demo_and_cli.py does.
"""

from __future__ import annotations

import pytest
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup



from tests.e2e.test_demo_and_cli import _type, terminal  # noqa: F401  (the same terminal fixture)


def _typed(harness, chat_id: int = 1001) -> list[str]:
    return [m.text for m in harness.emu.messages(chat_id, include_user=True) if not m.from_bot]


async def test_a_line_ending_in_a_backslash_goes_on_and_the_lines_are_one_message(terminal, harness, capsys):
    await _type(terminal, capsys, "需求：专利布局\\")
    assert terminal.prompt == "... " and _typed(harness) == []  # nothing sent yet
    await _type(terminal, capsys, "问题：年费怎么交\\", "下一步：下周回访")
    assert _typed(harness) == ["需求：专利布局\n问题：年费怎么交\n下一步：下周回访"]
    assert terminal.prompt == "specialist> "


async def test_an_ml_block_is_one_message_even_if_a_line_looks_like_a_command(terminal, harness, capsys):
    out = await _type(terminal, capsys, "/check", ":ml")
    assert ":end" in out
    pressed = len(harness.emu.callbacks())
    await _type(terminal, capsys, "需求：专利布局", "1", ":as sme", ":end")
    assert _typed(harness)[-1] == "需求：专利布局\n1\n:as sme"
    assert len(harness.emu.callbacks()) == pressed and terminal.persona == "specialist"  # no press, no switch


async def test_a_line_as_long_as_the_terminal_keeps_is_refused_with_how_to_send_long_text(terminal, harness, capsys):
    terminal.cut_at = 4095  # input() in canonical mode: the kernel keeps 4,095 bytes of a line
    out = await _type(terminal, capsys, "中" * 1365)  # what arrived of a 3,000-character paste
    assert "1365 字、4095 字节" in out and ":textfile" in out and "nothing was sent" in out
    assert _typed(harness) == []
    out = await _type(terminal, capsys, "中" * 1000)  # shorter lines are sent as they are
    assert _typed(harness) == ["中" * 1000]


async def test_long_text_arrives_whole_as_telegram_would_split_it(terminal, harness, capsys, tmp_path):
    note = tmp_path / "note.txt"
    note.write_text("需" * 3000 + "\n" + "问" * 2000 + "\n", encoding="utf-8")
    out = await _type(terminal, capsys, f":textfile {note}")
    assert "5001 字" in out and "分成 2 条发送" in out
    assert "".join(_typed(harness)) == "需" * 3000 + "\n" + "问" * 2000
    assert [len(t) for t in _typed(harness)] == [4096, 905]


async def test_an_update_of_an_earlier_message_does_not_take_the_button_numbers(terminal, harness, capsys):
    bot = harness.running.bot
    qr = await bot.send_message(1001, "签到二维码（每分钟更新）", reply_markup=InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="结束签到", callback_data="qr:end")]]))
    await harness.emu.wait_message(1001, lambda r: r.message_id == qr.message_id)
    out = await _type(terminal, capsys, "/check")
    assert "[1]" in out
    numbered = list(terminal.buttons)
    assert numbered and numbered[0][0] != qr.message_id
    await bot.edit_message_text("签到二维码（已更新）", chat_id=1001, message_id=qr.message_id,
                                reply_markup=InlineKeyboardMarkup(inline_keyboard=[[
                                    InlineKeyboardButton(text="结束签到", callback_data="qr:end2")]]))
    await harness.emu.wait_message(1001, lambda r: r.message_id == qr.message_id and r.edited)
    await terminal.show_new()
    out = capsys.readouterr().out
    assert "签到二维码（已更新）" in out and "[结束签到]" in out and "按钮不编号" in out
    assert terminal.buttons == numbered  # the numbers still press the /check buttons
    # An edit of the numbered message itself renumbers, as before.
    out = await _type(terminal, capsys, "1")
    assert terminal.buttons and terminal.buttons[0][0] == numbered[0][0]
