"""Who is talking to the bot, and with which role."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from services.session import AsyncSession
from storage.models import Role, User

__all__ = ["Actor", "Role", "load_actor", "ensure_admin", "users_with_role"]


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


async def ensure_admin(session: AsyncSession, telegram_id: int, full_name: str, language: str) -> Actor:
    """Configured admins (ADMIN_TELEGRAM_IDS) get their role without an invite."""
    user = (await session.exec(select(User).where(User.telegram_id == telegram_id))).first()
    if user is None:
        user = User(telegram_id=telegram_id, role=Role.admin, full_name=full_name[:128], language=language)
        session.add(user)
        await session.flush()
    elif user.role != Role.admin or not user.active:
        user.role, user.active = Role.admin, True
        session.add(user)
    return _actor(user)


async def users_with_role(session: AsyncSession, *roles: Role) -> list[Actor]:
    rows = await session.exec(select(User).where(User.role.in_(roles), User.active))
    return [_actor(u) for u in rows.all()]
