"""The inbox: updates recorded durably before Telegram may forget them.

Telegram drops an update once `getUpdates` is asked for a later offset (or once a
webhook call answered 200). So the intake records every batch here, in one
transaction, *before* it moves the offset or answers, and handles from here; a process
that dies mid-batch finds the rows still pending when it starts again.

An update's writes and its row turning `done` commit together (`mark_done_with`), so a
write happens once however often the update arrives; a read-only update is marked done
after it was handled, so a kill in between repeats at most that update's reply.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import BigInteger, any_, bindparam, delete, func, select, update
from sqlalchemy.dialects import postgresql

from services.session import AsyncSession, Database
from storage.models import InboxEntry
from storage.types import utcnow

__all__ = ["Received", "record", "mark_done_with", "mark_done", "park", "recover", "pending", "prune", "counts",
           "newest_update_id", "REDELIVERY_WINDOW", "MAX_ATTEMPTS", "AlreadyDone"]

#: Telegram keeps an unconfirmed update for at most 24 hours; a copy can only come within that.
REDELIVERY_WINDOW = timedelta(hours=24)
#: An update whose handling killed the process this many times is parked, not retried.
MAX_ATTEMPTS = 3

PENDING, DONE, DEAD = "pending", "done", "dead"
_TABLE = InboxEntry.__table__
_IDS = bindparam("ids", type_=postgresql.ARRAY(BigInteger))


class AlreadyDone(Exception):
    """Another copy of this update committed its writes first; this one must roll back."""


@dataclass(frozen=True, slots=True)
class Received:
    """A newly recorded update: its inbox row id and raw JSON."""

    inbox_id: int
    update_id: int
    payload: str


def digest(payload: str) -> str:
    return hashlib.blake2b(payload.encode(), digest_size=16).hexdigest()


async def record(db: Database, updates: Iterable[tuple[int, str]],
                 before_commit: Callable[[list[Received]], Awaitable[None]] | None = None) -> list[Received]:
    """Record (update_id, raw JSON) pairs in one transaction; return the ones not seen before.

    A copy (same id and content, still kept) is left out, so it is neither handled again
    nor answered twice. `before_commit(fresh)` runs inside the transaction, once the new
    rows have their ids; if it raises, nothing is recorded (bot/ordering.py queues the
    rows there, so no row is ever recorded that no process will find).
    """
    pairs = list(updates)
    if not pairs:
        return []
    if _is_sqlite(db):
        return await _record_on_sqlite(db, pairs, before_commit)
    now = utcnow()
    rows = [{"update_id": uid, "digest": digest(raw), "payload": raw, "state": PENDING, "attempts": 0,
             "received_at": now} for uid, raw in pairs]
    statement = (postgresql.insert(_TABLE).on_conflict_do_nothing(index_elements=["update_id", "digest"])
                 .returning(_TABLE.c.id, _TABLE.c.update_id, _TABLE.c.payload))
    async with db.engine.begin() as connection:
        result = await connection.execute(statement, rows)
        fresh = sorted((Received(r.id, r.update_id, r.payload) for r in result), key=lambda r: r.inbox_id)
        if before_commit is not None and fresh:
            await before_commit(fresh)
    return fresh


async def mark_done_with(session: AsyncSession, inbox_id: int) -> None:
    """Within the update's own transaction: its row turns done, or `AlreadyDone` if a copy won."""
    connection = await session.connection()
    result = await connection.execute(
        update(_TABLE).where(_TABLE.c.id == inbox_id, _TABLE.c.state == PENDING)
        .values(state=DONE, finished_at=utcnow()))
    if result.rowcount != 1:
        raise AlreadyDone(inbox_id)


async def mark_done(db: Database, inbox_ids: Iterable[int]) -> None:
    """Read-only updates, after they were handled: one statement for all that finished."""
    ids = list(inbox_ids)
    if not ids:
        return
    if _is_sqlite(db):
        await _mark_done_on_sqlite(db, ids)
        return
    # `= ANY(array)`, not `IN (...)`: one statement whatever the count, so PostgreSQL connections
    # prepare it once rather than once per batch size (bench/scale.py showed the difference).
    async with db.engine.begin() as connection:
        await connection.execute(update(_TABLE).where(_TABLE.c.id == any_(_IDS), _TABLE.c.state == PENDING)
                                 .values(state=DONE, finished_at=utcnow()), {"ids": ids})


async def park(db: Database, inbox_id: int, error: str) -> None:
    """Give up on an update: kept as a dead letter with its error, for an admin to see."""
    async with db.engine.begin() as connection:
        await connection.execute(update(_TABLE).where(_TABLE.c.id == inbox_id, _TABLE.c.state == PENDING)
                                 .values(state=DEAD, error=error[:500], finished_at=utcnow()))


