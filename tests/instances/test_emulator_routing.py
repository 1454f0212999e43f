"""The emulator as the reverse proxy in front of several instances: deliveries in turn, a dead
instance skipped, and one chat's updates one at a time and in order, as Telegram sends them."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from emulator import Emulator
from tests.emulator.conftest import TOKEN, emu  # noqa: F401 - the emulator tests' own fixture


class Hook:
    """A webhook endpoint on loopback that records what reached it (and may answer slowly)."""

    def __init__(self) -> None:
        self.got: list[tuple[float, float, dict]] = []  # (arrived, answered, update)
        self.delay_for: dict[int, float] = {}  # update_id -> seconds before answering
        self.runner: web.AppRunner | None = None
        self.url = ""

    async def receive(self, request: web.Request) -> web.Response:
        arrived = time.monotonic()
        update = await request.json()
        await asyncio.sleep(self.delay_for.get(update["update_id"], 0))
        self.got.append((arrived, time.monotonic(), update))
        return web.Response()

    async def start(self) -> "Hook":
        app = web.Application()
        app.router.add_post("/telegram", self.receive)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self.runner.addresses[0][1]}/telegram"
        return self

    def texts(self) -> list[str]:
        return [u["message"]["text"] for _a, _b, u in self.got]


@pytest.fixture
async def hooks() -> AsyncIterator[list[Hook]]:
    started = [await Hook().start(), await Hook().start()]
    try:
        yield started
    finally:
        for hook in started:
            await hook.runner.cleanup()


async def set_webhook(emu: Emulator, url: str, max_connections: int = 40) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{emu.url}/bot{TOKEN}/setWebhook",
                             json={"url": url, "max_connections": max_connections}) as response:
            assert response.status == 200, await response.text()


async def until(predicate, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.005)


async def test_deliveries_go_to_each_instance_in_turn(emu, hooks):
    a, b = hooks
    emu.route_webhook([a.url, b.url])
    await set_webhook(emu, "http://127.0.0.1:1/public", max_connections=1)  # the proxy's address, never called
    for n in range(6):
        await emu.send_text(emu.user(100 + n), f"m{n}")
    await until(lambda: len(a.got) + len(b.got) == 6)
    assert a.texts() == ["m0", "m2", "m4"] and b.texts() == ["m1", "m3", "m5"]
    assert emu.webhook_deliveries == {a.url: 3, b.url: 3}


async def test_a_dead_instance_costs_a_retry_not_an_update(emu, hooks):
    _a, b = hooks
    with socket.socket() as s:  # a port nobody listens on: an instance that was killed
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}/telegram"
    emu.route_webhook([dead, b.url])
    await set_webhook(emu, b.url)
    user = emu.user(200)
    for n in range(5):
        await emu.send_text(user, f"m{n}")
    await until(lambda: len(b.got) == 5 and emu.pending_updates() == 0)  # handled, and the answer back
    assert b.texts() == ["m0", "m1", "m2", "m3", "m4"]  # the chat's order held through the retries
    assert dead not in emu.webhook_deliveries


async def test_one_chat_is_one_update_at_a_time_while_other_chats_go_on(emu, hooks):
    a, b = hooks
    emu.route_webhook([a.url, b.url])
    await set_webhook(emu, a.url, max_connections=40)
    slow, other = emu.user(300), emu.user(301)
    first = await emu.send_text(slow, "slow-1")
    a.delay_for[first] = 0.4  # the first instance takes its time over the first message
    await emu.send_text(slow, "slow-2")
    await emu.send_text(other, "other-1")
    await until(lambda: len(a.got) + len(b.got) == 3)
    got = sorted(a.got + b.got, key=lambda g: g[0])
    order = [u["message"]["text"] for _arrived, _answered, u in got]
    assert order == ["slow-1", "other-1", "slow-2"]  # the other chat did not wait; the slow chat's second did
    slow_1, slow_2 = (g for g in got if g[2]["message"]["chat"]["id"] == slow.id)
    assert slow_2[0] >= slow_1[1]  # sent only once the first was answered
