"""Run records: each scheduled send happens once per (job, period, recipient).

A job claims the key before it sends; the unique constraint makes a second claim (a
restart, a made-up run, another process) fail, so at most one of them sends. A claim
whose send failed is marked so, for the next run or a person to see.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from services.session import AsyncSession
from storage.models import JobRun
from storage.types import utcnow

__all__ = ["claim", "finish", "has_run", "JobRun", "record_run", "RUN_RECORD", "runs_of"]

#: The recipient under which the job runner records that a job ran for a period (its
#: `period` is the due time), apart from the job's own claims, whose recipients are
#: people or chats; the runner reads it to tell a missed run from one that happened.
RUN_RECORD = "@run"


async def claim(session: AsyncSession, job: str, period: str, recipient: str = "", **fields: object) -> bool:
    """True exactly once per key, across restarts and processes; commits the claim."""
    session.add(JobRun(job=job, period=period, recipient=recipient, **fields))
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        return False
    return True


async def finish(session: AsyncSession, job: str, period: str, recipient: str = "", outcome: str = "sent") -> None:
    """Record how a claimed send ended ("sent", or "failed: <reason>"); commits."""
    run = (await session.exec(select(JobRun).where(
        JobRun.job == job, JobRun.period == period, JobRun.recipient == recipient))).one()
    run.outcome, run.finished_at = outcome[:200], utcnow()
    session.add(run)
    await session.commit()


async def runs_of(session: AsyncSession, job: str, period: str | None = None) -> list[JobRun]:
    query = select(JobRun).where(JobRun.job == job).order_by(JobRun.id)
    if period is not None:
        query = query.where(JobRun.period == period)
    return list((await session.exec(query)).all())


async def has_run(session: AsyncSession, job: str, period: str) -> bool:
    """Whether the runner recorded a run of `job` for `period` (see RUN_RECORD)."""
    found = await session.exec(select(JobRun.id).where(
        JobRun.job == job, JobRun.period == period, JobRun.recipient == RUN_RECORD))
    return found.first() is not None


async def record_run(session: AsyncSession, job: str, period: str, outcome: str = "done") -> bool:
    """Record that `job` ran for `period` and how it ended; False if it was recorded already. Commits."""
    now = utcnow()
    return await claim(session, job, period, RUN_RECORD, claimed_at=now, finished_at=now, outcome=outcome[:200])
