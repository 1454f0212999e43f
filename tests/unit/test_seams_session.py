"""bot.session's JSON bodies carry what aiogram's own url-encoded form carries, field by field.

aiogram's form sends each field as text: strings as they are, everything else as JSON
(`reply_markup='{"inline_keyboard": ...}'`, `disable_notification='false'`). Our body is one
JSON document; read back, each field must be the same string, or the same JSON value. A
call with a file goes as aiogram's own multipart form. The round trip over real HTTP is in
tests/e2e/test_session_bodies.py.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from urllib.parse import parse_qsl

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.enums import ParseMode
from aiogram.methods import (
    AnswerCallbackQuery,
    BanChatMember,
    EditMessageText,
    GetUpdates,
    SendDocument,
    SendMediaGroup,
    SendMessage,
    SendPhoto,
    SetMyCommands,
    SetWebhook,
)
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BufferedInputFile,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    LinkPreviewOptions,
    MessageEntity,
    ReplyKeyboardRemove,
    ReplyParameters,
)
from aiohttp import FormData

from bot.session import BotSession

TOKEN = "123456:TEST-token-for-session-tests-only"
KEYBOARD = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="保存 ✅", callback_data="v:1:保存")]])

CALLS = [
    SendMessage(chat_id=1, text="专利+商标 & 版权=100%20 「测试」 😀\n<b>粗体</b>", reply_markup=KEYBOARD),
    SendMessage(chat_id=1, text="x", parse_mode=None, disable_notification=False, reply_markup=ReplyKeyboardRemove(),
                link_preview_options=LinkPreviewOptions(is_disabled=True), reply_parameters=ReplyParameters(message_id=3),
                entities=[MessageEntity(type="bold", offset=0, length=1)]),
    SendMessage(chat_id=1, text="回复", reply_markup=ForceReply(input_field_placeholder="企业名称"),
                business_connection_id=""),  # empty text: left out by the form, so by us too
    EditMessageText(chat_id=1, message_id=2, text="改好了 +&=", reply_markup=None),
    AnswerCallbackQuery(callback_query_id="77", text="这个按钮已过期", show_alert=True, cache_time=0),
    SetMyCommands(commands=[BotCommand(command="visit", description="记录走访")], scope=BotCommandScopeChat(chat_id=1),
                  language_code="zh"),
    SendDocument(chat_id=1, document="file-id-of-the-roster", caption="第 47 周 & 花名册"),
    SendMediaGroup(chat_id=1, media=[InputMediaPhoto(media="id-1", caption="一"), InputMediaPhoto(media="id-2")]),
    BanChatMember(chat_id=-100, user_id=5, until_date=datetime(2030, 1, 1, tzinfo=timezone.utc)),
    GetUpdates(offset=0, timeout=30, allowed_updates=["message", "callback_query"]),
    SetWebhook(url="https://example.org/hook", secret_token="s", drop_pending_updates=False),
]


async def read(payload) -> bytes:  # noqa: ANN001 - an aiohttp payload
    chunks: list[bytes] = []

    class Writer:
        async def write(self, data: bytes) -> None:
            chunks.append(bytes(data))

    await payload.write(Writer())
    return b"".join(chunks)


@pytest.mark.parametrize("method", CALLS, ids=lambda m: type(m).__name__)
async def test_the_json_body_carries_what_aiogram_s_form_carries(method):
    bot = Bot(TOKEN, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    ours, theirs = BotSession(), AiohttpSession()
    body = ours.build_form_data(bot, method)
    form = theirs.build_form_data(bot, method)
    assert body.content_type == "application/json"
    sent = json.loads(await read(body))
    fields = dict(parse_qsl((await read(form())).decode(), keep_blank_values=True))
    assert sorted(sent) == sorted(fields)
    for key, value in sent.items():
        assert fields[key] == value if isinstance(value, str) else json.loads(fields[key]) == value, key
    await bot.session.close()


async def test_a_call_with_a_file_goes_as_aiogram_s_multipart_form():
    bot = Bot(TOKEN)
    method = SendPhoto(chat_id=1, photo=BufferedInputFile(b"\x89PNG", filename="progress.png"), caption="进度")
    assert isinstance(BotSession().build_form_data(bot, method), FormData)
    await bot.session.close()


def test_sessions_keep_their_own_response_classes_and_orjson():
    first, second = BotSession(), BotSession()
    assert first._response_types is not second._response_types
    assert first.json_dumps({"t": "中文"}) == '{"t":"中文"}'
