"""/open_questions: supervisors (their region) and admins (all) see the SME questions
routed to specialists that nobody has answered yet, oldest first."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from locales import t
from locales.format import chunks, escape
from services.context import AppContext
from services.question_reminders import OpenQuestion, OpenQuestionsRefusal, open_questions
from services.session import AsyncSession, Commit
from services.users import Actor

#: Items listed in the chat; the rest are counted (an export is the place for more).
SHOWN = 50
QUESTION_LIMIT = 80


def _clip(text: str, limit: int = QUESTION_LIMIT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def render(found: list[OpenQuestion], ctx: AppContext, lang: str) -> list[str]:
    """The list as messages, each within Telegram's 4096 characters."""
    if not found:
        return [t("oq_none", lang)]
    lines = [t("oq_header", lang, count=len(found))]
    for n, item in enumerate(found[:SHOWN], start=1):
        lines.append(t("oq_item", lang, n=n, company=escape(item.company_name),
                       asked_at=item.asked_at.astimezone(ctx.tz).strftime("%Y-%m-%d %H:%M"),
                       specialist=escape(item.specialist_name), days=item.waiting_working_days,
                       question=escape(_clip(item.question))))
    if len(found) > SHOWN:
        lines.append(t("oq_more", lang, count=len(found) - SHOWN))
    return chunks(lines)


async def list_open(message: Message, actor: Actor, lang: str, session: AsyncSession, commit: Commit,
                    ctx: AppContext) -> None:
    try:
        found = await open_questions(session, actor, ctx.tz, ctx.today())
    except OpenQuestionsRefusal as refusal:
        await commit()  # the audited refusal
        await message.answer(t(refusal.code, lang))
        return
    for text in render(found, ctx, lang):
        await message.answer(text)


def build() -> Router:
    """A fresh router per dispatcher."""
    router = Router(name="open_questions")
    router.message.register(list_open, Command("open_questions"))
    return router
