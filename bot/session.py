"""The HTTP session the bot talks to Telegram through."""

from __future__ import annotations

from typing import Any

import orjson
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.methods.base import Response


class PinnedResponseSession(AiohttpSession):
    """aiogram builds `Response[T]` on every call; pydantic keeps those classes only
    weakly, and garbage collection keeps dropping them, so the class is rebuilt
    (about 1 ms) again and again. Holding one strong reference per return type
    keeps pydantic's cache warm; measured by bench/updates.py (see README)."""

    _pinned: dict[Any, type] = {}

    def check_response(self, bot: Any, method: Any, status_code: int, content: str) -> Response[Any]:
        returning = method.__returning__
        if returning not in self._pinned:
            self._pinned[returning] = Response[returning]  # type: ignore[index]
        return super().check_response(bot, method, status_code, content)


def json_dumps(value: Any) -> str:
    """orjson writes Chinese text as UTF-8 rather than escape sequences, and is several times faster."""
    return orjson.dumps(value).decode()


def make_session(api: Any) -> PinnedResponseSession:
    return PinnedResponseSession(api=api, json_loads=orjson.loads, json_dumps=json_dumps)
