"""Trainees and enrolments (the training feature; `Training` itself is in storage.models).

Digests and exports read these directly:
- `trainees`: one row per person, keyed by the mobile number in E.164 (`+8613800138000`);
  `user_id` links a person who also uses the bot.
- `training_enrolments`: one row per (session, person), unique; `status` is one of
  registered / waitlisted / attended / absent / excused / cancelled. A person counts as
  trained when they have at least one `attended` row (see services.progress);
  `session_starts_at` repeats the session's start for that query.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow


class Trainee(SQLModel, table=True):
    """A person who is trained; the same person across sessions is one row."""

    __tablename__ = "trainees"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64)
    mobile: str = Field(max_length=16, unique=True)  # E.164
    company: str = Field(default="", max_length=128)
    position: str = Field(default="", max_length=64)
    category: str = Field(default="其他", max_length=16, index=True)
    user_id: int | None = Field(default=None, foreign_key="users.id", unique=True)
    #: A person with no users row who linked themselves through a training link by sharing
    #: their own phone number (handlers/training.py): reminders and check-in reach them here.
    telegram_id: int | None = Field(default=None, sa_column=Column(BigInteger, unique=True, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Enrolment(SQLModel, table=True):
    """One person in one session; the unique pair makes a second press a no-op."""

    __tablename__ = "training_enrolments"
    __table_args__ = (
        UniqueConstraint("training_id", "trainee_id", name="uq_enrolment_training_trainee"),
        # Covers the progress query: each person's first attended session, from the index alone.
        Index("ix_enrolment_first_attended", "status", "trainee_id", "session_starts_at", "training_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    training_id: int = Field(foreign_key="trainings.id", index=True)
    trainee_id: int = Field(foreign_key="trainees.id", index=True)
    status: str = Field(default="registered", max_length=16)
    #: A copy of the session's start (kept equal by services.training), so that progress finds
    #: each person's first session without joining 100,000 rows to the sessions table.
    session_starts_at: datetime = Field(sa_type=UTCDateTime)
    source: str = Field(default="organiser", max_length=16)  # organiser | self | excel | import
    enrolled_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    checked_in_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
