"""/status for admins: how many updates the intake holds, and how many were parked."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from locales import t
from services import audit, inbox
from services.context import AppContext
from services.errors import Refusal
from services.session import AsyncSession, Commit
from services.users import Actor


async def status(message: Message, actor: Actor, lang: str, ctx: AppContext, session: AsyncSession,
                 commit: Commit) -> None:
    try:
        counts = await inbox.status_for(ctx.db, actor)
    except Refusal:
        await audit.record(session, "status.denied", "denied", actor.telegram_id, role=actor.role.value)
        await commit()
        await message.answer(t("denied", lang))
        return
    await message.answer(t("status_intake", lang, **counts))


def build() -> Router:
    router = Router(name="status")
    router.message.register(status, Command("status"))
    return router
