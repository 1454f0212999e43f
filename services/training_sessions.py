"""Training sessions: schedule, edit, cancel, list.

Specialists, supervisors and admins organise sessions and manage them by the one rule in
services.training_access. An edit or a cancellation returns a `Notice` (whom to tell);
the handler sends it. A larger capacity lets the waitlist in at once
(services.training_enrolment.promote).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from urllib.parse import urlparse

from sqlalchemy import or_, update
from sqlmodel import select

from services import regions
from services.companies import within_region
from services.errors import Refusal
from services.session import AsyncSession
from services.trainees import CATEGORIES, clean_text
from services.training_access import TrainingRefusal, managed, require_organiser, session_region
from services.training_enrolment import promote
from services.training_recipients import notice_recipients
from services.users import Actor, Role
from services.workdays import day_kind
from storage.models import Training
from storage.training_tables import Enrolment
from storage.types import utcnow

__all__ = ["MAX_CAPACITY", "Notice", "SessionDraft", "cancel_session", "create_session", "day_warning", "draft_of",
           "is_web_link", "list_sessions", "update_session"]

MAX_CAPACITY = 10_000


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
        if link is not None and not is_web_link(link):
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


def day_warning(day: date) -> str | None:
    """What an organiser is warned of for this day (see services.workdays.day_kind)."""
    return day_kind(day)


def is_web_link(text: str) -> bool:
    parsed = urlparse(text)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc) and len(text) <= 256 and " " not in text


async def create_session(session: AsyncSession, actor: Actor, draft: SessionDraft, now: datetime) -> Training:
    await require_organiser(session, actor, "training.create")
    draft = draft.validate(now)
    draft = replace(draft, region_code=await session_region(session, actor, draft.region_code, "training.create"))
    training = Training(title=draft.title, category=draft.category, starts_at=draft.starts_at, ends_at=draft.ends_at,
                        location=draft.location, online_link=draft.online_link, region_code=draft.region_code,
                        capacity=draft.capacity, organiser_id=actor.user_id, checkin_secret=secrets.token_hex(16))
    session.add(training)
    await session.flush()
    return training


def draft_of(training: Training) -> SessionDraft:
    """The stored session as a draft, for the edit dialog."""
    return SessionDraft(training.title, training.category, training.starts_at,
                        training.ends_at or training.starts_at + timedelta(hours=3), training.capacity or 1,
                        training.location, training.online_link, training.region_code)


async def update_session(session: AsyncSession, actor: Actor, training_id: int, draft: SessionDraft,
                         now: datetime) -> Notice:
    """Save an edit and say whom to tell (everyone enrolled or waitlisted who uses the bot)."""
    training = await managed(session, actor, training_id, "training.edit")
    if training.status == "cancelled":
        raise TrainingRefusal("session_cancelled")
    draft = draft.validate(now)
    if draft.region_code != training.region_code:
        draft = replace(draft, region_code=await session_region(session, actor, draft.region_code, "training.edit"))
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
    promoted = await promote(session, training, now, need_seat=True)  # a larger capacity lets the waitlist in
    while promoted is not None:
        promoted = await promote(session, training, now, need_seat=True)
    await session.refresh(training)  # seats moved by statements, not through this object
    return Notice(training, await notice_recipients(session, training.id), changes)


async def cancel_session(session: AsyncSession, actor: Actor, training_id: int) -> Notice:
    training = await managed(session, actor, training_id, "training.cancel")
    if training.status == "cancelled":
        raise TrainingRefusal("session_cancelled")
    attended = (await session.exec(select(Enrolment.id).where(Enrolment.training_id == training.id,
                                                              Enrolment.status == "attended"))).first()
    if attended is not None:  # it took place: its people stay counted
        raise TrainingRefusal("session_has_attendance")
    recipients = await notice_recipients(session, training.id)
    training.status, training.updated_at = "cancelled", utcnow()
    session.add(training)
    await session.flush()
    return Notice(training, recipients)


async def list_sessions(session: AsyncSession, actor: Actor, now: datetime, limit: int = 20) -> list[Training]:
    """Sessions from a week ago on, soonest first, that the actor manages (the rule of
    services.training_access.may_manage, as a query)."""
    query = select(Training).where(Training.starts_at >= now - timedelta(days=7)).order_by(Training.starts_at)
    if actor.role != Role.admin:
        mine = Training.organiser_id == actor.user_id
        scope = regions.lookup(actor.region_code) if actor.role == Role.supervisor else None
        query = query.where(or_(mine, within_region(Training.region_code, scope.code)) if scope else mine)
    return list((await session.exec(query.limit(limit))).all())
