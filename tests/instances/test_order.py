"""The per-user order across processes (bot/ordering.py) on a real Redis, two processes played
by two `SharedOrder`s with clients of their own. What handling a row does is recorded by the
callbacks the intake would pass (`own` for the process's own row, `adopt` for another's);
the whole path, through the inbox and two `ipbot run` processes, is test_two_instances.py."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from bot.ordering import SharedOrder

USER = 4242


@pytest.fixture
async def pair(redis_url) -> AsyncIterator[tuple[SharedOrder, SharedOrder]]:
    namespace = f"ipbot:order:test-{uuid.uuid4().hex[:12]}"
    clients = [Redis.from_url(redis_url), Redis.from_url(redis_url)]
    orders = tuple(SharedOrder(c, namespace, lock_seconds=1.0, stale_seconds=0.3) for c in clients)
    try:
        yield orders
    finally:
        for order in orders:
            await order.stop()
        keys = [k async for k in clients[0].scan_iter(match=f"{namespace}:*")]
        if keys:
            await clients[0].delete(*keys)
        for c in clients:
            await c.aclose()


class Log:
    """What was handled, in order, and by which process."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, int]] = []

    def own(self, who: str, inbox_id: int, pause: float = 0.0):
        async def run() -> None:
            await asyncio.sleep(pause)
            self.rows.append((who, inbox_id))
        return run

    def adopt(self, who: str):
        async def run(inbox_id: int) -> None:
            self.rows.append((who, inbox_id))
        return run

    @property
    def ids(self) -> list[int]:
        return [i for _who, i in self.rows]


async def test_a_later_row_waits_for_an_earlier_one_of_the_same_user_on_another_process(pair):
    a, b = pair
    log = Log()
    await a.queue([(USER, 1)])
    await b.queue([(USER, 2)])
    # b reaches the user first: it handles a's row 1 before its own row 2; a then finds row 1 done
    await b.handle(USER, 2, log.own("b", 2), log.adopt("b"))
    await a.handle(USER, 1, log.own("a", 1), log.adopt("a"))
    assert log.rows == [("b", 1), ("b", 2)]
    assert b.adopted == 1 and a.adopted == 0


async def test_twenty_rows_alternating_between_two_processes_are_handled_in_order_once(pair):
    a, b = pair
    log = Log()
    tasks = []
    for n in range(1, 21):
        order, who = (a, "a") if n % 2 else (b, "b")
        await order.queue([(USER, n)])
        # each process starts its row at once, the slower one a little later, as two machines would
        tasks.append(asyncio.create_task(order.handle(USER, n, log.own(who, n, pause=0.003 * (n % 3)),
                                                      log.adopt(who))))
    await asyncio.wait_for(asyncio.gather(*tasks), 20)
    assert log.ids == list(range(1, 21))


async def test_other_users_are_not_held_up(pair):
    a, b = pair
    log = Log()
    await a.queue([(USER, 1), (USER + 1, 2)])
    slow = asyncio.create_task(a.handle(USER, 1, log.own("a", 1, pause=0.3), log.adopt("a")))
    await asyncio.sleep(0.05)
    await asyncio.wait_for(b.handle(USER + 1, 2, log.own("b", 2), log.adopt("b")), 0.2)
    await slow
    assert log.rows == [("b", 2), ("a", 1)]


async def test_rows_left_by_a_process_that_died_are_swept_once_their_queue_stood_still(pair):
    a, b = pair
    log = Log()
    await a.queue([(USER, 7), (USER, 8)])  # a recorded them and died before handling
    assert await b.sweep(log.adopt("b")) == 0  # too fresh: a live process takes its row in milliseconds
    await asyncio.sleep(0.4)
    token = "someone-else"
    await b.redis.set(f"{b.ns}:lock:{USER}", token, px=1000)  # a live process holds the user
    assert await b.sweep(log.adopt("b")) == 0
    await b.redis.delete(f"{b.ns}:lock:{USER}")
    assert await b.sweep(log.adopt("b")) == 2
    assert log.rows == [("b", 7), ("b", 8)]
    assert await b.sweep(log.adopt("b")) == 0  # nothing left, nothing twice


async def test_a_dead_holders_lock_expires_and_the_next_row_goes_on(pair):
    a, b = pair
    log = Log()
    await a.queue([(USER, 1)])
    await b.queue([(USER, 2)])
    await a.redis.set(f"{a.ns}:lock:{USER}", "a-died-holding-it", px=500)  # and never renewed it
    started = asyncio.get_running_loop().time()
    await asyncio.wait_for(b.handle(USER, 2, log.own("b", 2), log.adopt("b")), 3)
    assert asyncio.get_running_loop().time() - started >= 0.4
    assert log.rows == [("b", 1), ("b", 2)]  # the dead process's row first


async def test_a_row_redis_forgot_is_checked_with_the_inbox_not_skipped(pair):
    a, _b = pair
    log = Log()
    # recorded while Redis was away (never queued) and never handled: `adopt` asks the inbox
    await a.handle(USER, 5, log.own("a", 5), log.adopt("a"))
    assert log.rows == [("a", 5)]
    # once handled, its done mark makes a second attempt (a copy resumed elsewhere) a no-op
    await a.handle(USER, 5, log.own("a", 5), log.adopt("a"))
    assert log.rows == [("a", 5)]


async def test_a_held_lock_is_renewed_past_its_expiry(pair):
    a, b = pair
    log = Log()
    await a.queue([(USER, 1)])
    await b.queue([(USER, 2)])
    long = asyncio.create_task(a.handle(USER, 1, log.own("a", 1, pause=1.6), log.adopt("a")))  # lock: 1 s
    await asyncio.sleep(0.1)
    await asyncio.wait_for(b.handle(USER, 2, log.own("b", 2), log.adopt("b")), 5)
    await long
    assert log.rows == [("a", 1), ("b", 2)]  # b waited the whole 1.6 s: the lock did not lapse at 1 s
