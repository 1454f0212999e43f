"""Ways to run the bot: long polling, webhook, and the in-process form tests and demo use.

Every way feeds updates through the durable intake (bot.intake): an update is recorded
before Telegram is told to forget it, and handled from the record.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass

from aiogram import Bot, Dispatcher

from bot.app import create_bot, create_dispatcher
from bot.features import all_jobs
from bot.intake import Intake
from bot.settings import Settings
from jobs.runner import JobRunner
from services.session import Database

log = logging.getLogger(__name__)


@dataclass
class Running:
    bot: Bot
    dp: Dispatcher
    db: Database
    task: asyncio.Task
    intake: Intake


async def prepare(settings: Settings) -> tuple[Bot, Dispatcher, Database, Intake]:
    db = Database(settings.database_url)
    await db.upgrade()
    bot = create_bot(settings)
    dp = create_dispatcher(settings, db, bot)
    intake = Intake(dp, bot, db)
    dp["intake"] = intake
    await dp["menu"].set_default(bot)
    return bot, dp, db, intake


@asynccontextmanager
async def serving(dp: Dispatcher, bot: Bot, db: Database) -> AsyncIterator[None]:
    """Startup hooks and the job runner before; then the runner stopped, shutdown hooks
    (drain, FSM storage close) and the database after."""
    workflow = {k: v for k, v in dp.workflow_data.items() if k != "bot"}
    await dp.emit_startup(bot=bot, dispatcher=dp, bots=[bot], **workflow)
    ctx = dp["ctx"]
    runner = JobRunner(ctx, all_jobs(settings=ctx.settings)) if ctx.settings.jobs_enabled else None
    try:
        if runner is not None:
            await runner.start()
        yield
    finally:
        try:
            if runner is not None:
                await runner.stop()
            await dp.emit_shutdown(bot=bot, dispatcher=dp, bots=[bot], **workflow)
        finally:
            await bot.session.close()
            await db.close()


@asynccontextmanager
async def polling(settings: Settings, polling_timeout: int = 10) -> AsyncIterator[Running]:
    """Run the bot by long polling in a task for the life of the block (tests, demo)."""
    bot, dp, db, intake = await prepare(settings)
    async with serving(dp, bot, db):
        task = asyncio.create_task(intake.poll(polling_timeout, dp.resolve_used_update_types()))
        try:
            yield Running(bot, dp, db, task, intake)
        finally:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task


async def run_polling(settings: Settings) -> None:
    bot, dp, db, intake = await prepare(settings)
    async with serving(dp, bot, db):
        await bot.delete_webhook(drop_pending_updates=False)
        await intake.poll(10, dp.resolve_used_update_types())


async def run_webhook(settings: Settings, host: str = "127.0.0.1", port: int = 8080,
                      started: asyncio.Event | None = None) -> None:
    """Webhook mode behind a reverse proxy: Telegram's secret_token is checked on every call,
    and a call is answered 200 only once its update is recorded."""
    from aiohttp import web

    bot, dp, db, intake = await prepare(settings)

    async def receive(request: web.Request) -> web.Response:
        if settings.webhook_secret and request.headers.get("X-Telegram-Bot-Api-Secret-Token") != settings.webhook_secret:
            return web.Response(status=401)
        try:
            await intake.take_webhook(await request.read())
        except ValueError:
            return web.Response(status=400)
        except Exception:  # noqa: BLE001 - not recorded: Telegram must send it again
            log.exception("webhook update could not be recorded")
            return web.Response(status=500)
        return web.Response()

    app = web.Application()
    app.router.add_post("/telegram", receive)
    async with serving(dp, bot, db):
        await intake.resume()
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
