"""Helpers for the job tests: a clock the test moves, and contexts built as the bot builds them."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from bot.app import build_context
from bot.settings import Settings
from services.context import AppContext
from services.session import Database

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(text: str) -> datetime:
    """"2026-10-08 09:00" in Asia/Shanghai, as an aware datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


class FakeClock:
    """What `ctx.clock` returns: aware UTC, moved by the test, never by the wall clock."""

    def __init__(self, at: str = "2026-10-12 08:00") -> None:
        self.now = local(at).astimezone(timezone.utc)

    def set(self, at: str) -> None:
        self.now = local(at).astimezone(timezone.utc)

    def __call__(self) -> datetime:
        return self.now


def make_context(db: Database, clock=None, bot=None, **settings: str) -> AppContext:
    """The context the bot builds (`bot.app.build_context`), on `db`, with `clock`."""
    values = {"DATABASE_URL": db.url, **settings}
    overrides = {"clock": clock} if clock is not None else {}
    return build_context(Settings(**values), db, bot, **overrides)


TOKEN = "424243:TEST-token-for-the-job-tests-only"


def make_bot(emu_url: str):
    """The bot's own Bot (bot.app.create_bot), pointed at the emulator."""
    from bot.app import create_bot

    return create_bot(Settings(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE=emu_url))
