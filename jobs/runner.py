"""The job runner: drives every `JobSpec` from the feature table on APScheduler 3.

    async with JobRunner(ctx, all_jobs()):
        ...  # poll or serve webhooks; the jobs run meanwhile

* One cron job per spec, in ``ctx.tz``, on an `AsyncIOScheduler` with its in-memory job
  store: jobs receive only ``(ctx, due)``, nothing is pickled. Durability comes from the
  run records instead (`services.runs`): after a run the runner records
  ``(job, due time, RUN_RECORD)``; the job claims each of its sends under its own keys.
* "What is due" is always computed from ``ctx.now()``: the latest cron time at most
  ``spec.grace`` ago (on a working day, for ``working_days_only`` specs) that has no run
  record. APScheduler only wakes the runner at the cron times; on start, and when this
  process takes the lead over, `tick()` runs what was missed while nobody led, once.
  A redeploy at 09:00 therefore makes Monday's 09:00 run up when the bot is back.
* Only the holder of the leader lock (`jobs.leader`) schedules anything; the others
  retry the lock every ``poll_interval`` seconds and take over when the leader dies.
* Tests drive it with a fake clock (``AppContext(clock=...)``) and ``await tick()``.

A run interrupted by a stop or a crash leaves no run record and is made up on the next
start within grace; the job's own claims keep it from sending anything twice.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from jobs.leader import LeaderLock, leader_lock
from jobs.spec import JobSpec
from services import runs
from services.context import AppContext
from services.workdays import is_working_day

__all__ = ["JobRunner", "latest_due", "run_period"]

log = logging.getLogger(__name__)

#: How often a process that does not lead tries the lock (and a leader checks it holds it).
POLL_SECONDS = 5.0
#: How long `stop()` lets runs under way finish before cancelling them.
STOP_TIMEOUT_SECONDS = 30.0


def trigger_of(spec: JobSpec, tz: ZoneInfo) -> CronTrigger:
    return CronTrigger(timezone=tz, **spec.cron)


def latest_due(spec: JobSpec, now: datetime, tz: ZoneInfo) -> datetime | None:
    """The latest cron time of `spec` at most `spec.grace` before `now` (local, aware), or None.

    APScheduler 3 only looks forward, so this looks back in windows that double from a
    minute up to the grace: a daily job costs a few steps, a per-second one about sixty.
    """
    trigger, now = trigger_of(spec, tz), now.astimezone(tz)
    window = min(timedelta(minutes=1), spec.grace)
    while True:
        last, fire = None, trigger.get_next_fire_time(None, now - window)
        while fire is not None and fire <= now:
            if not spec.working_days_only or is_working_day(fire.date()):
                last = fire
            fire = trigger.get_next_fire_time(fire, fire + timedelta(microseconds=1))
        if last is not None or window >= spec.grace:
            return last
        window = min(window * 2, spec.grace)


def run_period(due: datetime) -> str:
    """The run record's period: the local due time, e.g. "2026-10-08T09:00:00+08:00"."""
    return due.isoformat(timespec="seconds")


