"""Do not ask Telegram to "edit" a message into what it already shows.

aiogram-dialog sometimes renders a window twice in a row (e.g. a window opened from a
button, under load); the second `editMessageText` is identical to the first, Telegram
answers 400 "message is not modified", and aiogram-dialog ignores that answer. The bot
must not send requests Telegram would reject, so this request middleware remembers what
each recent message of this bot shows (text, parse mode, keyboard, as sent) and answers
such an edit itself, with the same error Telegram would give, without sending it.

Entries live for a minute: long enough for a double render, short enough that a change
made by another process of the bot to the same message is not hidden for long.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Any

from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import EditMessageReplyMarkup, EditMessageText, SendMessage, TelegramMethod
from aiogram.methods.base import Response
from aiogram.types import Message

NOT_MODIFIED = ("Bad Request: message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message")
Shown = tuple[str | None, str, str]  # text, parse mode, keyboard (JSON)


def _keyboard(markup: Any) -> str:
    return markup.model_dump_json(exclude_none=True) if markup is not None else ""


class SkipUnchangedEdits(BaseRequestMiddleware):
    def __init__(self, ttl: float = 60.0, size: int = 10_000) -> None:
        self.ttl, self.size = ttl, size
        self.shown: OrderedDict[tuple[int | str, int], tuple[float, Shown]] = OrderedDict()

    def _get(self, key: tuple[int | str, int]) -> Shown | None:
        entry = self.shown.get(key)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def _put(self, key: tuple[int | str, int], shown: Shown) -> None:
        self.shown[key] = (time.monotonic() + self.ttl, shown)
        self.shown.move_to_end(key)
        while len(self.shown) > self.size:
            self.shown.popitem(last=False)

    async def __call__(self, make_request: NextRequestMiddlewareType[Any], bot: Any,
                       method: TelegramMethod[Any]) -> Response[Any]:
        if isinstance(method, SendMessage):
            result = await make_request(bot, method)
            if isinstance(result, Message):
                self._put((method.chat_id, result.message_id),
                          (method.text, str(method.parse_mode), _keyboard(method.reply_markup)))
            return result
        if isinstance(method, (EditMessageText, EditMessageReplyMarkup)) and method.message_id is not None:
            key = (method.chat_id, method.message_id)
            before = self._get(key)
            if isinstance(method, EditMessageText):
                after = (method.text, str(method.parse_mode), _keyboard(method.reply_markup))
            else:
                after = (before[0], before[1], _keyboard(method.reply_markup)) if before else None
            if before is not None and after == before:
                raise TelegramBadRequest(method=method, message=NOT_MODIFIED)
            result = await make_request(bot, method)
            if after is not None:
                self._put(key, after)
            else:
                self.shown.pop(key, None)
            return result
        return await make_request(bot, method)
