"""The yardstick for bench/updates.py: a bare aiogram 3 bot, polled exactly as ipbot is polled.

It answers every text message with the text echoed back (HTML, escaped), sends an inline
button for the text "/invite" (so button presses can be measured the same way as ipbot's
/invite flow), and answers every button press with answerCallbackQuery plus one message.
No database, no middlewares, no dialogs: what is left is aiogram, aiohttp and the Bot API.

Configuration comes from the environment, as for `ipbot run`:
TELEGRAM_BOT_TOKEN and TELEGRAM_API_BASE (e.g. the emulator's URL).

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


async def main() -> None:
    token = os.environ["TELEGRAM_BOT_TOKEN"]
    base = os.environ.get("TELEGRAM_API_BASE", "https://api.telegram.org").rstrip("/")
    bot = Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(base)),
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
