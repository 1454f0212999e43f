"""A real aiogram 3 bot (Bot + Dispatcher.start_polling) against the emulator."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from aiogram import Bot, Dispatcher, F, html
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import ClientDecodeError, TelegramBadRequest, TelegramRetryAfter, TelegramServerError
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)

from emulator import Emulator


@pytest.fixture
async def bot(emu: Emulator, token: str) -> AsyncIterator[Bot]:
    bot = Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(emu.url)))
    try:
        yield bot
    finally:
        await bot.session.close()


@asynccontextmanager
async def polling(dispatcher: Dispatcher, bot: Bot) -> AsyncIterator[None]:
    task = asyncio.create_task(dispatcher.start_polling(bot, handle_signals=False, close_bot_session=False))
    try:
        yield
    finally:
        await dispatcher.stop_polling()
        await asyncio.wait_for(task, 5)


def build_dispatcher() -> Dispatcher:
    dispatcher = Dispatcher()

    @dispatcher.message(CommandStart(deep_link=True))
    async def start(message: Message, command: CommandObject) -> None:
        keyboard = InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="📁 我的案件", callback_data="cases:list")]]
        )
        await message.answer(
            f"Welcome, <b>{html.quote(message.from_user.first_name)}</b>! ref={html.quote(command.args)}",
            parse_mode="HTML",
            reply_markup=keyboard,
        )

    @dispatcher.callback_query(F.data == "cases:list")
    async def cases(callback: CallbackQuery) -> None:
        await callback.answer()
        await callback.message.edit_text("No cases yet")

    @dispatcher.message(F.document)
    async def document(message: Message, bot: Bot) -> None:
        content = await bot.download(message.document)
        await message.answer_document(
            BufferedInputFile(content.read()[::-1], filename="reversed.txt"),
            caption=f"Got {message.document.file_name}",
        )

    return dispatcher


async def test_start_button_and_document_through_aiogram(emu: Emulator, bot: Bot) -> None:
    user = emu.user(1001, first_name="<Ann>")
    async with polling(build_dispatcher(), bot):
        await emu.send_text(user, "/start invite-7f3a")
        welcome = await emu.wait_message(1001)
        assert welcome.text == "Welcome, <Ann>! ref=invite-7f3a"
        assert welcome.entities == [{"type": "bold", "offset": 9, "length": 5}]
        assert welcome.inline_keyboard[0][0]["callback_data"] == "cases:list"

        await emu.press_button(user, "我的案件")
        edited = await emu.wait_message(1001)
        assert (edited.message_id, edited.text, edited.edited) == (welcome.message_id, "No cases yet", True)
        assert edited.reply_markup is None

        await emu.send_document(user, "notes.txt", b"abc", "text/plain")
        reply = await emu.wait_message(1001)
        assert reply.caption == "Got notes.txt"
        assert (reply.document.file_name, reply.document.data) == ("reversed.txt", b"cba")

    assert emu.callbacks()[0].answered
    assert emu.unanswered_callbacks() == []
    assert emu.rejected == []
    methods = {call.method for call in emu.calls}
    assert {"getMe", "getUpdates", "sendMessage", "answerCallbackQuery", "editMessageText", "getFile"} <= methods


async def test_aiogram_raises_retry_after_instead_of_retrying(emu: Emulator, bot: Bot) -> None:
    await emu.send_text(emu.user(7), "hi")
    emu.inject_fault("sendMessage", "429", retry_after=2)
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(7, "report")
    assert caught.value.retry_after == 2
    assert [m.text for m in emu.messages(7)] == []
    await bot.send_message(7, "report")
    assert [m.text for m in emu.messages(7)] == ["report"]


async def test_aiogram_server_error_shapes(emu: Emulator, bot: Bot) -> None:
    emu.inject_fault("getMe", "500")
    emu.inject_fault("getMe", "502")
    with pytest.raises(TelegramServerError):
        await bot.get_me()
    with pytest.raises(ClientDecodeError):  # nginx's HTML 502 page is not JSON
        await bot.get_me()
    assert (await bot.get_me()).username == "ipbot_test"


async def test_aiogram_sees_telegram_errors(emu: Emulator, bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(404, "hello")
    await emu.send_text(emu.user(7), "hi")
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(7, "a <b", parse_mode="HTML")
    await bot.set_my_commands(
        [BotCommand(command="start", description="开始")], scope=BotCommandScopeChat(chat_id=7), language_code="zh"
    )
    assert emu.commands(7, "zh") == [{"command": "start", "description": "开始"}]
    assert [r.method for r in emu.rejected] == ["sendMessage", "sendMessage"]


async def test_every_kind_of_user_update_parses_in_aiogram(emu: Emulator, api) -> None:
    user = emu.user(7, username="ann", last_name="Li")
    await emu.send_text(user, "/start@ipbot_test hi")
    await emu.send_location(user, 32.06, 118.79)
    await emu.send_document(user, "a.pdf", b"%PDF", "application/pdf", caption="scan")
    await emu.send_photo(user, caption="photo")
    await emu.send_sticker(user)
    await emu.send_voice(user, duration=3)
    await emu.edit_text(user, 1, "/help")
    await api("sendMessage", chat_id=7, text="Q", reply_markup={"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]})
    await emu.press_button(user, "A")
    _, body = await api("getUpdates")
    updates = [Update.model_validate(raw) for raw in body["result"]]
    message = updates[0].message
    assert message.entities[0].extract_from(message.text) == "/start@ipbot_test"
    assert message.from_user.username == "ann" and message.chat.last_name == "Li"
    assert updates[1].message.location.latitude == 32.06
    assert (updates[2].message.document.file_name, updates[2].message.caption) == ("a.pdf", "scan")
    assert updates[3].message.photo[0].file_id and updates[3].message.caption == "photo"
    assert updates[4].message.sticker.emoji == "👍"
    assert updates[5].message.voice.duration == 3
    assert updates[6].edited_message.text == "/help" and updates[6].edited_message.edit_date
    assert updates[7].callback_query.data == "a" and updates[7].callback_query.message.text == "Q"
    assert [u.update_id for u in updates] == list(range(1, 9))
