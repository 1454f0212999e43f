"""Who hears about a training session, and when: reminders, change notices, a promoted person.

Only people who use the bot can be told anything: invited users, and people with no role
who linked themselves through a training link (`Trainee.telegram_id`); a trainee enrolled
from a spreadsheet has no Telegram id; inactive users are never told. These are reads: the jobs and the
handlers that send (jobs/training_reminders.py, handlers and dialogs of training) decide
what to say.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select

from services.session import AsyncSession
from storage.models import Training, User
from storage.training_tables import Enrolment, Trainee

__all__ = ["contact_of", "notice_recipients", "organiser_language", "reminder_recipients", "sessions_starting"]


async def sessions_starting(session: AsyncSession, after: datetime, until: datetime) -> list[Training]:
    """Scheduled sessions starting in (after, until]: what the reminder job looks at."""
    return list((await session.exec(select(Training).where(Training.status == "scheduled", Training.starts_at > after,
                                                           Training.starts_at <= until)
                                    .order_by(Training.starts_at))).all())


async def reminder_recipients(session: AsyncSession, training: Training) -> list[tuple[int, str, str]]:
    """(telegram id, language, "member"|"organiser"): registered people who use the bot, then the organiser."""
    rows = await session.exec(
        select(User.telegram_id, User.language).join(Trainee, Trainee.user_id == User.id)
        .join(Enrolment, Enrolment.trainee_id == Trainee.id)
        .where(Enrolment.training_id == training.id, Enrolment.status == "registered", User.active)
        .order_by(User.telegram_id))
    people = [(telegram_id, lang, "member") for telegram_id, lang in rows.all()]
    people += [(telegram_id, "zh", "member") for telegram_id in await _linked(session, training.id, ("registered",))]
    if training.organiser_id is not None:
        organiser = await session.get(User, training.organiser_id)
        if organiser is not None and organiser.active:
            people = [p for p in people if p[0] != organiser.telegram_id]
            people.append((organiser.telegram_id, organiser.language, "organiser"))
    return people


async def notice_recipients(session: AsyncSession, training_id: int) -> tuple[tuple[int, str], ...]:
    """(telegram id, language) of the bot users enrolled or waitlisted in the session: told of an edit
    or a cancellation."""
    rows = await session.exec(
        select(User.telegram_id, User.language).join(Trainee, Trainee.user_id == User.id)
        .join(Enrolment, Enrolment.trainee_id == Trainee.id)
        .where(Enrolment.training_id == training_id, Enrolment.status.in_(("registered", "waitlisted")), User.active))
    linked = [(tid, "zh") for tid in await _linked(session, training_id, ("registered", "waitlisted"))]
    return tuple(dict.fromkeys([*((tid, lang) for tid, lang in rows.all()), *linked]))


async def _linked(session: AsyncSession, training_id: int, statuses: tuple[str, ...]) -> list[int]:
    """Telegram ids of people with no role who linked themselves through a training link
    (Trainee.telegram_id); they are told in Chinese, the language of the link they opened."""
    rows = await session.exec(
        select(Trainee.telegram_id).join(Enrolment, Enrolment.trainee_id == Trainee.id)
        .where(Enrolment.training_id == training_id, Enrolment.status.in_(statuses), Trainee.telegram_id.is_not(None))
        .order_by(Trainee.telegram_id))
    return list(rows.all())


async def contact_of(session: AsyncSession, trainee_id: int) -> tuple[int, str] | None:
    """(telegram id, language) of a trainee who uses the bot, else None."""
    row = (await session.exec(select(User.telegram_id, User.language).join(Trainee, Trainee.user_id == User.id)
                              .where(Trainee.id == trainee_id, User.active))).first()
    if row:
        return row[0], row[1]
    person = await session.get(Trainee, trainee_id)
    return (person.telegram_id, "zh") if person is not None and person.telegram_id is not None else None


async def organiser_language(session: AsyncSession, training: Training) -> str:
    organiser = await session.get(User, training.organiser_id) if training.organiser_id else None
    return organiser.language if organiser else "zh"
