"""The HTTP session the bot talks to Telegram through."""

from __future__ import annotations

from typing import Any

import orjson
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response
from aiohttp.payload import BytesPayload


class BotSession(AiohttpSession):
    """aiogram's aiohttp session with two costs taken out, both measured by bench/updates.py.

    * aiogram builds `Response[T]` on every call; pydantic keeps those classes only
      weakly, and garbage collection keeps dropping them, so the class is rebuilt
      (about 1 ms) again and again. One strong reference per return type keeps
      pydantic's cache warm.
    * aiogram sends every call as an url-encoded form, and percent-encoding Chinese
      text byte by byte (`urllib.parse.quote`) cost about a twelfth of the bot's CPU
      under the bench's load. The Bot API takes `application/json` bodies as well,
      which orjson writes directly; a call that uploads a file still goes as aiogram's
      multipart form.
    """

    _pinned: dict[Any, type] = {}

    def check_response(self, bot: Any, method: Any, status_code: int, content: str) -> Response[Any]:
        returning = method.__returning__
        if returning not in self._pinned:
            self._pinned[returning] = Response[returning]  # type: ignore[index]
        return super().check_response(bot, method, status_code, content)

    def build_form_data(self, bot: Bot, method: TelegramMethod[Any]) -> Any:
        """The request body aiogram's `make_request` posts: JSON, or its own multipart form
        when the call uploads a file (`prepare_value` collects those into `files`)."""
        files: dict[str, Any] = {}
        payload = {}
        for key, value in method.model_dump(warnings=False).items():
            prepared = self.prepare_value(value, bot=bot, files=files, _dumps_json=False)
            if prepared is not None and prepared != "":  # what aiogram's form leaves out too
                payload[key] = prepared
        if files:
            return super().build_form_data(bot, method)
        return BytesPayload(orjson.dumps(payload), content_type="application/json")


def json_dumps(value: Any) -> str:
    """orjson writes Chinese text as UTF-8 rather than escape sequences, and is several times faster."""
    return orjson.dumps(value).decode()


def make_session(api: Any) -> BotSession:
    return BotSession(api=api, json_loads=orjson.loads, json_dumps=json_dumps)