async def recover(db: Database, received_before: datetime | None = None) -> list[Received]:
    """Pending rows left by a process that stopped, in arrival order, to be handled again.

    Each is counted as one more attempt; one that reached `MAX_ATTEMPTS` (it brought the
    process down every time) is parked instead. `received_before` leaves alone rows that a
    live process sharing the database may still be handling.
    """
    where = [_TABLE.c.state == PENDING]
    if received_before is not None:
        where.append(_TABLE.c.received_at < received_before)
    async with db.engine.begin() as connection:
        await connection.execute(update(_TABLE).where(*where).values(attempts=_TABLE.c.attempts + 1))
        await connection.execute(update(_TABLE).where(*where, _TABLE.c.attempts >= MAX_ATTEMPTS).values(
            state=DEAD, error=f"gave up after {MAX_ATTEMPTS} attempts that did not finish", finished_at=utcnow()))
        rows = await connection.execute(select(_TABLE.c.id, _TABLE.c.update_id, _TABLE.c.payload)
                                        .where(*where).order_by(_TABLE.c.id))
        return [Received(r.id, r.update_id, r.payload) for r in rows]


async def pending(db: Database, inbox_id: int) -> Received | None:
    """One row, if it is still pending (another process, finding it queued and unhandled,
    handles it: bot/ordering.py); None once it is done or parked, or gone."""
    async with db.engine.connect() as connection:
        row = (await connection.execute(select(_TABLE.c.id, _TABLE.c.update_id, _TABLE.c.payload)
                                        .where(_TABLE.c.id == inbox_id, _TABLE.c.state == PENDING))).first()
    return Received(row.id, row.update_id, row.payload) if row is not None else None


async def prune(db: Database, now: datetime | None = None) -> int:
    """Forget handled updates older than Telegram's redelivery window; dead letters stay."""
    cutoff = (now or utcnow()) - REDELIVERY_WINDOW
    async with db.engine.begin() as connection:
        result = await connection.execute(delete(_TABLE).where(_TABLE.c.state == DONE, _TABLE.c.received_at < cutoff))
        return result.rowcount or 0


async def counts(db: Database) -> dict[str, int]:
    async with db.engine.connect() as connection:
        rows = await connection.execute(select(_TABLE.c.state, func.count()).group_by(_TABLE.c.state))
        found = {state: n for state, n in rows}
    return {state: found.get(state, 0) for state in (PENDING, DONE, DEAD)}


async def newest_update_id(db: Database) -> int | None:
    """The highest update id recorded (the demo's emulator numbers its updates above it)."""
    async with db.engine.connect() as connection:
        return (await connection.execute(select(func.max(_TABLE.c.update_id)))).scalar()


async def status_for(db: Database, actor) -> dict[str, int]:  # noqa: ANN001 - services.users.Actor
    """What the intake holds (pending, done in the last 24 h, parked), for admins only."""
    from services.errors import Refusal
    from services.users import Role

    if actor is None or actor.role != Role.admin:
        raise Refusal("not_admin")
    return await counts(db)


# ---------------------------------------------------------------------------- SQLite
# The intake records every batch and marks read-only updates done in bursts, so these two
# statements run a few hundred times a second under load. Through SQLAlchemy's async
# layers each cost about 1 ms of CPU on SQLite, on the driver's own connection about a
# third of that (bench/intake.py); the SQL is plain and the values are bound the way
# SQLAlchemy binds them (the column type's own processor), so rows read back the same.

_SQLITE_VALUES = 600  # bound values per statement, far below SQLite's limit


def _is_sqlite(db: Database) -> bool:
    return db.engine.dialect.name == "sqlite"


def _sqlite_time(db: Database) -> str:
    return _TABLE.c.received_at.type.bind_processor(db.engine.dialect)(utcnow())


@asynccontextmanager
async def _sqlite_transaction(db: Database) -> AsyncIterator[Any]:
    """The aiosqlite connection of a pooled connection, committed at the end or rolled back."""
    async with db.engine.connect() as connection:
        driver = (await connection.get_raw_connection()).driver_connection
        try:
            yield driver
            await driver.commit()
        except BaseException:
            await driver.rollback()
            raise


async def _record_on_sqlite(db: Database, pairs: list[tuple[int, str]],
                            before_commit: Callable[[list[Received]], Awaitable[None]] | None) -> list[Received]:
    now, per_row, fresh = _sqlite_time(db), 6, []
    async with _sqlite_transaction(db) as driver:
        for start in range(0, len(pairs), _SQLITE_VALUES // per_row):
            chunk = pairs[start:start + _SQLITE_VALUES // per_row]
            values = [v for uid, raw in chunk for v in (uid, digest(raw), raw, PENDING, 0, now)]
            cursor = await driver.execute(
                "INSERT INTO inbox (update_id, digest, payload, state, attempts, received_at) VALUES "
                + ",".join(["(?, ?, ?, ?, ?, ?)"] * len(chunk))
                + " ON CONFLICT (update_id, digest) DO NOTHING RETURNING id, update_id, payload", values)
            fresh += [Received(*row) for row in await cursor.fetchall()]
            await cursor.close()
        fresh.sort(key=lambda r: r.inbox_id)
        if before_commit is not None and fresh:
            await before_commit(fresh)
    return fresh


async def _mark_done_on_sqlite(db: Database, ids: list[int]) -> None:
    now = _sqlite_time(db)
    async with _sqlite_transaction(db) as driver:
        for start in range(0, len(ids), _SQLITE_VALUES - 1):
            chunk = ids[start:start + _SQLITE_VALUES - 1]
            cursor = await driver.execute(
                f"UPDATE inbox SET state = '{DONE}', finished_at = ? WHERE state = '{PENDING}' AND id IN ("
                + ",".join("?" * len(chunk)) + ")", (now, *chunk))
            await cursor.close()
