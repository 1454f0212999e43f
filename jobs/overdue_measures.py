"""Overdue 一企一策 measures: at 09:00 (the context's zone) on working days, each owner is
reminded once per measure per day, and each supervisor gets the list of their region's.

Every send is claimed first under (job, day, "measure:<id>") or (job, day,
"supervisor:<users.id>"), so a repeated or made-up run of the same day sends nothing twice.
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from locales import t
from locales.format import chunks, escape
from services import plans, runs
from services.context import AppContext
from services.workdays import is_working_day
from services.users import Role, users_with_role
from jobs.spec import JobSpec

log = logging.getLogger(__name__)

NAME = "overdue_measures"


async def _send(ctx: AppContext, chat_id: int, lines: list[str]) -> str:
    from aiogram.exceptions import TelegramAPIError

    try:
        for text in chunks(lines):
            await ctx.bot.send_message(chat_id, text)
    except TelegramAPIError as exc:
        log.warning("overdue reminder to a user failed: %s", type(exc).__name__)
        return f"failed: {type(exc).__name__}"
    return "sent"


def _row(m: plans.MeasureRow, lang: str) -> str:
    return t("overdue_row", lang, company=escape(m.company), what=escape(m.what), owner=escape(m.owner),
             due=m.due_on.isoformat())


async def run(ctx: AppContext, due: datetime) -> None:
    day = due.astimezone(ctx.tz).date()
    if not is_working_day(day):
        return
    period = day.isoformat()
    async with ctx.db.sessions() as session:
        overdue = await plans.overdue(session, day)
        people = await plans.contacts(session, {m.owner_id for m in overdue})
        by_owner: dict[int, list[plans.MeasureRow]] = {}
        for m in overdue:
            if m.owner_id in people and await runs.claim(session, NAME, period, f"measure:{m.id}"):
                by_owner.setdefault(m.owner_id, []).append(m)
        for owner_id, measures in by_owner.items():
            chat_id, lang = people[owner_id]
            outcome = await _send(ctx, chat_id, [t("overdue_owner_header", lang, count=len(measures))]
                                  + [_row(m, lang) for m in measures] + [t("overdue_owner_footer", lang)])
            for m in measures:
                await runs.finish(session, NAME, period, f"measure:{m.id}", outcome)
        for supervisor in await users_with_role(session, Role.supervisor):
            listed = await plans.overdue_for(session, supervisor, day)
            if not listed or not await runs.claim(session, NAME, period, f"supervisor:{supervisor.user_id}"):
                continue
            lang = supervisor.language
            outcome = await _send(ctx, supervisor.telegram_id, [t("overdue_supervisor_header", lang, count=len(listed))]
                                  + [_row(m, lang) for m in listed])
            await runs.finish(session, NAME, period, f"supervisor:{supervisor.user_id}", outcome)


SPEC = JobSpec(NAME, run, cron={"hour": 9, "minute": 0}, working_days_only=True)
