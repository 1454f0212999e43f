"""Routed SME questions nobody has answered: who to remind, and what supervisors see.

A question routed to a specialist (a `QuestionThread` with a specialist and no answer)
that is still open at 09:00 on the next working day after it was asked reminds that
specialist once; the job (`jobs.question_reminders`) claims each reminder under
``(JOB, "thread:<id>", "<specialist telegram id>")``. A thread whose reminder day passed
while nothing ran (the bot down for days) is reminded on the next run, still once.
Supervisors see the open ones of their region, admins all (`open_questions`).

A reminder is kept (`record_reminder`) so that a reply to it answers the question just
as a reply to the forwarded question does (`find_thread_by_reminder`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import String, cast, exists, literal
from sqlmodel import select

from services import audit
from services.companies import can_see
from services.errors import Refusal
from services.questions import Thread, first_thread, threads_with_company
from services.session import AsyncSession
from services.users import Actor, Role
from services.workdays import next_working_day, working_days_between
from storage.models import Company, JobRun, QuestionReminder, QuestionThread, User

__all__ = ["JOB", "OpenQuestion", "OpenQuestionsRefusal", "Reminder", "due_reminders", "find_thread_by_reminder",
           "open_questions", "record_reminder", "reminder_period"]

JOB = "question_reminders"
#: Who may list the open questions (supervisors their region's, admins all).
VIEWERS = frozenset({Role.supervisor, Role.admin})


class OpenQuestionsRefusal(Refusal):
    """The actor may not see the open questions."""


def reminder_period(thread_id: int) -> str:
    return f"thread:{thread_id}"


@dataclass(frozen=True, slots=True)
class Reminder:
    """One reminder to send: the thread, its specialist, and what to tell them."""

    thread_id: int
    specialist_telegram_id: int
    specialist_language: str
    specialist_message_id: int | None
    company_name: str
    question: str
    asked_at: datetime

    @property
    def period(self) -> str:
        return reminder_period(self.thread_id)

    @property
    def recipient(self) -> str:
        return str(self.specialist_telegram_id)


def _open_threads():  # noqa: ANN202 - a select over threads, their company and specialist
    return (
        select(QuestionThread, Company, User)
        .join(Company, Company.id == QuestionThread.company_id)
        .outerjoin(User, User.telegram_id == QuestionThread.specialist_telegram_id)
        .where(QuestionThread.answer.is_(None), QuestionThread.answered_at.is_(None),
               QuestionThread.specialist_telegram_id.is_not(None))
        .order_by(QuestionThread.asked_at, QuestionThread.id)
    )


def _start_of(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tz).astimezone(timezone.utc)


async def due_reminders(session: AsyncSession, due: datetime, tz: ZoneInfo) -> list[Reminder]:
    """Open threads to remind at `due`: asked before its day, whose next working day after
    asking is that day or earlier, not reminded yet, with an active specialist."""
    day = due.astimezone(tz).date()
    claimed = exists().where(
        JobRun.job == JOB, JobRun.period == literal("thread:").concat(cast(QuestionThread.id, String)))
    rows = await session.exec(_open_threads().where(QuestionThread.asked_at < _start_of(day, tz), ~claimed))
    reminders = []
    for thread, company, specialist in rows.all():
        if specialist is None or not specialist.active:
            continue
        if next_working_day(thread.asked_at.astimezone(tz).date()) > day:
            continue
        reminders.append(Reminder(thread.id, thread.specialist_telegram_id, specialist.language,
                                  thread.specialist_message_id, company.name, thread.question, thread.asked_at))
    return reminders


@dataclass(frozen=True, slots=True)
class OpenQuestion:
    thread_id: int
    company_name: str
    asked_at: datetime
    specialist_name: str
    waiting_working_days: int
    question: str


async def open_questions(session: AsyncSession, actor: Actor, tz: ZoneInfo, today: date) -> list[OpenQuestion]:
    """Unanswered routed questions the actor may see, oldest first.

    Supervisors see their region's companies and admins all (`services.companies.can_see`,
    the one visibility rule); anyone else is refused and the refusal audited (the caller
    commits).
    """
    if actor.role not in VIEWERS:
        await audit.record(session, "open_questions.list", "denied", actor.telegram_id, role=actor.role.value)
        raise OpenQuestionsRefusal("open_questions_denied")
    found = []
    for thread, company, specialist in (await session.exec(_open_threads())).all():
        if not can_see(actor, company):
            continue
        name = (specialist.full_name if specialist else "") or str(thread.specialist_telegram_id)
        asked_day = thread.asked_at.astimezone(tz).date()
        found.append(OpenQuestion(thread.id, company.name, thread.asked_at, name,
                                  working_days_between(asked_day, today), thread.question))
    return found


async def record_reminder(session: AsyncSession, reminder: Reminder, message_id: int) -> None:
    """Remember the reminder message, so a reply to it answers the thread (flushed, not committed)."""
    session.add(QuestionReminder(thread_id=reminder.thread_id, specialist_telegram_id=reminder.specialist_telegram_id,
                                 message_id=message_id))
    await session.flush()


async def find_thread_by_reminder(session: AsyncSession, specialist_telegram_id: int, message_id: int
                                  ) -> Thread | None:
    """The thread a reminder in this specialist's chat is about, as the answering side sees it."""
    return await first_thread(session, threads_with_company()
                              .join(QuestionReminder, QuestionReminder.thread_id == QuestionThread.id)
                              .where(QuestionReminder.specialist_telegram_id == specialist_telegram_id,
                                     QuestionReminder.message_id == message_id,
                                     QuestionThread.specialist_telegram_id == specialist_telegram_id))
