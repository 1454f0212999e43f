"""Enrolment in a training session, with a waitlist that moves up.

Anyone may enrol themselves through a session's link: an invited user as themselves, a
person with no role (a trainee) by their phone number, which links their Telegram id to the
trainee record (`link_person`) and gives them their own trainings, reminders and check-in,
nothing else. People cancel their own enrolment; an organiser enrols people (one, or a list from Excel) for the sessions they
manage (services.training_access).

Seats: `Training.seats_taken` counts enrolments holding a seat (registered or attended;
SEATED). A seat is taken only by the conditional UPDATE in
`_take_seat` and passed on by `promote`, so two people pressing "enrol" at once never
overfill a session; the unique (session, person) pair makes a second press a no-op.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from services.session import AsyncSession
from services.trainees import PersonDraft, Trainee, linked_elsewhere, trainee_for_user, upsert_trainee
from services.training_access import TrainingRefusal, deny, get_session, managed, may_manage
from services.training_recipients import contact_of
from services.users import Actor
from storage.models import Training
from storage.training_tables import Enrolment
from storage.types import utcnow

__all__ = ["CancelOutcome", "EnrolOutcome", "SEATED", "STATUSES", "Who", "cancel_enrolment", "check_open",
           "enrol_linked", "enrol_person", "enrol_self", "enrolment_of", "link_person", "my_enrolments", "promote",
           "trainee_of"]

#: Who acts on their own enrolment: an invited user, or a person with no role, by Telegram id.
Who = Actor | int

STATUSES = ("registered", "waitlisted", "attended", "absent", "excused", "cancelled")
#: Statuses that hold a seat. 缺席 and 请假 do not (issue 19): the person is not coming, so the
#: place goes to the waitlist (services.training_checkin.mark_roster frees it).
SEATED = ("registered", "attended")


@dataclass(frozen=True)
class EnrolOutcome:
    enrolment: Enrolment
    trainee: Trainee
    training: Training
    already: bool = False

    @property
    def status(self) -> str:
        return self.enrolment.status


@dataclass(frozen=True)
class CancelOutcome:
    training: Training
    already: bool
    promoted: tuple[int, str] | None = None  # the promoted person's (telegram id, language), if a bot user
    promoted_name: str | None = None


async def enrol_person(session: AsyncSession, actor: Actor, training_id: int, person: PersonDraft,
                       now: datetime, source: str = "organiser") -> EnrolOutcome:
    """An organiser enrols one person (found or created by mobile number)."""
    training = await managed(session, actor, training_id, "training.enrol")
    check_open(training, now)
    trainee = await upsert_trainee(session, person)
    return await _enrol(session, training, trainee, source, now)


async def enrol_self(session: AsyncSession, actor: Actor, training: Training, now: datetime,
                     person: PersonDraft | None = None) -> EnrolOutcome:
    """A bot user enrols through the link; `person` is needed once, to learn their mobile."""
    check_open(training, now)
    trainee = await trainee_for_user(session, actor.user_id)
    if trainee is None:
        if person is None:
            raise TrainingRefusal("need_details")
        if await linked_elsewhere(session, person.mobile, actor.user_id):
            raise TrainingRefusal("mobile_linked_to_other")
        trainee = await upsert_trainee(session, person, user_id=actor.user_id)
    return await _enrol(session, training, trainee, "self", now)


async def trainee_of(session: AsyncSession, who: Who) -> Trainee | None:
    """The person behind an invited user or behind a linked Telegram id (no role)."""
    if isinstance(who, Actor):
        return await trainee_for_user(session, who.user_id)
    return (await session.exec(select(Trainee).where(Trainee.telegram_id == who))).first()


async def link_person(session: AsyncSession, telegram_id: int, person: PersonDraft) -> Trainee:
    """Link a Telegram id (a person with no role) to the trainee with this mobile, or a new one.

    The number was shared from the person's own contact card (the handler refuses another's)
    or typed by them; a record kept by an organiser keeps its name. A number already linked
    to another Telegram account or to an invited user is refused: one person, one account.
    """
    trainee = (await session.exec(select(Trainee).where(Trainee.mobile == person.mobile))).first()
    if trainee is not None and (trainee.user_id is not None or trainee.telegram_id not in (None, telegram_id)):
        raise TrainingRefusal("mobile_linked_to_other")
    if trainee is not None and trainee.telegram_id == telegram_id:
        return trainee
    previous = await trainee_of(session, telegram_id)
    if previous is not None:  # a new number for the same account moves the link
        previous.telegram_id = None
        session.add(previous)
        await session.flush()
    if trainee is None:
        trainee = Trainee(name=person.name, mobile=person.mobile, company=person.company, position=person.position,
                          category=person.category, telegram_id=telegram_id)
    else:
        trainee.telegram_id, trainee.updated_at = telegram_id, utcnow()
        if trainee.category == "其他" and person.category != "其他":
            trainee.category = person.category
    session.add(trainee)
    await session.flush()
    return trainee


async def enrol_linked(session: AsyncSession, telegram_id: int, training: Training, now: datetime,
                       person: PersonDraft | None = None) -> EnrolOutcome:
    """A person with no role enrols through the link; `person` (their number) is needed once."""
    check_open(training, now)
    trainee = await trainee_of(session, telegram_id) if person is None else await link_person(
        session, telegram_id, person)
    if trainee is None:
        raise TrainingRefusal("need_details")
    return await _enrol(session, training, trainee, "self", now)


async def my_enrolments(session: AsyncSession, actor: Who, now: datetime) -> list[tuple[Enrolment, Training]]:
    trainee = await trainee_of(session, actor)
    if trainee is None:
        return []
    rows = await session.exec(
        select(Enrolment, Training).join(Training, Training.id == Enrolment.training_id)
        .where(Enrolment.trainee_id == trainee.id, Enrolment.status != "cancelled",
               Training.starts_at >= now - timedelta(days=1))
        .order_by(Training.starts_at))
    return list(rows.all())


async def cancel_enrolment(session: AsyncSession, actor: Actor, enrolment_id: int, now: datetime) -> CancelOutcome:
    """The person themselves or the session's manager cancels; the first waitlisted person moves up."""
    enrolment = await session.get(Enrolment, enrolment_id)
    if enrolment is None:
        raise TrainingRefusal("enrolment_not_found")
    training = await get_session(session, enrolment.training_id)
    trainee = await session.get(Trainee, enrolment.trainee_id)
    if trainee.user_id != actor.user_id and not may_manage(actor, training):
        await deny(session, actor, "training.unenrol", training.id)
    old = enrolment.status
    if old == "cancelled":
        return CancelOutcome(training, already=True)
    changed = await session.exec(update(Enrolment).where(Enrolment.id == enrolment.id, Enrolment.status == old)
                                 .values(status="cancelled", updated_at=utcnow()))
    if changed.rowcount != 1:  # a concurrent press cancelled it first
        return CancelOutcome(training, already=True)
    promoted = await release_seat(session, training, now) if old in SEATED else None
    await session.flush()
    await session.refresh(training)
    if promoted is None:
        return CancelOutcome(training, already=False)
    contact = await contact_of(session, promoted.trainee_id)
    person = await session.get(Trainee, promoted.trainee_id)
    return CancelOutcome(training, already=False, promoted=contact, promoted_name=person.name)


