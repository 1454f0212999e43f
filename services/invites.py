"""Invites: the only way a Telegram user gets a role.

Tokens are random and single-use; only their SHA-256 is stored, so a leaked
database does not leak usable links. A token is bound to the first user who
redeems it, atomically, so two people racing for one link cannot both win.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import update
from sqlmodel import select

from services import audit, regions
from services.companies import Company, CompanyError, can_see, find_by_uscc
from services.errors import Refusal
from services.session import AsyncSession
from services.users import Actor, load_actor
from storage.models import Invite, Role, User
from storage.types import utcnow

MAX_LIFETIME = timedelta(days=90)
DEFAULT_LIFETIME = timedelta(days=7)
_DURATION = re.compile(r"^\s*(\d{1,4})\s*([dhm])\s*$", re.IGNORECASE)

# Who may invite whom. Operators on the server shell (`ipbot invite`) may invite any role.
# Specialists invite the users of companies they can see (services.companies.can_see).
# Staff invites carry a region (`invite_region`): inside the inviter's, or chosen by an admin.
MAY_INVITE: dict[Role, frozenset[Role]] = {
    Role.admin: frozenset(Role),
    Role.supervisor: frozenset({Role.specialist, Role.sme}),
    Role.specialist: frozenset({Role.sme}),
}


class InviteError(Refusal):
    """An invite cannot be made."""


class Redeemed(StrEnum):
    ok = "ok"
    unknown = "unknown"
    expired = "expired"
    used = "used"
    already_member = "already_member"


@dataclass(frozen=True)
class Ticket:
    """A fresh invite: the clear token exists only here, to be shown once."""

    token: str
    role: Role
    expires_at: datetime
    region_code: str | None = None


@dataclass(frozen=True)
class RedeemResult:
    outcome: Redeemed
    actor: Actor | None = None


def parse_lifetime(text: str | None) -> timedelta:
    """'7d', '12h', '30m' -> timedelta, at most 90 days."""
    if not text:
        return DEFAULT_LIFETIME
    match = _DURATION.match(text)
    if not match:
        raise InviteError("bad_lifetime", value=text)
    amount, unit = int(match.group(1)), match.group(2).lower()
    lifetime = {"d": timedelta(days=amount), "h": timedelta(hours=amount), "m": timedelta(minutes=amount)}[unit]
    if not timedelta(minutes=5) <= lifetime <= MAX_LIFETIME:
        raise InviteError("bad_lifetime", value=text)
    return lifetime


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def deep_link(bot_username: str, token: str) -> str:
    return f"https://t.me/{bot_username}?start={token}"


async def create_invite(
    session: AsyncSession,
    role: Role | str,
    *,
    region_code: str | None = None,
    company_uscc: str | None = None,
    company_id: int | None = None,
    lifetime: timedelta = DEFAULT_LIFETIME,
    created_by: Actor | None = None,
) -> Ticket:
    """Make an invite; its token is shown once and never stored in clear."""
    try:
        role = Role(role)
    except ValueError:
        raise InviteError("bad_role", value=str(role)) from None
    if created_by is not None and role not in MAY_INVITE.get(created_by.role, frozenset()):
        raise InviteError("not_allowed", role=role.value)
    region_code = await invite_region(session, role, region_code, created_by)
    if role == Role.sme:
        company_id = (await _invited_company(session, company_uscc, company_id, created_by)).id
    else:
        company_id = None
    token = secrets.token_urlsafe(18)
    expires_at = utcnow() + lifetime
    session.add(
        Invite(
            token_hash=hash_token(token),
            role=role,
            region_code=region_code,
            company_id=company_id,
            created_by=created_by.user_id if created_by else None,
            expires_at=expires_at,
        )
    )
    await audit.record(
        session, "invite.create", "ok", created_by.telegram_id if created_by else None,
        role=role.value, region=region_code, company_id=company_id, expires_in_s=int(lifetime.total_seconds()),
    )
    return Ticket(token, role, expires_at, region_code)


#: Roles whose reach is a region (services.companies.can_see); SMEs are bound to a company.
REGIONAL_ROLES = frozenset({Role.supervisor, Role.specialist})


async def invite_region(session: AsyncSession, role: Role, region: str | None, inviter: Actor | None) -> str | None:
    """The region a new user of `role` will serve, as a six-digit division code.

    A supervisor gives only regions inside their own (their own when none is named); an
    admin must name one, the province's own code being the explicit "province-wide"
    choice, because a staff user without a region sees nothing. The operator on the
    server shell (`inviter` None) may leave it out. SME and admin invites carry none.
    """
    if role not in REGIONAL_ROLES:
        return None
    division = None
    if region is not None:
        division = regions.lookup(region.strip())
        if division is None:
            raise InviteError("bad_region", value=region)
    if inviter is None or inviter.role == Role.admin:
        if division is None and inviter is not None:
            raise InviteError("region_required")
        return division.code if division else None
    scope = regions.lookup(inviter.region_code)
    if scope is None:
        await audit.record(session, "invite.denied", "denied", inviter.telegram_id, role=inviter.role.value,
                           reason="inviter_no_region")
        raise InviteError("inviter_no_region")
    if division is None:
        return scope.code
    if not regions.contains(scope.code, division.code):
        await audit.record(session, "invite.denied", "denied", inviter.telegram_id, role=inviter.role.value,
                           region=division.code, reason="region_outside")
        raise InviteError("region_outside", region=division.full_name, region_code=division.code, scope=scope.full_name)
    return division.code


async def _invited_company(session: AsyncSession, uscc: str | None, company_id: int | None,
                           created_by: Actor | None) -> Company:
    """The company an SME invite is for, by credit code or id, and visible to the inviter."""
    if company_id is not None:
        company = await session.get(Company, company_id)
        shown = str(company_id)
    elif uscc:
        try:
            company = await find_by_uscc(session, uscc)
        except CompanyError as exc:
            raise InviteError(exc.code, value=uscc) from None
        shown = uscc
    else:
        raise InviteError("sme_needs_company")
    if company is None:
        raise InviteError("unknown_company", value=shown)
    if created_by is not None and not can_see(created_by, company):
        await audit.record(session, "invite.denied", "denied", created_by.telegram_id, role=created_by.role.value,
                           company_id=company.id)
        raise InviteError("company_not_visible", value=shown)
    return company


async def redeem(
    session: AsyncSession, token: str, telegram_id: int, full_name: str, username: str | None, language: str,
    *, now: datetime | None = None,
) -> RedeemResult:
    """Bind the invite to this Telegram user and give them its role."""
    now = now or utcnow()
    if await load_actor(session, telegram_id) is not None:
        return RedeemResult(Redeemed.already_member)
    invite = None
    if re.fullmatch(r"[A-Za-z0-9_-]{1,64}", token):
        invite = (await session.exec(select(Invite).where(Invite.token_hash == hash_token(token)))).first()
    if invite is None:
        outcome = Redeemed.unknown
    elif invite.used_at is not None:
        outcome = Redeemed.used
    elif invite.expires_at <= now:
        outcome = Redeemed.expired
    else:
        claimed = await session.exec(
            update(Invite)
            .where(Invite.id == invite.id, Invite.used_at.is_(None))
            .values(used_at=now, used_by_telegram_id=telegram_id)
        )
        outcome = Redeemed.ok if claimed.rowcount == 1 else Redeemed.used
    if outcome != Redeemed.ok:
        await audit.record(session, "invite.redeem", outcome.value, telegram_id)
        return RedeemResult(outcome)
    from services import textgate

    # Telegram's names, not typed into a field of ours: gated and cut to the columns, never refused.
    full_name = textgate.gate(full_name, textgate.TELEGRAM_NAME)
    username = textgate.gate(username, textgate.TELEGRAM_USERNAME) if username else None
    session.add(
        User(
            telegram_id=telegram_id, role=invite.role, full_name=full_name, username=(username or None),
            language=language, region_code=invite.region_code, company_id=invite.company_id,
        )
    )
    await session.flush()
    await audit.record(session, "invite.redeem", "ok", telegram_id, role=invite.role.value, invite_id=invite.id)
    return RedeemResult(Redeemed.ok, await load_actor(session, telegram_id))
