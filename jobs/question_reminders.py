"""09:00 on working days: remind specialists of SME questions still unanswered since an
earlier working day, once per question (see services.question_reminders)."""

from __future__ import annotations

import logging
from datetime import datetime

from aiogram.exceptions import TelegramAPIError
from aiogram.types import ReplyParameters

from jobs.spec import JobSpec
from locales import t
from locales.format import escape
from services import runs
from services.context import AppContext
from services.question_reminders import JOB, Reminder, due_reminders, record_reminder
from services.workdays import working_days_between

__all__ = ["SPEC", "reminder_text", "run"]

log = logging.getLogger(__name__)

#: The question is quoted up to this many characters (the forwarded message has it all).
QUOTE_LIMIT = 300


def reminder_text(reminder: Reminder, ctx: AppContext, due: datetime) -> str:
    lang = reminder.specialist_language
    asked = reminder.asked_at.astimezone(ctx.tz)
    question = reminder.question.strip()
    if len(question) > QUOTE_LIMIT:
        question = question[: QUOTE_LIMIT - 1].rstrip() + "…"
    key = "qr_reminder" if reminder.specialist_message_id is not None else "qr_reminder_no_forward"
    return t(key, lang, company=escape(reminder.company_name), asked_at=asked.strftime("%Y-%m-%d %H:%M"),
             days=working_days_between(asked.date(), due.date()), question=escape(question))


async def run(ctx: AppContext, due: datetime) -> None:
    """Claim, then send, each reminder; a failed send is recorded and the others go on."""
    async with ctx.db.sessions() as session:
        reminders = await due_reminders(session, due, ctx.tz)
    for reminder in reminders:
        async with ctx.db.sessions() as session:
            if not await runs.claim(session, JOB, reminder.period, reminder.recipient):
                continue  # reminded already (a restart, another process)
            outcome = "sent"
            try:
                sent = await ctx.bot.send_message(
                    reminder.specialist_telegram_id, reminder_text(reminder, ctx, due),
                    reply_parameters=ReplyParameters(message_id=reminder.specialist_message_id,
                                                     allow_sending_without_reply=True)
                    if reminder.specialist_message_id is not None else None,
                )
            except TelegramAPIError as exc:
                log.warning("question reminder for thread %s not delivered: %s", reminder.thread_id, exc)
                outcome = f"failed: {exc}"
            else:
                await record_reminder(session, reminder, sent.message_id)
            await runs.finish(session, JOB, reminder.period, reminder.recipient, outcome)


SPEC = JobSpec(JOB, run, cron={"hour": 9, "minute": 0}, working_days_only=True)
