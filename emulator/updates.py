"""A bot's update queue: what getUpdates hands out and webhook delivery pushes.

Confirmation follows Telegram: getUpdates(offset) forgets every update below the
offset. A redelivered update (same update_id, queued again) survives confirmation
until it has been handed out once, so an offset the bot computed before the
redelivery cannot swallow it. Waiters (long polls, webhook workers) are woken on
every new update.

Each update has a lane, as in Telegram's own Bot API server (tdlib/telegram-bot-api,
WebhookActor: an update's `queue_id` is its chat for messages, its user for callback
queries): webhook delivery sends one update of a lane at a time, the next one only after
the bot answered the previous with 2xx, so one chat's messages reach the bot in order
even with many connections open (`take(busy=...)`).
"""

from __future__ import annotations

import asyncio
import itertools
from collections import deque
from dataclasses import dataclass
from collections.abc import Container
from typing import Any

# Update types delivered when a bot never said which ones it wants (Telegram's default).
DEFAULT_ALLOWED_UPDATES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)


@dataclass(slots=True)
class _Pending:
    update_id: int
    payload: dict[str, Any]
    redelivered: bool = False
    delivered: bool = False
    lane: tuple[str, int] | None = None


def lane_of(payload: dict[str, Any], kind: str) -> tuple[str, int] | None:
    """The lane of an update (see the module docstring): a chat's messages (new and edited)
    share one; a user's callback queries another; None for updates with neither."""
    event = payload.get(kind)
    if not isinstance(event, dict):
        return None
    if kind in ("message", "edited_message", "channel_post", "edited_channel_post"):
        return ("chat", event["chat"]["id"]) if isinstance(event.get("chat"), dict) else None
    for part in ("from", "chat", "user"):
        if isinstance(event.get(part), dict) and "id" in event[part]:
            return (kind, event[part]["id"])
    return None


class UpdateQueue:
    """A bot's unconfirmed updates, in order."""

    def __init__(self) -> None:
        self._entries: deque[_Pending] = deque()
        self._redelivered = 0
        self._wakeup = asyncio.Event()
        self.allowed: frozenset[str] = DEFAULT_ALLOWED_UPDATES
        self.poll_generation = 0
        self.in_flight = 0

    def __len__(self) -> int:
        return len(self._entries)

    def put(self, update_id: int, payload: dict[str, Any], kind: str, *, redelivered: bool = False) -> bool:
        """Queue an update unless the bot excluded its type via allowed_updates."""
        if kind not in self.allowed:
            return False
        self._entries.append(_Pending(update_id, payload, redelivered, lane=lane_of(payload, kind)))
        self._redelivered += redelivered
        self.wake()
        return True

    def set_allowed(self, allowed: list[str]) -> None:
        self.allowed = frozenset(allowed) if allowed else DEFAULT_ALLOWED_UPDATES

    def confirm(self, offset: int) -> None:
        """getUpdates(offset): forget updates below offset; a negative offset keeps the last -offset."""
        entries = self._entries
        if offset < 0:
            while len(entries) > -offset:
                self._forget(entries.popleft())
            return
        if not self._redelivered:  # common case: ids ascend, confirmed ones are at the front
            while entries and entries[0].update_id < offset:
                entries.popleft()
            return
        kept: deque[_Pending] = deque()
        for entry in entries:
            if entry.update_id < offset and self._confirmable(entry):
                self._forget(entry)
            else:
                kept.append(entry)
        self._entries = kept

    def peek(self, limit: int) -> list[dict[str, Any]]:
        """The first `limit` unconfirmed updates, marked as handed out."""
        batch = list(itertools.islice(self._entries, limit))
        for entry in batch:
            entry.delivered = True
        return [entry.payload for entry in batch]

    async def take(self, busy: Container[tuple[str, int]] = ()) -> _Pending:
        """Remove and return the next update whose lane is not in `busy`, waiting for one
        (webhook delivery; the caller wakes the queue when a lane it held is free again)."""
        while True:
            for index, entry in enumerate(self._entries):
                if entry.lane is None or entry.lane not in busy:
                    del self._entries[index]
                    self._redelivered -= entry.redelivered
                    self.in_flight += 1
                    return entry
            self._wakeup.clear()
            await self._wakeup.wait()

    def settle(self, entry: _Pending, *, delivered: bool) -> None:
        """Finish a `take`: a failed delivery goes back to the front of the queue."""
        self.in_flight -= 1
        if not delivered:
            self._entries.appendleft(entry)
            self._redelivered += entry.redelivered

    def handed_out(self) -> int:
        """How many queued (unconfirmed) updates a getUpdates has already returned."""
        return sum(entry.delivered for entry in self._entries)

    def clear(self) -> None:
        self._entries.clear()
        self._redelivered = 0

    def begin_poll(self) -> int:
        """A new getUpdates supersedes any pending one (Telegram answers the old one 409)."""
        self.poll_generation += 1
        self.wake()
        return self.poll_generation

    def wake(self) -> None:
        self._wakeup.set()

    async def wait(self, timeout: float) -> None:
        self._wakeup.clear()
        try:
            await asyncio.wait_for(self._wakeup.wait(), timeout)
        except TimeoutError:
            pass

    @staticmethod
    def _confirmable(entry: _Pending) -> bool:
        return entry.delivered or not entry.redelivered

    def _forget(self, entry: _Pending) -> None:
        self._redelivered -= entry.redelivered
