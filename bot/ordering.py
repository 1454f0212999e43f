"""One user's updates in order across several bot processes, through Redis.

Within one process the intake already handles a user's updates one after another
(`bot.intake`, its `tails`). Behind a load balancer a user's next update may reach
another process while the first is still being handled there. Telegram sends the
updates of one chat one at a time, the next only once the webhook answered 2xx for the
previous (tdlib/telegram-bot-api, `WebhookActor`: one update in flight per queue, the
queue being the chat for messages, the user for button presses), and the webhook
answers only once the update is recorded in the inbox. So the order in which a user's
updates are recorded is their order, and the inbox row ids grow in that order. What
this module adds is that the processes follow it:

* Rows are queued under their user as they are recorded, `ZADD <ns>:q:<user> <id> <id>`,
  inside the recording transaction (`queue`): a row is recorded only if it is queued, so
  a process that dies right after recording (before answering Telegram, whose copy the
  inbox then drops) still leaves its row where another process finds it.
* To handle its row a process takes the user's lock (a key with an expiry, renewed while
  held), then handles the user's queued rows in id order up to and including its own:
  a row another process recorded and has not got to yet, or recorded and then died
  with, is read back from the inbox and handled here (`adopt`). A handled row leaves the
  queue together with a short-lived `done` mark, and the lock goes with the last one.
* A process that finds its own row gone from the queue skips it when the `done` mark
  says another process handled it, and otherwise (Redis lost its data) asks the inbox
  whether the row is still pending (`adopt` again).
* A row queued by a process that died while no other update of that user came is
  adopted by the sweep each process runs every second: a user's queue that has not
  moved for `STALE_SECONDS` and whose lock nobody holds.

Writes still happen once by the inbox's own rule (a row turns done in the update's
transaction, `services.inbox`); this module decides order and who handles. At worst
(a process killed between handling a row and taking it off the queue, a lock that
expired under a stalled process) one reply is repeated. Redis away: nothing is recorded
(the webhook answers 500 and Telegram sends again; polling waits), and what was recorded
waits for it, since dialog state lives there too. A row no queue holds (Redis lost its
data) is handled when its process gets to it, or by the next start's `resume`, once the
inbox says it is still pending.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

__all__ = ["SharedOrder", "shared_order", "LOCK_SECONDS", "STALE_SECONDS"]

log = logging.getLogger(__name__)

#: A user's lock lives this long unless renewed (every third of it while held); a process
#: that died holding it delays that user by at most this much.
LOCK_SECONDS = 6.0
#: How often each process looks for queues nobody handles, and how long such a queue must
#: have stood still first (a live process takes its own row within milliseconds).
SWEEP_SECONDS = 1.0
STALE_SECONDS = 3.0
#: How long a handled row's `done` mark outlives it: far longer than a row waits in a queue.
DONE_SECONDS = 600
#: Waiting for a busy lock: first retry after this, doubling up to the cap.
WAIT_FIRST, WAIT_CAP = 0.002, 0.05
#: Redis away: retries this far apart at most.
REDIS_RETRY_CAP = 1.0

Handle = Callable[[], Awaitable[None]]
Adopt = Callable[[int], Awaitable[None]]

_NOW = "local t = redis.call('TIME') local now = tonumber(t[1]) + tonumber(t[2]) / 1000000 "

# KEYS: queued, then one queue per row; ARGV: user, id, user, id, ...
_QUEUE = _NOW + """
for i = 2, #KEYS do
  local id = ARGV[2 * (i - 1)]
  redis.call('ZADD', KEYS[i], id, id)
  redis.call('ZADD', KEYS[1], 'NX', now, ARGV[2 * (i - 1) - 1])
