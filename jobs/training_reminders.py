"""Reminders 48 hours and 2 hours before a session, to the people enrolled who use the bot and its organiser.

Runs every five minutes. A session is due a reminder once "now" is inside its window
(48 h: from 48 h to 2 h before the start; 2 h: from 2 h before to the start), so a run
missed while the bot was down is made up by the next one. Each send is claimed with
`services.runs.claim` under (job, "<session>:<kind>:<start>", telegram id): never twice,
across restarts and processes; moving a session's start makes new keys, so people
hear about the new time.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from aiogram.exceptions import TelegramAPIError

from jobs.spec import JobSpec
from locales import t
from locales.format import escape
from services import runs
from services.context import AppContext
from services.training import reminder_recipients, sessions_starting

log = logging.getLogger(__name__)

NAME = "training_reminders"
#: (kind, how long before the start the window opens); each window closes where the next opens.
REMINDERS = (("48h", timedelta(hours=48)), ("2h", timedelta(hours=2)))


async def run(ctx: AppContext, due: datetime) -> None:
    now = ctx.now()
    async with ctx.db.sessions() as session:
        for training in await sessions_starting(session, now, now + REMINDERS[0][1]):
            kind = _kind(training.starts_at - now)
            if kind is None:
                continue
            period = f"{training.id}:{kind}:{training.starts_at:%Y%m%dT%H%MZ}"
            for telegram_id, lang, role in await reminder_recipients(session, training):
                if not await runs.claim(session, NAME, period, str(telegram_id)):
                    continue
                outcome = await _send(ctx, telegram_id, lang, role, kind, training)
                await runs.finish(session, NAME, period, str(telegram_id), outcome)


def _kind(left: timedelta) -> str | None:
    if left <= timedelta(0):
        return None
    return "2h" if left <= REMINDERS[1][1] else "48h"


async def _send(ctx: AppContext, telegram_id: int, lang: str, role: str, kind: str, training) -> str:  # noqa: ANN001
    start = training.starts_at.astimezone(ctx.tz)
    place = " / ".join(p for p in (training.location, training.online_link) if p) or t("none", lang)
    text = t(f"tr_remind_{kind}_{role}", lang, title=escape(training.title), when=f"{start:%Y-%m-%d %H:%M}",
             place=escape(place), seats=training.seats_taken)
    try:
        await ctx.bot.send_message(telegram_id, text)
    except TelegramAPIError as exc:
        log.info("training reminder %s to a user failed: %s", kind, type(exc).__name__)
        return f"failed: {type(exc).__name__}"
    return "sent"


SPEC = JobSpec(NAME, run, cron={"minute": "*/5"})
