"""Chats a bot may write to, and ids that go on from an earlier run (the demo's restarts)."""

from __future__ import annotations

from emulator import Emulator


async def test_a_bot_can_write_only_to_users_whose_chat_is_open(emu: Emulator, api) -> None:
    status, body = await api("sendMessage", chat_id=21, text="hello")
    assert (status, body["description"]) == (400, "Bad Request: chat not found")
    emu.open_chat(emu.user(21, first_name="Wang"))
    status, body = await api("sendMessage", chat_id=21, text="hello")
    assert status == 200 and body["result"]["chat"]["first_name"] == "Wang"
    assert emu.pending_updates() == 0  # opening a chat is not an update
