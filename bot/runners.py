"""Ways to run the bot: long polling, webhook, and the in-process form tests and demo use.

Every way feeds updates through the durable intake (bot.intake): an update is recorded
before Telegram is told to forget it, and handled from the record.

Start-up never fails because Telegram is away or refuses a call that is not essential
(the command menu, deleteWebhook, even setWebhook): those calls are retried in the
background (`Background`) while updates are served. `run` (what `ipbot run` starts)
stops gracefully on SIGTERM or SIGINT: no more updates are taken, the ones in hand
finish within a bound, then the scheduler, the storage and the database close.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext, suppress
from dataclasses import dataclass

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramRetryAfter
from aiogram.utils.backoff import Backoff, BackoffConfig
from aiohttp import web

from bot.app import create_bot, create_dispatcher
from bot.features import all_jobs
from bot.health import Health, health_server
from bot.intake import Intake, NotAnUpdate, describe
from bot.metrics import Metrics
from bot.ordering import shared_order
from bot.proxy import masked
from bot.settings import Settings, SettingsError
from jobs.runner import JobRunner
from services.session import Database
from web.app import add_workbench, create_app as create_workbench

log = logging.getLogger(__name__)

#: Start-up calls Telegram refused are tried again after this backoff (up to a minute apart).
RETRY = BackoffConfig(min_delay=0.5, max_delay=60.0, factor=1.5, jitter=0.1)
#: How long polling waits for deleteWebhook before it starts anyway (Telegram away: it waits in the loop).
DELETE_WEBHOOK_WAIT = 5.0
#: Telegram's own limit for an update is far below this; a bigger body is 413 before it is read.
MAX_WEBHOOK_BODY = 1024 * 1024
#: Webhook calls being recorded when the stop came are let finish this long.
WEBHOOK_CLOSE_SECONDS = 10.0
#: Updates in hand when the stop came are let finish this long (as bot.app.drain does for polling).
DRAIN_SECONDS = 10.0
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass
class Running:
    bot: Bot
    dp: Dispatcher
    db: Database
    task: asyncio.Task
    intake: Intake


class Background:
    """Telegram calls start-up needs done but must not wait for: each is retried with
    backoff (Telegram's retry_after honoured) until it succeeds or the bot stops."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self.tasks: set[asyncio.Task] = set()

    def keep_trying(self, what: str, call: Callable[[], Awaitable[object]]) -> asyncio.Task:
        task = asyncio.create_task(self._until_done(what, call), name=f"start-up: {what}")
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    async def _until_done(self, what: str, call: Callable[[], Awaitable[object]]) -> None:
        backoff = Backoff(config=RETRY)
        while True:
            try:
                await call()
            except Exception as exc:  # noqa: BLE001 - Telegram away or refusing: try again later
                delay = next(backoff)
                if isinstance(exc, TelegramRetryAfter):
                    delay = max(delay, float(exc.retry_after))
                log.warning("%s failed: %s; next try in %.1f s", what, describe(exc, self.bot.token), delay)
                await asyncio.sleep(delay)
            else:
                if backoff.counter:
                    log.info("%s done after %d failed tries", what, backoff.counter)
                return

    async def cancel(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)


async def prepare(settings: Settings) -> tuple[Bot, Dispatcher, Database, Intake]:
    db = Database(settings.database_url)
    await db.upgrade()
    metrics = Metrics()  # this bot's own registry, served at /metrics
    bot = create_bot(settings, metrics=metrics)
    dp = create_dispatcher(settings, db, bot, metrics=metrics)
    if settings.telegram_proxy:
        log.info("Telegram through the proxy %s", masked(settings.telegram_proxy))
    intake = Intake(dp, bot, db)
    intake.order = shared_order(settings, dp.storage)  # with Redis: per-user order across instances
    dp["intake"] = intake
    return bot, dp, db, intake


@asynccontextmanager
async def serving(dp: Dispatcher, bot: Bot, db: Database) -> AsyncIterator[Background]:
    """Startup hooks, the job runner and the default command menu (in the background)
    before; then the runner stopped, shutdown hooks (drain, FSM storage close) and the
    database after."""
    workflow = {k: v for k, v in dp.workflow_data.items() if k != "bot"}
    await dp.emit_startup(bot=bot, dispatcher=dp, bots=[bot], **workflow)
    ctx = dp["ctx"]
    metrics = dp.workflow_data.get("metrics")
    runner = JobRunner(ctx, all_jobs(settings=ctx.settings), on_run=metrics.job_ran if metrics else None) \
        if ctx.settings.jobs_enabled else None
    dp["job_runner"] = runner  # /readyz and /metrics say whether this process leads
    background = Background(bot)
    try:
        background.keep_trying("setMyCommands (the default menu)", lambda: dp["menu"].set_default(bot))
        if runner is not None:
            await runner.start()
        yield background
    finally:
        try:
            await background.cancel()
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
    async with serving(dp, bot, db), health_port(settings, dp, db), workbench_port(settings, dp, bot):
        task = asyncio.create_task(intake.poll(polling_timeout, dp.resolve_used_update_types()))
        try:
            yield Running(bot, dp, db, task, intake)
        finally:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task


async def run(settings: Settings) -> None:
    """`ipbot run`: webhook mode with WEBHOOK_URL, else long polling, until SIGTERM or SIGINT."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def on_signal(signum: signal.Signals) -> None:
        if stop.is_set():
            log.info("%s: already stopping", signum.name)
            return
        log.info("%s: stopping (updates in hand finish first)", signum.name)
        stop.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, on_signal, signum)
    try:
        if settings.webhook_url:
            await run_webhook(settings, settings.webhook_host, settings.webhook_port, stop=stop)
        else:
            await run_polling(settings, stop=stop)
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)
    log.info("stopped")


async def run_polling(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Long polling until `stop` is set; then the updates in hand finish (Intake.drain, in
    the shutdown hooks) before the database closes."""
    stop = stop or asyncio.Event()
    bot, dp, db, intake = await prepare(settings)
    async with (serving(dp, bot, db) as background, health_port(settings, dp, db, stop),
                workbench_port(settings, dp, bot)):
        # A webhook left set would refuse getUpdates; Telegram away: the loop waits it out.
        unhooked = background.keep_trying("deleteWebhook", lambda: bot.delete_webhook(drop_pending_updates=False))
        stopping = asyncio.ensure_future(stop.wait())
        await asyncio.wait([unhooked, stopping], timeout=DELETE_WEBHOOK_WAIT, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        await intake.poll(10, dp.resolve_used_update_types(), stop=stop)


def health_port(settings: Settings, dp: Dispatcher, db: Database,
                stop: asyncio.Event | None = None) -> AbstractAsyncContextManager[None]:
    """Polling mode: /healthz, /readyz and /metrics on HEALTH_HOST:HEALTH_PORT when it is set."""
    if settings.health_port is None:
        return nullcontext()
    return health_server(Health(dp, db, stop), settings.health_host, settings.health_port)


def workbench_port(settings: Settings, dp: Dispatcher, bot: Bot) -> AbstractAsyncContextManager[None]:
    """Polling mode: the workbench (web/app.py) on WORKBENCH_HOST:WORKBENCH_PORT, for the reverse
    proxy that serves WORKBENCH_URL, when WORKBENCH_PORT is set."""
    if settings.workbench_port is None:
        return nullcontext()
    return serve_app(create_workbench(dp["ctx"], bot.token, settings.workbench_init_data_max_age),
                     settings.workbench_host, settings.workbench_port, "workbench")


@asynccontextmanager
async def serve_app(app: web.Application, host: str, port: int, what: str) -> AsyncIterator[None]:
    """An aiohttp application on a listener of its own, for the block."""
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        log.info("%s on http://%s:%s", what, host, port)
        yield
    finally:
        await runner.cleanup()


class WebhookDoor:
    """The webhook endpoint: Telegram's secret checked in constant time, bodies over 1 MB
    refused (413, by aiohttp's client_max_size), bodies that are no update refused (400)
    and never recorded, and 503 once the bot is stopping, so Telegram sends it again."""

    def __init__(self, secret: str, intake: Intake, stop: asyncio.Event) -> None:
        self.secret = secret.encode()
        self.intake, self.stop = intake, stop
        self.in_flight = 0
        self.idle = asyncio.Event()
        self.idle.set()

    async def receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "surrogateescape")
        if not hmac.compare_digest(given, self.secret):
            return web.Response(status=401)
        if self.stop.is_set():
            return web.Response(status=503, headers={"Retry-After": "5"})
        self.in_flight += 1
        self.idle.clear()
        try:
            body = await request.read()  # raises 413 above client_max_size
            await self.intake.take_webhook(body)
        except NotAnUpdate as exc:
            log.warning("webhook body refused: %s", exc)
            return web.Response(status=400)
        except web.HTTPException:
            raise
        except Exception as exc:  # noqa: BLE001 - not recorded: Telegram must send it again
            self.intake.metrics.errors.labels("intake").inc()
            log.error("webhook update could not be recorded: %s", describe(exc, self.intake.bot.token))
            return web.Response(status=500)
        finally:
            self.in_flight -= 1
            if not self.in_flight:
                self.idle.set()
        return web.Response()

    async def closed(self, timeout: float = WEBHOOK_CLOSE_SECONDS) -> None:
        """Once stopping: the calls already being recorded are let finish (bounded)."""
        try:
            await asyncio.wait_for(self.idle.wait(), timeout)
        except TimeoutError:
            log.warning("%d webhook call(s) still being recorded at shutdown", self.in_flight)


async def run_webhook(settings: Settings, host: str = "127.0.0.1", port: int = 8080,
                      started: asyncio.Event | None = None, stop: asyncio.Event | None = None) -> None:
    """Webhook mode behind a reverse proxy, until `stop` is set (or the task is cancelled).

    The listener comes up first and serves at once; setWebhook is retried in the
    background while Telegram is away. A call is answered 200 only once its update is
    recorded. `started` is set once the listener accepts calls.
    """
    if not settings.webhook_secret:
        raise SettingsError("setting WEBHOOK_SECRET must be set when WEBHOOK_URL is set")
    stop = stop or asyncio.Event()
    bot, dp, db, intake = await prepare(settings)
    door = WebhookDoor(settings.webhook_secret, intake, stop)
    app = web.Application(client_max_size=MAX_WEBHOOK_BODY)
    app.router.add_post("/telegram", door.receive)
    Health(dp, db, stop).add_to(app)  # /healthz, /readyz, /metrics (bot/health.py)
    add_workbench(app, dp["ctx"], bot.token, settings.workbench_init_data_max_age)  # /workbench (web/app.py)
    async with serving(dp, bot, db) as background:
        # Calls still open when the site closes were waited for by `door.closed`: the rest are 503s.
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        try:
            await intake.resume()  # before the first call can record anything: no row is taken twice
            await web.TCPSite(runner, host, port).start()
            log.info("webhook listening on %s:%s", host, port)
            background.keep_trying("setWebhook", lambda: bot.set_webhook(
                f"{settings.webhook_url}/telegram", secret_token=settings.webhook_secret,
                allowed_updates=dp.resolve_used_update_types()))
            if started is not None:
                started.set()
            await stop.wait()
            # Answering 503 meanwhile: the calls being recorded finish, then the updates in hand.
            await door.closed()
            await intake.drain(DRAIN_SECONDS)
        finally:
            await runner.cleanup()
