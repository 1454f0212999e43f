"""/privacy: what the bot keeps about a person, their request to delete it, an admin's confirmation.

个人信息保护法 第四十四条、第四十五条 give a person the right to know and see what is kept about
them, 第四十七条 the right to have it deleted. Anyone may ask, invited or not (a trainee with
no role too): the person is whoever sends the update, by Telegram id.

- `kept` gathers it: the user row (role, name, username, language, region, company), the
  trainee records linked to them (name, mobile, employer, position, category, sessions), the
  questions they asked, and how many audit rows name them.
- `request_deletion` records one pending request per person (pressing again changes
  nothing) and names the admins to tell; it refuses when nothing is kept.
- `confirm_deletion` is an admin's: it checks the role here, whatever button was pressed
  (a stranger's or an SME's forged press is refused), carries the request out once (a
  second press, or a second admin, finds it done and changes nothing) and audits it.
  Carried out: the user row masked and deactivated, the trainee rows masked (their
  attendance stays counted: services.anonymise), future registrations cancelled (the seat
  passes to the waitlist), the person's questions masked, their dialog state deleted (the
  table, and Redis when the handler passes REDIS_URL). Audit rows that name them stay
  for their own period (网络安全法 第二十一条（三）: 第四十七条 lets a legally required
  period run out first); the request row then keeps counts, not the person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, or_, update
from sqlmodel import select

from services import audit
from services.anonymise import is_anonymised, mask_questions, mask_trainees, mask_user
from services.companies import company_name
from services.dialog_erasure import DialogKey, erase_dialog_state
from services.errors import Refusal
from services.session import AsyncSession
from services.training_enrolment import release_seat
from services.users import Actor, Role, users_with_role
from storage.models import AuditEntry, QuestionThread, Training, User
from storage.privacy_tables import PrivacyRequest
from storage.training_tables import Enrolment, Trainee

__all__ = ["Confirmed", "Kept", "KeptSession", "KeptTrainee", "Requested", "confirm_deletion", "erase", "kept",
           "pending_requests", "request_deletion"]

PENDING, DONE = "pending", "done"
#: Statuses of a future session that only hold a place (no attendance to keep).
_PLACE_ONLY = ("registered", "waitlisted")
RECENT_QUESTIONS = 3


@dataclass(frozen=True)
class KeptSession:
    title: str
    starts_at: datetime
    status: str


@dataclass(frozen=True)
class KeptTrainee:
    name: str
    mobile: str  # E.164, shown masked
    company: str
    position: str
    category: str
    sessions: tuple[KeptSession, ...]


@dataclass(frozen=True)
class Kept:
    """Everything the bot keeps that is about one person."""

    telegram_id: int
    role: Role | None = None
    full_name: str = ""
    username: str | None = None
    language: str | None = None
    region_code: str | None = None
    company: str | None = None
    trainees: tuple[KeptTrainee, ...] = ()
    questions: int = 0
    #: (asked at, the question) of the latest few.
    recent_questions: tuple[tuple[datetime, str], ...] = ()
    audit_rows: int = 0
    pending_request: int | None = None

    @property
    def nothing(self) -> bool:
        """Nothing that a deletion would remove (audit rows stay for their own period)."""
        return self.role is None and not self.trainees and not self.questions


@dataclass(frozen=True)
class Requested:
    request_id: int
    already: bool
    #: (telegram id, language) of each active admin, to be told (empty when `already`).
    admins: tuple[tuple[int, str], ...] = ()
    #: What the request covers, for the admins' message.
    kept: Kept | None = None


@dataclass(frozen=True)
class Confirmed:
    request_id: int
    already: bool
    counts: dict[str, int] = field(default_factory=dict)
    #: (telegram id, language) of the person, to be told it is done; None when `already`.
    notify: tuple[int, str] | None = None
    #: The person's dialog-state keys that were erased: the handler has the running process's
    #: own storage forget them as well (its in-memory copy).
    dialog_keys: tuple[DialogKey, ...] = ()


async def _user(session: AsyncSession, telegram_id: int) -> User | None:
    return (await session.exec(select(User).where(User.telegram_id == telegram_id, User.active))).first()


def _their_trainees(telegram_id: int, user_id: int | None):  # noqa: ANN202 - a where clause
    clauses = [Trainee.telegram_id == telegram_id]
    if user_id is not None:
        clauses.append(Trainee.user_id == user_id)
    return or_(*clauses)


async def kept(session: AsyncSession, telegram_id: int) -> Kept:
    """What the bot keeps about the person with this Telegram id (themselves: no actor check)."""
    user = await _user(session, telegram_id)
    trainees = []
    rows = await session.exec(select(Trainee).where(_their_trainees(telegram_id, user.id if user else None))
                              .order_by(Trainee.id))
    for trainee in rows.all():
        if is_anonymised(trainee):
            continue
        sessions = await session.exec(
            select(Training.title, Training.starts_at, Enrolment.status)
            .join(Training, Training.id == Enrolment.training_id)
            .where(Enrolment.trainee_id == trainee.id).order_by(Training.starts_at))
        trainees.append(KeptTrainee(trainee.name, trainee.mobile, trainee.company, trainee.position, trainee.category,
                                    tuple(KeptSession(*row) for row in sessions.all())))
    asked = QuestionThread.asker_telegram_id == telegram_id
    questions = (await session.exec(select(func.count()).select_from(QuestionThread).where(asked))).one()
    recent = await session.exec(select(QuestionThread.asked_at, QuestionThread.question).where(asked)
                                .order_by(QuestionThread.asked_at.desc()).limit(RECENT_QUESTIONS))
    audits = (await session.exec(select(func.count()).select_from(AuditEntry)
                                 .where(AuditEntry.telegram_id == telegram_id))).one()
    pending = (await session.exec(select(PrivacyRequest.id).where(
        PrivacyRequest.telegram_id == telegram_id, PrivacyRequest.status == PENDING))).first()
    common = dict(telegram_id=telegram_id, trainees=tuple(trainees), questions=questions,
                  recent_questions=tuple(recent.all()), audit_rows=audits, pending_request=pending)
    if user is None:
        return Kept(**common)
    return Kept(role=user.role, full_name=user.full_name, username=user.username, language=user.language,
                region_code=user.region_code,
                company=await company_name(session, user.company_id) if user.company_id else None, **common)


async def request_deletion(session: AsyncSession, telegram_id: int, language: str, now: datetime) -> Requested:
    """The person asks for what is kept about them to be deleted (flushed, not committed)."""
    found = await kept(session, telegram_id)
    if found.pending_request is not None:
        return Requested(found.pending_request, already=True)
    if found.nothing:
        raise Refusal("privacy_nothing_to_delete")
    user = await _user(session, telegram_id)
    request = PrivacyRequest(telegram_id=telegram_id, user_id=user.id if user else None, requested_at=now,
                             outcome={"language": language})
    session.add(request)
    await session.flush()
    await audit.record(session, "privacy.requested", "ok", telegram_id, request_id=request.id)
    admins = tuple((a.telegram_id, a.language) for a in await users_with_role(session, Role.admin))
    return Requested(request.id, already=False, admins=admins, kept=found)


async def pending_requests(session: AsyncSession, actor: Actor | None, limit: int = 10) -> list[tuple[int, datetime]]:
    """(id, asked at) of requests waiting for an admin, oldest first (admins only): an admin
    who was not yet known to the bot when a request came finds it under /privacy."""
    _require_admin(actor)
    rows = await session.exec(select(PrivacyRequest.id, PrivacyRequest.requested_at)
                              .where(PrivacyRequest.status == PENDING).order_by(PrivacyRequest.id).limit(limit))
    return list(rows.all())


def _require_admin(actor: Actor | None) -> None:
    if actor is None or actor.role != Role.admin:
        raise Refusal("privacy_not_admin")


async def _request(session: AsyncSession, request_id: int) -> PrivacyRequest:
    request = await session.get(PrivacyRequest, request_id)
    if request is None:
        raise Refusal("privacy_request_unknown")
    return request


async def confirm_deletion(session: AsyncSession, actor: Actor | None, request_id: int, now: datetime, *,
                           redis_url: str | None = None) -> Confirmed:
    """An admin carries a request out, once (flushed, not committed). With `redis_url` (the
    deployment's REDIS_URL) the person's dialog state goes from Redis as well."""
    _require_admin(actor)
    request = await _request(session, request_id)
    claimed = await session.exec(
        update(PrivacyRequest).where(PrivacyRequest.id == request_id, PrivacyRequest.status == PENDING)
        .values(status=DONE, decided_at=now, decided_by=actor.user_id)
        .execution_options(synchronize_session=False))
    if claimed.rowcount != 1:  # done before: by this admin's earlier press, or another admin's
        await session.refresh(request)
        return Confirmed(request_id, already=True, counts=dict(request.outcome))
    telegram_id, language = request.telegram_id, request.outcome.get("language", "zh")
    counts, dialog_keys = await erase(session, telegram_id, now, redis_url=redis_url)
    await session.exec(update(PrivacyRequest).where(PrivacyRequest.id == request_id)
                       .values(telegram_id=None, outcome=counts)
                       .execution_options(synchronize_session=False))
    await audit.record(session, "privacy.erased", "ok", actor.telegram_id, request_id=request_id, **counts)
    return Confirmed(request_id, already=False, counts=counts, notify=(telegram_id, language),
                     dialog_keys=dialog_keys)


async def erase(session: AsyncSession, telegram_id: int, now: datetime, *,
                redis_url: str | None = None) -> tuple[dict[str, int], tuple[DialogKey, ...]]:
    """Mask everything about the person with this Telegram id; returns counts per kind and
    the keys of their dialog state, which goes too, from the table and from Redis
    (services.dialog_erasure)."""
    user = await _user(session, telegram_id)
    user_id = user.id if user else None
    theirs = _their_trainees(telegram_id, user_id)
    cancelled = await _cancel_future_places(session, theirs, now)
    trainees = await mask_trainees(session, theirs, now)
    questions = await mask_questions(session, QuestionThread.asker_telegram_id == telegram_id)
    masked = await mask_user(session, user_id, telegram_id) if user_id is not None else {"users": 0}
    dialogs, dialog_keys = await erase_dialog_state(session, telegram_id, redis_url)
    return {"users": masked["users"], "trainees": trainees, "places_cancelled": cancelled, "questions": questions,
            "dialog_states": dialogs}, dialog_keys


async def _cancel_future_places(session: AsyncSession, theirs, now: datetime) -> int:  # noqa: ANN001
    """A registration for a session still to come is only a place held for a person who is
    no longer known: it is cancelled, and a held seat passes to the waitlist."""
    rows = await session.exec(
        select(Enrolment, Training).join(Training, Training.id == Enrolment.training_id)
        .join(Trainee, Trainee.id == Enrolment.trainee_id)
        .where(theirs, Enrolment.status.in_(_PLACE_ONLY), Training.starts_at > now))
    cancelled = 0
    for enrolment, training in rows.all():
        changed = await session.exec(
            update(Enrolment).where(Enrolment.id == enrolment.id, Enrolment.status == enrolment.status)
            .values(status="cancelled", updated_at=now).execution_options(synchronize_session=False))
        if changed.rowcount == 1:
            cancelled += 1
            if enrolment.status == "registered":
                await release_seat(session, training, now)
    return cancelled
