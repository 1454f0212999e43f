"""End-to-end fixtures: the real bot, polling over HTTP, against the in-process emulator
(tests/e2e/harness.py).

Most tests get a bot of their own (`harness`: a fresh database copied from the migrated
template, a fresh emulator); booting one costs about 0.1–0.2 s once the search index is
shared (below). A module whose tests do not need a fresh bot can share one
(`shared_harness`, see its docstring). Waiting is never a fixed sleep: `Harness.settle`
waits, bounded, for one update to be finished, `Harness.settled` for everything sent.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from unittest.mock import patch

import pytest
import pytest_asyncio

from bot.settings import Settings
from emulator import Emulator
from search import SearchIndex
from tests.e2e.harness import (  # noqa: F401 - re-exported: tests import these from here
    ADMIN_ID, BOT_USERNAME, TOKEN, FrozenClock, Harness, assert_nothing_refused, bot_settings, inbox_counts,
    unique_user)


@pytest.fixture(scope="session", autouse=True)
def _one_search_index():
    """Every bot of the session searches one index (bot.app.build_search is there for this).

    Building it costs 0.1–0.7 s of CPU per context, in a worker thread at start-up, and the
    index depends only on the texts shipped with the code; a test bot would pay it on every
    boot, on two shared cores. Bots run as child processes build their own, and so does a bot
    with a policy directory of its own (IPBOT_POLICY_DIR: its library has more documents).
    """
    import bot.app

    shared, build = SearchIndex(), bot.app.build_search
    with patch("bot.app.build_search", lambda policy_dir=None: build(policy_dir) if policy_dir else shared):
        yield


@pytest.fixture
async def emu():
    async with Emulator(TOKEN, username=BOT_USERNAME) as emulator:
        await emulator.start()
        yield emulator


@pytest.fixture
async def settings(emu, tmp_path) -> Settings:
    return await bot_settings(emu, tmp_path)


@pytest.fixture
def harness_class():
    """For tests that start the bot with settings of their own."""
    return Harness


@pytest.fixture
def bot_clock() -> Callable[[], datetime] | None:
    """The clock `harness` gives the bot's context: the wall clock. A module that needs a
    fixed one overrides this fixture (tests/e2e/test_visit.py)."""
    return None


@pytest.fixture
async def harness(emu, settings, bot_clock):
    h = Harness(emu, settings, clock=bot_clock)
    await h.start()
    yield h
    if h.running is not None:
        await h.stop()
    assert_nothing_refused(emu)


# ------------------------------------------------------------------ one bot for a module

@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def module_harness(tmp_path_factory):
    """One emulator and one bot for every test of a module (booting one per test is the cost
    this saves). For tests that need no fresh database, restart, kill or settings of their
    own; they use `shared_harness` and run on the module's event loop, where the bot runs:
    `@pytest.mark.asyncio(loop_scope="module")`, and so do their own async fixtures
    (`@pytest_asyncio.fixture(loop_scope="module")`)."""
    async with Emulator(TOKEN, username=BOT_USERNAME) as emulator:
        await emulator.start()
        async with Harness(emulator, await bot_settings(emulator, tmp_path_factory.mktemp("shared"))) as h:
            yield h


@pytest_asyncio.fixture(loop_scope="module")
async def shared_harness(module_harness):
    """The module's bot, checked after each test as `harness` is: whatever the test sent was
    handled, and nothing it caused was refused or left unanswered. Tests sharing it use user
    ids of their own (`unique_user`)."""
    rejected = len(module_harness.emu.rejected)
    yield module_harness
    await module_harness.settled()
    assert_nothing_refused(module_harness.emu, rejected)
