"""/privacy for everyone: what the bot keeps about you, and a button to ask for its deletion.

The request goes to every admin with a confirm button; an admin's press carries it out
(services.privacy checks the role: a stranger's or an SME's press of that button is
refused, a second press changes nothing). Strangers reach this router too (`for_anyone`,
asked by bot.middlewares.UpdateContext): a trainee with no role has data here as well.
"""

from __future__ import annotations

import logging
from datetime import datetime

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.storage.base import BaseStorage, StorageKey
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from handlers.render import local_time, role_name
from locales import t
from locales.format import chunks, escape
from locales.regions import region_label
from services import privacy
from services.context import AppContext
from services.dialog_erasure import DialogKey
from services.retention import Periods
from services.session import AsyncSession, Commit
from services.trainees import mask_mobile
from services.users import Actor, Role

log = logging.getLogger(__name__)

ASK = "prv:ask"
SESSIONS_SHOWN = 10
QUESTION_CHARS = 60


class PrivacyConfirm(CallbackData, prefix="prvok"):
    request_id: int


def for_anyone(update: Update) -> bool:
    """Updates of a person with no role that belong here: /privacy in a private chat, and
    presses of this feature's buttons (a stranger's confirm press is refused by the service)."""
    if update.callback_query is not None:
        data = update.callback_query.data or ""
        return data == ASK or data.startswith(f"{PrivacyConfirm.__prefix__}:")
    message = update.message
    if message is None or message.chat.type != "private" or not message.text:
        return False
    return message.text.split(maxsplit=1)[0].split("@")[0] == "/privacy"


def _when(moment: datetime, ctx: AppContext) -> str:
    return local_time(moment, ctx.tz, "%Y-%m-%d")


def _report(kept: privacy.Kept, lang: str, ctx: AppContext) -> list[str]:
    lines = [t("privacy_header", lang)]
    none = t("none", lang)
    if kept.role is not None:
        lines.append(t("privacy_user", lang, role=role_name(kept.role, lang), name=escape(kept.full_name or none),
                       username=escape(f"@{kept.username}" if kept.username else none),
                       language=t(f"privacy_language_{kept.language}", lang) if kept.language else none,
                       region=region_label(kept.region_code, lang) if kept.region_code else none,
                       company=escape(kept.company or none), telegram_id=kept.telegram_id))
    else:
        lines.append(t("privacy_no_user", lang, telegram_id=kept.telegram_id))
    for trainee in kept.trainees:
        lines.append(t("privacy_trainee", lang, name=escape(trainee.name or none), mobile=mask_mobile(trainee.mobile),
                       company=escape(trainee.company or none), position=escape(trainee.position or none),
                       category=escape(trainee.category)))
        for s in trainee.sessions[-SESSIONS_SHOWN:]:
            lines.append(t("privacy_session", lang, when=_when(s.starts_at, ctx), title=escape(s.title),
                           status=t(f"tr_status_{s.status}", lang)))
        if len(trainee.sessions) > SESSIONS_SHOWN:
            lines.append(t("privacy_sessions_more", lang, count=len(trainee.sessions)))
    if kept.questions:
        lines.append(t("privacy_questions", lang, count=kept.questions))
        for asked_at, text in kept.recent_questions:
            short = text if len(text) <= QUESTION_CHARS else text[:QUESTION_CHARS] + "…"
            lines.append(t("privacy_question", lang, when=_when(asked_at, ctx), text=escape(short or none)))
    if kept.audit_rows:
        lines.append(t("privacy_audit", lang, count=kept.audit_rows))
    periods = Periods.of(ctx.settings)
    lines.append(t("privacy_retention", lang, **{k: _days(v, lang) for k, v in vars(periods).items()}))
    if kept.pending_request is not None:
        lines.append(t("privacy_pending", lang, id=kept.pending_request))
    elif kept.nothing:
        lines.append(t("privacy_nothing", lang))
    else:
        lines.append(t("privacy_ask_explain", lang))
    return lines


def _days(days: int, lang: str) -> str:
    return t("privacy_days", lang, days=days) if days else t("privacy_kept_for_good", lang)


def _confirm_keyboard(request_id: int, lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(
        text=t("privacy_confirm_button", lang, id=request_id),
        callback_data=PrivacyConfirm(request_id=request_id).pack())]])


