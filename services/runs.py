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

__all__ = ["claim", "finish", "JobRun", "runs_of"]


async def claim(session: AsyncSession, job: str, period: str, recipient: str = "") -> bool:
    """True exactly once per key, across restarts and processes; commits the claim."""
    session.add(JobRun(job=job, period=period, recipient=recipient))
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
