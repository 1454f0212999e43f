"""Training one-shots: a session's deep links (enrol, check in) and /checkin with a typed code.

`build_links()` is placed before "common" in bot/features.py and matches only /start
payloads beginning `tre_` (enrol) or `trc_` (check in); every other /start still reaches
the invite handler. A first-time self-enrolment asks for the mobile number once (the
person is found by it) and the category; after that one tap enrols.
"""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from locales import t
from locales.format import escape
from services import training as tr
from services.companies import company_name
from services.errors import Refusal
from services.session import AsyncSession, Commit
from services.trainees import CATEGORIES, PersonDraft, normalise_mobile
from services.users import Actor

LINK_PAYLOAD = F.args.regexp(rf"^({tr.ENROL_PREFIX}|{tr.CHECKIN_PREFIX})")


class SelfEnrol(StatesGroup):
    mobile = State()
    category = State()


class PickCategory(CallbackData, prefix="trcat"):
    index: int


def _refusal(exc: Refusal, lang: str) -> str:
    return t(f"tr_err_{exc.code}", lang, **{k: escape(str(v)) for k, v in exc.params.items()})


def _when(training: tr.Training, ctx: Any) -> str:
    start = training.starts_at.astimezone(ctx.tz)
    return start.strftime("%Y-%m-%d %H:%M")


async def start_link(message: Message, command: CommandObject, actor: Actor, lang: str, session: AsyncSession,
                     commit: Commit, ctx: Any, state: FSMContext) -> None:
    payload = command.args or ""
    try:
        if payload.startswith(tr.CHECKIN_PREFIX):
            outcome = await tr.check_in_by_link(session, actor, payload, ctx.now())
            await commit()
            await message.answer(_checked_in(outcome, lang))
            return
        training = await tr.parse_enrol_payload(session, payload)
        try:
            outcome = await tr.enrol_self(session, actor, training, ctx.now())
        except Refusal as exc:
            if exc.code != "need_details":
                raise
            await state.set_state(SelfEnrol.mobile)
            await state.update_data(training_id=training.id)
            await message.answer(t("tr_self_ask_mobile", lang, title=escape(training.title),
                                   when=_when(training, ctx)))
            return
    except Refusal as exc:
        await commit()  # keeps an audit entry, if any
        await message.answer(_refusal(exc, lang))
        return
    await commit()
    await message.answer(_enrolled(outcome, ctx, lang))


async def got_mobile(message: Message, lang: str, state: FSMContext) -> None:
    try:
        mobile = normalise_mobile(message.text)
    except Refusal as exc:
        await message.answer(_refusal(exc, lang) + "\n" + t("tr_self_try_again", lang))
        return
    await state.update_data(mobile=mobile)
    await state.set_state(SelfEnrol.category)
    keyboard = InlineKeyboardMarkup(inline_keyboard=[
        [InlineKeyboardButton(text=name, callback_data=PickCategory(index=i).pack())] for i, name in enumerate(CATEGORIES)])
    await message.answer(t("tr_self_ask_category", lang), reply_markup=keyboard)


async def picked_category(query: CallbackQuery, callback_data: PickCategory, actor: Actor, lang: str,
                          session: AsyncSession, commit: Commit, ctx: Any, state: FSMContext) -> None:
    data = await state.get_data()
    if (await state.get_state() != SelfEnrol.category.state or "mobile" not in data
            or not 0 <= callback_data.index < len(CATEGORIES)):  # a replayed or forged press
        await query.answer(t("stale_button", lang), show_alert=True)
        return
    await query.answer()
    if query.message.reply_markup is not None:  # Telegram refuses an edit that changes nothing
        await query.message.edit_text(f"{t('tr_self_ask_category', lang)} {CATEGORIES[callback_data.index]}")
    company = await company_name(session, actor.company_id) if actor.company_id else ""
    try:
        person = PersonDraft.parse(actor.full_name or str(actor.telegram_id), data["mobile"], company or "", "",
                                   CATEGORIES[callback_data.index])
        training = await tr.get_session(session, data["training_id"])
        outcome = await tr.enrol_self(session, actor, training, ctx.now(), person)
    except Refusal as exc:
        await state.clear()
        await query.message.answer(_refusal(exc, lang))
        return
    await commit()
    await state.clear()
    await query.message.answer(_enrolled(outcome, ctx, lang))


async def checkin_code(message: Message, command: CommandObject, actor: Actor, lang: str, session: AsyncSession,
                       commit: Commit, ctx: Any) -> None:
    if not command.args:
        await message.answer(t("tr_checkin_usage", lang))
        return
    try:
        outcome = await tr.check_in_by_code(session, actor, command.args, ctx.now())
    except Refusal as exc:
        await message.answer(_refusal(exc, lang))
        return
    await commit()
    await message.answer(_checked_in(outcome, lang))


def _checked_in(outcome: tr.EnrolOutcome, lang: str) -> str:
    key = "tr_checkin_already" if outcome.already else "tr_checkin_ok"
    return t(key, lang, name=escape(outcome.trainee.name), title=escape(outcome.training.title))


def _enrolled(outcome: tr.EnrolOutcome, ctx: Any, lang: str) -> str:
    key = "tr_self_already" if outcome.already else f"tr_self_{outcome.status}"
    return t(key, lang, title=escape(outcome.training.title), when=_when(outcome.training, ctx),
             status=t(f"tr_status_{outcome.status}", lang))


def build_links() -> Router:
    """Before "common": only /start payloads of training links; other /start payloads pass by."""
    router = Router(name="training_links")
    router.message.register(start_link, CommandStart(deep_link=True, magic=LINK_PAYLOAD))
    router.message.register(checkin_code, Command("checkin"))
    router.message.register(got_mobile, SelfEnrol.mobile, F.text, ~F.text.startswith("/"))
    router.callback_query.register(picked_category, PickCategory.filter())
    return router
