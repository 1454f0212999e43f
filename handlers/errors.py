"""Errors: the user hears a clear sentence, the log gets the traceback, nothing half-saved."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import ErrorEvent

from locales import pick_language, t

log = logging.getLogger(__name__)

STALE_DIALOG_ERRORS = ("UnknownIntent", "OutdatedIntent", "UnknownState")


async def on_error(event: ErrorEvent, lang: str | None = None) -> bool:
    update, exc = event.update, event.exception
    lang = lang or pick_language(getattr(update.event.from_user, "language_code", None) if update.event else None)
    stale = type(exc).__name__ in STALE_DIALOG_ERRORS
    if stale:
        log.info("stale button in update %s: %s", update.update_id, type(exc).__name__)
    else:
        log.exception("update %s failed", update.update_id, exc_info=exc)
    text = t("stale_button" if stale else "error_generic", lang)
    try:
        if update.callback_query:
            await update.callback_query.answer(text, show_alert=True)
        elif update.message and update.message.chat.type == "private":
            await update.message.answer(text)
    except TelegramBadRequest:
        log.info("could not tell the user about the failure of update %s", update.update_id)
    return True


def build() -> Router:
    """A fresh router per dispatcher, so a restarted bot in one process wires cleanly."""
    router = Router(name="errors")
    router.errors.register(on_error)
    return router
