"""The Bot and Dispatcher factory: one place that wires middlewares, routers and dialogs."""

from __future__ import annotations

from aiogram import Bot, Dispatcher, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder
from aiogram.fsm.storage.memory import MemoryStorage

from bot.middlewares import RequireRoles, UpdateContext
from bot.retry import RetryTelegram
from bot.settings import Settings
from aiogram_dialog import setup_dialogs

from dialogs import check
from handlers import common, errors, fallback, invites
from handlers import policies, questions
from handlers.menu import register_commands
from services import eligibility
from services.session import Database
from services.users import Role



def audiences() -> list[tuple[Router, frozenset[Role] | None]]:
    """Routers in the order they are tried, with the roles each admits.

    `None` marks a public router: its handlers still see only invited users
    (strangers are turned away earlier), except for /start.
    """
    staff = frozenset({Role.admin, Role.supervisor})
    everyone = frozenset(Role)
    return [
        (common.build(), None),
        (invites.build(), staff),
        (check.build(), everyone),
        (policies.build(), frozenset(Role)),
        (questions.build_answers(), questions.ANSWER_ROLES),
        (questions.build_sme(), frozenset({Role.sme})),
        (fallback.build(), None),
    ]


def create_bot(settings: Settings, token: str | None = None) -> Bot:
    token = token or settings.telegram_bot_token
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_base))
    session.middleware(RetryTelegram())
    return Bot(token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))


def create_storage(settings: Settings) -> BaseStorage:
    """Dialog state: Redis when configured (shared by many processes), memory otherwise."""
    if settings.redis_url:
        from aiogram.fsm.storage.redis import RedisStorage

        return RedisStorage.from_url(settings.redis_url, key_builder=DefaultKeyBuilder(with_destiny=True))
    return MemoryStorage()


def create_dispatcher(settings: Settings, db: Database, storage: BaseStorage | None = None) -> Dispatcher:
    dp = Dispatcher(storage=storage or create_storage(settings))
    # Shared, read-only context every handler and dialog may ask for by name.
    dp["catalog"] = eligibility.catalog(settings.policy_dir)
    dp["policy_dir"] = settings.policy_dir
    dp["timezone"] = settings.timezone
    dp.update.outer_middleware(UpdateContext(db, settings.admin_ids))
    dp.include_router(errors.build())
    for router, roles in audiences():
        if roles is not None:
            guard = RequireRoles(*roles)
            router.message.middleware(guard)
            router.callback_query.middleware(guard)
        dp.include_router(router)
    setup_dialogs(dp)
    return dp


for _role in Role:
    register_commands(_role, "check")
