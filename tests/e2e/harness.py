"""The end-to-end harness: the real bot, polling over HTTP, against the in-process emulator,
and what tests do with it (join, say, settle). The fixtures that make one are in conftest.py."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from unittest.mock import patch

from sqlmodel import select

from bot import runners
from bot.app import build_context, create_dispatcher
from bot.runners import Running, polling
from bot.settings import Settings
from emulator import Emulator, FakeUser
from services import inbox
from services.companies import add_company
from services.invites import create_invite, redeem
from services.session import Database, unit_of_work
from services.users import load_actor
from storage.models import InboxEntry, User
from storage.types import utcnow
from tests.databases import copy_sqlite, sqlite_template

TOKEN = "424242:TEST-token-for-the-emulator-only"
BOT_USERNAME = "ipbot_test_bot"
ADMIN_ID = 7000


class FrozenClock:
    """A clock for the bot's context (`AppContext(clock=...)`) that moves only when told.

    A test that expects "today" reads it from the same clock the bot uses, so a run that
    crosses midnight in Shanghai cannot see two different days.
    """

    def __init__(self, at: datetime | None = None) -> None:
        self.at = at or utcnow()

    def __call__(self) -> datetime:
        return self.at

    def advance(self, delta: timedelta) -> None:
        self.at += delta


@dataclass
class Harness:
    emu: Emulator
    settings: Settings
    running: Running | None = None
    _cm: object = None
    #: The bot context's clock; None: the wall clock, as deployed.
    clock: Callable[[], datetime] | None = None

    async def start(self) -> None:
        self._cm = polling(self.settings, polling_timeout=1)
        with self._context_clock():
            self.running = await self._cm.__aenter__()

    @contextmanager
    def _context_clock(self):
        """The bot's context built with `self.clock` (polling builds its own dispatcher)."""
        if self.clock is None:
            yield
            return

        def dispatcher(settings, db, bot=None, **kwargs):
            return create_dispatcher(settings, db, bot, ctx=build_context(settings, db, bot, clock=self.clock),
                                     **kwargs)

        with patch.object(runners, "create_dispatcher", dispatcher):
            yield

    async def stop(self) -> None:
        await self._cm.__aexit__(None, None, None)
        self.running = None

    async def __aenter__(self) -> "Harness":
        await self.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.stop()

    async def restart(self) -> None:
        """A new process would lose in-memory dialog state; so does this."""
        await self.stop()
        await self.start()

    @property
    def db(self) -> Database:
        return self.running.db

    async def invite(self, role: str, **kwargs: object) -> str:
        async with unit_of_work(self.db) as session:
            return (await create_invite(session, role, **kwargs)).token

    async def join(self, user: FakeUser, role: str, **kwargs: object) -> None:
        """Invite link, then /start <token>, as a person would."""
        token = await self.invite(role, **kwargs)
        await self.emu.send_text(user, f"/start {token}")
        await self.emu.wait_message(user.id, "欢迎" if user.language_code.startswith("zh") else "Welcome")
        # The role's menu is set right after the welcome (bounded wait).
        deadline = asyncio.get_running_loop().time() + 5
        while not self.emu.commands(scope_chat_id=user.id):
            assert asyncio.get_running_loop().time() < deadline, f"no command menu set for chat {user.id}"
            await asyncio.sleep(0.01)

    async def add_company(self, uscc: str, name: str, region: str = "320585", *,
                          specialist: FakeUser | None = None, facts: dict | None = None) -> int:
        """Register a company (as `ipbot company add` would), optionally with its specialist and facts."""
        async with unit_of_work(self.db) as session:
            specialist_id = (await load_actor(session, specialist.id)).user_id if specialist else None
            company = await add_company(session, uscc, name, region, specialist_id=specialist_id)
            if facts:
                company.facts = facts
                session.add(company)
            return company.id

    async def say(self, user: FakeUser, text: str, expect: str | None = None, timeout: float = 15.0):
        await self.emu.send_text(user, text)
        return await self.emu.wait_message(user.id, expect, timeout=timeout)

    async def settle(self, update_id: int, timeout: float = 10.0) -> str:
        """Wait, bounded, until the bot has finished one update: its inbox row left 'pending'
        (a handler that writes marks it done in its commit, before it replies) and the intake
        no longer holds it. Everything it sent for the update is in the emulator by then.
        Returns the row's state ('done', or 'dead' when it was parked)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            async with self.db.sessions() as s:
                rows = (await s.exec(select(InboxEntry.id, InboxEntry.state)
                                     .where(InboxEntry.update_id == update_id))).all()
            in_hand = self.running.intake.in_hand
            if rows and all(state != "pending" and inbox_id not in in_hand for inbox_id, state in rows):
                return rows[0][1]
            assert loop.time() < deadline, \
                f"update {update_id} was not finished within {timeout}s: {[state for _id, state in rows]}"
            await asyncio.sleep(0.01)

    async def settled(self, timeout: float = 10.0) -> None:
        """Wait, bounded, until everything sent so far was fetched, recorded and handled: the
        emulator holds no update the bot has not confirmed, the intake has nothing in hand or
        left to mark, and the inbox no pending row. What a copy or a late press would have
        done has been done by then, so a test may assert that it did not happen."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        intake = self.running.intake
        while True:
            if not self.emu.pending_updates() and intake.idle:
                if (await inbox.counts(self.db))["pending"] == 0:
                    return
            assert loop.time() < deadline, (
                f"the bot did not settle within {timeout}s: {self.emu.pending_updates()} update(s) at the "
                f"emulator, {len(intake.in_hand)} in hand, {len(intake.tasks)} task(s)")
            await asyncio.sleep(0.01)


