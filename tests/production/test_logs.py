"""IPBOT_LOG_FORMAT=json and the masking of every log line (bot/logs.py): no bot token, no
proxy or database password, no whole mainland mobile number."""

from __future__ import annotations

import asyncio
import json
import logging
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest

from bot.logs import JsonFormatter, Redactor, TextFormatter
from tests.databases import copy_sqlite, sqlite_template

TOKEN = "424242:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
PHONE = "13812345678"


def record(message: str, *args: object, exc: BaseException | None = None, **extra: object) -> logging.LogRecord:
    made = logging.LogRecord("aiogram.event", logging.WARNING, __file__, 1, message, args,
                             (type(exc), exc, exc.__traceback__) if exc else None)
    made.__dict__.update(extra)
    return made


def test_a_json_line_has_time_level_logger_message_and_extras():
    try:
        raise RuntimeError(f"POST http://127.0.0.1:8081/bot{TOKEN}/sendMessage failed for {PHONE}")
    except RuntimeError as exc:
        caught = exc
    line = JsonFormatter().format(record("sent %s to %s", "roster.xlsx", PHONE, exc=caught,
                                         job="weekly_digest", chat=-1001234567890, to=[PHONE, "李总"]))
    assert "\n" not in line
    data = json.loads(line)
    assert data["level"] == "WARNING" and data["logger"] == "aiogram.event"
    assert data["message"] == "sent roster.xlsx to 138****5678"
    assert data["job"] == "weekly_digest" and data["chat"] == -1001234567890
    assert data["to"] == ["138****5678", "李总"]
    assert data["time"].endswith("Z")
    when = datetime.fromisoformat(data["time"].replace("Z", "+00:00"))
    assert when.tzinfo is not None and abs((datetime.now(UTC) - when).total_seconds()) < 60
    assert "RuntimeError" in data["exception"] and "424242:***" in data["exception"]
    assert TOKEN not in line and PHONE not in line
    assert TOKEN.split(":")[1] not in line


@pytest.mark.parametrize(("text", "masked"), [
    (f"https://api.telegram.org/bot{TOKEN}/getUpdates", "https://api.telegram.org/bot424242:***/getUpdates"),
    ("socks5://bot:s3cret-pw@10.0.0.2:1080 refused", "socks5://bot:***@10.0.0.2:1080 refused"),
    ("postgresql+asyncpg://ipbot:db-pass@db.internal/ipbot", "postgresql+asyncpg://ipbot:***@db.internal/ipbot"),
    ("redis://:redis-pass@cache:6379/0", "redis://:***@cache:6379/0"),
    (f"手机 {PHONE}，备用 +86 139-1234-5678", "手机 138****5678，备用 139****5678"),
    ("电话 8613912345678 或 15912345678。", "电话 139****5678 或 159****5678。"),
])
def test_secrets_and_mobile_numbers_are_masked(text, masked):
    assert Redactor()(text) == masked


@pytest.mark.parametrize("text", [
    "update 987654321 (inbox row 12) handled in 0.012 s",
    "chat -1001381234567 user 5138123456 at 1767225600123",  # a group id, a user id, a timestamp in ms
    "credit code 91320585MA1W8K7Q3X, landline 0512-53950000",
    "2026-10-12T09:00:00+08:00 digest of week 2026-W42",
])
def test_ids_times_and_other_numbers_are_left_alone(text):
    assert Redactor()(text) == text


def test_the_settings_secrets_are_masked_wherever_they_appear():
    redact = Redactor(["webhook-SECRET-value", None, ""])
    assert redact("header X-Telegram-Bot-Api-Secret-Token: webhook-SECRET-value") == \
           "header X-Telegram-Bot-Api-Secret-Token: ***"


def test_text_lines_are_masked_too():
    line = TextFormatter().format(record("GET http://x/file/bot%s/documents/a.xlsx for %s", TOKEN, PHONE))
    assert "bot424242:***/documents" in line and "138****5678" in line
    assert TOKEN not in line and PHONE not in line


@contextmanager
def bare_logging():
    """The root logger as a fresh `ipbot` process finds it (no handler, not even pytest's, which
    it adds for the test's call), put back afterwards."""
    import bot.logs

    root = logging.getLogger()
    handlers, level, redactor = root.handlers[:], root.level, bot.logs._redactor
    root.handlers.clear()
    try:
        yield
    finally:
        for handler in root.handlers:
            handler.close()
        root.handlers[:] = handlers
        root.setLevel(level)
        bot.logs._redactor = redactor


def test_ipbot_log_format_json_makes_every_line_of_the_command_json(tmp_path, monkeypatch, capsys):
    """The command line (`ipbot -v db upgrade`) with IPBOT_LOG_FORMAT=json writes only JSON lines
    to stderr, and a line quoting the token, the proxy and a phone masks all three."""
    from bot.cli import main

    password = "pr0xy-pass"
    proxy = f"socks5://bot:{password}@127.0.0.1:1080"
    # A migrated copy: `db upgrade` then only logs that it looked (and prints nothing of its own on stderr).
    asyncio.run(_copy_template(tmp_path / "log.db"))
    for name, setting in {"IPBOT_LOG_FORMAT": "json", "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_PROXY": proxy}.items():
        monkeypatch.setenv(name, setting)
    with bare_logging():
        assert main(["-v", "db", "upgrade", "--db", str(tmp_path / "log.db")]) == 0
        logging.getLogger("aiohttp.client").warning("POST %s via %s for %s",
                                                    f"https://api.telegram.org/bot{TOKEN}/getMe", proxy, PHONE)
    stderr = capsys.readouterr().err
    lines = [json.loads(line) for line in stderr.splitlines() if line.strip()]
    assert any(line["logger"].startswith("alembic") for line in lines)  # the migrations' INFO lines
    probe = next(line for line in lines if line["logger"] == "aiohttp.client")
    assert probe["message"] == ("POST https://api.telegram.org/bot424242:***/getMe via "
                                "socks5://bot:***@127.0.0.1:1080 for 138****5678")
    assert TOKEN not in stderr and password not in stderr and PHONE not in stderr


async def _copy_template(target) -> None:
    await asyncio.to_thread(copy_sqlite, await sqlite_template(), target)
