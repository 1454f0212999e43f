"""End-to-end harness: the real bot, polling over HTTP, against the in-process emulator."""

from __future__ import annotations

import asyncio

from dataclasses import dataclass

import pytest

from bot.runners import Running, polling
from bot.settings import Settings
from emulator import Emulator, FakeUser
from services.companies import add_company
from services.invites import create_invite
from services.session import Database, unit_of_work
from services.users import load_actor
from tests.conftest import copy_sqlite, sqlite_template

TOKEN = "424242:TEST-token-for-the-emulator-only"
BOT_USERNAME = "ipbot_test_bot"
ADMIN_ID = 7000


@dataclass
class Harness:
    emu: Emulator
    settings: Settings
    running: Running | None = None
    _cm: object = None

    async def start(self) -> None:
        self._cm = polling(self.settings, polling_timeout=1)
        self.running = await self._cm.__aenter__()

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

    async def say(self, user: FakeUser, text: str, expect: str | None = None, timeout: float = 5.0):
        await self.emu.send_text(user, text)
        return await self.emu.wait_message(user.id, expect, timeout=timeout)


@pytest.fixture
async def emu():
    async with Emulator(TOKEN, username=BOT_USERNAME) as emulator:
        await emulator.start()
        yield emulator


@pytest.fixture
async def settings(emu, tmp_path) -> Settings:
    # A copy of the once-migrated template: the bot's own upgrade at start then finds nothing to do.
    await asyncio.to_thread(copy_sqlite, await sqlite_template(), tmp_path / "e2e.db")
    return Settings(
        TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE=emu.url,
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'e2e.db'}", ADMIN_TELEGRAM_IDS=str(ADMIN_ID),
        IPBOT_JOBS=False,  # scheduled jobs would fire by the wall clock; job tests turn them on
    )


@pytest.fixture
def harness_class():
    """For tests that start the bot with settings of their own."""
    return Harness


@pytest.fixture
async def harness(emu, settings):
    h = Harness(emu, settings)
    await h.start()
    yield h
    if h.running is not None:
        await h.stop()
    assert emu.rejected == [], f"the bot sent requests Telegram would reject: {emu.rejected}"
    assert emu.unanswered_callbacks() == [], "every button press must be answered"
