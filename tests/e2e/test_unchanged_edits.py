"""An edit into what a message already shows is answered in the bot, never sent to Telegram."""

from __future__ import annotations

import pytest
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup


async def test_an_identical_edit_is_not_sent_and_a_real_change_is(harness):
    emu, bot = harness.emu, harness.running.bot
    user = emu.user(8401)
    emu.open_chat(user)
    keyboard = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="是", callback_data="y")]])
    sent = await bot.send_message(user.id, "请核对：<b>贯标</b>", reply_markup=keyboard)
    calls_before = len([c for c in emu.calls if c.method == "editMessageText"])
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text("请核对：<b>贯标</b>", chat_id=user.id, message_id=sent.message_id,
                                    reply_markup=keyboard)
    assert len([c for c in emu.calls if c.method == "editMessageText"]) == calls_before  # nothing went out
    await bot.edit_message_text("已保存", chat_id=user.id, message_id=sent.message_id)
    assert emu.message(user.id, sent.message_id).text == "已保存"
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_reply_markup(chat_id=user.id, message_id=sent.message_id, reply_markup=None)
    assert emu.rejected == []
