"""Tables of the weekly digest: regions' work-chat robots, and deliveries that failed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow


class RegionChannel(SQLModel, table=True):
    """A region's group-robot webhook (WeCom, DingTalk or Feishu) that gets its digest too.

    `secret` is the robot's signing secret (DingTalk "SEC…", Feishu); it is a credential:
    never logged, never shown back in full.
    """

    __tablename__ = "region_channels"
    __table_args__ = (UniqueConstraint("region_code", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    region_code: str = Field(max_length=12, index=True)
    kind: str = Field(max_length=16)  # wecom | dingtalk | feishu
    webhook_url: str = Field(max_length=512)
    secret: str | None = Field(default=None, max_length=256)
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class DeliveryFailure(SQLModel, table=True):
    """A digest that could not be delivered for good (blocked bot, bad webhook, gave up).

    Listed in the region's next digest (`reported_at` set then), so nobody silently misses one.
    """

    __tablename__ = "delivery_failures"

    id: int | None = Field(default=None, primary_key=True)
    job: str = Field(max_length=64)
    period: str = Field(max_length=64)
    recipient: str = Field(max_length=64)  # "tg:<telegram id>" or "<kind>:<region>"
    name: str = Field(default="", max_length=128)
    region_code: str | None = Field(default=None, max_length=12, index=True)
    reason: str = Field(max_length=200)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    reported_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
