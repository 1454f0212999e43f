"""A specialist's reply to a reminder answers the question, as a reply to the forward does.

The answer goes through `handlers.questions.relay_answer`, the same handler, limits and
wording as a reply to the forwarded question; only the lookup of the thread differs.
"""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.types import Message

from handlers.questions import ANSWER_ROLES, relay_answer
from services.question_reminders import find_thread_by_reminder
from services.session import AsyncSession
from services.users import Actor

__all__ = ["ANSWER_ROLES", "build"]


async def replies_to_reminder(message: Message, session: AsyncSession, actor: Actor | None) -> bool | dict[str, Any]:
    """Filter: a text reply to a reminder this bot sent into this user's chat."""
    replied = message.reply_to_message
    if (actor is None or replied is None or not message.text or message.text.startswith("/")
            or replied.from_user is None or not replied.from_user.is_bot):
        return False
    thread = await find_thread_by_reminder(session, actor.telegram_id, replied.message_id)
    return {"thread": thread} if thread is not None else False


def build() -> Router:
    router = Router(name="question_reminders")
    router.message.register(relay_answer, F.text, replies_to_reminder)
    return router
