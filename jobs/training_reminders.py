"""Reminders 48 hours and 2 hours before a session, to the people enrolled who use the bot and its organiser.

Runs every five minutes. A session is due a reminder once "now" is inside its window
(48 h: from 48 h to 2 h before the start; 2 h: from 2 h before to the start), so a run
missed while the bot was down is made up by the next one. Each send is claimed with
`services.runs.claim` under (job, "<session>:<kind>:<start>", telegram id): never twice,
across restarts and processes; moving a session's start makes new keys, so people
hear about the new time. The 2-hour reminder states the real time left ("40 分钟后" when
it goes out at 15:50 for 16:30, never "约 2 小时后"): `time_left` (issue 19, item 7).
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


def time_left(left: timedelta, lang: str) -> str:
    """The time left in words, rounded to the minute: "40 分钟后", "1 小时 35 分钟后", "2 小时后"."""
    minutes = max(1, round(left.total_seconds() / 60))
    hours, minutes = divmod(minutes, 60)
    if not hours:
        return t("tl_left_minutes", lang, minutes=minutes)
    if not minutes:
        return t("tl_left_hours", lang, hours=hours)
    return t("tl_left_hours_minutes", lang, hours=hours, minutes=minutes)


async def _send(ctx: AppContext, telegram_id: int, lang: str, role: str, kind: str, training) -> str:  # noqa: ANN001
    start = training.starts_at.astimezone(ctx.tz)
    place = " / ".join(p for p in (training.location, training.online_link) if p) or t("none", lang)
    key = f"tl_remind_2h_{role}" if kind == "2h" else f"tr_remind_{kind}_{role}"
    text = t(key, lang, title=escape(training.title), when=f"{start:%Y-%m-%d %H:%M}", place=escape(place),
             seats=training.seats_taken, left=time_left(training.starts_at - ctx.now(), lang))
    try:
        await ctx.bot.send_message(telegram_id, text)
    except TelegramAPIError as exc:
        log.info("training reminder %s to a user failed: %s", kind, type(exc).__name__)
        return f"failed: {type(exc).__name__}"
    return "sent"


SPEC = JobSpec(NAME, run, cron={"minute": "*/5"})
