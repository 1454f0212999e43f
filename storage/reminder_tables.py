"""Reminders sent about unanswered questions, so a reply to the reminder answers the question."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow


class QuestionReminder(SQLModel, table=True):
    """A reminder message in a specialist's chat about one question thread.

    Message ids are per chat, hence unique with the specialist's id, as for the forward.
    """

    __tablename__ = "question_reminders"
    __table_args__ = (UniqueConstraint("message_id", "specialist_telegram_id"),)

    id: int | None = Field(default=None, primary_key=True)
    thread_id: int = Field(foreign_key="question_threads.id", index=True)
    specialist_telegram_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    message_id: int
    sent_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
