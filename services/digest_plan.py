"""Who gets which region's weekly digest: supervisors by their region, and the regions' work-chat robots.

Deny by default: a supervisor without a region (or with a code services.regions does not
know) gets nothing, never the every-region digest. Every recipient has a key
(`tg:<telegram id>`, `<kind>:<region>`) under which the job claims its send
(services.runs), so a repeated run can leave out the recipients already claimed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlmodel import select

from services import regions
from services.session import AsyncSession
from services.sheets import in_region
from storage.digest_tables import RegionChannel
from storage.models import Role, User

__all__ = ["Audience", "audiences", "channel_key", "supervisor_key"]

log = logging.getLogger(__name__)


@dataclass
class Audience:
    """The recipients of one region's digest."""

    region: str
    supervisors: list[User] = field(default_factory=list)
    channels: list[RegionChannel] = field(default_factory=list)


def supervisor_key(user: User) -> str:
    return f"tg:{user.telegram_id}"


def channel_key(channel: RegionChannel) -> str:
    return f"{channel.kind}:{channel.region_code}"


async def audiences(session: AsyncSession, region: str | None = None,
                    done: frozenset[str] = frozenset()) -> dict[str, Audience]:
    """Each region's recipients, regions in the order their first recipient was found
    (active supervisors by id, then active robots).

    `region` narrows to recipients within it (None: every region); recipients whose key
    is in `done` are left out, and a region left with nobody is not in the plan."""
    supervisors = (await session.exec(select(User).where(User.role == Role.supervisor, User.active)
                                      .order_by(User.id))).all()
    channels = (await session.exec(select(RegionChannel).where(RegionChannel.active))).all()
    plan: dict[str, Audience] = {}
    for user in supervisors:
        scope = regions.lookup(user.region_code)
        if scope is None:  # no region is no reach: never the every-region digest
            log.warning("supervisor user %s has no region; no digest for them", user.id)
            continue
        if in_region(scope.code, region) and supervisor_key(user) not in done:
            plan.setdefault(scope.code, Audience(scope.code)).supervisors.append(user)
    for channel in channels:
        if in_region(channel.region_code, region) and channel_key(channel) not in done:
            plan.setdefault(channel.region_code, Audience(channel.region_code)).channels.append(channel)
    return plan