def check_open(training: Training, now: datetime) -> None:
    """Refused once the session is cancelled or over: nobody enrols in the past."""
    if training.status == "cancelled":
        raise TrainingRefusal("session_cancelled")
    if (training.ends_at or training.starts_at) <= now:
        raise TrainingRefusal("session_over")


async def enrolment_of(session: AsyncSession, training_id: int, trainee_id: int) -> Enrolment | None:
    return (await session.exec(select(Enrolment).where(Enrolment.training_id == training_id,
                                                       Enrolment.trainee_id == trainee_id))).first()


async def release_seat(session: AsyncSession, training: Training, now: datetime, *,
                       pass_on: bool = True) -> Enrolment | None:
    """A seat given up: the first waitlisted person takes it (when `pass_on`), else it is freed.
    Returns whom it went to."""
    promoted = await promote(session, training, now, need_seat=False) if pass_on else None
    if promoted is None:
        await session.exec(update(Training).where(Training.id == training.id, Training.seats_taken > 0)
                           .values(seats_taken=Training.seats_taken - 1))
    return promoted


async def promote(session: AsyncSession, training: Training, now: datetime, *, need_seat: bool) -> Enrolment | None:
    """Move the longest-waiting person up; with `need_seat`, only if a seat is free (and take it)."""
    waiting = await session.exec(select(Enrolment.id).where(Enrolment.training_id == training.id,
                                                            Enrolment.status == "waitlisted")
                                 .order_by(Enrolment.enrolled_at, Enrolment.id))
    for enrolment_id in waiting.all():
        if need_seat and not await _take_seat(session, training.id):
            return None
        moved = await session.exec(update(Enrolment).where(Enrolment.id == enrolment_id,
                                                           Enrolment.status == "waitlisted")
                                   .values(status="registered", updated_at=now))
        if moved.rowcount == 1:
            enrolment = await session.get(Enrolment, enrolment_id)
            await session.refresh(enrolment)
            return enrolment
        if need_seat:  # someone else promoted this one: give the seat back and try the next
            await session.exec(update(Training).where(Training.id == training.id)
                               .values(seats_taken=Training.seats_taken - 1))
    return None


async def _enrol(session: AsyncSession, training: Training, trainee: Trainee, source: str,
                 now: datetime) -> EnrolOutcome:
    check_open(training, now)
    existing = await enrolment_of(session, training.id, trainee.id)
    if existing is None:
        enrolment = Enrolment(training_id=training.id, trainee_id=trainee.id, status="waitlisted", source=source,
                              enrolled_at=now, session_starts_at=training.starts_at)
        try:
            async with session.begin_nested():
                session.add(enrolment)
        except IntegrityError:  # a concurrent press enrolled this person first
            return EnrolOutcome(await enrolment_of(session, training.id, trainee.id), trainee, training, True)
    elif existing.status != "cancelled":
        return EnrolOutcome(existing, trainee, training, already=True)
    else:
        reopened = await session.exec(update(Enrolment).where(Enrolment.id == existing.id,
                                                              Enrolment.status == "cancelled")
                                      .values(status="waitlisted", source=source, enrolled_at=now, updated_at=now))
        await session.refresh(existing)
        if reopened.rowcount != 1:
            return EnrolOutcome(existing, trainee, training, already=True)
        enrolment = existing
    if await _take_seat(session, training.id):
        enrolment.status = "registered"
        session.add(enrolment)
        await session.flush()
    await session.refresh(training)
    return EnrolOutcome(enrolment, trainee, training)


async def _take_seat(session: AsyncSession, training_id: int) -> bool:
    """One atomic UPDATE: true when a seat was free and is now taken."""
    result = await session.exec(
        update(Training).where(Training.id == training_id,
                               (Training.capacity == 0) | (Training.seats_taken < Training.capacity))
        .values(seats_taken=Training.seats_taken + 1))
    return result.rowcount == 1