async def show(message: Message, actor: Actor | None, lang: str, session: AsyncSession, ctx: AppContext) -> None:
    kept = await privacy.kept(session, message.from_user.id)
    parts = chunks(_report(kept, lang, ctx))
    ask = None
    if not kept.nothing and kept.pending_request is None:
        ask = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text=t("privacy_ask_button", lang),
                                                                          callback_data=ASK)]])
    for i, part in enumerate(parts):
        await message.answer(part, reply_markup=ask if i == len(parts) - 1 else None)
    if actor is not None and actor.role == Role.admin:
        for request_id, asked_at in await privacy.pending_requests(session, actor):
            await message.answer(t("privacy_admin_pending", lang, id=request_id, when=local_time(asked_at, ctx.tz)),
                                 reply_markup=_confirm_keyboard(request_id, lang))


async def _take_buttons(query: CallbackQuery) -> None:
    if getattr(query.message, "reply_markup", None) is not None:
        await query.message.edit_reply_markup(reply_markup=None)


def _who(kept: privacy.Kept, lang: str) -> str:
    none = t("none", lang)
    if kept.role is not None:
        return f"{escape(kept.full_name or none)}（{role_name(kept.role, lang)}）"
    names = "、".join(escape(trainee.name) for trainee in kept.trainees if trainee.name)
    return t("privacy_who_trainee", lang, names=names or none)


async def ask(query: CallbackQuery, lang: str, session: AsyncSession, commit: Commit, bot: Bot,
              ctx: AppContext) -> None:
    outcome = await privacy.request_deletion(session, query.from_user.id, lang, ctx.now())
    await commit()
    await _take_buttons(query)
    if outcome.already:
        await query.message.answer(t("privacy_requested_already", lang, id=outcome.request_id))
    else:
        await query.message.answer(t("privacy_requested", lang, id=outcome.request_id))
        kept = outcome.kept
        for admin_id, admin_lang in outcome.admins:
            text = t("privacy_admin_request", admin_lang, id=outcome.request_id, who=_who(kept, admin_lang),
                     user=1 if kept.role is not None else 0, trainees=len(kept.trainees), questions=kept.questions)
            try:
                await bot.send_message(admin_id, text, reply_markup=_confirm_keyboard(outcome.request_id, admin_lang))
            except TelegramAPIError as exc:  # the others are still told; /privacy lists it for every admin
                log.warning("privacy request %s not sent to an admin: %s", outcome.request_id, type(exc).__name__)
    await query.answer()


async def confirm(query: CallbackQuery, callback_data: PrivacyConfirm, actor: Actor | None, lang: str,
                  session: AsyncSession, commit: Commit, bot: Bot, ctx: AppContext, fsm_storage: BaseStorage) -> None:
    outcome = await privacy.confirm_deletion(session, actor, callback_data.request_id, ctx.now(),
                                             redis_url=ctx.settings.redis_url)
    await commit()
    await _forget_dialogs(fsm_storage, bot, outcome.dialog_keys)
    await _take_buttons(query)
    if outcome.already:
        await query.message.answer(t("privacy_already_done", lang, id=outcome.request_id))
    else:
        await query.message.answer(t("privacy_done_admin", lang, id=outcome.request_id, **outcome.counts))
        person, person_lang = outcome.notify
        try:
            await bot.send_message(person, t("privacy_done_person", person_lang, id=outcome.request_id))
        except TelegramAPIError as exc:  # done all the same; the person finds nothing under /privacy
            log.warning("privacy request %s: the person could not be told: %s", outcome.request_id,
                        type(exc).__name__)
    await query.answer()


async def _forget_dialogs(storage: BaseStorage, bot: Bot, keys: tuple[DialogKey, ...]) -> None:
    """The erased dialogs are gone from the table and Redis; this process's storage may still
    hold a copy in memory (bot.state_storage caches on SQLite): cleared through aiogram's own
    calls, which write nothing back for a key already gone."""
    for key in keys:
        where = StorageKey(bot_id=bot.id, chat_id=int(key.chat), user_id=int(key.user),
                           thread_id=int(key.thread) if key.thread else None, destiny=key.destiny)
        await storage.set_state(where, None)
        await storage.set_data(where, {})


def build() -> Router:
    """A fresh router per dispatcher. Public: strangers reach it through `for_anyone` only."""
    router = Router(name="privacy")
    router.message.register(show, Command("privacy"))
    router.callback_query.register(ask, F.data == ASK)
    router.callback_query.register(confirm, PrivacyConfirm.filter())
    return router
