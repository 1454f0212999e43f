"""Fixtures for the job tests."""

import pytest

from jobkit import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def emu():
    """The Bot API emulator the jobs' bot sends to, as the bot does to Telegram."""
    from emulator import Emulator
    from jobkit import TOKEN

    async with Emulator(TOKEN, username="ipbot_jobs_test_bot") as emulator:
        yield emulator
