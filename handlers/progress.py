"""/progress: people trained toward the target in force, as a text bar and a PNG chart."""

from __future__ import annotations

import asyncio
from typing import Any

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, Message

from locales import t
from locales.categories import category_name
from locales.format import escape, fit
from services.errors import Refusal
from services.progress import Progress, compute_progress
from services.progress_chart import progress_png
from services.session import AsyncSession
from services.targets import load_targets
from services.trained_text import ended_lines, rate_line
from services.users import Role

ROLES = frozenset({Role.admin, Role.supervisor, Role.specialist})
BAR_WIDTH = 20


def bar(share: float) -> str:
    filled = min(BAR_WIDTH, round(share * BAR_WIDTH))
    return "█" * filled + "░" * (BAR_WIDTH - filled)


def progress_text(progress: Progress, lang: str) -> str:
    target, citation = progress.target, progress.target.citation
    lines = [t("pr_header", lang, document=escape(citation.get("document", "")), clause=escape(citation.get("clause", "")),
               start=target.start.isoformat(), end=target.end.isoformat())]
    if progress.in_force:
        lines.append(t("pr_bar", lang, bar=bar(progress.share), trained=f"{progress.trained:,}",
                       target=f"{target.people:,}", percent=f"{progress.share * 100:.1f}"))
    else:  # the ended target's count at its end, then the count since, this year's and the rate
        lines += ended_lines(progress, lang)
    for key, breakdown in (("pr_by_category", progress.by_category), ("pr_by_region", progress.by_region),
                           ("pr_by_organiser", progress.by_organiser)):
        if breakdown:
            name = (lambda k: category_name(k, lang)) if key == "pr_by_category" else (lambda k: escape(str(k)))
            parts = t("pr_parts_sep", lang).join(f"{name(k)} {v:,}" for k, v in list(breakdown.items())[:10])
            lines.append(t(key, lang, parts=parts))
    if progress.in_force:
        lines.append(rate_line(progress, lang))
        if progress.projected_date:
            lines.append(t("pr_projected", lang, date=progress.projected_date.isoformat()))
        else:
            lines.append(t("pr_projected_none", lang))
    return fit("\n".join(lines))


async def show_progress(message: Message, lang: str, session: AsyncSession, ctx: Any) -> None:
    try:
        targets = load_targets(getattr(ctx.settings, "training_targets", None))
    except Refusal as exc:
        await message.answer(t(f"tr_err_{exc.code}", lang, **{k: escape(str(v)) for k, v in exc.params.items()}))
        return
    progress = await compute_progress(session, targets, ctx.today(), ctx.tz)
    await message.answer(progress_text(progress, lang))
    title = t("pr_chart_title", lang, document=progress.target.citation.get("document", ""))
    png = await asyncio.to_thread(progress_png, progress, title, lang)  # matplotlib takes ~0.3 s: off the event loop
    await message.answer_photo(BufferedInputFile(png, "progress.png"), caption=t("pr_chart_caption", lang))


def build() -> Router:
    router = Router(name="progress")
    router.message.register(show_progress, Command("progress"))
    return router
