"""Fixtures for several instances as one: a real PostgreSQL database and a real Redis.

Each test gets a PostgreSQL database of its own (a copy of the migrated template) and
Redis database 13 of the server on 127.0.0.1:6379, never emptied: the bot's keys there are
named by the database (bot/ordering.py) or by the test's own users, and removed after.
A test is skipped, saying why, only when no server answers.

Fault tests (a process killed, a connection cut, a server restarted) carry the `fault`
mark: `-m fault` runs only them, `-m "not fault"` leaves them out.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from emulator import Emulator
from tests.databases import pooled_postgres
from tests.e2e.harness import BOT_USERNAME, TOKEN

REDIS_URL = "redis://127.0.0.1:6379/13"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "fault: a fault test (kills, cut connections, restarts); bounded, loopback only")


@pytest.fixture
async def redis_url() -> AsyncIterator[str]:
    from redis.asyncio import Redis

    client = Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except Exception as exc:  # noqa: BLE001
        await client.aclose()
        pytest.skip(f"no Redis reachable at {REDIS_URL}: {exc}")
    yield REDIS_URL
    await client.aclose()


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    async with Emulator(TOKEN, username=BOT_USERNAME) as emulator:
        await emulator.start()
        yield emulator


@pytest.fixture
async def pg_database() -> AsyncIterator[str]:
    """The URL of a fresh, migrated PostgreSQL database (skipped when no server answers)."""
    async with pooled_postgres() as url:
        yield url

