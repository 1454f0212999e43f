"""The Bot API itself: one call in, one Telegram-shaped answer out.

`BotApi.handle` is the whole request pipeline (token, method lookup, injected
faults, spec validation, the method, journaling) without any HTTP, so the server
stays a thin adapter. Method handlers reproduce the Telegram behaviours bots
trip over: "chat not found" for users who never wrote, "message is not modified",
editMessageText dropping an inline keyboard it was not given, answering a callback
query twice, getUpdates conflicts.
"""

from __future__ import annotations

import asyncio
import json
import logging
import mimetypes
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from ipaddress import ip_address
from typing import Any
from urllib.parse import urlsplit

from . import limits
from .errors import ApiError, bad_request
from .faults import NGINX_BAD_GATEWAY, Fault, FaultPlan
from .html import apply_parse_mode
from .spec import Spec, Upload
from .state import BotState, CallRecord, Chat, FileRecord, MessageRecord, Rejection, WebhookConfig
from .webhook import WebhookManager

log = logging.getLogger("emulator")

Handler = Callable[[BotState, dict[str, Any]], Awaitable[Any]]

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
_CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
        "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note",
    }
)
_PER_CHAT_SCOPES = frozenset({"chat", "chat_administrators", "chat_member"})
_LOOPBACK_NAMES = frozenset({"localhost"})
_DEFAULT_MAX_CONNECTIONS = 40


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    body: str
    content_type: str = "application/json"


class _Superseded(ApiError):
    """409 for a long poll that a newer getUpdates replaced."""


class Journal:
    """Every call, and the ones Telegram would have refused."""

    def __init__(self) -> None:
        self.calls: list[CallRecord] = []
        self.rejected: list[Rejection] = []


