"""Webhook delivery: POST each queued update to the bot's URL, as Telegram does.

Up to max_connections deliveries run at once, but one chat's updates go one at a time
(the queue's lanes, emulator/updates.py), as Telegram's Bot API server sends them: the
next message of a chat only after the bot answered the previous one with 2xx. An update
leaves the queue only after a 2xx answer; failures are retried with a short backoff and
reported by getWebhookInfo.

Several instances behind one address: `route(token, urls)` plays the reverse proxy in
front of them. Deliveries then go to those URLs in turn (round robin), whatever URL the
bot set, and a delivery that failed is tried again on the next one (as nginx's
`proxy_next_upstream` does), so a dead instance costs a retry, not an update.
`delivered` counts the 2xx answers per URL.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter

import aiohttp

from .state import BotState, Rejection, WebhookConfig

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_POST_TIMEOUT = aiohttp.ClientTimeout(total=30)
_BACKOFF_MIN = 0.1
_BACKOFF_MAX = 2.0


class WebhookManager:
    def __init__(self, rejected: list[Rejection]) -> None:
        self._rejected = rejected
        self._workers: dict[str, list[asyncio.Task[None]]] = {}
        self._session: aiohttp.ClientSession | None = None
        self._routes: dict[str, list[str]] = {}
        self._turns: Counter[str] = Counter()
        self._busy: dict[str, set[tuple[str, int]]] = {}
        self.delivered: Counter[str] = Counter()

    def route(self, token: str, urls: list[str] | None) -> None:
        """Deliver this bot's updates to `urls` in turn (None or []: to the URL the bot set)."""
        if urls:
            self._routes[token] = list(urls)
        else:
            self._routes.pop(token, None)

    async def start(self, bot: BotState) -> None:
        """(Re)start delivery for the bot's current webhook configuration."""
        await self.stop(bot)
        config = bot.webhook
        assert config is not None
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=_POST_TIMEOUT)
        self._workers[bot.token] = [
            asyncio.create_task(self._deliver(bot, config, self._session), name=f"webhook-{bot.info.id}-{n}")
            for n in range(config.max_connections)
        ]

    async def stop(self, bot: BotState) -> None:
        workers = self._workers.pop(bot.token, [])
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)

    async def close(self) -> None:
        workers = [task for tasks in self._workers.values() for task in tasks]
        self._workers.clear()
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _next_url(self, token: str, config: WebhookConfig) -> str:
        urls = self._routes.get(token)
        if not urls:
            return config.url
        turn = self._turns[token]
        self._turns[token] = turn + 1
        return urls[turn % len(urls)]

    async def _deliver(self, bot: BotState, config: WebhookConfig, session: aiohttp.ClientSession) -> None:
        backoff = _BACKOFF_MIN
        busy = self._busy.setdefault(bot.token, set())
        while True:
            entry = await bot.queue.take(busy)
            if entry.lane is not None:
                busy.add(entry.lane)
            delivered = False
            try:
                delivered = await self._post(bot, config, session, entry.payload)
            finally:
                bot.queue.settle(entry, delivered=delivered)
                busy.discard(entry.lane)
                bot.queue.wake()  # the lane is free: its next update may go
            if delivered:
                backoff = _BACKOFF_MIN
            else:
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, _BACKOFF_MAX)

    async def _post(
        self, bot: BotState, config: WebhookConfig, session: aiohttp.ClientSession, update: dict
    ) -> bool:
        headers = {"Content-Type": "application/json"}
        if config.secret_token:
            headers[SECRET_HEADER] = config.secret_token
        body = json.dumps(update, ensure_ascii=False).encode("utf-8")
        url = self._next_url(bot.token, config)
        try:
            async with session.post(url, data=body, headers=headers) as response:
                reply = await response.read()
                status, reason, content_type = response.status, response.reason, response.content_type
        except (aiohttp.ClientError, TimeoutError) as error:
            _note_error(config, f"Connection failed: {type(error).__name__}: {error}")
            return False
        if not 200 <= status < 300:
            _note_error(config, f"Wrong response from the webhook: {status} {reason}")
            return False
        self.delivered[url] += 1
        if _carries_method(reply, content_type):
            self._rejected.append(
                Rejection(
                    bot.token,
                    "webhook reply",
                    {"update_id": update["update_id"], "content_type": content_type},
                    "the emulator does not execute a method returned in a webhook reply; "
                    "call the Bot API instead",
                )
            )
        return True


def _note_error(config: WebhookConfig, message: str) -> None:
    config.last_error_date = int(time.time())
    config.last_error_message = message


def _carries_method(reply: bytes, content_type: str) -> bool:
    """Telegram runs a method a webhook answers with; the emulator flags it instead of hiding it."""
    if content_type == "multipart/form-data":
        return b'name="method"' in reply
    if content_type == "application/json" and reply.strip():
        try:
            payload = json.loads(reply)
        except ValueError:
            return False
        return isinstance(payload, dict) and "method" in payload
    return False