async def bot_settings(emu: Emulator, folder) -> Settings:
    # A copy of the once-migrated template: the bot's own upgrade at start then finds nothing to do.
    await asyncio.to_thread(copy_sqlite, await sqlite_template(), folder / "e2e.db")
    return Settings(
        TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE=emu.url,
        DATABASE_URL=f"sqlite+aiosqlite:///{folder / 'e2e.db'}", ADMIN_TELEGRAM_IDS=str(ADMIN_ID),
        IPBOT_JOBS=False,  # scheduled jobs would fire by the wall clock; job tests turn them on
    )


def assert_nothing_refused(emu: Emulator, rejected_before: int = 0) -> None:
    assert emu.rejected[rejected_before:] == [], \
        f"the bot sent requests Telegram would reject: {emu.rejected[rejected_before:]}"
    assert emu.unanswered_callbacks() == [], "every button press must be answered"


async def inbox_counts(database_url: str, *, settled: bool = False, timeout: float = 10.0) -> dict[str, int]:
    """The inbox's counts of a bot that runs without a Harness (webhook mode); with `settled`,
    once no row is pending (bounded): a reply is sent before a read-only update's row is
    marked done, so counts read right after it may still show it pending."""
    db = Database(database_url)
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while (counts := await inbox.counts(db))["pending"] and settled:
            assert asyncio.get_running_loop().time() < deadline, f"updates still pending after {timeout}s: {counts}"
            await asyncio.sleep(0.01)
        return counts
    finally:
        await db.close()


_next_user_id = iter(range(900_000, 10**9))


def unique_user(emu: Emulator, **kwargs: object) -> FakeUser:
    """A user no other test of the session has (for a shared bot, where ids must not meet)."""
    return emu.user(next(_next_user_id), **kwargs)


async def invited_world(url: str, members: list[FakeUser], newcomers: int) -> list[str]:
    """A migrated database where `members` are specialists already; returns one unused invite
    token per newcomer (what the kill and stop tests open mid-burst)."""
    db = Database(url)
    await db.upgrade()
    try:
        async with unit_of_work(db) as session:
            for m in members:
                ticket = await create_invite(session, "specialist", region_code="320585")
                await redeem(session, ticket.token, m.id, m.first_name, None, "zh")
            return [(await create_invite(session, "specialist", region_code="320585")).token for _ in range(newcomers)]
    finally:
        await db.close()


async def assert_newcomers_joined(emu: Emulator, url: str, newcomers: list[FakeUser]) -> None:
    """After kills or stops: every invited newcomer was welcomed once and holds a user row,
    and the bot sent nothing Telegram would reject."""
    assert all("欢迎" in emu.messages(u.id)[0].text for u in newcomers)
    db = Database(url)
    try:
        async with db.sessions() as session:
            joined = (await session.exec(select(User.telegram_id).where(
                User.telegram_id.in_([u.id for u in newcomers])))).all()
    finally:
        await db.close()
    assert sorted(joined) == sorted(u.id for u in newcomers)
    assert emu.rejected == []


async def press_exact(emu, user, text: str) -> int:
    """Press the button whose text is exactly `text` (calendar days: "5", "5休", "5班", "[5]")."""
    for record in reversed(emu.messages(user.id)):
        for button in record.buttons():
            if button["text"] in (text, f"{text}休", f"{text}班", f"[{text}]"):
                return await emu.press(user, record.message_id, button["callback_data"])
    raise LookupError(text)


async def last_output(emu, user, action):
    """Do one thing as the user; the last bot output it caused, once the bot is quiet."""
    seen = len(await emu.outputs(user.id))
    await action
    out = await emu.outputs(user.id, after=seen, timeout=15)
    assert out, "the bot did not answer"
    while more := await emu.outputs(user.id, after=seen + len(out), timeout=0.3):
        out += more
    return out[-1]
