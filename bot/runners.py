"""Ways to run the bot: long polling, webhook, and the in-process form tests and demo use."""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from collections.abc import AsyncIterator
from dataclasses import dataclass

from aiogram import Bot, Dispatcher

from bot.app import create_bot, create_dispatcher, drain
from bot.settings import Settings
from services.session import Database

log = logging.getLogger(__name__)


@dataclass
class Running:
    bot: Bot
    dp: Dispatcher
    db: Database
    task: asyncio.Task


async def prepare(settings: Settings) -> tuple[Bot, Dispatcher, Database]:
    db = Database(settings.database_url)
    await db.upgrade()
    bot = create_bot(settings)
    dp = create_dispatcher(settings, db, bot)
    await dp["menu"].set_default(bot)
    return bot, dp, db


@asynccontextmanager
async def polling(settings: Settings, polling_timeout: int = 10) -> AsyncIterator[Running]:
    """Run the bot by long polling in a task for the life of the block (tests, demo)."""
    bot, dp, db = await prepare(settings)
    task = asyncio.create_task(dp.start_polling(
        bot, polling_timeout=polling_timeout, handle_signals=False, close_bot_session=True,
        allowed_updates=dp.resolve_used_update_types(),
    ))
    try:
        yield Running(bot, dp, db, task)
    finally:
        try:
            await dp.stop_polling()
            await asyncio.wait_for(task, timeout=polling_timeout + 5)
        except (RuntimeError, asyncio.TimeoutError):  # not started yet, or stuck: cancel it
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        await db.close()


async def run_polling(settings: Settings) -> None:
    bot, dp, db = await prepare(settings)
    try:
        await bot.delete_webhook(drop_pending_updates=False)
        await dp.start_polling(bot, allowed_updates=dp.resolve_used_update_types())
    finally:
        await db.close()


async def run_webhook(settings: Settings, host: str = "127.0.0.1", port: int = 8080,
                      started: asyncio.Event | None = None) -> None:
    """Webhook mode behind a reverse proxy: Telegram's secret_token is checked on every call."""
    from aiohttp import web
    from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application

    bot, dp, db = await prepare(settings)
    app = web.Application()
    SimpleRequestHandler(dispatcher=dp, bot=bot, secret_token=settings.webhook_secret).register(app, path="/telegram")
    setup_application(app, dp, bot=bot)
    await bot.set_webhook(f"{settings.webhook_url}/telegram", secret_token=settings.webhook_secret,
                          allowed_updates=dp.resolve_used_update_types())
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("webhook listening on %s:%s", host, port)
    if started is not None:
        started.set()
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
        await bot.session.close()
        await drain(dp)
        await dp.storage.close()
        await db.close()
