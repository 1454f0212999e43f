"""Tables of the visits feature: company history, visits, their attachments, 一企一策 measures.

Kept plain for the digests and exports that read them:

- ``company_history``: one row per value a company's profile field took (``field`` is
  ``name``, ``uscc``, ``region_code``, ``industry``, ``specialist_id``, ``title:<code>``
  or ``fact:<fact name>``), with where it came from (``source``) and the day it was true
  (``as_of``). The newest row per field is the current value; older rows are the history.
- ``visits``: one per visit; ``specialist_id`` is the users.id who logged it, ``visited_at``
  aware UTC, ``way`` one of onsite/phone/online, ``topics`` a list of topic codes.
- ``visit_attachments``: photos and voice notes by Telegram ``file_id`` (and a local copy's
  path on the embedded default).
- ``measures``: what was agreed, its owner (users.id), due date (a calendar day in
  Asia/Shanghai), ``status`` open/done; ``measure_events`` is the history of each.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Text
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow


class CompanyHistory(SQLModel, table=True):
    __tablename__ = "company_history"

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="companies.id", index=True)
    field: str = Field(max_length=96)
    value: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    source: str = Field(default="", max_length=128)
    as_of: date
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    recorded_by: int | None = Field(default=None)  # users.id; None for the command line


class Visit(SQLModel, table=True):
    __tablename__ = "visits"

    id: int | None = Field(default=None, primary_key=True)
    #: The draft's key: the same draft saved twice is one visit.
    client_key: str = Field(unique=True, max_length=64)
    company_id: int = Field(foreign_key="companies.id", index=True)
    specialist_id: int = Field(foreign_key="users.id", index=True)
    way: str = Field(max_length=16)  # onsite | phone | online
    visited_at: datetime = Field(sa_type=UTCDateTime, index=True)
    latitude: float | None = None
    longitude: float | None = None
    topics: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    #: 送政策: programme ids discussed.
    programmes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    findings: str = Field(default="", sa_column=Column(Text, nullable=False))
    #: 需求清单, 问题 and 意见 as lists of sentences (from the findings' "需求：…" lines).
    needs: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    problems: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    opinions: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    participants: str = Field(default="", max_length=256)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class VisitAttachment(SQLModel, table=True):
    __tablename__ = "visit_attachments"

    id: int | None = Field(default=None, primary_key=True)
    visit_id: int = Field(foreign_key="visits.id", index=True)
    kind: str = Field(max_length=16)  # photo | voice
    file_id: str = Field(max_length=256)
    file_unique_id: str = Field(default="", max_length=64)
    size: int | None = Field(default=None, sa_column=Column(BigInteger))
    duration: int | None = None
    local_path: str | None = Field(default=None, max_length=256)


class Measure(SQLModel, table=True):
    __tablename__ = "measures"

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="companies.id", index=True)
    visit_id: int | None = Field(default=None, foreign_key="visits.id", index=True)
    what: str = Field(max_length=500)
    owner_id: int = Field(foreign_key="users.id", index=True)
    due_on: date = Field(index=True)
    status: str = Field(default="open", max_length=16, index=True)  # open | done
    created_by: int | None = Field(default=None)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class MeasureEvent(SQLModel, table=True):
    __tablename__ = "measure_events"

    id: int | None = Field(default=None, primary_key=True)
    measure_id: int = Field(foreign_key="measures.id", index=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    actor_id: int | None = None  # users.id
    action: str = Field(max_length=16)  # created | done | postponed | reopened
    due_before: date | None = None
    due_after: date | None = None
