"""Chats a bot may write to, and ids that go on from an earlier run (the demo's restarts)."""

from __future__ import annotations

import pytest

from emulator import Emulator


async def test_a_bot_can_write_only_to_users_whose_chat_is_open(emu: Emulator, api) -> None:
    status, body = await api("sendMessage", chat_id=21, text="hello")
    assert (status, body["description"]) == (400, "Bad Request: chat not found")
    emu.open_chat(emu.user(21, first_name="Wang"))
    status, body = await api("sendMessage", chat_id=21, text="hello")
    assert status == 200 and body["result"]["chat"]["first_name"] == "Wang"
    assert emu.pending_updates() == 0  # opening a chat is not an update


async def test_ids_go_on_from_where_an_earlier_run_stopped(http) -> None:
    token = "123456:TEST-token"
    async with Emulator(token, "ipbot_test", first_update_id=501, first_message_id=9001) as emu:
        user = emu.user(7)
        assert (await emu.send_text(user, "/start"), await emu.send_text(user, "/help")) == (501, 502)
        async with http.post(f"{emu.url}/bot{token}/sendMessage", json={"chat_id": 7, "text": "hi"}) as response:
            sent = (await response.json())["result"]
        assert [m.message_id for m in emu.messages(7, include_user=True)] == [9001, 9002, 9003]
        assert sent["message_id"] == 9003
        emu.open_chat(emu.user(8))
        assert await emu.send_text(emu.user(8), "/start") == 503
        assert emu.messages(8, include_user=True)[0].message_id == 9001  # message ids are per chat


def test_ids_start_at_one_or_above() -> None:
    with pytest.raises(ValueError):
        Emulator("123456:TEST-token", first_update_id=0)
