"""Only one process runs the scheduler: PostgreSQL advisory lock, Redis lock with expiry, takeover."""

from __future__ import annotations

import asyncio
from uuid import uuid4

import pytest

from jobs.leader import LocalLock, PostgresLock, RedisLock, leader_lock
from jobs.runner import JobRunner
from jobs.spec import JobSpec
from bot.settings import Settings
from services import runs
from services.session import Database

from jobkit import FakeClock, make_context

REDIS_URL = "redis://127.0.0.1:6379/0"


class Sender:
    """A job that sends once per day, claimed, and notes which runner sent."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []
        self.names: dict[int, str] = {}  # which runner's context is which "process"

    async def __call__(self, ctx, due) -> None:
        day = due.date().isoformat()
        async with ctx.db.sessions() as session:
            if await runs.claim(session, "digest", day, "supervisor"):
                self.sent.append((self.names[id(ctx)], day))
                await runs.finish(session, "digest", day, "supervisor")

    def spec(self) -> JobSpec:
        return JobSpec("digest", self, cron={"hour": 9, "minute": 0})


async def wait_for(condition, timeout: float = 15.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise TimeoutError("condition not reached")
        await asyncio.sleep(0.05)


async def two_runners(url: str, clock: FakeClock, job: Sender, **lock_kwargs):
    """Two 'processes': each its own engine, context and lock connection on one database."""
    made = []
    for name in ("A", "B"):
        db = Database(url)
        ctx = make_context(db, clock, **lock_kwargs)
        job.names[id(ctx)] = name
        made.append((db, JobRunner(ctx, [job.spec()], poll_interval=0.1)))
    return made


@pytest.mark.parametrize("how", ["dies", "stops"])
async def test_postgres_one_leader_sends_and_the_other_takes_over(pg_url, how):
    seed = Database(pg_url)
    await seed.upgrade()
    await seed.close()
    clock, job = FakeClock("2026-10-12 09:00:05"), Sender()
    (db_a, a), (db_b, b) = await two_runners(pg_url, clock, job)
    try:
        await a.start()
        await b.start()
        assert a.is_leader and not b.is_leader
        assert isinstance(a.lock, PostgresLock)
        await a.wait_idle()
        await asyncio.gather(a.tick(), b.tick(), a.tick(), b.tick())
        assert job.sent == [("A", "2026-10-12")]

        clock.set("2026-10-13 09:00:05")  # due again, while the leader goes away
        if how == "dies":
            # The leader's session ends as when its process is killed: the server frees the lock.
            admin = Database(pg_url)
            async with admin.engine.connect() as conn:
                from sqlalchemy import text
                await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": a.lock.backend_pid})
            await admin.close()
            await wait_for(lambda: not a.is_leader)  # A notices on its next check and steps down
        else:
            await a.stop()
        await wait_for(lambda: b.is_leader)
        await b.wait_idle()  # its take-over makes the 13th up
        await asyncio.gather(a.tick(), b.tick())
        assert job.sent == [("A", "2026-10-12"), ("B", "2026-10-13")]
        assert b.scheduler is not None and a.scheduler is None
    finally:
        await a.stop()
        await b.stop()
        await db_a.close()
        await db_b.close()


async def test_postgres_lock_is_per_database(pg_url):
    """Bots on two databases of one server each lead their own jobs."""
    import asyncpg

    server, _, name = pg_url.removeprefix("postgresql+asyncpg://").rpartition("/")
    other = f"{name}_other"
    admin = await asyncpg.connect(f"postgresql://{server}/postgres", timeout=3)
    await admin.execute(f'CREATE DATABASE "{other}"')
    first, second, same = PostgresLock(pg_url), PostgresLock(pg_url.replace(name, other)), PostgresLock(pg_url)
    try:
        assert await first.acquire() and await second.acquire()
        assert not await same.acquire()
        assert await first.held()
        await first.release()
        assert await same.acquire()
    finally:
        for lock in (first, second, same):
            await lock.release()
        await admin.execute(f'DROP DATABASE "{other}" WITH (FORCE)')
        await admin.close()


async def redis_or_skip():
    from redis.asyncio import Redis
    from redis.exceptions import RedisError

    client = Redis.from_url(REDIS_URL, socket_timeout=2)
    try:
        await client.ping()
    except (RedisError, OSError) as exc:
        await client.aclose()
        pytest.skip(f"no Redis reachable at {REDIS_URL}: {exc}")
    return client


async def test_redis_lock_expires_when_its_holder_stops_renewing():
    client = await redis_or_skip()
    name = f"ipbot:test-leader:{uuid4().hex}"
    a, b = RedisLock(REDIS_URL, name, ttl=0.6), RedisLock(REDIS_URL, name, ttl=0.6)
    try:
        assert await a.acquire()
        assert not await b.acquire()
        for _ in range(4):  # renewed past its expiry several times over
            await asyncio.sleep(0.3)
            assert await a.held()
            assert not await b.acquire()
        await asyncio.sleep(0.8)  # A hangs or died: no renewal, the key expires
        assert await b.acquire()
        assert not await a.held()  # A finds out it lost the lead
        assert await client.pttl(name) > 0
    finally:
        await a.release()
        await b.release()
        await client.delete(name)
        await client.aclose()


async def test_redis_runners_on_one_sqlite_file_take_over(tmp_path):
    client = await redis_or_skip()
    url = f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
    seed = Database(url)
    await seed.upgrade()
    await seed.close()
    clock, job = FakeClock("2026-10-12 09:00:05"), Sender()
    (db_a, a), (db_b, b) = await two_runners(url, clock, job, REDIS_URL=REDIS_URL)
    try:
        assert isinstance(a.lock, RedisLock) and a.lock.lock.name == b.lock.lock.name
        await client.delete(a.lock.lock.name)  # nothing left from an earlier run
        await a.start()
        await b.start()
        assert a.is_leader and not b.is_leader
        await a.wait_idle()
        await b.tick()
        await a.stop()  # releases the key at once
        clock.set("2026-10-13 09:00:05")
        await wait_for(lambda: b.is_leader)
        await b.wait_idle()
        assert job.sent == [("A", "2026-10-12"), ("B", "2026-10-13")]
    finally:
        await a.stop()
        await b.stop()
        await db_a.close()
        await db_b.close()
        await client.aclose()


def test_the_settings_choose_the_lock():
    pg = Settings(DATABASE_URL="postgresql+asyncpg://postgres@127.0.0.1:5432/x", REDIS_URL=REDIS_URL)
    assert isinstance(leader_lock(pg), PostgresLock)
    assert isinstance(leader_lock(Settings(DATABASE_URL="sqlite+aiosqlite:///a.db", REDIS_URL=REDIS_URL)), RedisLock)
    assert isinstance(leader_lock(Settings(DATABASE_URL="sqlite+aiosqlite:///a.db")), LocalLock)
