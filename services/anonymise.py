"""Masking a person's data in place, for the retention job and for a confirmed deletion.

Both need the same few statements, so they live here once:

- A trainee keeps their row, its category and every enrolment: `services.progress` counts
  people by their attended enrolments and each person's category, so the 30,000-trainee
  figure and its breakdowns stay as they were. What goes is who the person was: name,
  employer, position, the user and Telegram links, and the mobile number, which becomes
  `anon:<row id>` (the column is unique and not null; no real E.164 number starts so).
  That prefix is how a masked trainee is told apart (`ANON_PREFIX`, `is_anonymised`).
  A masked person who enrols again is a new row, counted again: keeping anything that
  would recognise them (a hash of a phone number is reversible by trying every number)
  would defeat the masking.
- A question thread keeps its row (it was asked, answered, in which company and when),
  without its text, its answer's text or the asker's Telegram id (0).
- A user keeps their row (visits, measures and trainings point at it), deactivated, with
  no name or username and the Telegram id replaced by `-<row id>` (Telegram user ids are
  positive), so the same person may later be invited afresh as someone new.

Statements are bulk UPDATEs with no objects loaded: the retention job may mask tens of
thousands of rows in one run.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, case, cast, literal, update
from sqlalchemy.sql import ColumnElement

from services.session import AsyncSession
from storage.models import Invite, QuestionThread, User
from storage.training_tables import Trainee

__all__ = ["ANON_PREFIX", "is_anonymised", "mask_questions", "mask_trainees", "mask_user", "not_anonymised"]

ANON_PREFIX = "anon:"


def is_anonymised(trainee: Trainee) -> bool:
    return trainee.mobile.startswith(ANON_PREFIX)


def not_anonymised() -> ColumnElement[bool]:
    return ~Trainee.mobile.startswith(ANON_PREFIX)


async def _execute(session: AsyncSession, statement: Any) -> int:
    result = await session.exec(statement.execution_options(synchronize_session=False))
    return result.rowcount or 0


async def mask_trainees(session: AsyncSession, where: ColumnElement[bool], now: datetime) -> int:
    """Mask every not yet masked trainee matching `where`; returns how many."""
    return await _execute(session, update(Trainee).where(where, not_anonymised()).values(
        name="", company="", position="", user_id=None, telegram_id=None, updated_at=now,
        mobile=literal(ANON_PREFIX, String) + cast(Trainee.id, String)))


async def mask_questions(session: AsyncSession, where: ColumnElement[bool]) -> int:
    """Remove the text, the answer's text and the asker of every thread matching `where`;
    an unanswered thread stays unanswered (answer NULL). Returns how many were not yet masked."""
    not_masked = (QuestionThread.question != "") | (QuestionThread.asker_telegram_id != 0)
    return await _execute(session, update(QuestionThread).where(where, not_masked).values(
        question="", asker_telegram_id=0,
        answer=case((QuestionThread.answer.is_(None), None), else_=literal("", String))))


async def mask_user(session: AsyncSession, user_id: int, telegram_id: int) -> dict[str, int]:
    """The user row masked and deactivated, the invite they used unlinked. Threads forwarded
    to them as a specialist lose the link (no reminder goes to nobody). Their dialog state is
    services.dialog_erasure's, which reads the keys as aiogram writes them."""
    users = await _execute(session, update(User).where(User.id == user_id).values(
        full_name="", username=None, active=False, telegram_id=-user_id))
    await _execute(session, update(Invite).where(Invite.used_by_telegram_id == telegram_id)
                   .values(used_by_telegram_id=None))
    await _execute(session, update(QuestionThread).where(QuestionThread.specialist_telegram_id == telegram_id)
                   .values(specialist_telegram_id=None, specialist_message_id=None))
    return {"users": users}
