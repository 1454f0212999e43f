"""Whatever no feature handled: a clear sentence, never silence or a crash."""

from __future__ import annotations

import re

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message

from locales import t


MAX_TEXT = 4096
#: Words of someone looking for the language setting (typed, or a settings command of other bots).
_LANGUAGE_WORDS = re.compile(r"english|language|英文|英语|语言|^/settings?\b|^/lang\b", re.IGNORECASE)


async def edited(_message: Message) -> None:
    """Edits of earlier messages change nothing already saved; ignore them quietly."""


async def unknown_text(message: Message, lang: str) -> None:
    if len(message.text) > MAX_TEXT:
        await message.answer(t("text_too_long", lang, length=len(message.text), limit=MAX_TEXT))
        return
    if _LANGUAGE_WORDS.search(message.text):
        await message.answer(t("language_hint", lang))
        return
    await message.answer(t("not_understood", lang))


async def unsupported(message: Message, lang: str) -> None:
    """Stickers, voice, photos, files and the rest, where no feature asked for them."""
    if message.chat.type == "private":
        await message.answer(t("unsupported_content", lang))


async def stale_button(query: CallbackQuery, lang: str) -> None:
    """A button from an old message whose flow is gone (e.g. after a restart)."""
    await query.answer(t("stale_button", lang), show_alert=True)


def build() -> Router:
    """A fresh router per dispatcher, so a restarted bot in one process wires cleanly."""
    router = Router(name="fallback")
    router.edited_message.register(edited)
    router.message.register(unknown_text, F.text)
    router.message.register(unsupported)
    router.callback_query.register(stale_button)
    return router
