"""The yardstick for bench/updates.py: a bare aiogram 3 bot, polled exactly as ipbot is polled.

It answers every text message with the text echoed back (HTML, escaped), sends an inline
button for the text "/invite" (so button presses can be measured the same way as ipbot's
/invite flow), and answers every button press with answerCallbackQuery plus one message.
No database, no middlewares, no dialogs: what is left is aiogram, aiohttp and the Bot API.

Configuration comes from the environment, as for `ipbot run`:
TELEGRAM_BOT_TOKEN and TELEGRAM_API_BASE (e.g. the emulator's URL).

With BARE_PIN_RESPONSES=1 (bench/updates.py --pinned-yardstick) it keeps one `Response[T]`
class per return type alive, as ipbot's session does (bot/session.py): aiogram as shipped
lets pydantic drop and rebuild those classes after garbage collection, which costs this
bot about a quarter of its CPU under the bench's load.

Logging is at INFO like ipbot's (and like aiogram's own echo example), so both bots pay
for aiogram's per-update "Update id=... is handled" line.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from html import escape

from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.methods.base import Response
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

BUTTON_TEXT = "/invite"
BUTTON_DATA = "bare:press"

router = Router(name="bare")


@router.message(F.text == BUTTON_TEXT)
async def offer_button(message: Message) -> None:
    keyboard = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="Press", callback_data=BUTTON_DATA)]])
    await message.answer("Pick:", reply_markup=keyboard)


@router.message(F.text)
async def echo(message: Message) -> None:
    await message.answer(escape(message.text))


@router.callback_query()
async def pressed(query: CallbackQuery) -> None:
    await query.answer()
    await query.message.answer(f"pressed <b>{escape(query.data or '')}</b>")


class PinnedSession(AiohttpSession):
    _pinned: dict = {}

    def check_response(self, bot, method, status_code, content):  # noqa: ANN001, ANN201
        self._pinned.setdefault(method.__returning__, Response[method.__returning__])
        return super().check_response(bot, method, status_code, content)


async def main() -> None:
    token = os.environ["TELEGRAM_BOT_TOKEN"]
    base = os.environ.get("TELEGRAM_API_BASE", "https://api.telegram.org").rstrip("/")
    session_class = PinnedSession if os.environ.get("BARE_PIN_RESPONSES") == "1" else AiohttpSession
    bot = Bot(token, session=session_class(api=TelegramAPIServer.from_base(base)),
              default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    dp = Dispatcher()
    dp.include_router(router)
    # The same calls and polling settings as bot.runners.run_polling (handle_as_tasks by default).
    await bot.delete_webhook(drop_pending_updates=False)
    await dp.start_polling(bot, allowed_updates=dp.resolve_used_update_types())


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        stream=sys.stderr)
    asyncio.run(main())
