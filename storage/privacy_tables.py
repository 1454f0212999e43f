"""Requests to delete a person's data (`/privacy`), kept as the record of what was done.

A request is made by the person (`telegram_id`, and `user_id` when they were an invited
user) and carried out by an admin's confirmation (`decided_by`, a users.id). Once carried
out, `telegram_id` is cleared: the row then says that a person's data was erased, when, by
whom and how much (`outcome`, counts only), and no longer who the person was.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow


class PrivacyRequest(SQLModel, table=True):
    __tablename__ = "privacy_requests"

    id: int | None = Field(default=None, primary_key=True)
    telegram_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True, index=True))
    user_id: int | None = Field(default=None)  # users.id when asked; no FK: the row outlives the person
    status: str = Field(default="pending", max_length=16, index=True)  # pending | done
    requested_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_by: int | None = Field(default=None)  # the confirming admin's users.id
    outcome: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
