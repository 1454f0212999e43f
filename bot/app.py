"""The Bot and Dispatcher factory: one place that wires middlewares, routers and dialogs."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiogram import Bot, F, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, DefaultKeyBuilder
from aiogram.fsm.storage.memory import DisabledEventIsolation, SimpleEventIsolation

from bot.middlewares import CleanText, RequireRoles, UpdateContext
from bot.edits import SkipUnchangedEdits
from bot.metrics import Metrics, TelegramRequests
from bot.retry import RetryTelegram
from bot.routing import Dispatcher, run_filters_inline
from bot.session import make_session
from bot.state_storage import DatabaseStorage
from bot.settings import Settings
from aiogram_dialog import setup_dialogs

from bot.features import FEATURES, Feature, menu_commands
from handlers import errors
from handlers.menu import Menu
from policy import load_catalog
from policy.texts import load_library
from search import SearchIndex
from services.context import AppContext
from services.session import Database
from services.users import Role

log = logging.getLogger(__name__)


def build_search(policy_dir: str | None = None) -> SearchIndex:
    """The policy-text search of one context: over the library (the texts shipped in
    policy/texts plus those in ``policy_dir``/texts, i.e. IPBOT_POLICY_DIR), one index, built
    on first use (`warm_up_search` builds it at start-up). The library itself is read here,
    so a malformed document stops the start with its file and field named
    (`policy.texts.LibraryError`). A function of its own so a test session can hand every
    context one shared index (replace it with one that returns it)."""
    return SearchIndex(library=load_library(policy_dir))


def build_context(settings: Settings, db: Database, bot: Bot | None = None, **overrides: Any) -> AppContext:
    """The one context: settings, catalog (built-in packs plus IPBOT_POLICY_DIR), zone, clock, db,
    bot, the question search; ``overrides`` replace any field (a test's clock, ``row_sources``)."""
    fields: dict[str, Any] = dict(settings=settings, catalog=load_catalog(settings.policy_dir), db=db,
                                  tz=settings.tz, bot=bot, search=build_search(settings.policy_dir))
    fields.update(overrides)
    return AppContext(**fields)


def _built(feature: Feature) -> Router:
    router = feature.router()
    if feature.commands_only:
        router.message.filter(F.text.startswith("/"))
    return router


def create_bot(settings: Settings, token: str | None = None, metrics: Metrics | None = None) -> Bot:
    """The Bot, its session through TELEGRAM_PROXY when set; with `metrics`, every request counted."""
    token = token or settings.telegram_bot_token
    session = make_session(TelegramAPIServer.from_base(settings.telegram_api_base), proxy=settings.telegram_proxy)
    session.middleware(RetryTelegram(on_retry=metrics.retried if metrics is not None else None))
    session.middleware(SkipUnchangedEdits())
    if metrics is not None:
        session.middleware(TelegramRequests(metrics))  # innermost: every HTTP request, retries included
    return Bot(token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))


def create_state(settings: Settings, db: Database) -> tuple[BaseStorage, BaseEventIsolation]:
    """Dialog state and per-user event isolation.

    With REDIS_URL the state lives in Redis, so several bot processes share dialogs;
    otherwise it is in the project's database (a dialog survives a restart) and isolation
    in this process.

    With Redis no second per-user lock is taken: every update reaches the dispatcher through
    the intake, where bot.ordering already runs one user's updates one at a time across
    processes (its lock renewed while held) and in order. aiogram's RedisEventIsolation
    on top cost a lock and its release, four Redis commands, on every update.
    """
    if settings.redis_url:
        from aiogram.fsm.storage.redis import RedisStorage

        storage = RedisStorage.from_url(settings.redis_url, key_builder=DefaultKeyBuilder(with_destiny=True))
        return storage, DisabledEventIsolation()
    return DatabaseStorage(db), SimpleEventIsolation()


def create_dispatcher(settings: Settings, db: Database, bot: Bot | None = None,
                      ctx: AppContext | None = None, features: tuple[Feature, ...] = FEATURES,
                      metrics: Metrics | None = None) -> Dispatcher:
    storage, isolation = create_state(settings, db)
    dp = Dispatcher(storage=storage, events_isolation=isolation)
    ctx = ctx or build_context(settings, db, bot)
    dp["metrics"] = metrics if metrics is not None else Metrics()  # this process's own registry (bot/metrics.py)
    # The one context every handler, dialog and job gets (as `ctx`), and the menu.
    dp["ctx"] = ctx
    dp["menu"] = Menu(menu_commands(features))
    dp.update.outer_middleware(CleanText())  # every text and caption through services.textgate's base
    dp.update.outer_middleware(UpdateContext(db, settings.admin_ids))
    dp.startup.register(warm_up_search)
    dp.shutdown.register(drain)
    dp.shutdown.handlers.insert(0, dp.shutdown.handlers.pop())  # before aiogram closes the FSM storage
    dp.include_router(errors.build())
    routers = [(_built(feature), feature.roles) for feature in features if feature.router is not None]
    for router, roles in routers:
        if roles is not None:
            guard = RequireRoles(*roles)
            router.message.middleware(guard)
            router.callback_query.middleware(guard)
        dp.include_router(router)
    setup_dialogs(dp, events_isolation=isolation)
    _guard_library_routers(dp, {id(r) for r, _ in routers})
    run_filters_inline(dp)
    return dp


def _guard_library_routers(dp: Dispatcher, ours: set[int]) -> None:
    """Routers a library adds (aiogram-dialog's built-in dialog) admit invited users only."""
    guard = RequireRoles(*Role)
    for router in dp.sub_routers:
        if id(router) not in ours and router.name != "errors":
            router.message.middleware(guard)
            router.callback_query.middleware(guard)


async def drain(dispatcher: Dispatcher, timeout: float = 10.0) -> None:
    """Let updates already being handled finish before their storage and database close."""
    intake = dispatcher.workflow_data.get("intake")
    if intake is not None:
        await intake.drain(timeout)


async def warm_up_search(dispatcher: Dispatcher) -> None:
    """Load jieba and index the policy texts (about 0.7 s of CPU) in a worker thread at
    start-up, so the first SME question is answered as fast as the rest."""
    future = asyncio.get_running_loop().run_in_executor(None, dispatcher["ctx"].search.warm_up)
    future.add_done_callback(lambda f: f.exception() and log.error("policy search warm-up failed: %r", f.exception()))