end
return #KEYS - 1
"""
# KEYS: lock, queue; ARGV: token, ttl ms. -1: the lock is held; else the queue's head (0: empty).
_ACQUIRE = """
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return -1 end
local head = redis.call('ZRANGE', KEYS[2], 0, 0)
if head[1] then return tonumber(head[1]) end
return 0
"""
# KEYS: queue, done, queued, lock; ARGV: id, done ttl s, user, token ('' keeps the lock). The new head.
_FINISH = _NOW + """
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], '1', 'EX', ARGV[2])
local head = redis.call('ZRANGE', KEYS[1], 0, 0)
if head[1] then redis.call('ZADD', KEYS[3], now, ARGV[3]) else redis.call('ZREM', KEYS[3], ARGV[3]) end
if ARGV[4] ~= '' and redis.call('GET', KEYS[4]) == ARGV[4] then redis.call('DEL', KEYS[4]) end
if head[1] then return tonumber(head[1]) end
return 0
"""
# KEYS: lock; ARGV: token[, ttl ms]
_RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"
_EXTEND = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0"
# KEYS: queued; ARGV: age s, limit. Users whose queue has not moved for `age`.
_STALE = _NOW + "return redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[1]), 'LIMIT', 0, ARGV[2])"


class SharedOrder:
    """The per-user queues and locks of the processes sharing one inbox (one database)."""

    def __init__(self, redis: Redis, namespace: str, *, lock_seconds: float = LOCK_SECONDS,
                 stale_seconds: float = STALE_SECONDS) -> None:
        self.redis, self.ns = redis, namespace
        self.lock_ms = int(lock_seconds * 1000)
        self.stale_seconds = stale_seconds
        self.held: dict[int, str] = {}  # user -> lock token, while this process holds it
        self.renewer: asyncio.Task | None = None
        self.sweeper: asyncio.Task | None = None
        self.adopted = 0  # rows this process handled for another (a figure for logs and tests)
        self._queue, self._acquire_script, self._finish = (redis.register_script(s) for s in (_QUEUE, _ACQUIRE, _FINISH))
        self._release, self._extend, self._stale = (redis.register_script(s) for s in (_RELEASE, _EXTEND, _STALE))

    # ------------------------------------------------------------------ keys

    def _q(self, user: int) -> str:
        return f"{self.ns}:q:{user}"

    def _lock(self, user: int) -> str:
        return f"{self.ns}:lock:{user}"

    def _done(self, inbox_id: int) -> str:
        return f"{self.ns}:done:{inbox_id}"

    @property
    def _queued(self) -> str:
        return f"{self.ns}:queued"

    # ------------------------------------------------------------------ recording

    async def queue(self, rows: Iterable[tuple[int | None, int]]) -> None:
        """Queue rows being recorded, (user, inbox id), inside the recording transaction: a
        `RedisError` then undoes the recording, and Telegram, not answered 200, sends the
        update again. So every recorded row of a user is queued, and a process that dies
        after recording cannot leave a row no other process finds."""
        rows = [(user, inbox_id) for user, inbox_id in rows if user is not None]
        if not rows:
            return
        args: list[Any] = [part for user, inbox_id in rows for part in (user, inbox_id)]
        await self._queue(keys=[self._queued, *(self._q(user) for user, _ in rows)], args=args)

    # ------------------------------------------------------------------ handling

    async def handle(self, user: int, inbox_id: int, own: Handle, adopt: Adopt) -> None:
        """Handle row `inbox_id` of `user` (`own()`), after any earlier queued row of that user
        (`adopt(id)`), holding the user's lock across processes."""
        token = secrets.token_hex(8)
        head = await self._take(user, token)
        self._hold(user, token)
        released = False
        try:
            while True:
                if head == inbox_id:
                    await own()
                    done, last = inbox_id, True
                elif 0 < head < inbox_id:
                    await self._adopt(adopt, head)
                    done, last = head, False
                else:  # not queued: adopted by another process, or Redis lost the queue
                    if await self._was_done(inbox_id):
                        break
                    await adopt(inbox_id)
                    done, last = inbox_id, True
                head = await self._finish_row(user, done, token if last else "")
                released = last and head is not None
                if last or head is None:
                    break
        finally:
            self.held.pop(user, None)
            if not released:
                await self._give_back(user, token)

    async def _adopt(self, adopt: Adopt, inbox_id: int) -> None:
        self.adopted += 1
        log.info("handling inbox row %d for the process that recorded it", inbox_id)
        await adopt(inbox_id)

    async def _take(self, user: int, token: str) -> int:
        """Wait for the user's lock; the head of their queue once it is held."""
        delay, away = WAIT_FIRST, 0
        while True:
            try:
                head = int(await self._acquire_script(keys=[self._lock(user), self._q(user)],
                                                      args=[token, self.lock_ms]))
            except RedisError as exc:
                if not away:
                    log.warning("Redis away while taking user %s's turn: %r; waiting for it", user, exc)
                away += 1
                await asyncio.sleep(min(REDIS_RETRY_CAP, 0.05 * 2 ** min(away, 5)))
                continue
            if away:
                log.info("Redis is back after %d failed tries", away)
            if head >= 0:
                return head
            await asyncio.sleep(delay)
            delay = min(delay * 2, WAIT_CAP)

    async def _finish_row(self, user: int, inbox_id: int, token: str) -> int | None:
        """Take a handled row off the queue (and release the lock with `token`); the new head,
        or None when Redis could not be told (the lock then expires by itself)."""
        try:
            return int(await self._finish(keys=[self._q(user), self._done(inbox_id), self._queued, self._lock(user)],
                                          args=[inbox_id, DONE_SECONDS, user, token]))
        except RedisError as exc:
            log.warning("could not take inbox row %d off user %s's queue: %r", inbox_id, user, exc)
            return None

    async def _was_done(self, inbox_id: int) -> bool:
        try:
            return bool(await self.redis.exists(self._done(inbox_id)))
        except RedisError:
            return False  # the inbox decides

    async def _give_back(self, user: int, token: str) -> None:
        try:
            await self._release(keys=[self._lock(user)], args=[token])
        except RedisError as exc:
            log.info("could not release user %s's lock (it expires by itself): %r", user, exc)

    def _hold(self, user: int, token: str) -> None:
        self.held[user] = token
        if self.renewer is None or self.renewer.done():
            self.renewer = asyncio.create_task(self._renew(), name="ordering: lock renewal")

    async def _renew(self) -> None:
        """Every third of the lock's life, extend every lock held (one round trip)."""
        while self.held:
            await asyncio.sleep(self.lock_ms / 3000)
            held = list(self.held.items())
            if not held:
                return
            try:
                async with self.redis.pipeline(transaction=False) as pipe:
                    for user, token in held:
                        await self._extend(keys=[self._lock(user)], args=[token, self.lock_ms], client=pipe)
                    kept = await pipe.execute()
            except RedisError as exc:
                log.warning("could not renew %d user lock(s): %r", len(held), exc)
                continue
            for (user, token), ok in zip(held, kept):
                if not ok and self.held.get(user) == token:
                    log.warning("user %s's lock expired while held; another process may handle their rows", user)

    # ------------------------------------------------------------------ rows nobody handles

    async def sweep(self, adopt: Adopt, limit: int = 20) -> int:
        """Adopt the rows of users whose queue stood still for `stale_seconds` with nobody
        holding their lock (their process died); returns how many rows were handled."""
        handled = 0
        for raw in await self._stale(keys=[self._queued], args=[self.stale_seconds, limit]):
            user = int(raw)
            token = secrets.token_hex(8)
            head = int(await self._acquire_script(keys=[self._lock(user), self._q(user)], args=[token, self.lock_ms]))
            if head < 0:
                continue  # someone handles them
            self._hold(user, token)
            try:
                if head == 0:
                    await self.redis.zrem(self._queued, user)
                while head and head > 0:
                    await self._adopt(adopt, head)
                    handled += 1
                    head = await self._finish_row(user, head, "")
            finally:
                self.held.pop(user, None)
                await self._give_back(user, token)
        return handled

    def start_sweeping(self, adopt: Adopt, every: float = SWEEP_SECONDS) -> None:
        if self.sweeper is None or self.sweeper.done():
            self.sweeper = asyncio.create_task(self._sweep_forever(adopt, every), name="ordering: sweep")

    async def _sweep_forever(self, adopt: Adopt, every: float) -> None:
        while True:
            await asyncio.sleep(every)
            try:
                await self.sweep(adopt)
            except RedisError as exc:
                log.debug("sweep skipped, Redis away: %r", exc)
            except Exception:  # noqa: BLE001 - the sweep must outlive any one row
                log.exception("sweep of queued updates failed")

    async def stop(self) -> None:
        """Stop sweeping and renewing (locks still held then expire by themselves)."""
        tasks = [t for t in (self.sweeper, self.renewer) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self.sweeper = self.renewer = None


def shared_order(settings: Any, storage: Any = None) -> SharedOrder | None:
    """The order for these settings: with REDIS_URL (several processes may share the inbox),
    on the FSM storage's own Redis client when it has one; None without Redis."""
    url = getattr(settings, "redis_url", None)
    if not url:
        return None
    redis = getattr(storage, "redis", None)
    if not isinstance(redis, Redis):
        redis = Redis.from_url(url)
    # One namespace per database: the processes sharing an inbox share its queues.
    digest = hashlib.sha256(settings.database_url.encode()).hexdigest()[:16]
    return SharedOrder(redis, f"ipbot:order:{digest}")
