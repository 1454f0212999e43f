"""Helpers for the job tests: a clock the test moves, and contexts built as the bot builds them."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from bot.app import build_context
from services.session import unit_of_work
from storage.models import Company, QuestionThread, Role, User
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


# ---------------------------------------------------------------- question threads

SPECIALIST = 9001
QUESTION = "德国专利 <b>费用</b> & PCT 怎么算？"
COMPANY = "太仓<精工>机械有限公司"


async def add_user(db: Database, telegram_id: int, role: Role, name: str, language: str = "zh",
                   region: str | None = "320585", company_id: int | None = None) -> int:
    async with unit_of_work(db) as session:
        user = User(telegram_id=telegram_id, role=role, full_name=name, language=language, region_code=region,
                    company_id=company_id)
        session.add(user)
        await session.flush()
        return user.id


async def add_company(db: Database, name: str, uscc: str, specialist_user_id: int | None,
                      region: str = "320585") -> int:
    async with unit_of_work(db) as session:
        company = Company(uscc=uscc, name=name, region_code=region, specialist_id=specialist_user_id)
        session.add(company)
        await session.flush()
        return company.id


async def ask(db: Database, company_id: int, asked: str, specialist: int | None = SPECIALIST,
              message_id: int | None = None, question: str = QUESTION, answer: str | None = None) -> int:
    async with unit_of_work(db) as session:
        thread = QuestionThread(company_id=company_id, asker_telegram_id=8001, specialist_telegram_id=specialist,
                                specialist_message_id=message_id, question=question, answer=answer,
                                asked_at=local(asked), answered_at=local(asked) if answer else None)
        session.add(thread)
        await session.flush()
        return thread.id


async def specialist_chat(emu, bot, telegram_id: int = SPECIALIST, language: str = "zh-hans") -> int:
    """The specialist has written to the bot (Telegram knows the chat) and got the forwarded question."""
    await emu.send_text(emu.user(telegram_id, "王特派", language_code=language), "/start")
    return (await bot.send_message(telegram_id, "转来的问题")).message_id


def reminders_to(emu, chat_id: int = SPECIALIST):
    return [m for m in emu.messages(chat_id) if "⏰" in (m.text or "")]