class BotApi:
    def __init__(
        self,
        bots: Mapping[str, BotState],
        journal: Journal,
        faults: FaultPlan,
        webhooks: WebhookManager,
        *,
        spec_path: str | None,
        closing: asyncio.Event,
    ) -> None:
        self._bots = bots
        self._journal = journal
        self._faults = faults
        self._webhooks = webhooks
        self._spec_path = spec_path
        self._closing = closing
        self._handlers: dict[str, Handler] = {
            "getMe": self._get_me,
            "logOut": self._ok,
            "close": self._ok,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "sendDocument": self._send_document,
            "sendPhoto": self._send_photo,
            "getFile": self._get_file,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendChatAction": self._send_chat_action,
            "setChatMenuButton": self._set_chat_menu_button,
            "getChatMenuButton": self._get_chat_menu_button,
            "getChat": self._get_chat,
        }

    @property
    def spec(self) -> Spec:
        return Spec.load(self._spec_path)

    async def handle(
        self,
        token: str,
        method: str,
        params: dict[str, Any],
        uploads: dict[str, Upload],
        connected: Callable[[], bool],
    ) -> Reply:
        """Answer one Bot API request; `connected` tells whether the client still waits."""
        raw = {**params, **uploads} if uploads else params  # as received, for the journal
        bot = self._bots.get(token)
        if bot is None:
            return self.refuse(token, method, raw, ApiError(401, "Unauthorized"))
        method_spec = self.spec.method(method)
        if method_spec is None:
            return self.refuse(token, method, raw, ApiError(404, "Not Found"))
        name = method_spec.name
        fault = self._faults.take(name)
        if fault is not None:
            return await self._fault(token, name, raw, fault)
        clean: dict[str, Any] | None = None
        try:
            clean = self.spec.validate(method_spec, params, uploads)
            handler = self._handlers.get(name)
            if handler is None:
                raise bad_request(f"method {name} is not supported by the emulator")
            result = await handler(bot, clean)
        except ApiError as error:
            if isinstance(error, _Superseded) and not connected():
                # The poll's client is gone (a stopped dispatcher); nobody was refused.
                self._journal.calls.append(CallRecord(token, name, clean or raw, error.code, error.description))
                return _error_reply(error)
            return self.refuse(token, name, clean or raw, error)
        self._journal.calls.append(CallRecord(token, name, clean, 200))
        return Reply(200, _dumps({"ok": True, "result": result}))

    def refuse(self, token: str, method: str, params: dict[str, Any], error: ApiError) -> Reply:
        """Answer with the error and journal it as a request Telegram would have refused."""
        self._journal.calls.append(CallRecord(token, method, params, error.code, error.description))
        self._journal.rejected.append(Rejection(token, method, params, error.description))
        log.warning("rejected %s: %s", method, error.description)
        return _error_reply(error)

    async def _fault(self, token: str, method: str, params: dict[str, Any], fault: Fault) -> Reply:
        if fault.kind == "timeout":
            # Hold the request past the client's timeout (stop() releases it early), then fail.
            try:
                await asyncio.wait_for(self._closing.wait(), fault.delay)
            except TimeoutError:
                pass
        if fault.kind in ("502", "timeout"):
            self._journal.calls.append(CallRecord(token, method, params, 502, "Bad Gateway", fault.kind))
            return Reply(502, NGINX_BAD_GATEWAY, "text/html")
        if fault.kind == "429":
            error = ApiError(
                429, f"Too Many Requests: retry after {fault.retry_after}", retry_after=fault.retry_after
            )
        else:
            error = ApiError(500, "Internal Server Error")
        self._journal.calls.append(CallRecord(token, method, params, error.code, error.description, fault.kind))
        return _error_reply(error)

    # --- lookups shared by handlers -------------------------------------------------

    @staticmethod
    def _chat(bot: BotState, chat_id: Any) -> Chat:
        """Telegram only knows private chats whose user has written to the bot."""
        if isinstance(chat_id, str) and chat_id.lstrip("-").isdigit():
            chat_id = int(chat_id)
        chat = bot.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def _editable(self, bot: BotState, p: dict[str, Any]) -> tuple[Chat, MessageRecord]:
        if p.get("inline_message_id") is not None:
            raise bad_request("inline messages are not supported by the emulator")
        if "chat_id" not in p or "message_id" not in p:
            raise bad_request("message identifier is not specified")
        chat = self._chat(bot, p["chat_id"])
        record = chat.live(p["message_id"])
        if record is None:
            raise bad_request("message to edit not found")
        if not record.from_bot:
            raise bad_request("message can't be edited")
        return chat, record

    @staticmethod
    def _reply_target(chat: Chat, p: dict[str, Any]) -> int | None:
        reply = p.get("reply_parameters") or {}
        target = reply.get("message_id", p.get("reply_to_message_id"))
        if target is None:
            return None
        if chat.live(target) is not None:
            return target
        if reply.get("allow_sending_without_reply", p.get("allow_sending_without_reply", False)):
            return None
        raise bad_request("message to be replied not found")

    @staticmethod
    def _input_file(bot: BotState, value: Upload | str, kind: str) -> FileRecord:
        if isinstance(value, Upload):
            mime = value.content_type
            if not mime or mime == "application/octet-stream":
                mime = mimetypes.guess_type(value.filename)[0] or mime
            return bot.add_file(kind, value.data, value.filename, mime)
        existing = bot.files.get(value)
        if existing is not None:
            return existing
        if value.startswith(("http://", "https://")):
            raise bad_request("wrong file identifier/HTTP URL specified (the emulator does not fetch URLs)")
        raise bad_request("wrong file identifier/HTTP URL specified")

    @staticmethod
    def _caption(p: dict[str, Any]) -> tuple[str | None, list[dict[str, Any]] | None]:
        if "caption" not in p:
            return None, None
        caption, entities = apply_parse_mode(p["caption"], p.get("parse_mode"), p.get("caption_entities"))
        limits.check_caption(caption)
        return caption or None, entities

    def _command_key(self, bot: BotState, p: dict[str, Any]) -> tuple[tuple[Any, ...], str]:
        language = p.get("language_code", "")
        limits.check_language_code(language)
        scope = p.get("scope") or {"type": "default"}
        kind = scope["type"]
        if kind not in _PER_CHAT_SCOPES:
            return (kind,), language
        chat = self._chat(bot, scope["chat_id"])
        key = (kind, chat.id, scope["user_id"]) if kind == "chat_member" else (kind, chat.id)
        return key, language

    # --- methods --------------------------------------------------------------------

    async def _ok(self, bot: BotState, p: dict[str, Any]) -> bool:
        return True

    async def _get_me(self, bot: BotState, p: dict[str, Any]) -> dict[str, Any]:
        return {
            **bot.user_api,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, bot: BotState, p: dict[str, Any]) -> list[dict[str, Any]]:
        _check_no_webhook(bot)
        queue = bot.queue
        if "allowed_updates" in p:
            queue.set_allowed(p["allowed_updates"])
        if "offset" in p:
            queue.confirm(p["offset"])
        limit = min(max(p.get("limit", 100), 1), 100)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(p.get("timeout", 0), 0)
        generation = queue.begin_poll()
        while True:
            _check_no_webhook(bot)
            if queue.poll_generation != generation:
                raise _Superseded(
                    409, "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
            updates = queue.peek(limit)
            remaining = deadline - loop.time()
            if updates or remaining <= 0 or bot.closed:
                return updates
            await queue.wait(remaining)

    async def _set_webhook(self, bot: BotState, p: dict[str, Any]) -> bool:
        url = p["url"]
        if not url:
            return await self._delete_webhook(bot, p)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        if not _is_loopback(parts.hostname):
            raise bad_request("bad webhook: the emulator delivers updates to loopback addresses only")
        if "secret_token" in p:
            limits.check_secret_token(p["secret_token"])
        max_connections = p.get("max_connections", _DEFAULT_MAX_CONNECTIONS)
        if not 1 <= max_connections <= 100:
            raise bad_request("bad webhook: max_connections must be 1-100")
        if p.get("drop_pending_updates"):
            bot.queue.clear()
        if "allowed_updates" in p:
            bot.queue.set_allowed(p["allowed_updates"])
        bot.webhook = WebhookConfig(url, p.get("secret_token"), max_connections)
        bot.queue.wake()  # a long poll still waiting learns about the webhook
        await self._webhooks.start(bot)
        return True

    async def _delete_webhook(self, bot: BotState, p: dict[str, Any]) -> bool:
        await self._webhooks.stop(bot)
        bot.webhook = None
        if p.get("drop_pending_updates"):
            bot.queue.clear()
        return True

    async def _get_webhook_info(self, bot: BotState, p: dict[str, Any]) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(bot.queue) + bot.queue.in_flight,
        }
        webhook = bot.webhook
        if webhook is not None:
            info["url"] = webhook.url
            info["max_connections"] = webhook.max_connections
            if webhook.last_error_date is not None:
                info["last_error_date"] = webhook.last_error_date
                info["last_error_message"] = webhook.last_error_message
        return info

    async def _send_message(self, bot: BotState, p: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(bot, p["chat_id"])
        text, entities = apply_parse_mode(p["text"], p.get("parse_mode"), p.get("entities"))
        limits.check_message_text(text)
        reply_to = self._reply_target(chat, p)
        record = MessageRecord(
            chat.id, chat.next_message_id(), True, int(time.time()),
            text=text, entities=entities, parse_mode=p.get("parse_mode"),
            reply_markup=p.get("reply_markup"), reply_to_message_id=reply_to,
        )
        chat.store(record)
        return chat.message_api(record)

    async def _send_document(self, bot: BotState, p: dict[str, Any]) -> dict[str, Any]:
        return self._send_file(bot, p, "document")

    async def _send_photo(self, bot: BotState, p: dict[str, Any]) -> dict[str, Any]:
        return self._send_file(bot, p, "photo")

    def _send_file(self, bot: BotState, p: dict[str, Any], kind: str) -> dict[str, Any]:
        chat = self._chat(bot, p["chat_id"])
        caption, caption_entities = self._caption(p)
        reply_to = self._reply_target(chat, p)
        file = self._input_file(bot, p[kind], kind)
        record = MessageRecord(
            chat.id, chat.next_message_id(), True, int(time.time()),
            caption=caption, caption_entities=caption_entities, parse_mode=p.get("parse_mode"),
            reply_markup=p.get("reply_markup"), reply_to_message_id=reply_to, **{kind: file},
        )
        chat.store(record)
        return chat.message_api(record)

    async def _edit_message_text(self, bot: BotState, p: dict[str, Any]) -> dict[str, Any]:
        chat, old = self._editable(bot, p)
        if "rich_message" in p:
            raise bad_request("rich messages are not supported by the emulator")
        if old.text is None:
            raise bad_request("there is no text in the message to edit")
        text, entities = apply_parse_mode(p.get("text", ""), p.get("parse_mode"), p.get("entities"))
        limits.check_message_text(text)
        markup = p.get("reply_markup")  # omitted -> Telegram removes the inline keyboard
        if text == old.text and entities == old.entities and markup == _inline_markup(old):
            raise bad_request(NOT_MODIFIED)
        new = chat.edit(old, text=text, entities=entities, parse_mode=p.get("parse_mode"), reply_markup=markup)
        return chat.message_api(new)

    async def _edit_message_reply_markup(self, bot: BotState, p: dict[str, Any]) -> dict[str, Any]:
        chat, old = self._editable(bot, p)
        markup = p.get("reply_markup")
        if markup == _inline_markup(old):
            raise bad_request(NOT_MODIFIED)
        return chat.message_api(chat.edit(old, reply_markup=markup))

    async def _delete_message(self, bot: BotState, p: dict[str, Any]) -> bool:
        chat = self._chat(bot, p["chat_id"])
        record = chat.live(p["message_id"])
        if record is None:
            raise bad_request("message to delete not found")
        chat.store(replace(record, deleted=True))
        return True

    async def _answer_callback_query(self, bot: BotState, p: dict[str, Any]) -> bool:
        callback = bot.callbacks.get(p["callback_query_id"])
        if callback is None or callback.answered:
            raise bad_request(QUERY_TOO_OLD)
        if "text" in p:
            limits.check_callback_answer_text(p["text"])
        callback.answered = True
        callback.answer = {k: p[k] for k in ("text", "show_alert", "url", "cache_time") if k in p}
        return True

    async def _get_file(self, bot: BotState, p: dict[str, Any]) -> dict[str, Any]:
        record = bot.files.get(p["file_id"])
        if record is None:
            raise bad_request("invalid file_id")
        return record.file_api()

    async def _set_my_commands(self, bot: BotState, p: dict[str, Any]) -> bool:
        commands = p["commands"]
        limits.check_commands_count(commands)
        key = self._command_key(bot, p)
        if commands:
            bot.commands[key] = [{"command": c["command"], "description": c["description"]} for c in commands]
        else:
            bot.commands.pop(key, None)
        return True

    async def _get_my_commands(self, bot: BotState, p: dict[str, Any]) -> list[dict[str, Any]]:
        return list(bot.commands.get(self._command_key(bot, p), []))

    async def _delete_my_commands(self, bot: BotState, p: dict[str, Any]) -> bool:
        bot.commands.pop(self._command_key(bot, p), None)
        return True

    async def _send_chat_action(self, bot: BotState, p: dict[str, Any]) -> bool:
        self._chat(bot, p["chat_id"])
        if p["action"] not in _CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    async def _set_chat_menu_button(self, bot: BotState, p: dict[str, Any]) -> bool:
        button = p.get("menu_button") or {"type": "default"}
        if "chat_id" in p:
            self._chat(bot, p["chat_id"]).menu_button = button
        else:
            bot.default_menu_button = button
        return True

    async def _get_chat_menu_button(self, bot: BotState, p: dict[str, Any]) -> dict[str, Any]:
        if "chat_id" in p:
            button = self._chat(bot, p["chat_id"]).menu_button
            if button is not None and button["type"] != "default":
                return button
        return bot.default_menu_button or {"type": "commands"}

    async def _get_chat(self, bot: BotState, p: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(bot, p["chat_id"])
        return {
            **chat.chat_api,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }


def _check_no_webhook(bot: BotState) -> None:
    if bot.webhook is not None:
        raise ApiError(
            409,
            "Conflict: can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first",
        )


def _inline_markup(record: MessageRecord) -> dict[str, Any] | None:
    """The message's inline keyboard, the only markup an edit can change."""
    return record.reply_markup if record.inline_keyboard else None


def _is_loopback(host: str) -> bool:
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def _error_reply(error: ApiError) -> Reply:
    return Reply(error.code, _dumps(error.to_payload()))


def _dumps(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
