"""The HTTP session the bot talks to Telegram through."""

from __future__ import annotations

from typing import Any

import aiohttp
import orjson
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response
from aiohttp.payload import BytesPayload


def json_dumps(value: Any) -> str:
    """orjson writes Chinese text as UTF-8 rather than escape sequences, and is several times faster."""
    return orjson.dumps(value).decode()


class BotSession(AiohttpSession):
    """aiogram's aiohttp session with two costs taken out, both measured by bench/updates.py.

    * aiogram builds `Response[T]` on every call inside a function, where pydantic keeps
      the class only weakly; garbage collection keeps dropping it, so it is rebuilt
      (about 1 ms) again and again. One strong reference per return type, held by the
      session, keeps pydantic's cache warm.
    * aiogram sends every call as an url-encoded form, and percent-encoding Chinese
      text byte by byte (`urllib.parse.quote`) cost about a twelfth of the bot's CPU
      under the bench's load. The Bot API takes `application/json` bodies as well:
      aiogram's public `prepare_value` turns the whole call into one JSON document with
      the session's `json_dumps` (orjson); a call that uploads a file still goes as
      aiogram's multipart form. tests/unit/test_seams_session.py compares both bodies
      with aiogram's form, field by field.

    With a proxy (`TELEGRAM_PROXY`, bot/proxy.py) every call and download goes through it,
    and a failure of the proxy itself is raised as a network error that says what the proxy
    did, by its address with the password masked.
    """

    def __init__(self, proxy: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("json_loads", orjson.loads)
        kwargs.setdefault("json_dumps", json_dumps)
        self._route = None
        super().__init__(proxy=proxy, **kwargs)
        self._response_types: dict[Any, type] = {}

    def _setup_proxy_connector(self, proxy: Any) -> None:
        """aiogram's hook for a proxy, replaced: aiogram's own reads no https:// proxy and drops
        the session's TLS context and connection limit (bot.proxy.connector keeps them)."""
        from bot.proxy import connector, parse_proxy

        self._route = parse_proxy(proxy)
        self._connector_type, self._connector_init = connector(self._route, **self._connector_init)
        self._proxy = self._route  # its repr leaves the password out

    async def make_request(self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        try:
            return await super().make_request(bot, method, timeout)
        except Exception as exc:
            if self._route is None or not _proxy_failure(exc):
                raise
            from bot.proxy import explain

            raise TelegramNetworkError(method=method, message=explain(exc, self._route)) from None

    async def stream_content(self, url: str, *args: Any, **kwargs: Any) -> Any:
        """File downloads (`bot.download`), through the proxy like every call."""
        try:
            async for chunk in super().stream_content(url, *args, **kwargs):
                yield chunk
        except Exception as exc:
            if self._route is None or not _proxy_failure(exc):
                raise
            from bot.proxy import explain

            raise aiohttp.ClientConnectionError(explain(exc, self._route)) from None

    def check_response(self, bot: Any, method: Any, status_code: int, content: str) -> Response[Any]:
        returning = method.__returning__
        if returning not in self._response_types:
            self._response_types[returning] = Response[returning]  # type: ignore[index]
        return super().check_response(bot, method, status_code, content)

    def build_form_data(self, bot: Bot, method: TelegramMethod[Any]) -> Any:
        """The request body aiogram's `make_request` posts: JSON, or its own multipart form
        when the call uploads a file (`prepare_value` collects those into `files`). Fields
        aiogram's form leaves out (None, and empty text) are left out here too."""
        files: dict[str, Any] = {}
        fields = {key: value for key, value in method.model_dump(warnings=False).items() if value != ""}
        body = self.prepare_value(fields, bot=bot, files=files)
        if files:
            return super().build_form_data(bot, method)
        return BytesPayload(body.encode(), content_type="application/json")


def _proxy_failure(exc: BaseException) -> bool:
    from bot.proxy import is_proxy_failure

    return is_proxy_failure(exc)


def make_session(api: Any, proxy: str | None = None) -> BotSession:
    return BotSession(api=api, proxy=proxy)
