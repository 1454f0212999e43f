"""What the emulated Telegram remembers: bots, users, chats, messages, files.

Message records are immutable: an edit stores a new version (with the older ones
in `history`), so anything a test captured earlier keeps showing what the user
saw at that moment, without copying on the hot path. Each chat keeps its messages
indexed by id and an append-only log of bot output (sends and edits) that
`wait_message` and the HTTP control API read with a cursor.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath
from typing import Any

from .updates import UpdateQueue

_PHOTO_SIDE = 512
_FILE_FOLDERS = {"document": "documents", "photo": "photos", "voice": "voice", "sticker": "stickers"}
_FILE_SUFFIXES = {"photo": ".jpg", "voice": ".oga", "sticker": ".webp"}


@dataclass(frozen=True, slots=True)
class BotInfo:
    """The bot behind a token; `id` defaults to the number before ':' in the token."""

    username: str
    first_name: str = "Emulated Bot"
    id: int | None = None


@dataclass(frozen=True, slots=True)
class FakeUser:
    """A Telegram user driving the bot; its private chat with the bot has the same id."""

    id: int
    first_name: str = "Tester"
    language_code: str | None = "zh-hans"
    username: str | None = None
    last_name: str | None = None

    def to_api(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if (value := getattr(self, key)) is not None:
                user[key] = value
        return user

    def chat_api(self) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        for key in ("last_name", "username"):
            if (value := getattr(self, key)) is not None:
                chat[key] = value
        return chat


@dataclass(frozen=True, slots=True)
class FileRecord:
    """A stored file: uploaded by the bot or sent by a user."""

    kind: str  # document, photo, voice, sticker
    file_id: str
    file_unique_id: str
    file_path: str
    file_name: str | None
    mime_type: str | None
    data: bytes

    def file_api(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }

    def media_api(self) -> dict[str, Any]:
        """The file as it appears inside a Message (document, photo size, voice, sticker)."""
        media: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
        }
        if self.kind == "document":
            if self.file_name is not None:
                media["file_name"] = self.file_name
            if self.mime_type is not None:
                media["mime_type"] = self.mime_type
        elif self.kind in ("photo", "sticker"):
            media["width"] = media["height"] = _PHOTO_SIDE
        return media


@dataclass(frozen=True, slots=True)
class MessageRecord:
    """One version of a message in a private chat."""

    chat_id: int
    message_id: int
    from_bot: bool
    date: int
    text: str | None = None
    entities: list[dict[str, Any]] | None = None
    caption: str | None = None
    caption_entities: list[dict[str, Any]] | None = None
    parse_mode: str | None = None
    reply_markup: dict[str, Any] | None = None
    document: FileRecord | None = None
    photo: FileRecord | None = None
    extra: dict[str, Any] | None = None  # other content as Telegram shows it: location, sticker, voice
    reply_to_message_id: int | None = None
    edit_date: int | None = None
    deleted: bool = False
    history: tuple[MessageRecord, ...] = ()

    @property
    def edited(self) -> bool:
        return self.edit_date is not None

    @property
    def inline_keyboard(self) -> list[list[dict[str, Any]]]:
        markup = self.reply_markup or {}
        return markup.get("inline_keyboard", [])

    def buttons(self) -> Iterator[dict[str, Any]]:
        for row in self.inline_keyboard:
            yield from row

    def summary(self) -> str:
        """One line for error messages, e.g. #12 (edited) 'Hello...'."""
        body = self.text if self.text is not None else self.caption
        if body is None:
            body = "<document>" if self.document else "<photo>" if self.photo else "<media>"
        body = body if len(body) <= 60 else body[:57] + "..."
        flags = " (edited)" if self.edited else ""
        return f"#{self.message_id}{flags} {body!r}"

    def to_control(self) -> dict[str, Any]:
        """JSON for the HTTP control API (files by reference, not bytes)."""
        data = {
            "chat_id": self.chat_id,
            "message_id": self.message_id,
            "from_bot": self.from_bot,
            "date": self.date,
            "text": self.text,
            "entities": self.entities,
            "caption": self.caption,
            "caption_entities": self.caption_entities,
            "parse_mode": self.parse_mode,
            "reply_markup": self.reply_markup,
            "reply_to_message_id": self.reply_to_message_id,
            "edit_date": self.edit_date,
            "deleted": self.deleted,
        }
        for key in ("document", "photo"):
            record: FileRecord | None = getattr(self, key)
            data[key] = record and {**record.media_api(), "file_name": record.file_name}
        if self.extra:
            data.update(self.extra)
        return data


@dataclass(slots=True)
class CallbackRecord:
    """A button press and whether the bot answered it (Telegram shows a spinner until it does)."""

    id: str
    update_id: int
    user_id: int
    message_id: int
    data: str
    answered: bool = False
    answer: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class CallRecord:
    """One Bot API request as the emulator saw it."""

    token: str
    method: str
    params: dict[str, Any]
    status: int
    description: str | None = None
    fault: str | None = None
    at: float = field(default_factory=time.time)


@dataclass(frozen=True, slots=True)
class Rejection:
    """A request Telegram would have refused; e2e tests assert there are none."""

    token: str
    method: str
    params: dict[str, Any]
    description: str


@dataclass(slots=True)
class WebhookConfig:
    url: str
    secret_token: str | None
    max_connections: int
    last_error_date: int | None = None
    last_error_message: str | None = None


