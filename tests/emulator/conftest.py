"""Fixtures: a running emulator on 127.0.0.1 (random port) and a raw Bot API client."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import pytest

from emulator import Emulator

TOKEN = "123456:TEST-token"
BOT_USERNAME = "ipbot_test"

ApiCall = Callable[..., Awaitable[tuple[int, dict[str, Any]]]]


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    emulator = Emulator(TOKEN, BOT_USERNAME, fault_timeout=1.0)
    await emulator.start("127.0.0.1", 0)
    try:
        yield emulator
    finally:
        await emulator.stop()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def api(emu: Emulator, http: aiohttp.ClientSession) -> ApiCall:
    """Call a Bot API method. JSON body by default; `_form=True` sends a form as aiogram does."""

    async def call(method: str, *, _token: str = TOKEN, _form: bool = False, **params: Any) -> tuple[int, dict]:
        url = f"{emu.url}/bot{_token}/{method}"
        if _form:
            form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
            response = await http.post(url, data=form)
        else:
            response = await http.post(url, json=params)
        async with response:
            return response.status, await response.json()

    return call


@pytest.fixture
def token() -> str:
    return TOKEN
