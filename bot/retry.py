"""Retry Telegram's "slow down" and "not now" answers, which aiogram raises but never retries.

A 429 names how long to wait; a 5xx or the front end's HTML error page means the
request was not carried out. Both are safe to send again. A client-side timeout
is not retried: the message may have been delivered, and a duplicate is worse
than a late error. Attempts and waits are bounded so a handler never hangs.

Nothing is retried here inside a broadcast (`services.broadcast.paced()`, e.g. the
digest's fan-out): the broadcast paces every send itself and must see the first 429,
to pause all of them, rather than have one request sleep here while the rest go on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import ClientDecodeError, TelegramRetryAfter, TelegramServerError
from aiogram.methods import GetUpdates, TelegramMethod
from aiogram.methods.base import Response

from services.broadcast import paced

log = logging.getLogger(__name__)


class RetryTelegram(BaseRequestMiddleware):
    def __init__(self, attempts: int = 4, max_wait: float = 30.0, backoff: float = 0.5,
                 on_retry: Callable[[], None] | None = None) -> None:
        self.attempts, self.max_wait, self.backoff = attempts, max_wait, backoff
        self.on_retry = on_retry  # counts each retry (bot.metrics.Metrics.retried)

    async def __call__(self, make_request: NextRequestMiddlewareType[Any], bot: Any,
                       method: TelegramMethod[Any]) -> Response[Any]:
        if isinstance(method, GetUpdates) or paced():  # polling and broadcasts pace themselves
            return await make_request(bot, method)
        for attempt in range(1, self.attempts + 1):
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                wait = float(exc.retry_after)
                if attempt == self.attempts or wait > self.max_wait:
                    raise
            except (TelegramServerError, ClientDecodeError):
                if attempt == self.attempts:
                    raise
                wait = self.backoff * 2 ** (attempt - 1)
            log.warning("%s: Telegram asked to retry; waiting %.1fs (attempt %d)", type(method).__name__, wait, attempt)
            await asyncio.sleep(wait)
            if self.on_retry is not None:
                self.on_retry()
        raise AssertionError("unreachable")
