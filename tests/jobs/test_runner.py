"""The job runner with a fake clock: once per due time, across restarts, made up within grace."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from apscheduler.triggers.cron import CronTrigger

from jobs.runner import JobRunner, latest_due, run_period
from jobs.spec import JobSpec
from services import runs
from services.session import Database

from jobkit import SHANGHAI, FakeClock, local, make_context


class Recorder:
    """A job as the recipe says: claims its one send per day, and notes what it sent."""

    def __init__(self, name: str = "daily", fail: bool = False) -> None:
        self.name, self.fail = name, fail
        self.sent: list = []
        self.calls: list = []

    async def __call__(self, ctx, due) -> None:
        self.calls.append(due)
        if self.fail:
            raise RuntimeError("the job broke")
        async with ctx.db.sessions() as session:
            if await runs.claim(session, self.name, due.date().isoformat(), "someone"):
                self.sent.append(due)
                await runs.finish(session, self.name, due.date().isoformat(), "someone")

    def spec(self, **kwargs) -> JobSpec:
        kwargs.setdefault("cron", {"hour": 9, "minute": 0})
        return JobSpec(self.name, self, **kwargs)


async def test_a_due_job_runs_once_at_its_time(db, clock):
    job = Recorder()
    async with JobRunner(make_context(db, clock), [job.spec()], poll_interval=60) as runner:
        await runner.wait_idle()
        assert await runner.tick() == [] and job.sent == []  # 08:00: not yet due
        clock.set("2026-10-12 09:00:05")
        assert await runner.tick() == [("daily", local("2026-10-12 09:00"))]
        clock.set("2026-10-12 09:30")
        assert await runner.tick() == []
    assert job.sent == [local("2026-10-12 09:00")]
    assert job.sent[0].tzinfo == SHANGHAI
    async with db.sessions() as session:
        assert await runs.has_run(session, "daily", "2026-10-12T09:00:00+08:00")


async def test_a_restart_does_not_repeat_a_run(db, clock):
    job = Recorder()
    clock.set("2026-10-12 09:00:01")
    async with JobRunner(make_context(db, clock), [job.spec()], poll_interval=60) as runner:
        await runner.wait_idle()  # the start-up catch-up runs it
    assert job.sent == [local("2026-10-12 09:00")]
    # A new process: its own engine on the same database, the same moment of the day.
    second = Database(db.url)
    try:
        clock.set("2026-10-12 09:20")
        async with JobRunner(make_context(second, clock), [job.spec()], poll_interval=60) as runner:
            await runner.wait_idle()
            assert await runner.tick() == []
        async with second.sessions() as session:
            records = await runs.runs_of(session, "daily")
    finally:
        await second.close()
    assert job.calls == job.sent == [local("2026-10-12 09:00")]  # not even run again
    assert [(r.period, r.recipient) for r in records] == [
        ("2026-10-12", "someone"), (run_period(local("2026-10-12 09:00")), runs.RUN_RECORD)]


async def test_a_run_missed_while_down_is_made_up_once_within_grace(db, clock):
    """The bot was down over 09:00 (a redeploy); it comes back at 10:30 and runs Monday's job."""
    job = Recorder()
    clock.set("2026-10-12 10:30")
    for _restart in range(2):
        async with JobRunner(make_context(db, clock), [job.spec(grace=timedelta(hours=6))], poll_interval=60) as runner:
            await runner.wait_idle(timeout=10)  # the catch-up run started at start()
    assert job.calls == job.sent == [local("2026-10-12 09:00")]


async def test_a_run_missed_beyond_grace_is_not_made_up(db, clock):
    job = Recorder()
    clock.set("2026-10-12 15:00:01")  # six hours and a second after 09:00
    async with JobRunner(make_context(db, clock), [job.spec(grace=timedelta(hours=6))], poll_interval=60) as runner:
        await runner.wait_idle()
        assert await runner.tick() == []
        clock.set("2026-10-13 09:00:00")  # the next day's run is not affected
        assert await runner.tick() == [("daily", local("2026-10-13 09:00"))]
    assert job.calls == job.sent == [local("2026-10-13 09:00")]


async def test_working_days_only_skips_the_national_day_week_and_runs_on_the_adjusted_saturday(db, clock):
    job = Recorder()
    async with JobRunner(make_context(db, clock), [job.spec(working_days_only=True)], poll_interval=60) as runner:
        day = local("2026-09-29 09:00:10")
        while day < local("2026-10-13 00:00"):
            clock.now = day
            await runner.tick()
            day += timedelta(days=1)
    assert [d.date().isoformat() for d in job.sent] == [
        "2026-09-29", "2026-09-30", "2026-10-08", "2026-10-09", "2026-10-10", "2026-10-12"]


async def test_a_failing_job_is_recorded_as_failed_and_the_others_still_run(db, clock):
    broken, fine = Recorder("broken", fail=True), Recorder("fine")
    clock.set("2026-10-12 09:00:30")
    async with JobRunner(make_context(db, clock), [broken.spec(), fine.spec()], poll_interval=60) as runner:
        await runner.wait_idle()
        assert await runner.tick() == []  # a failed run is recorded, not retried every tick
    assert fine.sent == [local("2026-10-12 09:00")]
    async with db.sessions() as session:
        (record,) = await runs.runs_of(session, "broken")
    assert record.recipient == runs.RUN_RECORD and record.outcome == "failed: RuntimeError: the job broke"


