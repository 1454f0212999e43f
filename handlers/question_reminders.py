"""A specialist's reply to a reminder answers the question, as a reply to the forward does.

The answer goes through `handlers.questions.relay_answer`, the same handler, limits and
wording as a reply to the forwarded question; only the lookup of the thread differs.
"""

from __future__ import annotations

from aiogram import F, Router

from handlers.questions import ANSWER_ROLES, relay_answer, replies_to
from services.question_reminders import find_thread_by_reminder

__all__ = ["ANSWER_ROLES", "build"]


#: A text reply to a reminder this bot sent: answered like a reply to the forward itself.
replies_to_reminder = replies_to(find_thread_by_reminder)


def build() -> Router:
    router = Router(name="question_reminders")
    router.message.register(relay_answer, F.text, replies_to_reminder)
    return router
