"""Log lines as text or as JSON (`IPBOT_LOG_FORMAT=json`), never with a secret or a whole phone number.

Both formats go through `redact`, which masks:

* bot tokens (`123456:ABC…`, also inside aiogram's request URLs `…/bot123456:ABC…/sendMessage`)
  as `123456:***` (the bot's id is public, its secret is not);
* credentials in any URL (a proxy's, a database's, Redis'): `socks5://user:***@host:1080`;
* the secrets of these settings wherever they appear (`install(secrets=…)`): the token,
  TELEGRAM_PROXY's password, WEBHOOK_SECRET;
* mainland China mobile numbers (11 digits, 1[3-9]…, with or without +86 and separators)
  as `138****5678`: the first three and last four digits stay, as the bot shows them
  elsewhere (services' masked phone numbers), so a line can still be matched to a person
  by someone who already knows the number.

A JSON line has `time` (UTC, ISO 8601 with milliseconds and Z), `level`, `logger`,
`message`, the record's extras (`log.info("…", extra={"job": name})`), and `exception`
with the traceback when there is one; all of it redacted.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import orjson

__all__ = ["JsonFormatter", "TextFormatter", "configure", "install", "install_settings", "redact"]

#: The name of the handler `configure` installs; `install` changes only that one.
HANDLER = "ipbot"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_TOKEN = re.compile(r"(?<!\d)(\d{3,15}):[A-Za-z0-9_-]{30,}")  # BotFather's secrets are 35 characters
_URL_CREDENTIALS = re.compile(r"(?P<scheme>\b[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<user>[^\s:/@]*):[^\s@/]+@")
_MOBILE = re.compile(r"(?<![\d+])(?:(?:\+|00)?86[-\s]?)?(1[3-9]\d)[-\s]?(\d{4})[-\s]?(\d{4})(?!\d)")
#: Attributes every LogRecord has; anything else on a record is an extra.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}


class Redactor:
    """Masks tokens, URL credentials, the given secrets and mobile numbers in a text."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        # Longest first, so a secret that contains another is masked whole.
        self.secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        text = _TOKEN.sub(r"\1:***", text)
        text = _URL_CREDENTIALS.sub(r"\g<scheme>\g<user>:***@", text)
        for secret in self.secrets:  # after the patterns, which keep the bot id and the user name
            text = text.replace(secret, "***")
        return _MOBILE.sub(lambda m: f"{m[1]}****{m[3]}", text)


#: The redactor `install` sets for this process's log lines (secrets of its settings).
_redactor = Redactor()


def redact(text: str) -> str:
    """`text` with tokens, credentials, this process's secrets and mobile numbers masked."""
    return _redactor(text)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds").replace(
                "+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in line and not key.startswith("_"):
                line[key] = _redacted(value)
        if record.exc_info:
            line["exception"] = redact(self.formatException(record.exc_info))
        elif record.exc_text:
            line["exception"] = redact(record.exc_text)
        if record.stack_info:
            line["stack"] = redact(self.formatStack(record.stack_info))
        return orjson.dumps(line).decode()


def _redacted(value: Any) -> Any:
    """An extra as JSON: numbers as they are, text redacted, lists and dicts item by item."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, bool | int | float) or value is None:
        return value
    if isinstance(value, dict):
        return {str(key): _redacted(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_redacted(item) for item in value]
    return redact(str(value))


def formatter(kind: str) -> logging.Formatter:
    return JsonFormatter() if kind == "json" else TextFormatter()


def configure(level: int, kind: str = "text") -> None:
    """Log to stderr at `level` in `kind` ("text" or "json"); a no-op when logging is already
    set up (an embedding program, the test runner), as `logging.basicConfig` is."""
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(HANDLER)
    handler.setFormatter(formatter(kind))
    logging.basicConfig(level=level, handlers=[handler])


def install_settings(settings: Any) -> None:
    """`install` with the format and secrets of `bot.settings.Settings`."""
    from bot.proxy import ProxyError, parse_proxy

    secrets = [settings.telegram_bot_token, settings.webhook_secret]
    if settings.telegram_proxy:
        try:
            secrets.append(parse_proxy(settings.telegram_proxy).password)
        except ProxyError:
            pass
    install(settings.log_format, secrets)


def install(kind: str, secrets: Iterable[str | None] = ()) -> None:
    """Once the settings are read: their secrets masked from now on, and the format they ask
    for on the handler `configure` installed (none: someone else's logging is left alone)."""
    global _redactor
    _redactor = Redactor(secrets)
    for handler in logging.getLogger().handlers:
        if handler.get_name() == HANDLER:
            handler.setFormatter(formatter(kind))
