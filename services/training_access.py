"""Who may organise and manage a training session: the one copy of the rule.

- specialists, supervisors and admins organise sessions; a session belongs to a region
  (its organiser's unless one inside it is chosen);
- a specialist manages the sessions they organise, a supervisor those of their region
  too (services.regions.contains), admins every session.

Every training use case that touches a session asks here (`managed`), so a forged button
is refused and audited the same way whichever room of the training feature it reaches.
"""

from __future__ import annotations

from services import audit, regions
from services.errors import Refusal
from services.session import AsyncSession
from services.users import Actor, Role
from storage.models import Training

__all__ = ["ORGANISER_ROLES", "TrainingRefusal", "deny", "get_session", "managed", "may_manage", "may_organise",
           "require_organiser", "session_region"]

ORGANISER_ROLES = frozenset({Role.specialist, Role.supervisor, Role.admin})


class TrainingRefusal(Refusal):
    """A training use case refused; `code` picks the sentence in locales/*.training.yaml."""


def may_organise(actor: Actor | None) -> bool:
    return actor is not None and actor.role in ORGANISER_ROLES


def may_manage(actor: Actor, training: Training) -> bool:
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


async def session_region(session: AsyncSession, actor: Actor, code: str | None, action: str) -> str | None:
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


async def get_session(session: AsyncSession, training_id: int) -> Training:
    training = await session.get(Training, training_id)
    if training is None:
        raise TrainingRefusal("session_not_found")
    return training


async def require_organiser(session: AsyncSession, actor: Actor, action: str) -> None:
    if not may_organise(actor):
        await deny(session, actor, action, None)


async def managed(session: AsyncSession, actor: Actor, training_id: int, action: str) -> Training:
    """The session, if the actor may manage it; else refused and audited as `action`."""
    training = await get_session(session, training_id)
    if not may_manage(actor, training):
        await deny(session, actor, action, training_id)
    return training


async def deny(session: AsyncSession, actor: Actor, action: str, training_id: int | None) -> None:
    """Audit and refuse; the bot's update commit keeps the audit entry (nothing else was written)."""
    await audit.record(session, action, "denied", actor.telegram_id, role=actor.role.value, training_id=training_id)
    raise TrainingRefusal("not_allowed")
