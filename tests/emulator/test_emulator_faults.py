"""Injected faults: Telegram-shaped failures without side effects, never counted as rejections."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from emulator import Emulator


async def test_429_then_success(emu: Emulator, api) -> None:
    await emu.send_text(emu.user(7), "hi")
    emu.inject_fault("sendMessage", "429", retry_after=3)
    assert (await api("getMe"))[0] == 200  # other methods are unaffected
    assert await api("sendMessage", chat_id=7, text="x") == (
        429,
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 3",
            "parameters": {"retry_after": 3},
        },
    )
    assert emu.messages(7) == []
    assert (await api("sendmessage", chat_id=7, text="x"))[0] == 200
    assert [m.text for m in emu.messages(7)] == ["x"]
    assert emu.rejected == []
    assert [(c.method, c.status, c.fault) for c in emu.calls if c.method == "sendMessage"] == [
        ("sendMessage", 429, "429"), ("sendMessage", 200, None)
    ]


async def test_server_errors_for_any_method(emu: Emulator, api, http: aiohttp.ClientSession, token: str) -> None:
    emu.inject_fault(None, "500")
    emu.inject_fault(None, "502")
    assert await api("getMe") == (500, {"ok": False, "error_code": 500, "description": "Internal Server Error"})
    async with http.post(f"{emu.url}/bot{token}/getMe") as response:
        assert response.status == 502 and response.content_type == "text/html"
        assert "502 Bad Gateway" in await response.text()
    assert (await api("getMe"))[0] == 200
    assert emu.rejected == []


async def test_count_applies_to_consecutive_calls(emu: Emulator, api) -> None:
    emu.inject_fault("getMe", "500", count=2)
    assert [(await api("getMe"))[0] for _ in range(3)] == [500, 500, 200]


async def test_timeout_holds_the_request_and_has_no_side_effect(
    emu: Emulator, http: aiohttp.ClientSession, token: str
) -> None:
    await emu.send_text(emu.user(7), "hi")
    emu.inject_fault("sendMessage", "timeout", delay=0.6)
    url = f"{emu.url}/bot{token}/sendMessage"
    with pytest.raises(asyncio.TimeoutError):
        await http.post(url, json={"chat_id": 7, "text": "lost"}, timeout=aiohttp.ClientTimeout(total=0.2))
    assert emu.messages(7) == []
    async with http.post(url, json={"chat_id": 7, "text": "kept"}) as response:
        assert response.status == 200
    await asyncio.sleep(0.5)  # the held request finishes with 502 and still stores nothing
    assert [m.text for m in emu.messages(7)] == ["kept"]
    assert [c.status for c in emu.calls if c.method == "sendMessage"] == [200, 502]


def test_unknown_fault_kind(emu: Emulator) -> None:
    with pytest.raises(ValueError, match="unknown fault kind"):
        emu.inject_fault("getMe", "418")  # type: ignore[arg-type]