class JobRunner:
    """Runs `jobs` on schedule in the process that holds the leader lock.

    ``lock`` defaults to the one the settings call for (`jobs.leader.leader_lock`).
    ``on_run(job, outcome, seconds)`` hears of every run that ended (the bot's metrics).
    """

    def __init__(self, ctx: AppContext, jobs: list[JobSpec] | tuple[JobSpec, ...], *,
                 lock: LeaderLock | None = None, poll_interval: float = POLL_SECONDS,
                 stop_timeout: float = STOP_TIMEOUT_SECONDS,
                 on_run: Callable[[str, str, float], None] | None = None) -> None:
        self.ctx = ctx
        self.on_run = on_run
        self.jobs = {job.name: job for job in jobs}
        if len(self.jobs) != len(jobs):
            raise ValueError("job names must be unique")
        self.lock = lock if lock is not None else leader_lock(ctx.settings)
        renew = self.lock.renew_every
        self.poll_interval = min(poll_interval, renew) if renew else poll_interval
        self.stop_timeout = stop_timeout
        self.is_leader = False
        self.scheduler: AsyncIOScheduler | None = None
        self._watch: asyncio.Task | None = None
        self._runs: set[asyncio.Task] = set()
        self._job_locks = {name: asyncio.Lock() for name in self.jobs}
        self._last_due: dict[str, datetime] = {}

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Try the lock once now (making up missed runs in the background if it leads),
        then keep trying, or keep checking it still holds it, every ``poll_interval``."""
        if self._watch is not None:
            raise RuntimeError("the job runner is already started")
        await self.check_leadership()
        self._watch = asyncio.create_task(self._watch_leadership(), name="jobs-leadership")

    async def stop(self) -> None:
        """Stop scheduling, let runs under way finish (up to ``stop_timeout``), give the lock up."""
        if self._watch is not None:
            self._watch.cancel()
            await asyncio.gather(self._watch, return_exceptions=True)
            self._watch = None
        self._stop_scheduler()
        self.is_leader = False
        await self.wait_idle(self.stop_timeout)
        for task in list(self._runs):
            task.cancel()
        await asyncio.gather(*self._runs, return_exceptions=True)
        await self.lock.release()

    async def __aenter__(self) -> "JobRunner":
        await self.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.stop()

    async def wait_idle(self, timeout: float | None = None) -> None:
        """Until the runs under way (scheduled or made up) have finished."""
        pending = [task for task in self._runs if task is not asyncio.current_task()]
        if pending:
            await asyncio.wait(pending, timeout=timeout)

    # ------------------------------------------------------------------ leadership

    async def check_leadership(self) -> bool:
        """One round of the leadership watch: take the lock if free, or confirm it is still ours."""
        try:
            if self.is_leader:
                if not await self.lock.held():
                    self._step_down()
            elif await self.lock.acquire():
                self._lead()
        except Exception as exc:  # noqa: BLE001 - a database or Redis hiccup: try again next round
            log.warning("scheduler leader lock (%s) check failed: %r", self.lock.kind, exc)
            if self.is_leader:
                self._step_down()
        return self.is_leader

    async def _watch_leadership(self) -> None:
        while True:
            await asyncio.sleep(self.poll_interval)
            await self.check_leadership()

    def _lead(self) -> None:
        self.is_leader = True
        log.info("this process runs the scheduled jobs (%s lock): %s", self.lock.kind, ", ".join(self.jobs))
        scheduler = AsyncIOScheduler(timezone=self.ctx.tz)
        for spec in self.jobs.values():
            scheduler.add_job(
                self._fire, trigger_of(spec, self.ctx.tz), args=[spec.name], id=spec.name, name=spec.name,
                misfire_grace_time=max(1, int(spec.grace.total_seconds())), coalesce=True, max_instances=1,
            )
        scheduler.start()
        self.scheduler = scheduler
        self._track(asyncio.create_task(self.tick(), name="jobs-make-up"))

    def _step_down(self) -> None:
        log.warning("this process lost the scheduler lock (%s); another one runs the jobs now", self.lock.kind)
        self.is_leader = False
        self._stop_scheduler()

    def _stop_scheduler(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
            self.scheduler = None

    def _track(self, task: asyncio.Task) -> None:
        self._runs.add(task)
        task.add_done_callback(self._runs.discard)

    # ------------------------------------------------------------------ runs

    async def tick(self) -> list[tuple[str, datetime]]:
        """Run, once each, the jobs due at ``ctx.now()`` that have not run for that time.

        What the scheduler does at a cron time, and what taking the lead does for the
        runs missed meanwhile. Nothing happens unless this process leads. Returns the
        (job, due) pairs it ran.
        """
        ran = []
        for spec in self.jobs.values():
            due = await self._run_due(spec)
            if due is not None:
                ran.append((spec.name, due))
        return ran

    async def _fire(self, name: str) -> None:
        """Called by APScheduler at a cron time of job `name`."""
        task = asyncio.current_task()
        if task is not None:
            self._track(task)
        await self._run_due(self.jobs[name])

    async def _run_due(self, spec: JobSpec) -> datetime | None:
        """Run `spec` for its latest due time unless already run; the due time if it ran."""
        if not self.is_leader:
            return None
        try:
            return await self._run_once(spec)
        except Exception:  # noqa: BLE001 - e.g. the database is away: the next start or tick makes it up
            log.exception("job %s: could not check or record its run", spec.name)
            return None

    async def _run_once(self, spec: JobSpec) -> datetime | None:
        due = latest_due(spec, self.ctx.now(), self.ctx.tz)
        if due is None:
            return None
        async with self._job_locks[spec.name]:
            last = self._last_due.get(spec.name)
            if last is not None and last >= due:
                return None
            period = run_period(due)
            async with self.ctx.db.sessions() as session:
                done = await runs.has_run(session, spec.name, period)
            if not done:
                outcome = await self._run(spec, due)
                async with self.ctx.db.sessions() as session:
                    await runs.record_run(session, spec.name, period, outcome)
            self._last_due[spec.name] = due
            return None if done else due

    async def _run(self, spec: JobSpec, due: datetime) -> str:
        log.info("job %s: running for %s", spec.name, run_period(due))
        started = time.perf_counter()
        try:
            await spec.run(self.ctx, due)
        except Exception as exc:  # noqa: BLE001 - one job's failure must not stop the others
            log.exception("job %s failed for %s", spec.name, run_period(due))
            outcome = f"failed: {type(exc).__name__}: {exc}"
        else:
            outcome = "done"
        if self.on_run is not None:
            self.on_run(spec.name, outcome, time.perf_counter() - started)
        return outcome
