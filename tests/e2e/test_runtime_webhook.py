"""The webhook's trust boundary: who may post, how much, and what counts as an update.

Telegram posts an update with the secret it was given; anyone else reaching the port
gets 401. A body above 1 MB is 413 before it is parsed; a body aiogram cannot turn into
an update of a type it knows is 400 and is not recorded, so nothing unreadable reaches
the inbox by this door.
"""

from __future__ import annotations

import asyncio
import socket

import aiohttp
import orjson
import pytest

from bot.runners import run_webhook
from tests.e2e.harness import inbox_counts

SECRET = "s3cret-Token_1"
HEADER = "X-Telegram-Bot-Api-Secret-Token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
async def webhook(emu, settings):
    """The bot in webhook mode in this process; yields its /telegram address."""
    port = free_port()
    webhook_settings = settings.model_copy(update={"webhook_url": f"http://127.0.0.1:{port}", "webhook_secret": SECRET})
    started = asyncio.Event()
    task = asyncio.create_task(run_webhook(webhook_settings, "127.0.0.1", port, started))
    try:
        await asyncio.wait_for(started.wait(), 15)
        yield f"http://127.0.0.1:{port}/telegram", webhook_settings
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert emu.rejected == []


NOT_UPDATES = {
    "update_id is a boolean": b'{"update_id": true}',
    "no event": b'{"update_id": 5}',
    "only an unknown field, 900 KB": orjson.dumps({"update_id": 5, "unknown_field": {"blob": "x" * 900_000}}),
    "not JSON": b"{not json",
    "a JSON list": b"[1, 2]",
    "a message that is not an object": b'{"update_id": 6, "message": 3}',
    "a JSON string": b'"update"',
}


async def test_bodies_that_are_not_updates_are_400_and_never_recorded(emu, webhook):
    url, settings = webhook
    async with aiohttp.ClientSession() as http:
        for what, body in NOT_UPDATES.items():
            async with http.post(url, data=body, headers={HEADER: SECRET, "Content-Type": "application/json"}) as r:
                assert r.status == 400, what
    assert await inbox_counts(settings.database_url) == {"pending": 0, "done": 0, "dead": 0}
    user = emu.user(9301)
    await emu.send_text(user, "/start")  # the real thing still gets through, and is recorded
    await emu.wait_message(user.id, "仅对受邀用户开放", timeout=10)
    assert await inbox_counts(settings.database_url, settled=True) == {"pending": 0, "done": 1, "dead": 0}


async def test_a_body_above_one_megabyte_is_413(webhook):
    url, settings = webhook
    too_big = orjson.dumps({"update_id": 7, "message": {"text": "x" * (10 * 1024 * 1024)}})
    just_right = orjson.dumps({"update_id": 8, "unknown_field": "x" * (1024 * 1024 - 200)})
    async with aiohttp.ClientSession() as http:
        async with http.post(url, data=too_big, headers={HEADER: SECRET}) as r:
            assert r.status == 413
        async with http.post(url, data=just_right, headers={HEADER: SECRET}) as r:
            assert r.status == 400  # read in full, then refused as no update
    assert await inbox_counts(settings.database_url) == {"pending": 0, "done": 0, "dead": 0}


async def test_a_wrong_or_missing_secret_is_401(webhook):
    url, settings = webhook
    update = {"update_id": 9, "message": {"message_id": 1, "date": 1, "chat": {"id": 1, "type": "private"},
                                          "text": "hi"}}
    async with aiohttp.ClientSession() as http:
        for headers in ({}, {HEADER: ""}, {HEADER: SECRET[:-1] + "2"}, {HEADER: SECRET + "x"}, {HEADER: "秘密"}):
            async with http.post(url, json=update, headers=headers) as r:
                assert r.status == 401, headers
    assert await inbox_counts(settings.database_url) == {"pending": 0, "done": 0, "dead": 0}
