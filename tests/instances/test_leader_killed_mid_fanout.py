"""The leader is SIGKILLed in the middle of the Monday digest's fan-out: some supervisors have
their digest, the others' sends are under way. The other instance takes the lead over, makes
the interrupted run up, and every supervisor ends with exactly one digest: none twice (the
claims of services.runs), none missing (the run is made up, and skips only what was claimed).

Two schedulers, each in a process of its own built as `ipbot run` builds it
(tests/instances/jobs_child.py), share one PostgreSQL database and read a fake clock from a
file: Monday 2026-11-23, 08:59:58, then 09:00:01. The kill must land mid fan-out, at a
moment the test can name, not by luck: before the clock reaches 09:00, the test opens a
transaction of its own that inserts (without committing) the claims of half the
supervisors. The leader's own claims of them then wait on PostgreSQL's unique index: it has
sent the first half their digest, text and roster, and is stopped at the second half's
claims, as a fan-out is when the process dies between two recipients. The test sees both
(the messages at the emulator, the waiting backends in pg_stat_activity), SIGKILLs the
leader, and rolls its transaction back: nothing of the second half was claimed.

A kill between a claim's commit and its request reaching Telegram loses that one digest
by design (at most once: jobs/weekly_digest.py); that moment is not this test's.
Every wait is bounded; the processes stop on SIGTERM or by themselves (jobs_child lifetime).
"""

from __future__ import annotations

import asyncio
import os
import signal
import time

import pytest
from sqlalchemy import text

from services import runs
from services.session import Database
from storage.models import JobRun
from tests.digest.test_weekly_digest import delivered, supervisors
from tests.instances import jobs_child
from tests.instances.test_leader_handover import (TAKEOVER_LIMIT, assert_one_run_every_claim_sent,
                                                  leader_and_follower, lines, scheduler_env, until)

pytestmark = pytest.mark.fault

SUPERVISORS = 6
SENT_BEFORE_KILL = 3
WEEK = "2026-W47"


async def waiting_claims(db: Database) -> int:
    """Backends of this database waiting on a lock: the leader's claims held back by the test."""
    async with db.engine.connect() as connection:
        found = await connection.execute(text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"))
        return found.scalar_one()


async def until_async(probe, timeout: float, what: str) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not await probe():
        assert time.monotonic() < deadline, f"timed out after {timeout:.0f} s waiting for {what}"
        await asyncio.sleep(0.05)


async def test_the_leader_killed_mid_fanout_every_supervisor_gets_one_digest(emu, pg_database, tmp_path):
    db = Database(pg_database)
    ids = await supervisors(emu, db, SUPERVISORS)
    first, rest = ids[:SENT_BEFORE_KILL], ids[SENT_BEFORE_KILL:]
    clock = tmp_path / "now.txt"
    clock.write_text("2026-11-23T08:59:58+08:00")  # Monday: the digest of 2026-W47 is due at 09:00
    env = scheduler_env(emu, pg_database)
    status = [tmp_path / f"jobs-{n}.status" for n in range(2)]
    processes = [jobs_child.start(env, clock, status[n], tmp_path / f"jobs-{n}.log", lifetime=120.0)
                 for n in range(2)]
    hold = db.sessions()  # the test's transaction: the second half's claims, not committed
    try:
        leader, follower = await leader_and_follower(status)

        clock.write_text("2026-11-23T08:59:59+08:00")
        hold.add_all([JobRun(job="weekly_digest", period=WEEK, recipient=f"tg:{tid}") for tid in rest])
        await hold.flush()
        clock.write_text("2026-11-23T09:00:01+08:00")  # the leader starts the fan-out

        def first_half_done() -> bool:
            return all(delivered(emu, tid)[0] and delivered(emu, tid)[1] for tid in first)

        await until(first_half_done, 30, "the first half's digests and rosters")
        async def at_the_others_claims() -> bool:
            return await waiting_claims(db) == len(rest)

        await until_async(at_the_others_claims, 30, "the leader at the others' claims")
        at_kill = {tid: delivered(emu, tid) for tid in ids}
        os.kill(processes[leader].pid, signal.SIGKILL)  # mid fan-out: no unlock, no goodbye
        killed = time.monotonic()
        await hold.rollback()  # nothing of the second half was claimed
        await until(lambda: "leader" in lines(status[follower]), TAKEOVER_LIMIT, "the other to take the lead")
        takeover = time.monotonic() - killed

        def complete() -> bool:
            return all(delivered(emu, tid)[0] and delivered(emu, tid)[1] for tid in ids)

        await until(complete, 30, "every supervisor's digest and roster")
        await until_async(lambda: _has_run(db), 30, "the new leader to record the run")
        await asyncio.sleep(0.6)  # the new leader keeps ticking meanwhile: a second send would show
        os.kill(processes[follower].pid, signal.SIGTERM)
        await until(lambda: "stopped" in lines(status[follower]), 30, "the new leader to stop")
    finally:
        await hold.close()
        for process in processes:
            if process.is_alive():
                process.kill()
            process.join(5)

    print(f"\ntakeover {takeover:.2f} s after SIGKILL (poll 0.2 s)")
    # the kill came mid fan-out: the first half had theirs, the rest nothing yet
    assert all(len(at_kill[tid][0]) == 1 and len(at_kill[tid][1]) == 1 for tid in first), at_kill
    assert all(at_kill[tid] == ([], []) for tid in rest), at_kill
    assert takeover < TAKEOVER_LIMIT
    for tid in ids:
        texts, files = delivered(emu, tid)
        assert len(texts) == 1 and len(files) == 1, (tid, texts, files)
        assert WEEK in texts[0]
    await assert_one_run_every_claim_sent(db, ids)
    assert emu.rejected == []


async def _has_run(db: Database) -> bool:
    async with db.sessions() as session:
        return await runs.has_run(session, "weekly_digest", "2026-11-23T09:00:00+08:00")