class Chat:
    """A private chat between one user and one bot."""

    __slots__ = ("user", "user_api", "chat_api", "bot_api", "messages", "output", "read_pos",
                 "menu_button", "_ids", "_arrival")

    def __init__(self, user: FakeUser, bot_api: dict[str, Any], first_message_id: int = 1) -> None:
        self.bot_api = bot_api
        self.set_user(user)
        self.messages: dict[int, MessageRecord] = {}
        self.output: list[MessageRecord] = []  # bot sends and edits, in order
        self.read_pos = 0  # how far wait_message has consumed `output`
        self.menu_button: dict[str, Any] | None = None
        self._ids = itertools.count(first_message_id)
        self._arrival: asyncio.Event | None = None

    @property
    def id(self) -> int:
        return self.user.id

    def set_user(self, user: FakeUser) -> None:
        self.user = user
        self.user_api = user.to_api()
        self.chat_api = user.chat_api()

    def next_message_id(self) -> int:
        return next(self._ids)

    def store(self, record: MessageRecord) -> None:
        """Add a message or a new version of one; bot output is also appended to the log."""
        self.messages[record.message_id] = record
        if record.from_bot and not record.deleted:
            self.output.append(record)
            if self._arrival is not None:
                self._arrival.set()
                self._arrival = None

    def edit(self, old: MessageRecord, **changes: Any) -> MessageRecord:
        new = replace(old, edit_date=int(time.time()), history=(*old.history, old), **changes)
        self.store(new)
        return new

    def live(self, message_id: int) -> MessageRecord | None:
        record = self.messages.get(message_id)
        return None if record is None or record.deleted else record

    async def wait_output(self, timeout: float) -> None:
        """Sleep until the bot sends or edits something here, or the timeout passes."""
        if self._arrival is None:
            self._arrival = asyncio.Event()
        try:
            await asyncio.wait_for(self._arrival.wait(), timeout)
        except TimeoutError:
            pass

    def message_api(self, record: MessageRecord, *, with_reply: bool = True) -> dict[str, Any]:
        """The record as a Bot API Message object."""
        message: dict[str, Any] = {
            "message_id": record.message_id,
            "from": self.bot_api if record.from_bot else self.user_api,
            "chat": self.chat_api,
            "date": record.date,
        }
        if record.edit_date is not None:
            message["edit_date"] = record.edit_date
        if with_reply and record.reply_to_message_id is not None:
            replied = self.messages.get(record.reply_to_message_id)
            if replied is not None:
                message["reply_to_message"] = self.message_api(replied, with_reply=False)
        if record.text is not None:
            message["text"] = record.text
            if record.entities:
                message["entities"] = record.entities
        if record.document is not None:
            message["document"] = record.document.media_api()
        if record.photo is not None:
            message["photo"] = [record.photo.media_api()]
        if record.caption is not None:
            message["caption"] = record.caption
            if record.caption_entities:
                message["caption_entities"] = record.caption_entities
        if record.extra:
            message.update(record.extra)
        if record.inline_keyboard:
            message["reply_markup"] = record.reply_markup
        return message


class BotState:
    """Everything Telegram keeps for one bot token."""

    def __init__(self, token: str, info: BotInfo, *, first_update_id: int = 1, first_message_id: int = 1) -> None:
        if first_update_id < 1 or first_message_id < 1:
            raise ValueError("update and message ids start at 1 or above")
        self.token = token
        bot_id = info.id if info.id is not None else int(token.split(":", 1)[0])
        self.info = replace(info, id=bot_id)
        self.user_api: dict[str, Any] = {
            "id": bot_id,
            "is_bot": True,
            "first_name": info.first_name,
            "username": info.username,
        }
        self.chats: dict[int, Chat] = {}
        self.queue = UpdateQueue()
        self.updates: dict[int, tuple[str, dict[str, Any]]] = {}  # every update ever made, for redelivery
        self.files: dict[str, FileRecord] = {}
        self.files_by_path: dict[str, FileRecord] = {}
        self.callbacks: dict[str, CallbackRecord] = {}
        self.commands: dict[tuple[tuple[Any, ...], str], list[dict[str, Any]]] = {}
        self.default_menu_button: dict[str, Any] | None = None
        self.webhook: WebhookConfig | None = None
        self.closed = False
        self._update_ids = itertools.count(first_update_id)
        self._first_message_id = first_message_id
        self._file_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)

    def chat_for(self, user: FakeUser) -> Chat:
        """The user's chat with the bot; it exists from the user's first message on."""
        chat = self.chats.get(user.id)
        if chat is None:
            chat = self.chats[user.id] = Chat(user, self.user_api, self._first_message_id)
        elif chat.user != user:
            chat.set_user(user)
        return chat

    def enqueue(self, kind: str, body: dict[str, Any]) -> int:
        """Create an update of one kind ("message", "callback_query"...) and queue it."""
        update_id = next(self._update_ids)
        payload = {"update_id": update_id, kind: body}
        self.updates[update_id] = (kind, payload)
        self.queue.put(update_id, payload, kind)
        return update_id

    def redeliver(self, update_id: int) -> bool:
        kind, payload = self.updates[update_id]
        return self.queue.put(update_id, payload, kind, redelivered=True)

    def add_file(self, kind: str, data: bytes, file_name: str | None, mime_type: str | None) -> FileRecord:
        number = next(self._file_ids)
        suffix = PurePosixPath(file_name).suffix if file_name else _FILE_SUFFIXES.get(kind, "")
        record = FileRecord(
            kind=kind,
            file_id=f"EMU{self.info.id}-{kind}-{number}",
            file_unique_id=f"U{self.info.id}x{number}",
            file_path=f"{_FILE_FOLDERS[kind]}/file_{number}{suffix}",
            file_name=file_name,
            mime_type=mime_type,
            data=data,
        )
        self.files[record.file_id] = record
        self.files_by_path[record.file_path] = record
        return record

    def new_callback_id(self) -> str:
        return f"{self.info.id}{next(self._callback_ids):08d}"
