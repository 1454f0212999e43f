"""Update delivery: long polling, offset confirmation, redelivery, conflicts, webhooks."""

from __future__ import annotations

import asyncio
import time

import aiohttp
from aiohttp import web

from emulator import Emulator

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


async def test_long_poll_wakes_as_soon_as_an_update_arrives(emu: Emulator, api) -> None:
    poll = asyncio.create_task(api("getUpdates", timeout=10))
    await asyncio.sleep(0.2)
    assert not poll.done()
    started = time.perf_counter()
    update_id = await emu.send_text(emu.user(7), "/start ref-42")
    status, body = await asyncio.wait_for(poll, 2)
    assert time.perf_counter() - started < 0.5
    assert status == 200
    [update] = body["result"]
    assert update["update_id"] == update_id
    message = update["message"]
    assert message["text"] == "/start ref-42"
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert message["from"] == {"id": 7, "is_bot": False, "first_name": "Tester", "language_code": "zh-hans"}


async def test_long_poll_times_out_empty(api) -> None:
    started = time.perf_counter()
    assert await api("getUpdates", timeout=1) == (200, {"ok": True, "result": []})
    assert 0.9 < time.perf_counter() - started < 2


async def test_offset_confirms_updates(emu: Emulator, api) -> None:
    user = emu.user(7)
    first = await emu.send_text(user, "one")
    second = await emu.send_text(user, "two")
    _, body = await api("getUpdates")
    assert [u["update_id"] for u in body["result"]] == [first, second]
    _, body = await api("getUpdates", limit=1)
    assert [u["update_id"] for u in body["result"]] == [first]
    _, body = await api("getUpdates", offset=second)
    assert [u["update_id"] for u in body["result"]] == [second]
    _, body = await api("getUpdates", offset=second + 1)
    assert body["result"] == []
    assert emu.pending_updates() == 0


async def test_redelivered_update_survives_an_older_offset(emu: Emulator, api) -> None:
    user = emu.user(7)
    update_id = await emu.send_text(user, "pay invoice")
    _, body = await api("getUpdates")
    assert body["result"][0]["update_id"] == update_id
    assert await emu.redeliver(update_id)
    _, body = await api("getUpdates", offset=update_id + 1)  # confirms the first delivery only
    assert [(u["update_id"], u["message"]["text"]) for u in body["result"]] == [(update_id, "pay invoice")]
    _, body = await api("getUpdates", offset=update_id + 1)
    assert body["result"] == []


async def test_a_second_poller_terminates_the_first(emu: Emulator, api) -> None:
    first = asyncio.create_task(api("getUpdates", timeout=5))
    await asyncio.sleep(0.1)
    second = asyncio.create_task(api("getUpdates", timeout=5))
    status, body = await asyncio.wait_for(first, 2)
    assert status == 409
    assert body["description"] == (
        "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
    )
    await emu.send_text(emu.user(7), "hi")
    assert (await asyncio.wait_for(second, 2))[1]["result"][0]["message"]["text"] == "hi"
    assert [r.method for r in emu.rejected] == ["getUpdates"]


async def test_allowed_updates_filter_new_updates(emu: Emulator, api) -> None:
    user = emu.user(7)
    await emu.send_text(user, "hi")
    await api("getUpdates", allowed_updates=["message"], offset=-1)
    await api("sendMessage", chat_id=7, text="Q", reply_markup={"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]})
    await emu.press_button(user, "A")
    edited = await emu.edit_text(user, 1, "hello")
    _, body = await api("getUpdates", offset=edited)
    assert body["result"] == []
    await api("getUpdates", allowed_updates=[])  # back to Telegram's default set
    await emu.edit_text(user, 1, "hello again")
    _, body = await api("getUpdates", offset=edited)
    assert body["result"][0]["edited_message"]["text"] == "hello again"


async def test_wait_message_reads_output_in_order_and_explains_timeouts(emu: Emulator, api) -> None:
    await emu.send_text(emu.user(7), "hi")
    for text in ("one", "two", "three"):
        await api("sendMessage", chat_id=7, text=text)
    assert (await emu.wait_message(7)).text == "one"
    assert (await emu.wait_message(7, "thr")).text == "three"
    assert (await emu.wait_message(7, after_message_id=2)).text == "two"  # "hi" is #1, "one" #2
    try:
        await emu.wait_message(7, lambda m: m.text == "four", timeout=0.2)
    except TimeoutError as error:
        assert "arrived: nothing" in str(error)
    later = asyncio.create_task(emu.wait_message(7, timeout=2))
    await asyncio.sleep(0.05)
    await api("sendMessage", chat_id=7, text="four")
    assert (await later).text == "four"


async def test_webhook_delivery_with_secret(emu: Emulator, api) -> None:
    received: asyncio.Queue = asyncio.Queue()
    failures = {"left": 1}

    async def hook(request: web.Request) -> web.Response:
        if failures["left"]:
            failures["left"] -= 1
            return web.Response(status=500)
        await received.put((request.headers.get(SECRET_HEADER), await request.json()))
        return web.json_response({})

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        status, body = await api("setWebhook", url="https://example.com/hook")
        assert status == 400 and "loopback" in body["description"]
        url = f"http://127.0.0.1:{port}/hook"
        assert (await api("setWebhook", url=url, secret_token="s3cr3t_-X", max_connections=1))[0] == 200
        update_id = await emu.send_text(emu.user(7), "via webhook")
        secret, update = await asyncio.wait_for(received.get(), 3)  # after one failed attempt
        assert secret == "s3cr3t_-X"
        assert update["update_id"] == update_id and update["message"]["text"] == "via webhook"

        status, body = await api("getUpdates")
        assert status == 409 and "webhook is active" in body["description"]
        _, info = await api("getWebhookInfo")
        assert info["result"]["url"] == url and info["result"]["pending_update_count"] == 0
        assert info["result"]["last_error_message"] == "Wrong response from the webhook: 500 Internal Server Error"

        assert (await api("deleteWebhook"))[0] == 200
        await emu.send_text(emu.user(7), "via polling")
        _, body = await api("getUpdates")
        assert body["result"][0]["message"]["text"] == "via polling"
        assert received.empty()
    finally:
        await runner.cleanup()


async def test_stop_releases_a_pending_long_poll(http: aiohttp.ClientSession, token: str) -> None:
    emulator = Emulator(token, "x")
    url = await emulator.start()
    poll = asyncio.create_task(http.post(f"{url}/bot{token}/getUpdates", json={"timeout": 30}))
    await asyncio.sleep(0.1)
    started = time.perf_counter()
    await emulator.stop()
    assert time.perf_counter() - started < 1.5
    response = await poll
    assert (await response.json())["result"] == []
