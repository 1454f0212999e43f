"""Regions' work-chat robots: set (checked), remove, list (URLs shown without their keys)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlmodel import select

from services.channels.kinds import adapter
from services.session import AsyncSession
from storage.digest_tables import RegionChannel

__all__ = ["ChannelView", "list_channels", "remove_channel", "set_channel"]


@dataclass(frozen=True)
class ChannelView:
    region_code: str
    kind: str
    url: str  # scheme, host and path only: the query holds the robot's key
    signed: bool


async def set_channel(session: AsyncSession, region: str, kind: str, url: str, secret: str | None) -> RegionChannel:
    robot = adapter(kind)  # raises ChannelError for an unknown kind
    url = url.strip()
    robot.check(url, secret)
    row = (await session.exec(select(RegionChannel).where(RegionChannel.region_code == region,
                                                          RegionChannel.kind == kind))).first()
    row = row or RegionChannel(region_code=region, kind=kind, webhook_url=url)
    row.webhook_url, row.secret, row.active = url, (secret or None), True
    session.add(row)
    await session.flush()
    return row


async def remove_channel(session: AsyncSession, region: str, kind: str) -> bool:
    row = (await session.exec(select(RegionChannel).where(RegionChannel.region_code == region,
                                                          RegionChannel.kind == kind))).first()
    if row is None:
        return False
    await session.delete(row)
    return True


async def list_channels(session: AsyncSession) -> list[ChannelView]:
    rows = (await session.exec(select(RegionChannel).order_by(RegionChannel.region_code))).all()
    return [ChannelView(r.region_code, r.kind, _without_query(r.webhook_url), bool(r.secret)) for r in rows]


def _without_query(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"
