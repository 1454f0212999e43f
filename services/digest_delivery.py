"""Digest sends that did not arrive: recorded once, listed in the region's next digest, then marked reported.

The weekly digest job claims every send (services.runs) and ends each claim here. A send
that failed for good, or a claim left without an outcome by a crash mid-send (it may have
arrived, so it is not sent again), becomes a `DeliveryFailure` row; the next digest of its
region lists it (services.digest), and once that digest reached someone the row is marked
reported so it is listed only once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import select

from services import runs
from services.companies import within_region
from services.session import AsyncSession
from storage.digest_tables import DeliveryFailure
from storage.types import utcnow

__all__ = ["finish_send", "mark_reported", "record_interrupted", "unreported_failures"]


async def finish_send(session: AsyncSession, job: str, period: str, recipient: str, *, failure: str | None = None,
                      name: str = "", region: str | None = None) -> None:
    """End a claimed send: "sent", or "failed: <failure>" with a failure row to report. Commits."""
    await runs.finish(session, job, period, recipient, "sent" if failure is None else f"failed: {failure}")
    if failure is not None:
        session.add(DeliveryFailure(job=job, period=period, recipient=recipient, name=name[:128],
                                    region_code=region, reason=failure[:200]))
        await session.commit()


async def record_interrupted(session: AsyncSession, job: str, period: str, claimed_before: datetime) -> int:
    """Claims of `period` made before `claimed_before` and still without an outcome (a crash
    mid-send) are recorded as possibly undelivered; how many. Commits."""
    stale = [r for r in await runs.runs_of(session, job, period)
             if r.outcome is None and r.claimed_at < claimed_before]
    for r in stale:
        await runs.finish(session, job, period, r.recipient, "failed: interrupted")
        session.add(DeliveryFailure(job=job, period=period, recipient=r.recipient, name=r.recipient,
                                    reason="interrupted while sending; it may not have arrived"))
        await session.commit()
    return len(stale)


async def unreported_failures(session: AsyncSession, region: str | None) -> list[DeliveryFailure]:
    """Failures not yet listed in a digest that arrived, within `region` (None: all), oldest first."""
    query = select(DeliveryFailure).where(DeliveryFailure.reported_at.is_(None)).order_by(DeliveryFailure.id)
    if region:
        query = query.where(within_region(DeliveryFailure.region_code, region))
    return list((await session.exec(query)).all())


async def mark_reported(session: AsyncSession, ids: Iterable[int]) -> None:
    """These failures were listed in a digest that reached someone: not listed again. Commits."""
    ids = set(ids)
    if not ids:
        return
    for failure in (await session.exec(select(DeliveryFailure).where(DeliveryFailure.id.in_(ids)))).all():
        failure.reported_at = utcnow()
        session.add(failure)
    await session.commit()
