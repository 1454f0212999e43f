"""`EmulatorCore`: the in-process control API (users, chats, presses, what the bot sent).

Tests and the demo play Telegram's users (send text, press buttons, upload
files) and read what the bot did (messages, edits, commands, every call and every
rejected call). Its subclass `emulator.serving.Emulator` serves the Bot API over HTTP, so a real aiogram
bot talks to it exactly as it talks to api.telegram.org.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from aiohttp import web

from .api import BotApi, Journal
from .faults import FaultKind, FaultPlan
from .state import (
    BotInfo,
    BotState,
    CallbackRecord,
    CallRecord,
    Chat,
    FakeUser,
    MessageRecord,
    Rejection,
)
from .webhook import WebhookManager

Predicate = Callable[[MessageRecord], bool] | str
_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")


class EmulatorCore:
    """A Telegram Bot API server's state and behaviour for one or more bot tokens, without the
    HTTP server (`emulator.serving.Emulator` adds it, so the routes can type against this class).

    `tokens` is a single token (the bot's username is then `username`), several
    tokens, or a mapping token -> BotInfo. Methods taking `token=` act on that bot;
    without it they act on the first one.
    """

    def __init__(
        self,
        tokens: Mapping[str, BotInfo] | Iterable[str] | str,
        username: str = "emulator_bot",
        *,
        spec_path: str | None = None,
        fault_timeout: float = 5.0,
        first_update_id: int = 1,
        first_message_id: int = 1,
    ) -> None:
        """`first_update_id` and `first_message_id` let a new emulator go on from an earlier
        one, as Telegram does for a bot whose database remembers ids it has seen."""
        self._bots = {
            token: BotState(token, info, first_update_id=first_update_id, first_message_id=first_message_id)
            for token, info in _bot_infos(tokens, username).items()
        }
        if not self._bots:
            raise ValueError("at least one bot token is required")
        self._default_token = next(iter(self._bots))
        self.users: dict[int, FakeUser] = {}
        self.fault_timeout = fault_timeout
        self._journal = Journal()
        self._faults = FaultPlan()
        self._closing = asyncio.Event()
        self._webhooks = WebhookManager(self._journal.rejected)
        self.api = BotApi(
            self._bots, self._journal, self._faults, self._webhooks, spec_path=spec_path, closing=self._closing
        )
        self._runner: web.AppRunner | None = None
        self._port = 0
        self.url: str | None = None

    # --- bots, users, faults --------------------------------------------------------

    def bot_state(self, token: str | None = None) -> BotState:
        """Everything kept for one bot (chats, files, queue...), for inspection beyond this API."""
        try:
            return self._bots[token or self._default_token]
        except KeyError:
            raise LookupError(f"unknown bot token {token!r}") from None

    @property
    def tokens(self) -> list[str]:
        return list(self._bots)

    def user(
        self,
        id: int,
        first_name: str = "Tester",
        language_code: str | None = "zh-hans",
        username: str | None = None,
        last_name: str | None = None,
    ) -> FakeUser:
        user = FakeUser(id, first_name, language_code, username, last_name)
        self.users[id] = user
        return user

    def inject_fault(
        self,
        method: str | None,
        kind: FaultKind,
        count: int = 1,
        retry_after: int = 1,
        delay: float | None = None,
    ) -> None:
        """Make the next `count` calls of `method` (any method if None) fail with `kind`.

        "timeout" holds the request `delay` seconds (default: fault_timeout), then answers 502.
        """
        self._faults.add(method, kind, count, retry_after, self.fault_timeout if delay is None else delay)

    def clear_faults(self) -> None:
        self._faults.clear()

    def route_webhook(self, urls: list[str] | None, *, token: str | None = None) -> None:
        """Play the reverse proxy in front of several bot instances: this bot's webhook
        updates go to `urls` in turn, whatever URL it set (None: to that URL again)."""
        self._webhooks.route(self.bot_state(token).token, urls)

    @property
    def webhook_deliveries(self) -> dict[str, int]:
        """Updates each webhook URL answered with 2xx."""
        return dict(self._webhooks.delivered)

    # --- what users do --------------------------------------------------------------

    def open_chat(self, user: FakeUser, *, token: str | None = None) -> None:
        """The user has talked to the bot before: the bot may message them, no update is made.

        Telegram lets a bot write only to users who started it; a fresh emulator knows
        nobody, while the bot's database may know them from an earlier run.
        """
        self.users.setdefault(user.id, user)
        self.bot_state(token).chat_for(user)

    async def send_text(self, user: FakeUser, text: str, *, reply_to: int | None = None,
                        token: str | None = None) -> int:
        """A text message; "/command args" gets a bot_command entity, as Telegram adds one.

        `reply_to` makes it a reply to that message of the chat (Telegram's "Reply").
        """
        return self._user_message(user, token, text=text, entities=_command_entities(text),
                                  reply_to_message_id=reply_to)

    async def send_location(
        self, user: FakeUser, latitude: float, longitude: float, *, token: str | None = None
    ) -> int:
        return self._user_message(user, token, extra={"location": {"latitude": latitude, "longitude": longitude}})

    async def send_contact(
        self, user: FakeUser, phone_number: str, *, first_name: str | None = None, last_name: str | None = None,
        user_id: int | None = None, token: str | None = None,
    ) -> int:
        """A contact as Telegram sends it; from the share-contact button it is the sender's own
        (`user_id` defaults to the sender), a forwarded card may carry someone else's."""
        contact: dict[str, Any] = {"phone_number": phone_number, "first_name": first_name or user.first_name,
                                   "user_id": user.id if user_id is None else user_id}
        if last_name:
            contact["last_name"] = last_name
        return self._user_message(user, token, extra={"contact": contact})

    async def send_document(
        self,
        user: FakeUser,
        filename: str,
        data: bytes,
        mime_type: str = "application/octet-stream",
        *,
        caption: str | None = None,
        token: str | None = None,
    ) -> int:
        file = self.bot_state(token).add_file("document", data, filename, mime_type)
        return self._user_message(user, token, document=file, caption=caption)

    async def send_photo(
        self,
        user: FakeUser,
        data: bytes = b"\xff\xd8\xff\xe0emulated-jpeg",
        *,
        caption: str | None = None,
        token: str | None = None,
    ) -> int:
        file = self.bot_state(token).add_file("photo", data, None, "image/jpeg")
        return self._user_message(user, token, photo=file, caption=caption)

    async def send_sticker(self, user: FakeUser, emoji: str = "👍", *, token: str | None = None) -> int:
        file = self.bot_state(token).add_file("sticker", b"RIFF-emulated-webp", None, "image/webp")
        sticker = {**file.media_api(), "type": "regular", "is_animated": False, "is_video": False, "emoji": emoji}
        return self._user_message(user, token, extra={"sticker": sticker})

    async def send_voice(self, user: FakeUser, duration: int = 1, *, token: str | None = None) -> int:
        file = self.bot_state(token).add_file("voice", b"OggS-emulated-voice", None, "audio/ogg")
        voice = {**file.media_api(), "duration": duration, "mime_type": "audio/ogg"}
        return self._user_message(user, token, extra={"voice": voice})

    async def edit_text(self, user: FakeUser, message_id: int, text: str, *, token: str | None = None) -> int:
        """The user edits one of their text messages: an edited_message update."""
        bot = self.bot_state(token)
        chat = self._chat(bot, user.id)
        old = chat.live(message_id)
        if old is None or old.from_bot or old.text is None:
            raise LookupError(f"chat {user.id} has no text message #{message_id} from the user")
        new = chat.edit(old, text=text, entities=_command_entities(text))
        return bot.enqueue("edited_message", chat.message_api(new))

    async def press(
        self,
        user: FakeUser,
        message_id: int,
        callback_data: str,
        *,
        strict: bool = True,
        token: str | None = None,
    ) -> int:
        """Press an inline button; with strict, the message must currently show that button."""
        bot = self.bot_state(token)
        chat = self._chat(bot, user.id)
        record = chat.live(message_id)
        if record is None or not record.from_bot:
            raise LookupError(f"chat {user.id} has no bot message #{message_id}")
        if strict and all(button.get("callback_data") != callback_data for button in record.buttons()):
            shown = [(b["text"], b.get("callback_data")) for b in record.buttons()]
            raise LookupError(f"message #{message_id} has no button with callback_data {callback_data!r}: {shown}")
        return self._press(bot, chat, record, callback_data)

    async def press_button(self, user: FakeUser, text_contains: str, *, token: str | None = None) -> int:
        """Press the callback button whose text contains `text_contains` on the newest message showing one."""
        bot = self.bot_state(token)
        chat = self._chat(bot, user.id)
        for record in reversed(chat.messages.values()):
            if record.from_bot and not record.deleted:
                for button in record.buttons():
                    if text_contains in button["text"] and "callback_data" in button:
                        return self._press(bot, chat, record, button["callback_data"])
        latest = next((r for r in reversed(chat.messages.values()) if r.inline_keyboard and not r.deleted), None)
        shown = [b["text"] for b in latest.buttons()] if latest else []
        raise LookupError(f"no callback button containing {text_contains!r} in chat {user.id}; latest keyboard: {shown}")

    async def redeliver(self, update_id: int, *, token: str | None = None) -> bool:
        """Queue an update again with the same update_id, as Telegram does after a failed delivery."""
        return self.bot_state(token).redeliver(update_id)

    # --- what the bot did -----------------------------------------------------------

    @property
    def calls(self) -> list[CallRecord]:
        return self._journal.calls

    @property
    def rejected(self) -> list[Rejection]:
        return self._journal.rejected

    def messages(self, chat_id: int, *, include_user: bool = False, token: str | None = None) -> list[MessageRecord]:
        """Current version of every bot message in the chat (deleted ones flagged), oldest first."""
        chat = self.bot_state(token).chats.get(chat_id)
        if chat is None:
            return []
        return [m for m in chat.messages.values() if include_user or m.from_bot]

    def message(self, chat_id: int, message_id: int, *, token: str | None = None) -> MessageRecord:
        record = self._chat(self.bot_state(token), chat_id).messages.get(message_id)
        if record is None:
            raise LookupError(f"chat {chat_id} has no message #{message_id}")
        return record

    async def outputs(
        self, chat_id: int, after: int = 0, timeout: float = 0.0, *, token: str | None = None
    ) -> list[MessageRecord]:
        """Bot output (sends and edits, in order) from position `after`, waiting up to `timeout` for some."""
        chat = self._chat(self.bot_state(token), chat_id)
        if len(chat.output) <= after and timeout > 0:
            await chat.wait_output(timeout)
        return chat.output[after:]

    async def wait_message(
        self,
        chat_id: int,
        predicate: Predicate | None = None,
        timeout: float = 15.0,
        after_message_id: int | None = None,
        *,
        token: str | None = None,
    ) -> MessageRecord:
        """The next bot message or edit in the chat that matches.

        Successive calls read the chat's output in order (a message is returned once).
        `predicate` is a callable or a substring of the text/caption. With
        `after_message_id`, only messages newer than it count, searched from the start.
        """
        chat = self._chat(self.bot_state(token), chat_id)
        matches = _matcher(predicate)
        start = 0 if after_message_id is not None else chat.read_pos
        position = start
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            while position < len(chat.output):
                record = chat.output[position]
                position += 1
                if (after_message_id is None or record.message_id > after_message_id) and matches(record):
                    chat.read_pos = max(chat.read_pos, position)
                    return record
            remaining = deadline - loop.time()
            if remaining <= 0:
                arrived = [r.summary() for r in chat.output[start:]] or "nothing"
                raise TimeoutError(
                    f"no bot message matching {predicate!r} in chat {chat_id} within {timeout}s; "
                    f"arrived: {arrived}"
                )
            await chat.wait_output(remaining)

    def commands(
        self,
        scope_chat_id: int | None = None,
        language_code: str | None = None,
        *,
        scope: str = "default",
        token: str | None = None,
    ) -> list[dict[str, str]]:
        """Commands set for exactly this scope (a chat's, else `scope` type) and language."""
        key = ("chat", scope_chat_id) if scope_chat_id is not None else (scope,)
        return list(self.bot_state(token).commands.get((key, language_code or ""), []))

    def visible_commands(
        self, chat_id: int, language_code: str | None = None, *, token: str | None = None
    ) -> list[dict[str, str]]:
        """The command menu the user of a private chat sees, resolved in Telegram's documented order."""
        bot = self.bot_state(token)
        if language_code is None:
            language_code = (self._chat(bot, chat_id).user.language_code or "")[:2]
        for key in (("chat", chat_id), ("all_private_chats",), ("default",)):
            for language in (language_code, ""):
                if (key, language) in bot.commands:
                    return list(bot.commands[(key, language)])
        return []

    def callbacks(self, *, token: str | None = None) -> list[CallbackRecord]:
        return list(self.bot_state(token).callbacks.values())

    def unanswered_callbacks(self, *, token: str | None = None) -> list[CallbackRecord]:
        return [c for c in self.bot_state(token).callbacks.values() if not c.answered]

    def pending_updates(self, *, token: str | None = None) -> int:
        queue = self.bot_state(token).queue
        return len(queue) + queue.in_flight

    # --- internals ------------------------------------------------------------------

    @staticmethod
    def _chat(bot: BotState, chat_id: int) -> Chat:
        chat = bot.chats.get(chat_id)
        if chat is None:
            raise LookupError(f"chat {chat_id} does not exist: its user has not written to the bot yet")
        return chat

    def _user_message(self, user: FakeUser, token: str | None, **content: Any) -> int:
        bot = self.bot_state(token)
        self.users.setdefault(user.id, user)
        chat = bot.chat_for(user)
        record = MessageRecord(chat.id, chat.next_message_id(), False, int(time.time()), **content)
        chat.store(record)
        return bot.enqueue("message", chat.message_api(record))

    @staticmethod
    def _press(bot: BotState, chat: Chat, record: MessageRecord, data: str) -> int:
        callback_id = bot.new_callback_id()
        query = {
            "id": callback_id,
            "from": chat.user_api,
            "message": chat.message_api(record),
            "chat_instance": f"{bot.info.id}{chat.id}",
            "data": data,
        }
        update_id = bot.enqueue("callback_query", query)
        bot.callbacks[callback_id] = CallbackRecord(callback_id, update_id, chat.id, record.message_id, data)
        return update_id


def _bot_infos(tokens: Mapping[str, BotInfo] | Iterable[str] | str, username: str) -> dict[str, BotInfo]:
    if isinstance(tokens, str):
        return {tokens: BotInfo(username)}
    if isinstance(tokens, Mapping):
        return dict(tokens)
    tokens = list(tokens)
    if len(tokens) == 1:
        return {tokens[0]: BotInfo(username)}
    return {token: BotInfo(f"{username}_{token.split(':', 1)[0]}") for token in tokens}


def _command_entities(text: str) -> list[dict[str, Any]] | None:
    command = _COMMAND.match(text)
    return [{"type": "bot_command", "offset": 0, "length": command.end()}] if command else None


def _matcher(predicate: Predicate | None) -> Callable[[MessageRecord], bool]:
    if predicate is None:
        return lambda record: True
    if isinstance(predicate, str):
        return lambda record: predicate in (record.text or record.caption or "")
    return predicate
