"""The HTTP control API under /_emu/, as a demo client in another process would use it."""

from __future__ import annotations

import asyncio
import base64

import aiohttp

from emulator import Emulator


async def test_a_demo_client_session(emu: Emulator, api, http: aiohttp.ClientSession) -> None:
    async def control(method: str, route: str, **kwargs) -> tuple[int, object]:
        async with http.request(method, f"{emu.url}/_emu/{route}", **kwargs) as response:
            return response.status, await response.json()

    status, bots = await control("GET", "bots")
    assert bots[0]["username"] == "ipbot_test"

    user = {"id": 9, "first_name": "Bo", "language_code": "en"}
    status, body = await control("POST", "send_text", json={"user": user, "text": "/start"})
    assert status == 200 and body["update_id"] == 1

    keyboard = {"inline_keyboard": [[{"text": "Yes", "callback_data": "yes"}]]}
    await api("sendMessage", chat_id=9, text="<b>Hi</b> Bo", parse_mode="HTML", reply_markup=keyboard)
    _, page = await control("GET", "messages", params={"chat_id": "9", "after": "0"})
    assert page["next"] == 1
    [message] = page["messages"]
    assert (message["text"], message["entities"][0]["type"], message["reply_markup"]) == ("Hi Bo", "bold", keyboard)

    waiting = asyncio.create_task(control("GET", "messages", params={"chat_id": "9", "after": "1", "timeout": "3"}))
    await asyncio.sleep(0.1)
    await api("editMessageText", chat_id=9, message_id=message["message_id"], text="Hi again")
    _, page = await asyncio.wait_for(waiting, 2)
    assert [(m["text"], m["edit_date"] is not None) for m in page["messages"]] == [("Hi again", True)]

    status, body = await control("POST", "press", json={"user": 9, "text_contains": "Yes"})
    assert status == 400 and "no callback button" in body["error"]  # the edit removed the keyboard
    await api("editMessageReplyMarkup", chat_id=9, message_id=message["message_id"], reply_markup=keyboard)
    status, body = await control("POST", "press", json={"user": 9, "text_contains": "Yes"})
    assert status == 200
    _, callbacks = await control("GET", "callbacks", params={"unanswered": "1"})
    assert [c["data"] for c in callbacks] == ["yes"]

    data = base64.b64encode(b"%PDF-1.7").decode()
    await control("POST", "send_document", json={"user": 9, "filename": "a.pdf", "data_base64": data})
    file_id = emu.messages(9, include_user=True)[-1].document.file_id
    async with http.get(f"{emu.url}/_emu/files/{file_id}") as response:
        assert await response.read() == b"%PDF-1.7"

    await api("setMyCommands", commands=[{"command": "help", "description": "Help"}])
    _, commands = await control("GET", "commands", params={"visible_to": "9"})
    assert commands == [{"command": "help", "description": "Help"}]

    await control("POST", "faults", json={"method": "getMe", "kind": "429", "retry_after": 5})
    assert (await api("getMe"))[1]["parameters"] == {"retry_after": 5}

    await api("sendMessage", chat_id=9, text="")
    _, rejected = await control("GET", "rejected")
    assert [(r["method"], r["description"]) for r in rejected] == [
        ("sendMessage", "Bad Request: message text is empty")
    ]
    _, calls = await control("GET", "calls", params={"after": "1"})
    assert calls["next"] == len(emu.calls)

    location = {"latitude": 32.06, "longitude": 118.79}
    assert (await control("POST", "send_location", json={"user": 9, **location}))[0] == 200
    assert emu.messages(9, include_user=True)[-1].extra == {"location": {"latitude": 32.06, "longitude": 118.79}}
    assert (await control("POST", "send_text", json={"user": 404, "text": "x"}))[0] == 400
