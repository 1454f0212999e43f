"""Training sessions: scheduling, enrolment with a waitlist, and check-in.

Who may do what (checked here, not only by hidden buttons):
- specialists, supervisors and admins organise sessions; a session belongs to a region
  (its organiser's unless one inside it is chosen); a specialist manages the sessions they
  organise, a supervisor those of their region too, admins every session;
- any invited user may enrol themselves through a session's link and cancel their own
  enrolment; an organiser enrols people (one, or a list from Excel) and ticks the roster.

Seats: `Training.seats_taken` counts enrolments holding a seat (every status but
waitlisted and cancelled). A seat is taken only by the conditional UPDATE in
`_take_seat` and passed on by `_promote`, so two people pressing "enrol" at once never
overfill a session; the unique (session, person) pair makes a second press a no-op.

Check-in links and codes rotate every minute (`ROTATE_SECONDS`): they are an HMAC of
the session's secret and the minute, so a link forwarded to someone absent stops
working a minute later. Services return data; the handlers render and send.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from urllib.parse import urlparse

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from services import audit, regions
from services.companies import within_region
from services.workdays import day_kind
from services.errors import Refusal
from services.session import AsyncSession
from services.trainees import (CATEGORIES, PersonDraft, Trainee, clean_text, linked_elsewhere, mask_mobile,
                               trainee_for_user, upsert_trainee)
from services.users import Actor, Role
from storage.models import Training, User
from storage.training_tables import Enrolment
from storage.types import utcnow

__all__ = [
    "CATEGORIES", "CheckinToken", "EnrolOutcome", "Notice", "RosterLine", "SessionDraft", "STATUSES", "Training",
    "TrainingRefusal", "cancel_enrolment", "cancel_session", "check_in_by_code", "check_in_by_link",
    "checkin_token", "create_session", "day_warning", "enrol_link_payload", "enrol_person", "enrol_self",
    "checkin_window", "close_checkin_display", "open_checkin_display", "open_displays", "organiser_language",
    "get_session", "list_sessions", "may_organise", "my_enrolments", "parse_enrol_payload", "reminder_recipients",
    "roster", "sessions_starting", "set_roster_status", "update_session",
]

ORGANISER_ROLES = frozenset({Role.specialist, Role.supervisor, Role.admin})
STATUSES = ("registered", "waitlisted", "attended", "absent", "excused", "cancelled")
SEATED = ("registered", "attended", "absent", "excused")
#: Tapping a name on the roster moves it on: registered → attended → absent → excused → registered.
ROSTER_NEXT = {"registered": "attended", "waitlisted": "attended", "attended": "absent", "absent": "excused",
               "excused": "registered"}
ROTATE_SECONDS = 60
#: A link scanned in the last seconds of its minute still works this long after it rotated.
GRACE_SECONDS = 10
#: Typed codes are looked for in sessions from this long before the start to after the end.
CODE_WINDOW = timedelta(hours=3)
MAX_CAPACITY = 10_000
ENROL_PREFIX, CHECKIN_PREFIX = "tre_", "trc_"


class TrainingRefusal(Refusal):
    """A training use case refused; `code` picks the sentence in locales/*.training.yaml."""


@dataclass(frozen=True)
class SessionDraft:
    """A session as entered in the dialog; `validate` makes it safe to store."""

    title: str
    category: str
    starts_at: datetime  # aware
    ends_at: datetime  # aware
    capacity: int
    location: str = ""
    online_link: str | None = None
    region_code: str | None = None

    def validate(self, now: datetime) -> "SessionDraft":
        """The draft as it may be stored; every text through the one gate (services.textgate):
        title a name, venue one line, link and region codes; too long refused by name."""
        try:
            title = clean_text(self.title, "training_title", required=True)
            location = clean_text(self.location, "location")
            link = clean_text(self.online_link, "online_link") or None
            region = clean_text(self.region_code, "region_code") or None
        except Refusal as exc:
            raise TrainingRefusal(exc.code, **exc.params) from None
        if self.category not in CATEGORIES:
            raise TrainingRefusal("category_unknown", value=self.category, choices="、".join(CATEGORIES))
        if self.ends_at <= self.starts_at:
            raise TrainingRefusal("ends_before_start")
        if self.starts_at <= now:
            raise TrainingRefusal("starts_in_past")
        if not 1 <= self.capacity <= MAX_CAPACITY:
            raise TrainingRefusal("capacity_range", limit=MAX_CAPACITY)
        if link is not None and not _is_web_link(link):
            raise TrainingRefusal("link_invalid")
        if not location and not link:
            raise TrainingRefusal("venue_missing")
        if region is not None and not re.fullmatch(r"\d{6}", region):
            raise TrainingRefusal("region_invalid")
        return replace(self, title=title, location=location, online_link=link, region_code=region)


@dataclass(frozen=True)
class Notice:
    """Whom to tell about a change: telegram ids with their language, and the session."""

    training: Training
    recipients: tuple[tuple[int, str], ...]
    changes: tuple[str, ...] = ()


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


@dataclass(frozen=True)
class RosterLine:
    enrolment_id: int
    name: str
    mobile: str  # masked
    company: str
    status: str


@dataclass(frozen=True)
class CheckinToken:
    payload: str  # the /start payload of the QR deep link
    code: str  # six digits for typing
    valid_until: datetime


# ------------------------------------------------------------------ sessions


def may_organise(actor: Actor | None) -> bool:
    return actor is not None and actor.role in ORGANISER_ROLES


def day_warning(day: date) -> str | None:
    """What an organiser is warned of for this day (see services.workdays.day_kind)."""
    return day_kind(day)


async def create_session(session: AsyncSession, actor: Actor, draft: SessionDraft, now: datetime) -> Training:
    await _require_organiser(session, actor, "training.create")
    draft = draft.validate(now)
    draft = replace(draft, region_code=await _session_region(session, actor, draft.region_code, "training.create"))
    training = Training(title=draft.title, category=draft.category, starts_at=draft.starts_at, ends_at=draft.ends_at,
                        location=draft.location, online_link=draft.online_link, region_code=draft.region_code,
                        capacity=draft.capacity, organiser_id=actor.user_id, checkin_secret=secrets.token_hex(16))
    session.add(training)
    await session.flush()
    return training


async def get_session(session: AsyncSession, training_id: int) -> Training:
    training = await session.get(Training, training_id)
    if training is None:
        raise TrainingRefusal("session_not_found")
    return training


def draft_of(training: Training) -> SessionDraft:
    """The stored session as a draft, for the edit dialog."""
    return SessionDraft(training.title, training.category, training.starts_at,
                        training.ends_at or training.starts_at + timedelta(hours=3), training.capacity or 1,
                        training.location, training.online_link, training.region_code)


async def update_session(session: AsyncSession, actor: Actor, training_id: int, draft: SessionDraft,
                         now: datetime) -> Notice:
    """Save an edit and say whom to tell (everyone enrolled or waitlisted who uses the bot)."""
    training = await _managed(session, actor, training_id, "training.edit")
    if training.status == "cancelled":
        raise TrainingRefusal("session_cancelled")
    draft = draft.validate(now)
    if draft.region_code != training.region_code:
        draft = replace(draft, region_code=await _session_region(session, actor, draft.region_code, "training.edit"))
    if draft.capacity < training.seats_taken:
        raise TrainingRefusal("capacity_below_enrolled", enrolled=training.seats_taken)
    before = draft_of(training)
    changes = tuple(name for name in ("title", "category", "starts_at", "ends_at", "location", "online_link",
                                      "region_code", "capacity") if getattr(before, name) != getattr(draft, name))
    for name in changes:
        setattr(training, name, getattr(draft, name))
    training.updated_at = utcnow()
    session.add(training)
    await session.flush()
    if "starts_at" in changes:
        await session.exec(update(Enrolment).where(Enrolment.training_id == training.id)
                           .values(session_starts_at=training.starts_at))
    promoted = await _promote(session, training, now, need_seat=True)  # a larger capacity lets the waitlist in
    while promoted is not None:
        promoted = await _promote(session, training, now, need_seat=True)
    await session.refresh(training)  # seats moved by statements, not through this object
    return Notice(training, await _recipients(session, training.id), changes)


async def cancel_session(session: AsyncSession, actor: Actor, training_id: int) -> Notice:
    training = await _managed(session, actor, training_id, "training.cancel")
    if training.status == "cancelled":
        raise TrainingRefusal("session_cancelled")
    attended = (await session.exec(select(Enrolment.id).where(Enrolment.training_id == training.id,
                                                              Enrolment.status == "attended"))).first()
    if attended is not None:  # it took place: its people stay counted
        raise TrainingRefusal("session_has_attendance")
    recipients = await _recipients(session, training.id)
    training.status, training.updated_at = "cancelled", utcnow()
    session.add(training)
    await session.flush()
    return Notice(training, recipients)


async def list_sessions(session: AsyncSession, actor: Actor, now: datetime, limit: int = 20) -> list[Training]:
    """Sessions from a week ago on, soonest first, that the actor manages (`_may_manage`)."""
    query = select(Training).where(Training.starts_at >= now - timedelta(days=7)).order_by(Training.starts_at)
    if actor.role != Role.admin:
        mine = Training.organiser_id == actor.user_id
        scope = regions.lookup(actor.region_code) if actor.role == Role.supervisor else None
        query = query.where(or_(mine, within_region(Training.region_code, scope.code)) if scope else mine)
    return list((await session.exec(query.limit(limit))).all())


# ------------------------------------------------------------------ enrolment


def enrol_link_payload(training: Training) -> str:
    """`tre_<id>_<sig>`: a session's self-enrolment deep link (the signature stops guessed ids)."""
    return f"{ENROL_PREFIX}{training.id}_{_mac(training, 'enrol', 10)}"


async def parse_enrol_payload(session: AsyncSession, payload: str) -> Training:
    match = re.fullmatch(rf"{ENROL_PREFIX}(\d{{1,9}})_([0-9a-f]{{10}})", payload)
    training = await session.get(Training, int(match.group(1))) if match else None
    if training is None or not hmac.compare_digest(_mac(training, "enrol", 10), match.group(2)):
        raise TrainingRefusal("link_unknown")
    return training


async def enrol_person(session: AsyncSession, actor: Actor, training_id: int, person: PersonDraft,
                       now: datetime, source: str = "organiser") -> EnrolOutcome:
    """An organiser enrols one person (found or created by mobile number)."""
    training = await _managed(session, actor, training_id, "training.enrol")
    _check_open(training, now)
    trainee = await upsert_trainee(session, person)
    return await _enrol(session, training, trainee, source, now)


async def enrol_self(session: AsyncSession, actor: Actor, training: Training, now: datetime,
                     person: PersonDraft | None = None) -> EnrolOutcome:
    """A bot user enrols through the link; `person` is needed once, to learn their mobile."""
    _check_open(training, now)
    trainee = await trainee_for_user(session, actor.user_id)
    if trainee is None:
        if person is None:
            raise TrainingRefusal("need_details")
        if await linked_elsewhere(session, person.mobile, actor.user_id):
            raise TrainingRefusal("mobile_linked_to_other")
        trainee = await upsert_trainee(session, person, user_id=actor.user_id)
    return await _enrol(session, training, trainee, "self", now)


async def my_enrolments(session: AsyncSession, actor: Actor, now: datetime) -> list[tuple[Enrolment, Training]]:
    trainee = await trainee_for_user(session, actor.user_id)
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
    if trainee.user_id != actor.user_id and not _may_manage(actor, training):
        await _deny(session, actor, "training.unenrol", training.id)
    old = enrolment.status
    if old == "cancelled":
        return CancelOutcome(training, already=True)
    changed = await session.exec(update(Enrolment).where(Enrolment.id == enrolment.id, Enrolment.status == old)
                                 .values(status="cancelled", updated_at=utcnow()))
    if changed.rowcount != 1:  # a concurrent press cancelled it first
        return CancelOutcome(training, already=True)
    promoted = None
    if old in SEATED:
        promoted = await _promote(session, training, now, need_seat=False)
        if promoted is None:
            await session.exec(update(Training).where(Training.id == training.id, Training.seats_taken > 0)
                               .values(seats_taken=Training.seats_taken - 1))
    await session.flush()
    await session.refresh(training)
    if promoted is None:
        return CancelOutcome(training, already=False)
    contact = await _contact(session, promoted.trainee_id)
    person = await session.get(Trainee, promoted.trainee_id)
    return CancelOutcome(training, already=False, promoted=contact, promoted_name=person.name)


def _check_open(training: Training, now: datetime) -> None:
    if training.status == "cancelled":
        raise TrainingRefusal("session_cancelled")
    if (training.ends_at or training.starts_at) <= now:
        raise TrainingRefusal("session_over")


async def _enrol(session: AsyncSession, training: Training, trainee: Trainee, source: str,
                 now: datetime) -> EnrolOutcome:
    _check_open(training, now)
    existing = await _enrolment_of(session, training.id, trainee.id)
    if existing is None:
        enrolment = Enrolment(training_id=training.id, trainee_id=trainee.id, status="waitlisted", source=source,
                              enrolled_at=now, session_starts_at=training.starts_at)
        try:
            async with session.begin_nested():
                session.add(enrolment)
        except IntegrityError:  # a concurrent press enrolled this person first
            return EnrolOutcome(await _enrolment_of(session, training.id, trainee.id), trainee, training, True)
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


async def _promote(session: AsyncSession, training: Training, now: datetime, *, need_seat: bool) -> Enrolment | None:
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


async def _enrolment_of(session: AsyncSession, training_id: int, trainee_id: int) -> Enrolment | None:
    return (await session.exec(select(Enrolment).where(Enrolment.training_id == training_id,
                                                       Enrolment.trainee_id == trainee_id))).first()


# ------------------------------------------------------------------ roster and check-in


async def roster(session: AsyncSession, actor: Actor, training_id: int) -> tuple[Training, list[RosterLine]]:
    training = await _managed(session, actor, training_id, "training.roster")
    rows = await session.exec(
        select(Enrolment, Trainee).join(Trainee, Trainee.id == Enrolment.trainee_id)
        .where(Enrolment.training_id == training_id, Enrolment.status != "cancelled")
        .order_by(col(Enrolment.status) == "waitlisted", Enrolment.enrolled_at, Enrolment.id))
    return training, [RosterLine(e.id, t.name, mask_mobile(t.mobile), t.company, e.status) for e, t in rows.all()]


async def set_roster_status(session: AsyncSession, actor: Actor, enrolment_id: int, expected: str,
                            now: datetime) -> str | None:
    """Move a roster line to its next status if it still has `expected` (else None: an old button)."""
    enrolment = await session.get(Enrolment, enrolment_id)
    if enrolment is None:
        raise TrainingRefusal("enrolment_not_found")
    training = await _managed(session, actor, enrolment.training_id, "training.roster")
    new = ROSTER_NEXT.get(expected)
    if new is None or enrolment.status != expected:
        return None
    return new if await _set_status(session, training, enrolment, expected, new, now) else None


def checkin_token(training: Training, now: datetime) -> CheckinToken:
    """The current minute's check-in link payload and typed code."""
    window = _window(now)
    _ensure_secret(training)
    valid_until = datetime.fromtimestamp((window + 1) * ROTATE_SECONDS, tz=now.tzinfo)
    return CheckinToken(f"{CHECKIN_PREFIX}{training.id}_{window}_{_mac(training, f'link:{window}', 10)}",
                        _code(training, window), valid_until)


async def check_in_by_link(session: AsyncSession, actor: Actor, payload: str, now: datetime) -> EnrolOutcome:
    match = re.fullmatch(rf"{CHECKIN_PREFIX}(\d{{1,9}})_(\d{{1,12}})_([0-9a-f]{{10}})", payload)
    training = await session.get(Training, int(match.group(1))) if match else None
    if training is None or not training.checkin_secret:
        raise TrainingRefusal("checkin_link_invalid")
    window = int(match.group(2))
    if not hmac.compare_digest(_mac(training, f"link:{window}", 10), match.group(3)):
        raise TrainingRefusal("checkin_link_invalid")
    if not _fresh(window, now):
        raise TrainingRefusal("checkin_link_expired")
    return await _check_in(session, actor, training, now)


async def check_in_by_code(session: AsyncSession, actor: Actor, code: str, now: datetime) -> EnrolOutcome:
    """A typed six-digit code, matched against the actor's own sessions happening about now.

    Read through the gate's ``code`` kind (services.textgate): full-width digits are digits, and
    spaces, controls, bidi and zero-width characters are gone; then exactly six ASCII digits
    (other scripts' digits are refused by shape, as hmac compares ASCII only)."""
    from services import textgate

    code = textgate.clean(code, textgate.Kind.code)
    if not re.fullmatch(r"[0-9]{6}", code):
        raise TrainingRefusal("checkin_code_shape")
    trainee = await trainee_for_user(session, actor.user_id)
    open_sessions = [] if trainee is None else (await session.exec(
        select(Training).join(Enrolment, Enrolment.training_id == Training.id)
        .where(Enrolment.trainee_id == trainee.id, Enrolment.status != "cancelled", Training.status == "scheduled",
               Training.starts_at <= now + CODE_WINDOW, Training.starts_at >= now - timedelta(days=2)))).all()
    open_sessions = [t for t in open_sessions if (t.ends_at or t.starts_at) + CODE_WINDOW >= now and t.checkin_secret]
    if not open_sessions:
        raise TrainingRefusal("checkin_no_session")
    current = _window(now)
    for training in open_sessions:
        for window in range(current, current - 30, -1):
            if hmac.compare_digest(_code(training, window), code):
                if not _fresh(window, now):
                    raise TrainingRefusal("checkin_code_expired")
                return await _check_in(session, actor, training, now)
    raise TrainingRefusal("checkin_code_wrong")


async def _check_in(session: AsyncSession, actor: Actor, training: Training, now: datetime) -> EnrolOutcome:
    if training.status == "cancelled":
        raise TrainingRefusal("session_cancelled")
    trainee = await trainee_for_user(session, actor.user_id)
    enrolment = await _enrolment_of(session, training.id, trainee.id) if trainee else None
    if enrolment is None or enrolment.status == "cancelled":
        raise TrainingRefusal("checkin_not_enrolled")
    if enrolment.status == "attended":
        return EnrolOutcome(enrolment, trainee, training, already=True)
    if not await _set_status(session, training, enrolment, enrolment.status, "attended", now):
        await session.refresh(enrolment)
        return EnrolOutcome(enrolment, trainee, training, already=True)
    return EnrolOutcome(enrolment, trainee, training)


async def _set_status(session: AsyncSession, training: Training, enrolment: Enrolment, old: str, new: str,
                      now: datetime) -> bool:
    """Conditional status change; a waitlisted person who attends takes a seat (they were there)."""
    values: dict[str, object] = {"status": new, "updated_at": now}
    if new == "attended":
        values["checked_in_at"] = now
    changed = await session.exec(update(Enrolment).where(Enrolment.id == enrolment.id, Enrolment.status == old)
                                 .values(**values))
    if changed.rowcount != 1:
        return False
    if old == "waitlisted":
        await session.exec(update(Training).where(Training.id == training.id)
                           .values(seats_taken=Training.seats_taken + 1))
        await session.refresh(training)
    await session.flush()
    await session.refresh(enrolment)
    return True


#: A check-in QR display keeps rotating this long after the session's end (then it stops by itself).
DISPLAY_AFTER_END = timedelta(minutes=30)
DISPLAY_MAX = timedelta(hours=8)


async def open_checkin_display(session: AsyncSession, actor: Actor, training_id: int, chat_id: int,
                               message_id: int, now: datetime) -> Training:
    """Remember the organiser's QR message so the rotation job replaces it every minute."""
    training = await _managed(session, actor, training_id, "training.checkin")
    end = (training.ends_at or training.starts_at) + DISPLAY_AFTER_END
    training.checkin_chat_id, training.checkin_message_id = chat_id, message_id
    training.checkin_until = min(max(end, now + timedelta(minutes=10)), now + DISPLAY_MAX)
    session.add(training)
    await session.flush()
    return training


async def close_checkin_display(session: AsyncSession, actor: Actor, training_id: int) -> Training:
    training = await _managed(session, actor, training_id, "training.checkin")
    training.checkin_until = None
    session.add(training)
    await session.flush()
    return training


async def open_displays(session: AsyncSession, now: datetime) -> list[Training]:
    """Sessions whose QR display is still rotating (what the minute job looks at)."""
    return list((await session.exec(select(Training).where(Training.checkin_until > now,
                                                           Training.status == "scheduled"))).all())


async def organiser_language(session: AsyncSession, training: Training) -> str:
    organiser = await session.get(User, training.organiser_id) if training.organiser_id else None
    return organiser.language if organiser else "zh"


def checkin_window(now: datetime) -> int:
    """The minute a check-in token belongs to (its number names the rotation's run key)."""
    return _window(now)


def _window(now: datetime) -> int:
    return int(now.timestamp()) // ROTATE_SECONDS


def _fresh(window: int, now: datetime) -> bool:
    current = _window(now)
    return window == current or (window == current - 1 and now.timestamp() - current * ROTATE_SECONDS <= GRACE_SECONDS)


def _code(training: Training, window: int) -> str:
    return f"{int(_mac(training, f'code:{window}', 12), 16) % 1_000_000:06d}"


def _ensure_secret(training: Training) -> None:
    """Sessions made before training_1 (or by an import) get their secret on first use."""
    if not training.checkin_secret:
        training.checkin_secret = secrets.token_hex(16)


def _mac(training: Training, purpose: str, length: int) -> str:
    _ensure_secret(training)
    message = f"{training.id}:{purpose}".encode()
    return hmac.new(training.checkin_secret.encode(), message, hashlib.sha256).hexdigest()[:length]


# ------------------------------------------------------------------ permissions and people


def _may_manage(actor: Actor, training: Training) -> bool:
    """Admins every session; a supervisor those of their region (services.regions.contains)
    and their own; a specialist their own. A session with no region is its organiser's and
    the admins' only (deny by default)."""
    if actor.role == Role.admin:
        return True
    if actor.role not in ORGANISER_ROLES:
        return False
    if training.organiser_id == actor.user_id:
        return True
    return actor.role == Role.supervisor and regions.contains(actor.region_code, training.region_code)


async def _session_region(session: AsyncSession, actor: Actor, code: str | None, action: str) -> str | None:
    """The region a session belongs to: the one given, inside the organiser's own (any for
    admins), or the organiser's own when none is given. A province-level code is a session
    open to the whole province, which its card says."""
    scope = regions.lookup(actor.region_code)
    if code is None:
        if scope is None and actor.role != Role.admin:
            await audit.record(session, action, "denied", actor.telegram_id, role=actor.role.value, reason="no_region")
            raise TrainingRefusal("organiser_no_region")
        return scope.code if scope else None
    division = regions.lookup(code)
    if division is None:
        raise TrainingRefusal("region_invalid")
    if actor.role != Role.admin and not regions.contains(scope.code if scope else None, division.code):
        await audit.record(session, action, "denied", actor.telegram_id, role=actor.role.value, region=division.code)
        raise TrainingRefusal("region_outside", region=division.full_name, region_code=division.code)
    return division.code


async def _require_organiser(session: AsyncSession, actor: Actor, action: str) -> None:
    if not may_organise(actor):
        await _deny(session, actor, action, None)


async def _managed(session: AsyncSession, actor: Actor, training_id: int, action: str) -> Training:
    training = await get_session(session, training_id)
    if not _may_manage(actor, training):
        await _deny(session, actor, action, training_id)
    return training


async def _deny(session: AsyncSession, actor: Actor, action: str, training_id: int | None) -> None:
    """Audit and refuse; the bot's update commit keeps the audit entry (nothing else was written)."""
    await audit.record(session, action, "denied", actor.telegram_id, role=actor.role.value, training_id=training_id)
    raise TrainingRefusal("not_allowed")


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
    if training.organiser_id is not None:
        organiser = await session.get(User, training.organiser_id)
        if organiser is not None and organiser.active:
            people = [p for p in people if p[0] != organiser.telegram_id]
            people.append((organiser.telegram_id, organiser.language, "organiser"))
    return people


async def _recipients(session: AsyncSession, training_id: int) -> tuple[tuple[int, str], ...]:
    """Bot users enrolled or waitlisted in the session, and its organiser."""
    rows = await session.exec(
        select(User.telegram_id, User.language).join(Trainee, Trainee.user_id == User.id)
        .join(Enrolment, Enrolment.trainee_id == Trainee.id)
        .where(Enrolment.training_id == training_id, Enrolment.status.in_(("registered", "waitlisted")), User.active))
    return tuple(dict.fromkeys((tid, lang) for tid, lang in rows.all()))


async def _contact(session: AsyncSession, trainee_id: int) -> tuple[int, str] | None:
    row = (await session.exec(select(User.telegram_id, User.language).join(Trainee, Trainee.user_id == User.id)
                              .where(Trainee.id == trainee_id, User.active))).first()
    return (row[0], row[1]) if row else None


def _is_web_link(text: str) -> bool:
    parsed = urlparse(text)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc) and len(text) <= 256 and " " not in text
