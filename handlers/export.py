"""/export [week]: a supervisor's (or admin's) roster as an Excel document.

Without a week it is last week, the full week a supervisor forwards on Monday (the
README says so); the current week can be asked for by name and ends today.

Answers at once, builds the workbook (rows read on the loop, written in a worker
thread), sends it as a document, then removes the file. Refusals (role, region, a week
that does not exist) get a sentence naming the problem; every export is audited.
"""

from __future__ import annotations

import logging
import tempfile
from html import escape
from pathlib import Path

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import FSInputFile, Message

from locales import t
from locales.regions import region_label
from services.context import AppContext
from services.errors import Refusal
from services.export import MAY_SEE_PHONES, allowed_region, export_roster
from services.session import AsyncSession, Commit
from services.sheets import default_sources, parse_week, previous_week, week_of
from services.roster import default_sheets
from services.targets import load_targets
from services.users import Actor

log = logging.getLogger(__name__)


async def export(message: Message, command: CommandObject, actor: Actor, lang: str, session: AsyncSession,
                 commit: Commit, ctx: AppContext) -> None:
    words = (command.args or "").split()
    try:
        week = parse_week(words[0], ctx.tz, today=ctx.today()) if words else previous_week(week_of(ctx.today(), ctx.tz))
        with tempfile.TemporaryDirectory(prefix="ipbot-export-") as tmp:
            region = await allowed_region(session, actor, None, week)
            await message.answer(t("export_started", lang, week=week.label, region=_region_text(region, lang)))
            targets = load_targets(getattr(ctx.settings, "training_targets", None))
            sheets = default_sheets(ctx.catalog, default_sources(targets), targets)
            result = await export_roster(session, actor, week, None, sheets, Path(tmp), ctx.tz, now=ctx.now(),
                                             lang=lang)
            await commit()
            phones = t("export_phones_shown" if actor.role in MAY_SEE_PHONES else "export_phones_masked", lang)
            await message.answer_document(
                FSInputFile(result.path, filename=result.path.name),
                caption=t("export_done", lang, week=week.label, region=_region_text(result.region, lang),
                          rows=result.total_rows, phones=phones))
    except Refusal as exc:
        await commit()  # the refusal is audited
        params = {k: escape(str(v)) for k, v in exc.params.items()}
        await message.answer(t(f"export_err_{exc.code}", lang, **params))


def _region_text(region: str | None, lang: str) -> str:
    return region_label(region, lang) if region else t("export_all_regions", lang)


def build() -> Router:
    router = Router(name="export")
    router.message.register(export, Command("export"))
    return router
