"""bot.retry: the session retries a 429 for a handler, and passes it straight back inside a
broadcast, which paces its sends itself (services.broadcast.paced)."""

from __future__ import annotations

from aiogram.exceptions import TelegramRetryAfter, TelegramServerError
from aiogram.methods import SendMessage

from bot.retry import RetryTelegram
from services.broadcast import Outgoing, Permanent, broadcast, paced

METHOD = SendMessage(chat_id=1, text="周报")


def telegram(*errors: Exception):  # noqa: ANN201
    """A make_request answering with `errors` in turn, then success; counts the requests."""
    sent: list[int] = []
    planned = list(errors)

    async def make_request(_bot, _method):  # noqa: ANN001, ANN202
        sent.append(1)
        if planned:
            raise planned.pop(0)
        return "ok"
    return make_request, sent


async def test_a_handler_s_request_is_retried_after_a_429_and_a_5xx():
    make_request, sent = telegram(TelegramRetryAfter(METHOD, "Too Many Requests", 0),
                                  TelegramServerError(METHOD, "Internal Server Error"))
    retry = RetryTelegram(backoff=0.0)
    assert not paced()
    assert await retry(make_request, None, METHOD) == "ok" and len(sent) == 3


async def test_inside_a_broadcast_the_first_429_reaches_the_broadcast():
    make_request, sent = telegram(TelegramRetryAfter(METHOD, "Too Many Requests", 0))
    retry = RetryTelegram(backoff=0.0)
    seen: list[bool] = []

    async def step() -> None:
        seen.append(paced())
        try:
            await retry(make_request, None, METHOD)
        except TelegramRetryAfter as exc:
            raise Permanent(f"429 after {len(sent)} request(s)") from exc

    (outcome,) = await broadcast([Outgoing("k", 1, [step])])
    assert seen == [True] and len(sent) == 1
    assert not outcome.delivered and "429 after 1 request(s)" in outcome.reason
    assert not paced()  # only inside the broadcast
