"""Erase one person's dialog state: the `dialog_state` table and, with REDIS_URL, Redis.

A deletion under /privacy (个人信息保护法 第四十七条) covers what a half-filled dialog keeps
too: a draft question, a name typed into a form. Dialog state lives where bot.app's
`create_state` puts it, under aiogram's `DefaultKeyBuilder(with_destiny=True)` keys:

    fsm:<chat>[:<thread>]:<user>:<destiny>          (the table's key)
    fsm:<chat>[:<thread>]:<user>:<destiny>:<part>   (Redis, part "state" or "data")

A key is the person's when its chat is their private chat (a private chat's id is the
person's id; a group's is negative), when its user is them (aiogram's own FSM in a group),
or when it is their aiogram-dialog stack in a group (`aiogd:stack:<id>`, aiogram-dialog
files its keys under the chat) together with the dialog contexts that stack names. Keys are
parsed, not matched by a pattern alone: someone else's key that merely contains the digits
(a thread id, another chat) is left alone.

Redis keys are found with SCAN (a rare admin action: walking the key space once is fine)
and deleted before the caller's transaction commits: if Redis cannot be reached the
deletion fails whole and the admin presses again, rather than leaving the dialog behind.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, select

from services.session import AsyncSession
from storage.models import DialogState

__all__ = ["DialogKey", "erase_dialog_state", "erase_in_database", "erase_in_redis", "parse_key"]

PREFIX, SEP = "fsm", ":"
#: Redis stores a key's state and data under two names (aiogram's RedisStorage).
REDIS_PARTS = ("state", "data")
_STACK, _CONTEXT = "aiogd:stack:", "aiogd:context:"


@dataclass(frozen=True)
class DialogKey:
    """One storage key, taken apart (DefaultKeyBuilder without bot id or business connection)."""

    chat: str
    thread: str | None
    user: str
    destiny: str

    def name(self) -> str:
        return SEP.join([PREFIX, self.chat, *([self.thread] if self.thread else []), self.user, self.destiny])

    def belongs_to(self, telegram_id: int) -> bool:
        me = str(int(telegram_id))
        return me in (self.chat, self.user) or self.destiny == f"{_STACK}<{me}>"


def _numeric(text: str) -> bool:
    return text.lstrip("-").isdigit()


def parse_key(name: str) -> DialogKey | None:
    """A table key (no part) taken apart, or None when it is not a dialog key at all.

    A destiny never starts with digits ("default", "aiogd:…"), so a third numeric field
    means the second was a thread id."""
    fields = name.split(SEP)
    if len(fields) < 4 or fields[0] != PREFIX or not _numeric(fields[1]) or not _numeric(fields[2]):
        return None
    if _numeric(fields[3]):
        if len(fields) < 5:
            return None
        return DialogKey(fields[1], fields[2], fields[3], SEP.join(fields[4:]))
    return DialogKey(fields[1], None, fields[2], SEP.join(fields[3:]))


def _contexts_of(key: DialogKey, stack_data: dict | None) -> list[DialogKey]:
    """The dialog contexts a group stack names: they hold the person's dialog data."""
    intents = (stack_data or {}).get("intents") or []
    return [DialogKey(key.chat, key.thread, key.user, f"{_CONTEXT}{intent}") for intent in intents
            if isinstance(intent, str)]


def _theirs(names: Iterable[str], telegram_id: int) -> list[DialogKey]:
    found = (parse_key(name) for name in names)
    return [key for key in found if key is not None and key.belongs_to(telegram_id)]


async def erase_in_database(session: AsyncSession, telegram_id: int) -> tuple[int, list[DialogKey]]:
    """Delete the person's rows of `dialog_state` (in the caller's transaction): how many, and
    the keys they were under."""
    like = f"{PREFIX}{SEP}%{int(telegram_id)}%"
    rows = dict((await session.exec(select(DialogState.key, DialogState.data).where(DialogState.key.like(like)))).all())
    keys = _theirs(rows, telegram_id)
    for key in list(keys):
        if key.destiny.startswith(_STACK):
            keys += _contexts_of(key, rows.get(key.name()))
    if not keys:
        return 0, []
    result = await session.exec(delete(DialogState).where(DialogState.key.in_(sorted({k.name() for k in keys})))
                                .execution_options(synchronize_session=False))
    return result.rowcount, keys


def _without_part(name: str) -> str | None:
    base, _sep, part = name.rpartition(SEP)
    return base if part in REDIS_PARTS else None


async def erase_in_redis(redis, telegram_id: int) -> tuple[int, list[DialogKey]]:  # noqa: ANN001 - redis.asyncio.Redis
    """Delete the person's dialog keys from Redis: how many (a key's state and data count
    once), and the keys."""
    names: set[str] = set()
    async for raw in redis.scan_iter(match=f"{PREFIX}{SEP}*{int(telegram_id)}*", count=1000):
        base = _without_part(raw.decode() if isinstance(raw, bytes) else raw)
        if base is not None:
            names.add(base)
    keys = _theirs(names, telegram_id)
    for key in list(keys):
        if key.destiny.startswith(_STACK):
            raw = await redis.get(f"{key.name()}{SEP}data")
            keys += _contexts_of(key, json.loads(raw) if raw else None)
    if not keys:
        return 0, []
    pipe = redis.pipeline(transaction=False)
    for name in sorted({key.name() for key in keys}):
        pipe.delete(*(f"{name}{SEP}{part}" for part in REDIS_PARTS))
    return sum(1 for deleted in await pipe.execute() if deleted), keys


async def erase_dialog_state(session: AsyncSession, telegram_id: int,
                             redis_url: str | None = None) -> tuple[int, tuple[DialogKey, ...]]:
    """Both stores: the table always (it may hold dialogs from before Redis was set up), and
    Redis when a URL is given. Returns how many dialog keys were removed, and every key of
    the person's found, for the running process to forget its own copy of (bot.state_storage
    keeps recent dialogs in memory on SQLite)."""
    removed, keys = await erase_in_database(session, telegram_id)
    if redis_url:
        from redis.asyncio import Redis

        client = Redis.from_url(redis_url, socket_timeout=5)
        try:
            in_redis, more = await erase_in_redis(client, telegram_id)
        finally:
            await client.aclose()
        removed += in_redis
        keys += more
    return removed, tuple(dict.fromkeys(keys))
