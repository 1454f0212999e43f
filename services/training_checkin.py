"""Attendance: the organiser's roster, people checking themselves in, and the rotating QR display.

A person checks in by scanning the session's QR link or typing its six-digit code
(services.training_tokens: both rotate every minute); the organiser ticks the roster
instead for anyone without the bot. Either way one conditional status change
(`_set_status`) records it, so a double tap or a scan racing a tick counts once; a
waitlisted person who attends takes a seat (they were there).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import col, select

from services import textgate
from services import training_tokens as tokens
from services.session import AsyncSession
from services.trainees import Trainee, mask_mobile
from services.training_access import TrainingRefusal, managed
from services.training_enrolment import SEATED, EnrolOutcome, Who, enrolment_of, release_seat, trainee_of
from services.training_recipients import contact_of
from services.users import Actor
from storage.models import Training
from storage.training_tables import Enrolment

__all__ = ["CODE_WINDOW", "DISPLAY_AFTER_END", "DISPLAY_MAX", "MARKS", "ROSTER_NEXT", "RosterMark", "mark_roster", "RosterLine", "check_in_by_code",
           "check_in_by_link", "close_checkin_display", "open_checkin_display", "open_displays", "roster",
           "set_roster_status"]

#: The roster's explicit marks (签到 · 缺席 · 请假), each a button of its own per person.
MARKS = ("attended", "absent", "excused")
#: What a plain tick (no mark named) records: kept for callers from before the marks.
ROSTER_NEXT = {"registered": "attended", "waitlisted": "attended", "absent": "attended", "excused": "attended"}
#: Typed codes are looked for in sessions from this long before the start to after the end.
CODE_WINDOW = timedelta(hours=3)
#: A check-in QR display keeps rotating this long after the session's end (then it stops by itself).
DISPLAY_AFTER_END = timedelta(minutes=30)
DISPLAY_MAX = timedelta(hours=8)


@dataclass(frozen=True)
class RosterLine:
    enrolment_id: int
    name: str
    mobile: str  # masked
    company: str
    status: str


# ------------------------------------------------------------------ the organiser's roster


async def roster(session: AsyncSession, actor: Actor, training_id: int) -> tuple[Training, list[RosterLine]]:
    training = await managed(session, actor, training_id, "training.roster")
    rows = await session.exec(
        select(Enrolment, Trainee).join(Trainee, Trainee.id == Enrolment.trainee_id)
        .where(Enrolment.training_id == training_id, Enrolment.status != "cancelled")
        .order_by(col(Enrolment.status) == "waitlisted", Enrolment.enrolled_at, Enrolment.id))
    return training, [RosterLine(e.id, t.name, mask_mobile(t.mobile), t.company, e.status) for e, t in rows.all()]


@dataclass(frozen=True)
class RosterMark:
    """A roster mark that took effect; `promoted` is the waitlisted person who got the freed seat
    (their telegram id and language, when they use the bot), for the handler to tell."""

    status: str
    training: Training
    promoted: tuple[int, str] | None = None


async def mark_roster(session: AsyncSession, actor: Actor, enrolment_id: int, expected: str, to: str,
                      now: datetime) -> RosterMark | None:
    """Mark a roster line 签到, 缺席 or 请假 if it still has `expected` (else None: an old button).

    缺席 or 请假 frees the person's seat; before the start it goes to the first waitlisted
    person (promote, as a cancellation does)."""
    enrolment = await session.get(Enrolment, enrolment_id)
    if enrolment is None:
        raise TrainingRefusal("enrolment_not_found")
    training = await managed(session, actor, enrolment.training_id, "training.roster")
    if to not in MARKS or enrolment.status != expected or expected in ("cancelled", to):
        return None
    promoted = await _set_status(session, training, enrolment, expected, to, now)
    if promoted is False:
        return None
    contact = await contact_of(session, promoted.trainee_id) if isinstance(promoted, Enrolment) else None
    return RosterMark(to, training, contact)


async def set_roster_status(session: AsyncSession, actor: Actor, enrolment_id: int, expected: str,
                            now: datetime, to: str | None = None) -> str | None:
    """The status a roster line now has (`to`, by default 签到), or None for an old button."""
    mark = await mark_roster(session, actor, enrolment_id, expected, to or ROSTER_NEXT.get(expected, ""), now)
    return None if mark is None else mark.status


# ------------------------------------------------------------------ checking oneself in


async def check_in_by_link(session: AsyncSession, actor: Who, payload: str, now: datetime) -> EnrolOutcome:
    return await _check_in(session, actor, await tokens.linked_session(session, payload, now), now)


async def check_in_by_code(session: AsyncSession, actor: Who, code: str, now: datetime) -> EnrolOutcome:
    """A typed six-digit code, matched against the actor's own sessions happening about now.

    Read through the gate's ``code`` kind (services.textgate): full-width digits are digits, and
    spaces, controls, bidi and zero-width characters are gone; then exactly six ASCII digits
    (other scripts' digits are refused by shape, as hmac compares ASCII only)."""
    code = textgate.clean(code, textgate.Kind.code)
    if not re.fullmatch(r"[0-9]{6}", code):
        raise TrainingRefusal("checkin_code_shape")
    trainee = await trainee_of(session, actor)
    open_sessions = [] if trainee is None else (await session.exec(
        select(Training).join(Enrolment, Enrolment.training_id == Training.id)
        .where(Enrolment.trainee_id == trainee.id, Enrolment.status != "cancelled", Training.status == "scheduled",
               Training.starts_at <= now + CODE_WINDOW, Training.starts_at >= now - timedelta(days=2)))).all()
    open_sessions = [t for t in open_sessions if (t.ends_at or t.starts_at) + CODE_WINDOW >= now and t.checkin_secret]
    if not open_sessions:
        raise TrainingRefusal("checkin_no_session")
    for training in open_sessions:
        window = tokens.match_code(training, code, now)
        if window is not None:
            if not tokens.fresh(window, now):
                raise TrainingRefusal("checkin_code_expired")
            return await _check_in(session, actor, training, now)
    raise TrainingRefusal("checkin_code_wrong")


async def _check_in(session: AsyncSession, actor: Who, training: Training, now: datetime) -> EnrolOutcome:
    if training.status == "cancelled":
        raise TrainingRefusal("session_cancelled")
    trainee = await trainee_of(session, actor)
    enrolment = await enrolment_of(session, training.id, trainee.id) if trainee else None
    if enrolment is None or enrolment.status == "cancelled":
        raise TrainingRefusal("checkin_not_enrolled")
    if enrolment.status == "attended":
        return EnrolOutcome(enrolment, trainee, training, already=True)
    if not await _set_status(session, training, enrolment, enrolment.status, "attended", now):
        await session.refresh(enrolment)
        return EnrolOutcome(enrolment, trainee, training, already=True)
    return EnrolOutcome(enrolment, trainee, training)


async def _set_status(session: AsyncSession, training: Training, enrolment: Enrolment, old: str, new: str,
                      now: datetime) -> bool | Enrolment:
    """Conditional status change (False: someone changed it first), with the seat moving along:
    a person who attends takes a seat (they were there, waitlisted or not); one marked 缺席 or
    请假 gives it up, before the start to the first waitlisted person (returned, promoted)."""
    values: dict[str, object] = {"status": new, "updated_at": now}
    if new == "attended":
        values["checked_in_at"] = now
    changed = await session.exec(update(Enrolment).where(Enrolment.id == enrolment.id, Enrolment.status == old)
                                 .values(**values))
    if changed.rowcount != 1:
        return False
    promoted: Enrolment | None = None
    if old not in SEATED and new in SEATED:
        await session.exec(update(Training).where(Training.id == training.id)
                           .values(seats_taken=Training.seats_taken + 1))
    elif old in SEATED and new not in SEATED:  # before the start the waitlist gets the seat
        promoted = await release_seat(session, training, now, pass_on=training.starts_at > now)
    await session.flush()
    await session.refresh(training)
    await session.refresh(enrolment)
    return promoted or True


# ------------------------------------------------------------------ the rotating QR display


async def open_checkin_display(session: AsyncSession, actor: Actor, training_id: int, chat_id: int,
                               message_id: int, now: datetime) -> Training:
    """Remember the organiser's QR message so the rotation job replaces it every minute."""
    training = await managed(session, actor, training_id, "training.checkin")
    end = (training.ends_at or training.starts_at) + DISPLAY_AFTER_END
    training.checkin_chat_id, training.checkin_message_id = chat_id, message_id
    training.checkin_until = min(max(end, now + timedelta(minutes=10)), now + DISPLAY_MAX)
    session.add(training)
    await session.flush()
    return training


async def close_checkin_display(session: AsyncSession, actor: Actor, training_id: int) -> Training:
    training = await managed(session, actor, training_id, "training.checkin")
    training.checkin_until = None
    session.add(training)
    await session.flush()
    return training


async def open_displays(session: AsyncSession, now: datetime) -> list[Training]:
    """Sessions whose QR display is still rotating (what the minute job looks at)."""
    return list((await session.exec(select(Training).where(Training.checkin_until > now,
                                                           Training.status == "scheduled"))).all())