def test_latest_due_looks_back_at_most_the_grace():
    spec = Recorder().spec(grace=timedelta(hours=2))
    assert latest_due(spec, local("2026-10-12 09:00"), SHANGHAI) == local("2026-10-12 09:00")
    assert latest_due(spec, local("2026-10-12 10:59:59"), SHANGHAI) == local("2026-10-12 09:00")
    assert latest_due(spec, local("2026-10-12 11:00:01"), SHANGHAI) is None
    assert latest_due(spec, local("2026-10-12 08:59:59"), SHANGHAI) is None
    every_second = JobSpec("tick", Recorder(), cron={"second": "*"}, grace=timedelta(hours=6))
    assert latest_due(every_second, local("2026-10-12 10:00:00.5"), SHANGHAI) == local("2026-10-12 10:00:00")
    weekly = JobSpec("weekly", Recorder(), cron={"day_of_week": "mon", "hour": 9}, grace=timedelta(days=3))
    assert latest_due(weekly, local("2026-10-14 08:00"), SHANGHAI) == local("2026-10-12 09:00")  # Wednesday


async def test_the_scheduler_fires_each_spec_at_its_cron_time_in_the_context_zone(tmp_path):
    """The real APScheduler on the real clock: a per-second job runs within about a second."""
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'real-clock.db'}")
    await db.upgrade()
    every_second, daily = Recorder("every_second"), Recorder("daily")
    specs = [every_second.spec(cron={"second": "*"}), daily.spec()]
    try:
        async with JobRunner(make_context(db), specs, poll_interval=60) as runner:
            jobs = {job.id: job for job in runner.scheduler.get_jobs()}
            assert set(jobs) == {"every_second", "daily"}
            assert isinstance(jobs["daily"].trigger, CronTrigger) and jobs["daily"].trigger.timezone == SHANGHAI
            next_nine = jobs["daily"].next_run_time.astimezone(SHANGHAI)
            assert (next_nine.hour, next_nine.minute, next_nine.second) == (9, 0, 0)
            for _ in range(40):  # at most 4 s
                if len(every_second.calls) >= 2:
                    break
                await asyncio.sleep(0.1)
        assert len(every_second.calls) >= 2, "APScheduler did not fire the per-second job"
        assert len(set(every_second.calls)) == len(every_second.calls)  # each second run once
        assert every_second.sent == every_second.calls[:1]  # the job's claim: once per day
        assert daily.calls == [] or daily.calls[0].hour == 9
        async with db.sessions() as session:
            records = [r for r in await runs.runs_of(session, "every_second") if r.recipient == runs.RUN_RECORD]
        periods = [r.period for r in records]
        called = [run_period(due) for due in every_second.calls]
        # Each finished run is recorded under its due time; one cut off by the stop (the
        # machine under load) has no record and is made up by the next start instead.
        assert periods and periods == called[:len(periods)] and len(periods) >= len(called) - 1
    finally:
        await db.close()


async def test_a_runner_that_does_not_lead_runs_nothing(db):
    class NeverLeads:
        kind, renew_every = "test", None

        async def acquire(self):
            return False

        async def held(self):
            return False

        async def release(self):
            return None

    job = Recorder()
    clock = FakeClock("2026-10-12 09:00:05")
    async with JobRunner(make_context(db, clock), [job.spec()], lock=NeverLeads(), poll_interval=60) as runner:
        assert not runner.is_leader and runner.scheduler is None
        assert await runner.tick() == []
    assert job.sent == []


def test_job_names_must_be_unique(db):
    with pytest.raises(ValueError):
        JobRunner(make_context(db), [Recorder().spec(), Recorder().spec()])


async def test_a_run_cut_off_by_a_stop_is_made_up_without_repeating_its_sends(db, clock):
    """A redeploy at 09:00 in the middle of a run: the next process finishes it, nobody gets two."""
    sent: list[str] = []
    hang = asyncio.Event()

    async def two_sends(ctx, due) -> None:
        for recipient in ("first", "second"):
            async with ctx.db.sessions() as session:
                if await runs.claim(session, "pair", due.date().isoformat(), recipient):
                    sent.append(recipient)
            if not hang.is_set():
                hang.set()
                await asyncio.sleep(3600)  # cut off here by the stop

    spec = JobSpec("pair", two_sends, cron={"hour": 9, "minute": 0})
    clock.set("2026-10-12 09:00:01")
    runner = JobRunner(make_context(db, clock), [spec], poll_interval=60, stop_timeout=0.1)
    await runner.start()
    await asyncio.wait_for(hang.wait(), 5)
    await runner.stop()  # cancels the run after 0.1 s: no run record
    assert sent == ["first"]
    clock.set("2026-10-12 09:01")
    async with JobRunner(make_context(db, clock), [spec], poll_interval=60):
        pass
    assert sent == ["first", "second"]
    async with db.sessions() as session:
        assert await runs.has_run(session, "pair", "2026-10-12T09:00:00+08:00")
