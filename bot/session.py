"""The HTTP session the bot talks to Telegram through."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
from aiohttp import ClientError
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response

JSON_HEADERS = {"Content-Type": "application/json"}


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

    async def make_request(self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        files: dict[str, Any] = {}
        payload = json_payload(self, bot, method, files)
        if files:
            return await super().make_request(bot, method, timeout)
        session = await self.create_session()
        url = self.api.api_url(token=bot.token, method=method.__api_method__)
        try:
            async with session.post(url, data=orjson.dumps(payload), headers=JSON_HEADERS,
                                    timeout=self.timeout if timeout is None else timeout) as resp:
                raw_result = await resp.text()
        except asyncio.TimeoutError as exc:
            raise TelegramNetworkError(method=method, message="Request timeout error") from exc
        except ClientError as exc:
            raise TelegramNetworkError(method=method, message=f"{type(exc).__name__}: {exc}") from exc
        return self.check_response(bot=bot, method=method, status_code=resp.status, content=raw_result).result


def json_payload(session: AiohttpSession, bot: Bot, method: TelegramMethod[Any], files: dict[str, Any]) -> dict:
    """The call's parameters as a JSON object: what aiogram's form would carry (defaults
    filled in, unset and empty values left out), with nested objects as objects."""
    payload = {}
    for key, value in method.model_dump(warnings=False).items():
        prepared = session.prepare_value(value, bot=bot, files=files, _dumps_json=False)
        if prepared is not None and prepared != "":
            payload[key] = prepared
    return payload


def json_dumps(value: Any) -> str:
    """orjson writes Chinese text as UTF-8 rather than escape sequences, and is several times faster."""
    return orjson.dumps(value).decode()


def make_session(api: Any) -> BotSession:
    return BotSession(api=api, json_loads=orjson.loads, json_dumps=json_dumps)
