"""Sending many messages within a service's rate limits, none lost, none twice.

Channel-free: each recipient has a list of steps (coroutines sending one message each,
in order, to one chat) and the sender says how each step ended by raising one of
`RetryLater`, `Transient` or `Permanent` (a Telegram or webhook adapter maps its own
errors to these). Telegram's limits for bots are about 30 messages a second overall
and one a second per chat (Bot API FAQ, "My bot is hitting limits"), so the default
`Limits` spaces sends 1/30 s apart overall and 1 s apart per chat; a `RetryLater`
(HTTP 429 `retry_after`) pauses *every* send for that long, since Telegram's flood
control is per bot. Transient errors (5xx, connection refused) are retried with
back-off; permanent ones (the user blocked the bot, chat not found) end that recipient
at once. Every recipient ends with exactly one `Outcome`.

The broadcast owns the pacing of its sends: while its steps run, `paced()` is true (a
context variable the steps' tasks inherit), and a client that retries on its own (the
bot's session, bot/retry.py) passes each answer straight back instead, so the first 429
pauses every send and no request is sent that the broadcast did not count.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections.abc import Awaitable, Callable, Hashable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field

__all__ = ["DONE", "Limits", "Outcome", "Outgoing", "Permanent", "RetryLater", "TELEGRAM", "Transient", "broadcast",
           "paced"]

_pacing: ContextVar[bool] = ContextVar("ipbot_broadcast_pacing", default=False)
_attempt: ContextVar[int] = ContextVar("ipbot_broadcast_attempt", default=0)


def paced() -> bool:
    """Whether the caller runs inside a broadcast's step, whose retries and pauses are the broadcast's."""
    return _pacing.get()


def attempt() -> int:
    """Which try of its step the running broadcast step is (1 the first, 0 outside a broadcast),
    so the bot's metrics can count the broadcast's retries (bot/metrics.py)."""
    return _attempt.get()

#: A step returning DONE ends its recipient there, delivered, without the later steps
#: (e.g. the send was already claimed by an earlier run: nothing to do).
DONE = object()

Step = Callable[[], Awaitable[object]]


class RetryLater(Exception):
    def __init__(self, seconds: float, reason: str = "rate limited") -> None:
        super().__init__(reason)
        self.seconds, self.reason = float(seconds), reason


class Transient(Exception):
    """Not carried out, safe to send again (5xx, bad gateway, connection refused)."""


class Permanent(Exception):
    """Will not succeed by retrying (blocked, chat not found, bad request)."""


@dataclass(frozen=True)
class Limits:
    per_second: float = 30.0
    per_chat_interval: float = 1.0
    #: Transient failures of one step before the recipient is given up (and recorded).
    attempts: int = 6
    backoff: float = 0.5
    max_backoff: float = 30.0
    #: Concurrent requests in flight; slow answers must not lower the rate.
    in_flight: int = 32
    #: A recipient still not through after this long (e.g. endless 429s) is recorded as failed.
    give_up_after: float = 3600.0


TELEGRAM = Limits()


@dataclass
class Outgoing:
    key: str
    chat: Hashable
    steps: Sequence[Step]
    name: str = ""


@dataclass
class Outcome:
    key: str
    delivered: bool
    reason: str = ""
    steps_done: int = 0
    attempts: int = 0


@dataclass(order=True)
class _Entry:
    ready: float
    seq: int
    item: Outgoing = field(compare=False)
    step: int = field(default=0, compare=False)
    failures: int = field(default=0, compare=False)
    tries: int = field(default=0, compare=False)
    step_tries: int = field(default=0, compare=False)
    started: float = field(default=0.0, compare=False)


async def broadcast(items: Sequence[Outgoing], limits: Limits = TELEGRAM,
                    on_outcome: Callable[[Outcome], Awaitable[None]] | None = None,
                    clock: Callable[[], float] = time.monotonic) -> list[Outcome]:
    """Send every item's steps in order, within `limits`; one Outcome per item."""
    token = _pacing.set(True)  # inherited by the step tasks created below
    try:
        return await _send(items, limits, on_outcome, clock)
    finally:
        _pacing.reset(token)


async def _send(items: Sequence[Outgoing], limits: Limits, on_outcome: Callable[[Outcome], Awaitable[None]] | None,
                clock: Callable[[], float]) -> list[Outcome]:
    seq = itertools.count()
    now = clock()
    queue = [_Entry(now, next(seq), item, started=now) for item in items if item.steps]
    heapq.heapify(queue)
    outcomes = [Outcome(item.key, True) for item in items if not item.steps]
    spacing = 1.0 / limits.per_second
    next_slot = paused_until = now
    running: dict[asyncio.Task, _Entry] = {}

    async def settle(_entry: _Entry, outcome: Outcome) -> None:
        outcomes.append(outcome)
        if on_outcome is not None:
            await on_outcome(outcome)

    while queue or running:
        now = clock()
        wait = None
        if queue and len(running) < limits.in_flight:
            start = max(queue[0].ready, next_slot, paused_until)
            if start <= now:
                entry = heapq.heappop(queue)
                next_slot = max(now, next_slot) + spacing
                entry.tries += 1
                entry.step_tries += 1
                counting = _attempt.set(entry.step_tries)  # the step's task inherits it
                running[asyncio.ensure_future(entry.item.steps[entry.step]())] = entry
                _attempt.reset(counting)
                continue
            wait = start - now
        if running:
            done, _ = await asyncio.wait(running, timeout=wait, return_when=asyncio.FIRST_COMPLETED)
        else:
            await asyncio.sleep(wait or 0)
            done = set()
        for task in done:
            entry = running.pop(task)
            now = clock()
            error = task.exception()
            if error is None:
                entry.step, entry.failures, entry.step_tries = entry.step + 1, 0, 0
                if task.result() is DONE:
                    await settle(entry, Outcome(entry.item.key, True, "skipped", entry.step - 1, entry.tries))
                    continue
                if entry.step == len(entry.item.steps):
                    await settle(entry, Outcome(entry.item.key, True, "", entry.step, entry.tries))
                    continue
                entry.ready = now + limits.per_chat_interval
            elif isinstance(error, RetryLater):
                paused_until = max(paused_until, now + error.seconds)
                entry.ready = now + max(error.seconds, limits.per_chat_interval)
            elif isinstance(error, Transient) and entry.failures + 1 < limits.attempts:
                entry.failures += 1
                entry.ready = now + min(limits.max_backoff, limits.backoff * 2 ** (entry.failures - 1))
            else:
                kind = "gave up" if isinstance(error, Transient) else "failed"
                reason = f"{kind}: {type(error).__name__}: {error}"[:200]
                await settle(entry, Outcome(entry.item.key, False, reason, entry.step, entry.tries))
                continue
            if entry.ready - entry.started > limits.give_up_after:
                await settle(entry, Outcome(entry.item.key, False, f"gave up after {limits.give_up_after:.0f}s",
                                            entry.step, entry.tries))
                continue
            entry.seq = next(seq)
            heapq.heappush(queue, entry)
    return outcomes
