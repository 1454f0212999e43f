"""Telegram's documented limits, enforced the way the real server enforces them.

Numbers come from the Bot API spec text (e.g. "Text of the message to be sent,
1-4096 characters after entities parsing"; "callback_data ... 1-64 bytes";
BotCommand "1-32 characters. Can contain only lowercase English letters, digits
and underscores", description "1-256 characters"). Where Telegram has a well-known
error string (BUTTON_DATA_INVALID, "message is too long") it is reproduced so bot
code that matches on it behaves as in production; the emulator appends detail in
parentheses. Lengths are counted in Unicode code points, as Telegram does.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import bad_request

MESSAGE_TEXT_MAX = 4096
CAPTION_MAX = 1024
CALLBACK_ANSWER_TEXT_MAX = 200
CALLBACK_DATA_MAX_BYTES = 64
COMMAND_DESCRIPTION_MAX = 256
COMMANDS_MAX = 100

_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_LANGUAGE_CODE = re.compile(r"[a-z]{2}")
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")

# "Exactly one of the fields other than text, icon_custom_emoji_id, and style must be used"
_BUTTON_DECORATION = frozenset({"text", "icon_custom_emoji_id", "style"})


def check_message_text(text: str) -> None:
    if not text.strip():
        raise bad_request("message text is empty")
    if len(text) > MESSAGE_TEXT_MAX:
        raise bad_request(
            f"message is too long ({len(text)} characters after entity parsing, "
            f"allowed 1-{MESSAGE_TEXT_MAX})"
        )


def check_caption(caption: str) -> None:
    if len(caption) > CAPTION_MAX:
        raise bad_request(
            f"message caption is too long ({len(caption)} characters after entity parsing, "
            f"allowed 0-{CAPTION_MAX})"
        )


def check_callback_answer_text(text: str) -> None:
    if len(text) > CALLBACK_ANSWER_TEXT_MAX:
        raise bad_request(
            f"MESSAGE_TOO_LONG (callback query answer text has {len(text)} characters, "
            f"allowed 0-{CALLBACK_ANSWER_TEXT_MAX})"
        )


def check_inline_button(button: dict[str, Any], path: str) -> None:
    """Rules the spec states in prose for InlineKeyboardButton (structure is checked by spec.py)."""
    if not button["text"]:
        raise bad_request(f"can't parse inline keyboard button: text must be non-empty ({path}.text)")
    actions = [key for key in button if key not in _BUTTON_DECORATION and button[key] is not None]
    if not actions:
        raise bad_request(
            f"can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard ({path})"
        )
    if len(actions) > 1:
        raise bad_request(
            f"can't parse inline keyboard button: exactly one action field is allowed, got {actions} ({path})"
        )
    data = button.get("callback_data")
    if data is not None:
        size = len(data.encode("utf-8"))
        if not 1 <= size <= CALLBACK_DATA_MAX_BYTES:
            raise bad_request(
                f"BUTTON_DATA_INVALID ({path}.callback_data is {size} bytes in UTF-8, "
                f"allowed 1-{CALLBACK_DATA_MAX_BYTES})"
            )


def check_bot_command(command: dict[str, Any], path: str) -> None:
    if not _COMMAND.fullmatch(command["command"]):
        raise bad_request(
            f"BOT_COMMAND_INVALID ({path}.command {command['command']!r} must be 1-32 characters "
            "of lowercase English letters, digits and underscores)"
        )
    if not 1 <= len(command["description"]) <= COMMAND_DESCRIPTION_MAX:
        raise bad_request(
            f"BOT_COMMAND_DESCRIPTION_INVALID ({path}.description has {len(command['description'])} "
            f"characters, allowed 1-{COMMAND_DESCRIPTION_MAX})"
        )


def check_commands_count(commands: list[Any]) -> None:
    if len(commands) > COMMANDS_MAX:
        raise bad_request(f"too many commands ({len(commands)}, at most {COMMANDS_MAX})")


def check_language_code(code: str) -> None:
    """Bot settings take "a two-letter ISO 639-1 language code or an empty string"; "zh-hans" fails."""
    if code and not _LANGUAGE_CODE.fullmatch(code):
        raise bad_request(f"invalid language code specified ({code!r}: use a two-letter ISO 639-1 code)")


def check_secret_token(token: str) -> None:
    if not _SECRET_TOKEN.fullmatch(token):
        raise bad_request("secret token contains unallowed characters or has wrong length (1-256 of A-Z a-z 0-9 _ -)")
