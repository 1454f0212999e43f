"""Which process runs the scheduler: the one holding the leader lock.

* PostgreSQL: a session-level advisory lock (`pg_try_advisory_lock`) on a dedicated
  connection, outside the pool. It is held exactly as long as that session lives, so a
  leader that dies (SIGKILL, a lost machine) frees it as soon as the server sees the
  connection close, without waiting for an expiry; and it lives next to the run records.
* Redis (a SQLite database with `REDIS_URL`, e.g. several processes on one machine): a
  key with an expiry, renewed by the leader more often than it expires; a dead leader's
  key expires and another process takes it.
* SQLite alone: one process, always the leader.

PostgreSQL wins when both are configured: the run records and the lock then fail
together, and a dead leader is replaced within one poll rather than one expiry.
The leader lock saves work and keeps one scheduler; it is not what makes a send happen
once: that is the claim of each send in `services.runs`.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Protocol

log = logging.getLogger(__name__)

__all__ = ["LeaderLock", "LocalLock", "PostgresLock", "RedisLock", "leader_lock"]

#: The advisory lock key: a fixed 64-bit number. Advisory locks are per database, so
#: bots on different databases of one server do not contend.
ADVISORY_KEY = int.from_bytes(hashlib.sha256(b"ipbot.jobs.leader").digest()[:8], "big", signed=True)
#: How long a Redis leader key lives without renewal; the leader renews it every third.
REDIS_TTL_SECONDS = 30.0
QUERY_TIMEOUT_SECONDS = 5.0


class LeaderLock(Protocol):
    kind: str
    #: The longest a leader may wait between two `held()` calls and keep the lock.
    renew_every: float | None

    async def acquire(self) -> bool:
        """Take the lock if free (never waits for it); True if this process now holds it."""

    async def held(self) -> bool:
        """Still held (renewing it where it expires)? False once it was lost."""

    async def release(self) -> None:
        """Give the lock up if held, and close its connection."""


class LocalLock:
    """SQLite without Redis: this is the only process; it always leads."""

    kind = "local"
    renew_every = None

    async def acquire(self) -> bool:
        return True

    async def held(self) -> bool:
        return True

    async def release(self) -> None:
        return None


class PostgresLock:
    """A session-level advisory lock on a connection of its own (asyncpg, not pooled)."""

    kind = "postgresql"
    renew_every = None

    def __init__(self, database_url: str, key: int = ADVISORY_KEY) -> None:
        from sqlalchemy.engine import make_url

        self.dsn = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
        self.key = key
        self._conn = None
        self._held = False

    async def _connection(self):  # noqa: ANN202
        import asyncpg

        if self._conn is None or self._conn.is_closed():
            self._conn = await asyncpg.connect(self.dsn, timeout=QUERY_TIMEOUT_SECONDS)
        return self._conn

    @property
    def backend_pid(self) -> int | None:
        """The server process of the lock's session (tests end it to play a dead leader)."""
        return self._conn.get_server_pid() if self._conn is not None and not self._conn.is_closed() else None

    async def acquire(self) -> bool:
        conn = await self._connection()
        self._held = bool(await conn.fetchval("SELECT pg_try_advisory_lock($1)", self.key,
                                              timeout=QUERY_TIMEOUT_SECONDS))
        return self._held

    async def held(self) -> bool:
        """The session still answers, so its lock is still ours; any failure means lost."""
        if not self._held or self._conn is None or self._conn.is_closed():
            return False
        try:
            await self._conn.fetchval("SELECT 1", timeout=QUERY_TIMEOUT_SECONDS)
        except Exception as exc:  # noqa: BLE001 - whatever broke the session broke the lock
            log.warning("scheduler lock session lost: %r", exc)
            await self._drop()
            return False
        return True

    async def release(self) -> None:
        if self._conn is None:
            return
        try:
            if self._held and not self._conn.is_closed():
                await self._conn.fetchval("SELECT pg_advisory_unlock($1)", self.key, timeout=QUERY_TIMEOUT_SECONDS)
        except Exception as exc:  # noqa: BLE001 - closing the session below frees it anyway
            log.info("advisory unlock failed, closing the session frees it: %r", exc)
        await self._drop()

    async def _drop(self) -> None:
        conn, self._conn, self._held = self._conn, None, False
        if conn is not None and not conn.is_closed():
            try:
                await conn.close(timeout=QUERY_TIMEOUT_SECONDS)
            except Exception:  # noqa: BLE001
                conn.terminate()


class RedisLock:
    """A Redis key with an expiry (redis-py's `Lock`), renewed by `held()`."""

    kind = "redis"

    def __init__(self, redis_url: str, name: str, ttl: float = REDIS_TTL_SECONDS) -> None:
        from redis.asyncio import Redis

        self.redis = Redis.from_url(redis_url, socket_timeout=QUERY_TIMEOUT_SECONDS)
        self.lock = self.redis.lock(name, timeout=ttl, blocking=False, thread_local=False)
        self.renew_every = ttl / 3

    async def acquire(self) -> bool:
        return bool(await self.lock.acquire(blocking=False))

    async def held(self) -> bool:
        from redis.exceptions import LockError, RedisError

        try:
            return bool(await self.lock.reacquire())  # resets the expiry; fails if no longer ours
        except (LockError, RedisError) as exc:
            log.warning("scheduler lock in Redis lost: %r", exc)
            self.lock.local.token = None
            return False

    async def release(self) -> None:
        from redis.exceptions import LockError, RedisError

        try:
            if self.lock.local.token is not None:
                await self.lock.release()
        except (LockError, RedisError) as exc:
            log.info("Redis lock release failed; it expires by itself: %r", exc)
        await self.redis.aclose()


def leader_lock(settings: object) -> LeaderLock:
    """The lock for these settings: PostgreSQL's, else Redis's, else this process alone."""
    database_url: str = settings.database_url
    if database_url.startswith("postgresql"):
        return PostgresLock(database_url)
    redis_url = getattr(settings, "redis_url", None)
    if redis_url:
        # One key per database: the processes sharing a database share its run records.
        digest = hashlib.sha256(database_url.encode()).hexdigest()[:16]
        return RedisLock(redis_url, f"ipbot:jobs-leader:{digest}")
    return LocalLock()
