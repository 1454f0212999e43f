"""The tables. Timestamps are aware UTC; they are shown in Asia/Shanghai by the callers."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow


class Role(StrEnum):
    admin = "admin"
    supervisor = "supervisor"
    specialist = "specialist"
    sme = "sme"



class User(SQLModel, table=True):
    """A Telegram user who was given a role through an invite (or is a configured admin)."""

    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    telegram_id: int = Field(sa_column=Column(BigInteger, unique=True, nullable=False))
    role: Role = Field(index=True)
    full_name: str = Field(default="", max_length=128)
    username: str | None = Field(default=None, max_length=64)
    language: str = Field(default="zh", max_length=8)
    region_code: str | None = Field(default=None, max_length=12)
    company_id: int | None = Field(default=None, foreign_key="companies.id")
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Invite(SQLModel, table=True):
    """A single-use, expiring invitation; only the SHA-256 of its token is kept."""

    __tablename__ = "invites"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, max_length=64)
    role: Role
    region_code: str | None = Field(default=None, max_length=12)
    company_id: int | None = Field(default=None, foreign_key="companies.id")
    created_by: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    used_by_telegram_id: int | None = Field(default=None, sa_column=Column(BigInteger))


class AuditEntry(SQLModel, table=True):
    """Denials, invites, exports: who did what, when, and with what outcome."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    telegram_id: int | None = Field(default=None, sa_column=Column(BigInteger, index=True))
    action: str = Field(max_length=64)
    outcome: str = Field(max_length=16)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class InboxEntry(SQLModel, table=True):
    """An update as received, written before Telegram is told to forget it.

    `state` is pending until the update is handled (done) or given up on (dead, with the
    error). The exactly-once mark of an update's writes is this row turning done in the
    same transaction as the writes. A copy is the same `update_id` with the same content
    (`digest`) while the row is kept (24 hours for done rows: Telegram's redelivery window);
    the same id with other content is a new update (Telegram renumbers at random after a
    week without updates).
    """

    __tablename__ = "inbox"
    __table_args__ = (UniqueConstraint("update_id", "digest"),)

    id: int | None = Field(default=None, primary_key=True)
    update_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    digest: str = Field(max_length=32)
    payload: str = Field(sa_column=Column(Text, nullable=False))
    state: str = Field(default="pending", max_length=8, index=True)
    attempts: int = Field(default=0)
    error: str | None = Field(default=None, max_length=500)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class DialogState(SQLModel, table=True):
    """aiogram FSM state and data by storage key, for the embedded default (no Redis)."""

    __tablename__ = "dialog_state"

    key: str = Field(sa_column=Column(String(255), primary_key=True))
    state: str | None = Field(default=None, max_length=255)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Company(SQLModel, table=True):
    """An SME served under 一企一策; `facts` holds its eligibility facts by fact name."""

    __tablename__ = "companies"

    id: int | None = Field(default=None, primary_key=True)
    #: GB 32100-2015 code, normalised; None until known (set once, never to a second company).
    uscc: str | None = Field(default=None, unique=True, max_length=18)
    name: str = Field(max_length=128)
    #: `services.companies.name_key(name)`: what likely duplicates share.
    name_key: str = Field(default="", max_length=128, index=True)
    region_code: str | None = Field(default=None, max_length=12, index=True)
    industry: str | None = Field(default=None, max_length=64)
    specialist_id: int | None = Field(default=None, index=True)  # users.id; no FK: users also point here
    facts: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    #: Titles held, by code (high_tech, specialized, little_giant, champion, ip_standard) -> ISO date or "".
    titles: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, server_default="{}"))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Training(SQLModel, table=True):
    """A training session; its attended trainees count toward the training target.

    `seats_taken` counts registered and attended enrolments; it is changed only by a
    conditional UPDATE (`seats_taken < capacity`), so concurrent enrolments never
    overfill a session. `capacity` 0 means "no limit" and is used only by imports of
    sessions held offline. `ends_at` is empty only on rows written before training_1.
    """

    __tablename__ = "trainings"

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=128)
    category: str = Field(default="其他", max_length=16)
    # No index on starts_at: sessions are few (thousands), and with one SQLite's planner
    # drives the progress query from this table and sorts 70,000 rows (bench/progress.py).
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    location: str = Field(default="", max_length=128)  # the venue
    online_link: str | None = Field(default=None, max_length=256)
    region_code: str | None = Field(default=None, max_length=12, index=True)
    capacity: int = Field(default=0, ge=0)
    seats_taken: int = Field(default=0, ge=0)
    organiser_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    status: str = Field(default="scheduled", max_length=16)  # scheduled | cancelled
    checkin_secret: str = Field(default="", max_length=64)
    #: The organiser's check-in QR message, replaced every minute until `checkin_until`.
    checkin_chat_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    checkin_message_id: int | None = Field(default=None)
    checkin_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    #: "title|YYYY-MM-DD" for a session created by an attendance import, so it is created once.
    import_key: str | None = Field(default=None, max_length=160, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class QuestionThread(SQLModel, table=True):
    """A question from an SME that the bot routed to the company's specialist."""

    __tablename__ = "question_threads"
    __table_args__ = (UniqueConstraint("specialist_message_id", "specialist_telegram_id"),)

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="companies.id", index=True)
    asker_telegram_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    specialist_telegram_id: int | None = Field(default=None, sa_column=Column(BigInteger))
    specialist_message_id: int | None = Field(default=None)
    question: str = Field(max_length=4096)
    answer: str | None = Field(default=None, max_length=4096)
    asked_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class JobRun(SQLModel, table=True):
    """One scheduled send (or job step), claimed once per (job, period, recipient)."""

    __tablename__ = "job_runs"
    __table_args__ = (UniqueConstraint("job", "period", "recipient"),)

    id: int | None = Field(default=None, primary_key=True)
    job: str = Field(max_length=64)
    period: str = Field(max_length=64)
    recipient: str = Field(default="", max_length=64)
    claimed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    outcome: str | None = Field(default=None, max_length=200)


from storage.reminder_tables import QuestionReminder  # noqa: E402,F401 - the job runner's table
# Company history, visits, attachments and 一企一策 measures (issue 8).
from storage.visits_tables import CompanyHistory, Measure, MeasureEvent, Visit, VisitAttachment  # noqa: E402,F401
from storage.digest_tables import DeliveryFailure, RegionChannel  # noqa: E402,F401  (digest feature)
from storage.training_tables import Enrolment, Trainee  # noqa: E402,F401  (the training feature's tables)
from storage.privacy_tables import PrivacyRequest  # noqa: E402,F401  (/privacy: deletion requests)
