"""Errors: the user hears a clear sentence, the log gets the traceback, nothing half-saved.

Three kinds of failure reach `on_error` (every update passes through it when a handler,
a dialog handler or a dialog getter raises):

- a `services.errors.Refusal` no handler caught (a getter refusing a forged button, say):
  it is said as its own sentence, audited here (the service's audit entry was rolled back
  with the update), and the update is done, not a dead letter;
- a button that expired (aiogram-dialog's unknown or outdated intent), or one the message
  never showed (forged data that broke a handler, e.g. an id that is no number): "this
  button has expired"; a forged one is audited and done too (a press no button made is an
  attempt, not a failure of the bot: the traceback is logged as a warning);
- anything else: the generic sentence, which says "nothing was saved" only when nothing
  was (`services.updates.Receipt.marked` turns true once the update's writes committed).

A press is answered once, here, as an alert: a handler that may fail answers its press last
(as aiogram-dialog does), so a failure always comes before any answer.
"""

from __future__ import annotations

import html
import logging
import re
from typing import Any

from aiogram import Router
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.types import ErrorEvent, Update

from locales import pick_language, t
from locales.format import escape
from services import audit
from services.companies import CompanyError
from services.eligibility import CheckRefusal
from services.errors import Refusal
from services.export import ExportError
from services.invites import InviteError
from services.plans import PlanError
from services.sheets import WeekError
from services.training import TrainingRefusal
from services.updates import AlreadyDone, Receipt, commit_update, update_sessions
from services.visits import VisitError

log = logging.getLogger(__name__)

STALE_DIALOG_ERRORS = ("UnknownIntent", "OutdatedIntent", "UnknownState")
ALERT_LIMIT = 200  # characters Telegram shows in a callback answer

#: Where each kind of refusal keeps its sentences: ``<prefix><code>`` in the locale files.
#: A refusal tries its own prefixes first, then every prefix (plain `Refusal`s are shared,
#: e.g. the mobile-number checks), then ``refusal_generic``.
PREFIXES: tuple[tuple[type[Refusal], str], ...] = (
    (CheckRefusal, "check_refused_"), (TrainingRefusal, "tr_err_"), (InviteError, "invite_err_"),
    (ExportError, "export_err_"), (WeekError, "export_err_"),
    (CompanyError, "vr_"), (PlanError, "vr_"), (VisitError, "vr_"),
)
ANY_PREFIX = ("refusal_", "vr_", "tr_err_", "check_refused_", "invite_err_", "export_err_", "")


def refusal_sentence(exc: Refusal, lang: str) -> str:
    """The sentence the refusal's code picks, its values escaped for HTML."""
    params = {k: escape(str(v))[:80] for k, v in exc.params.items() if isinstance(v, (str, int, float))}
    code = exc.code
    if code == "bad_uscc":  # the USCC problems are worded by their reason
        code = f"bad_uscc_{exc.params.get('reason', 'length')}"
    own = [prefix for kind, prefix in PREFIXES if isinstance(exc, kind)]
    for prefix in dict.fromkeys([*own, *ANY_PREFIX]):
        try:
            return t(f"{prefix}{code}", lang, **params)
        except (KeyError, IndexError, ValueError):  # no such sentence, or it needs values this one lacks
            continue
    return t("refusal_generic", lang)


def forged_press(update: Update) -> bool:
    """A press whose data none of the message's buttons carries: it came from no button Telegram showed."""
    query = update.callback_query
    if query is None or query.message is None or not hasattr(query.message, "reply_markup"):
        return False
    markup = query.message.reply_markup
    shown = {b.callback_data for row in (markup.inline_keyboard if markup else []) for b in row}
    return query.data not in shown


async def on_error(event: ErrorEvent, lang: str | None = None, receipt: Receipt | None = None,
                   ctx: Any = None) -> bool:
    update, exc = event.update, event.exception
    user = update.event.from_user if update.event is not None and hasattr(update.event, "from_user") else None
    lang = lang or pick_language(getattr(user, "language_code", None))
    telegram_id = getattr(user, "id", None)
    if isinstance(exc, Refusal):
        log.info("update %s refused: %s %s", update.update_id, type(exc).__name__, exc.code)
        if not await _settle(ctx, receipt, update, telegram_id, "refusal", code=exc.code,
                             refusal=type(exc).__name__):
            return True  # a copy of this update was handled first and said it
        text = refusal_sentence(exc, lang)
    elif type(exc).__name__ in STALE_DIALOG_ERRORS:
        log.info("stale button in update %s: %s", update.update_id, type(exc).__name__)
        text = t("stale_button", lang)
    elif forged_press(update):
        log.warning("update %s: a press of a button the message does not show failed", update.update_id,
                    exc_info=exc)
        if not await _settle(ctx, receipt, update, telegram_id, "callback.forged", error=type(exc).__name__):
            return True
        text = t("stale_button", lang)
    else:
        log.exception("update %s failed", update.update_id, exc_info=exc)
        text = t("error_after_saving" if receipt is not None and receipt.marked else "error_generic", lang)
    await _tell(update, text)
    return True


async def _settle(ctx: Any, receipt: Receipt | None, update: Update, telegram_id: int | None, action: str,
                  **detail: Any) -> bool:
    """Audit the denial (the update's own session rolled back, a service's entry with it) and mark
    the update done in the same transaction, so it is neither parked as a dead letter nor audited
    twice. False when a copy of the update was handled first (it audited and said all this)."""
    if ctx is None or getattr(ctx, "db", None) is None:
        return True
    query = update.callback_query
    try:
        async with update_sessions(ctx.db)() as session:
            await audit.record(session, action, "denied", telegram_id, event=update.event_type,
                               data=(query.data or "")[:64] if query else None, **detail)
            await commit_update(session, receipt)
    except AlreadyDone:
        if receipt is not None:
            receipt.error, receipt.marked = None, True
        return False
    except Exception:  # noqa: BLE001 - the person is still told; the update stays parked for an admin
        log.exception("update %s: could not audit it", update.update_id)
        return True
    if receipt is not None:
        receipt.error = None
    return True


def plain(text: str) -> str:
    """A sentence written for a message (HTML) as an alert shows it: no tags, no entities."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


async def _tell(update: Update, text: str) -> None:
    try:
        if update.callback_query:
            await update.callback_query.answer(plain(text)[:ALERT_LIMIT], show_alert=True)
        elif update.message and update.message.chat.type == "private":
            await update.message.answer(text)
    except TelegramBadRequest:
        log.info("could not tell the user about the failure of update %s", update.update_id)
    except TelegramAPIError:
        log.warning("could not tell the user about the failure of update %s", update.update_id, exc_info=True)


def build() -> Router:
    """A fresh router per dispatcher, so a restarted bot in one process wires cleanly."""
    router = Router(name="errors")
    router.errors.register(on_error)
    return router
