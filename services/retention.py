"""Personal data kept only as long as allowed: what the daily retention job removes or masks.

个人信息保护法 第十九条: "除法律、行政法规另有规定外，个人信息的保存期限应当为实现处理目的所必要的最短
时间。" Each kind has its own period (bot.settings, IPBOT_RETENTION_*_DAYS; 0 keeps that kind):

| kind | past its period | period counted from |
|---|---|---|
| trainee contact details | masked (services.anonymise): attendance stays counted | the person's last session, or the record's last change when they have none |
| SME questions | text, answer text and asker masked; the thread stays | the answer, or the question when never answered |
| audit rows | deleted (at least 184 days: 网络安全法 第二十一条（三）) | the entry |
| inbox rows | parked updates deleted; handled ones after 24 hours (services.inbox) | receipt |

Which defaults are cited and which are the project's local choice is said at each setting
(bot/settings.py) and in the README. One run is one transaction, ending with an audit entry
(`retention.run`) that gives the counts; a second run the same day finds nothing more to do.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, exists, func
from sqlmodel import select
from sqlalchemy.sql import ColumnElement

from services import audit
from services.anonymise import mask_questions, mask_trainees, not_anonymised
from services.inbox import REDELIVERY_WINDOW
from services.session import Database, unit_of_work
from storage.models import AuditEntry, InboxEntry, QuestionThread
from storage.training_tables import Enrolment, Trainee

__all__ = ["Periods", "Removed", "apply"]


@dataclass(frozen=True)
class Periods:
    """Days each kind is kept; 0 keeps it for good."""

    trainee_contacts: int
    questions: int
    audit: int
    inbox: int

    @classmethod
    def of(cls, settings: Any) -> "Periods":
        """From the settings (services.context.SettingsLike)."""
        return cls(settings.retention_trainee_contact_days, settings.retention_question_days,
                   settings.retention_audit_days, settings.retention_inbox_days)


@dataclass(frozen=True)
class Removed:
    """What one run masked or deleted (or, dry, would have)."""

    trainees_masked: int = 0
    questions_masked: int = 0
    audit_deleted: int = 0
    inbox_deleted: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def _cutoff(now: datetime, days: int) -> datetime | None:
    return now - timedelta(days=days) if days > 0 else None


def _trainees_past(cutoff: datetime) -> ColumnElement[bool]:
    recent = exists().where(Enrolment.trainee_id == Trainee.id, Enrolment.session_starts_at >= cutoff)
    return (Trainee.updated_at < cutoff) & ~recent


def _questions_past(cutoff: datetime) -> ColumnElement[bool]:
    return func.coalesce(QuestionThread.answered_at, QuestionThread.asked_at) < cutoff


def _inbox_past(now: datetime, cutoff: datetime | None) -> ColumnElement[bool]:
    handled = (InboxEntry.state == "done") & (InboxEntry.received_at < now - REDELIVERY_WINDOW)
    if cutoff is None:
        return handled
    return handled | ((InboxEntry.state == "dead") & (InboxEntry.received_at < cutoff))


async def _delete(session: Any, model: Any, where: ColumnElement[bool]) -> int:
    result = await session.exec(delete(model).where(where).execution_options(synchronize_session=False))
    return result.rowcount or 0


async def apply(db: Database, periods: Periods, now: datetime, *, dry_run: bool = False) -> Removed:
    """Mask and delete what is past its period, in one transaction, and audit the counts.

    With `dry_run`, only count what would go: nothing is changed and nothing audited.
    """
    trainees, questions, audits = (_cutoff(now, d) for d in (periods.trainee_contacts, periods.questions,
                                                              periods.audit))
    inbox_where = _inbox_past(now, _cutoff(now, periods.inbox))
    async with unit_of_work(db) as session:
        if dry_run:
            async def count(model: Any, where: ColumnElement[bool] | None) -> int:
                if where is None:
                    return 0
                return (await session.exec(select(func.count()).select_from(model).where(where))).one()

            masked_question = (QuestionThread.question != "") | (QuestionThread.asker_telegram_id != 0)
            return Removed(
                await count(Trainee, _trainees_past(trainees) & not_anonymised() if trainees else None),
                await count(QuestionThread, _questions_past(questions) & masked_question if questions else None),
                await count(AuditEntry, AuditEntry.at < audits if audits else None),
                await count(InboxEntry, inbox_where))
        removed = Removed(
            trainees_masked=await mask_trainees(session, _trainees_past(trainees), now) if trainees else 0,
            questions_masked=await mask_questions(session, _questions_past(questions)) if questions else 0,
            audit_deleted=await _delete(session, AuditEntry, AuditEntry.at < audits) if audits else 0,
            inbox_deleted=await _delete(session, InboxEntry, inbox_where),
        )
        await audit.record(session, "retention.run", "ok", None, **removed.as_dict(),
                           periods_days=asdict(periods))
        return removed
