"""/visits: this week's visits (a specialist's own; a supervisor's region), with coverage,
and for supervisors the overdue 一企一策 measures of their region. `/visits last` for last week."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from locales import t
from locales.format import chunks, escape
from services import plans, visits
from services.companies import lacks_region
from services.context import AppContext
from services.session import AsyncSession
from services.users import Actor, Role


def _day(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%m-%d %H:%M")


async def visits_command(message: Message, command: CommandObject, actor: Actor, lang: str, session: AsyncSession,
                         ctx: AppContext) -> None:
    today = ctx.today()
    if (command.args or "").strip().lower() in ("last", "上周"):
        today -= timedelta(days=7)
    start, end = visits.week_of(today)
    rows = await visits.visits_between(session, actor, start, end, ctx.tz)
    lines = [t("visits_header", lang, start=start.isoformat(), end=end.isoformat(), count=len(rows))]
    for person in await visits.specialists_in_scope(session, actor):
        cov = await visits.coverage(session, person.id, start, end, ctx.tz)
        lines.append(t("visits_coverage", lang, who=escape(person.full_name), visited=cov.visited,
                       assigned=cov.assigned, share=round(cov.share * 100)))
    for r in rows:
        lines.append(t("visits_row", lang, when=_day(r.visited_at, ctx.tz), company=escape(r.company),
                       way=t(f"way_{r.way}", lang), who=escape(r.specialist), photos=r.photos, measures=r.measures))
    if not rows:
        lines.append(t("no_region_staff" if lacks_region(actor) else "visits_none", lang))
    if actor.role in (Role.supervisor, Role.admin):
        overdue = await plans.overdue_for(session, actor, ctx.today())
        lines.append(t("visits_overdue_header", lang, count=len(overdue)))
        lines += [t("overdue_row", lang, company=escape(m.company), what=escape(m.what), owner=escape(m.owner),
                    due=m.due_on.isoformat()) for m in overdue[:30]]
    for text in chunks(lines):
        await message.answer(text)


def build() -> Router:
    router = Router(name="visits")
    router.message.register(visits_command, Command("visits"))
    return router
