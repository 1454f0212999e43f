"""Who is talking to the bot, and with which role; `ActorCache` spares the lookup per update."""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, object_session
from sqlmodel import select

from locales import LANGUAGES
from services.session import AsyncSession
from storage.models import Role, User

__all__ = ["Actor", "ActorCache", "ACTOR_CACHE_SECONDS", "LANGUAGES", "Role", "load_actor", "ensure_admin",
           "set_language", "users_with_role"]

#: How long the bot may go on trusting a loaded actor (role, active flag) without asking
#: the database again. Reading the user costs a connection and a query (about 0.5 ms of
#: the bot's CPU) on every update, more than the rest of a simple update; a few seconds
#: of reuse removes nearly all of that for a person sending several messages in a row.
#: The price: a change made *outside* this process (another bot process, the command
#: line, SQL by hand) reaches a user's next update up to this late. Changes this process
#: makes through a session (an invite redeemed, an admin restored, a role or `active`
#: flag changed, also by a bulk `update(User)`) drop the cached entry at once, see
#: `_user_changed` and `_users_changed_in_bulk`. Tests may lower `ActorCache.ttl`.
ACTOR_CACHE_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class Actor:
    """The invited user behind an update, as handlers see it."""

    user_id: int
    telegram_id: int
    role: Role
    full_name: str
    region_code: str | None
    company_id: int | None
    language: str


def _actor(user: User) -> Actor:
    return Actor(user.id, user.telegram_id, user.role, user.full_name, user.region_code, user.company_id, user.language)


async def load_actor(session: AsyncSession, telegram_id: int) -> Actor | None:
    user = (await session.exec(select(User).where(User.telegram_id == telegram_id, User.active))).first()
    return _actor(user) if user else None


class ActorCache:
    """Recently loaded actors by Telegram id, `None` included (a stranger stays one).

    One per bot (dispatcher), so two bots on two databases in one process (tests) never
    see each other's users; every live cache hears of every user change in the process.
    """

    def __init__(self, ttl: float = ACTOR_CACHE_SECONDS, size: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl, self.size, self.clock = ttl, size, clock
        self.entries: dict[int, tuple[float, Actor | None]] = {}
        # Bumped by every forget: a load that started before a change must not be stored
        # after it (it may have read the old row).
        self.version = 0
        _CACHES.add(self)

    def get(self, telegram_id: int) -> tuple[bool, Actor | None]:
        """(found, actor): found is False when the database has to be asked."""
        entry = self.entries.get(telegram_id)
        if entry is None or entry[0] <= self.clock():
            return False, None
        return True, entry[1]

    def put(self, telegram_id: int, actor: Actor | None, version: int) -> None:
        """Keep what a load begun at `version` found, unless a user changed since."""
        if version != self.version or self.ttl <= 0:
            return
        if len(self.entries) >= self.size:
            self.entries.clear()  # rare (a flood of ids); cheaper than tracking age
        self.entries[telegram_id] = (self.clock() + self.ttl, actor)

    def forget(self, telegram_id: int) -> None:
        self.version += 1
        self.entries.pop(telegram_id, None)

    def clear(self) -> None:
        self.version += 1
        self.entries.clear()


_CACHES: weakref.WeakSet[ActorCache] = weakref.WeakSet()
_CHANGED = "ipbot.users_changed"


def _forget_everywhere(telegram_ids: set[int] | list[int]) -> None:
    for cache in list(_CACHES):
        for telegram_id in telegram_ids:
            cache.forget(telegram_id)


@event.listens_for(User, "after_insert")
@event.listens_for(User, "after_update")
@event.listens_for(User, "after_delete")
def _user_changed(_mapper: object, _connection: object, user: User) -> None:
    """A user row was written (flush): drop it from the caches now and again at commit,
    since a concurrent update may read and cache the old row before the commit."""
    _forget_everywhere([user.telegram_id])
    session = object_session(user)
    if session is not None:
        session.info.setdefault(_CHANGED, set()).add(user.telegram_id)


@event.listens_for(Session, "do_orm_execute")
def _users_changed_in_bulk(state: ORMExecuteState) -> None:
    """`update(User)` / `delete(User)` through a session: which rows is unknown, so all go."""
    if (state.is_update or state.is_delete) and state.bind_mapper is not None and state.bind_mapper.class_ is User:
        for cache in list(_CACHES):
            cache.clear()


@event.listens_for(Session, "after_commit")
def _users_committed(session: Session) -> None:
    changed = session.info.pop(_CHANGED, None)
    if changed:
        _forget_everywhere(changed)


async def ensure_admin(session: AsyncSession, telegram_id: int, full_name: str, language: str) -> Actor:
    """Configured admins (ADMIN_TELEGRAM_IDS) get their role without an invite."""
    user = (await session.exec(select(User).where(User.telegram_id == telegram_id))).first()
    if user is None:
        from services import textgate

        # Telegram's name, gated and cut to the column (textgate.TELEGRAM_NAME), never refused.
        full_name = textgate.gate(full_name, textgate.TELEGRAM_NAME)
        user = User(telegram_id=telegram_id, role=Role.admin, full_name=full_name, language=language)
        session.add(user)
        await session.flush()
    elif user.role != Role.admin or not user.active:
        user.role, user.active = Role.admin, True
        session.add(user)
    return _actor(user)


async def users_with_role(session: AsyncSession, *roles: Role) -> list[Actor]:
    rows = await session.exec(select(User).where(User.role.in_(roles), User.active))
    return [_actor(u) for u in rows.all()]


async def set_language(session: AsyncSession, actor: Actor, language: str) -> Actor:
    """The actor's own language (one of `LANGUAGES`) for every reply, menu and scheduled
    message from now on, kept in ``users.language`` (flushed, not committed).

    Anyone invited may choose it for themselves, nobody for another: the row changed is the
    actor's own. The language was the Telegram app's when the user arrived, and could not
    be changed (issue 19). Returns the actor as the next update will see it (the flush drops
    the cached one, see `_user_changed`)."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {language!r}")
    user = (await session.exec(select(User).where(User.telegram_id == actor.telegram_id, User.active))).first()
    if user is None:
        raise LookupError(f"no active user {actor.telegram_id}")
    if user.language != language:
        user.language = language
        session.add(user)
        await session.flush()
    return _actor(user)
