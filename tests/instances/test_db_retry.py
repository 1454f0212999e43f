"""Which failures count as a lost database connection (bot/db_retry.py), told by real ones from
PostgreSQL: a session ended by the server is; a statement cut by its timeout, or a constraint
violated, is not (handling those again would fail again, or do what must not be done twice)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from bot.db_retry import lost_connection
from services.session import Database


async def failure_of(db: Database, *statements: str) -> BaseException:
    with pytest.raises(Exception) as caught:
        async with db.engine.begin() as connection:
            for statement in statements:
                await connection.execute(text(statement))
    return caught.value


async def test_a_session_ended_by_the_server_is_a_lost_connection(pg_database):
    db = Database(pg_database)
    try:
        exc = await failure_of(db, "SELECT pg_terminate_backend(pg_backend_pid())")
        assert lost_connection(exc), repr(exc)
        async with db.engine.connect() as connection:  # the pool hands out a working one afterwards
            assert (await connection.execute(text("SELECT 1"))).scalar() == 1
    finally:
        await db.close()


async def test_a_timeout_or_a_violated_constraint_is_not(pg_database):
    db = Database(pg_database)
    try:
        timeout = await failure_of(db, "SET LOCAL statement_timeout = 10", "SELECT pg_sleep(1)")
        assert "timeout" in str(timeout) and not lost_connection(timeout)
        unique = await failure_of(db, "INSERT INTO job_runs (job, period, recipient, claimed_at) "
                                      "VALUES ('x', 'p', 'r', now()), ('x', 'p', 'r', now())")
        assert "duplicate key" in str(unique) and not lost_connection(unique)
        assert not lost_connection(ValueError("no"))
    finally:
        await db.close()
