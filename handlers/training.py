"""Training one-shots: a session's deep links (enrol, check in) and /checkin with a typed code.

`build_links()` is placed before "common" in bot/features.py and matches only /start
payloads beginning `tre_` (enrol) or `trc_` (check in); every other /start still reaches
the invite handler. A first-time self-enrolment asks for the mobile number once (the
person is found by it) and the category; after that one tap enrols.

Trainees are people, not users (issue 19): whoever opens a link may enrol, invited or not.
The number is asked with Telegram's own share-contact button (typing it stays possible); a
shared contact that is not the sender's own is refused. A person with no role is linked to
the trainee record by their Telegram id (services.training_enrolment.link_person) and then
reaches only what is here: the link, the contact and category steps, /training (their own
sessions) and /checkin. `for_trainee` tells bot.middlewares.UpdateContext which updates of
a stranger those are; every other command still gets the stranger's sentence.
"""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, Message,
                           ReplyKeyboardMarkup, ReplyKeyboardRemove, Update)

from locales import t
from locales.format import escape
from services import training as tr
from services.companies import company_name
from services.errors import Refusal
from services.session import AsyncSession, Commit
from services import training_enrolment as enrolment
from services.trainees import CATEGORIES, PersonDraft, mask_mobile, normalise_mobile
from services.users import Actor

#: The commands a person with no role may send (their own trainings, checking in).
TRAINEE_COMMANDS = ("/training", "/checkin")

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


async def start_link(message: Message, command: CommandObject, actor: Actor | None, lang: str,
                     session: AsyncSession, commit: Commit, ctx: Any, state: FSMContext) -> None:
    payload = command.args or ""
    who = actor if actor is not None else message.from_user.id
    try:
        if payload.startswith(tr.CHECKIN_PREFIX):
            outcome = await tr.check_in_by_link(session, who, payload, ctx.now())
            await commit()
            await message.answer(_checked_in(outcome, lang))
            return
        training = await tr.parse_enrol_payload(session, payload)
        try:
            if actor is not None:
                outcome = await tr.enrol_self(session, actor, training, ctx.now())
            else:
                outcome = await enrolment.enrol_linked(session, who, training, ctx.now())
        except Refusal as exc:
            if exc.code != "need_details":
                raise
            await state.set_state(SelfEnrol.mobile)
            await state.update_data(training_id=training.id)
            await message.answer(t("tr_self_ask_mobile", lang, title=escape(training.title), when=_when(training, ctx))
                                 + "\n" + t("tl_ask_contact_hint", lang), reply_markup=_contact_keyboard(lang))
            return
    except Refusal as exc:
        await commit()  # keeps an audit entry, if any
        await message.answer(_refusal(exc, lang))
        return
    await commit()
    await message.answer(_enrolled(outcome, ctx, lang))


def _contact_keyboard(lang: str) -> ReplyKeyboardMarkup:
    """Telegram's own share-contact button: one tap, and the number is the sender's own."""
    return ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text=t("tl_contact_button", lang), request_contact=True)]],
                               resize_keyboard=True, one_time_keyboard=True)


async def got_mobile(message: Message, lang: str, state: FSMContext) -> None:
    contact = message.contact
    if contact is not None and contact.user_id != message.from_user.id:  # people share only their own number
        await message.answer(t("tl_contact_not_yours", lang), reply_markup=_contact_keyboard(lang))
        return
    try:
        mobile = normalise_mobile(contact.phone_number if contact is not None else message.text)
    except Refusal as exc:
        await message.answer(_refusal(exc, lang) + "\n" + t("tr_self_try_again", lang),
                             reply_markup=_contact_keyboard(lang))
        return
    name = " ".join(p for p in (contact.first_name, contact.last_name) if p) if contact is not None else ""
    await state.update_data(mobile=mobile, name=name or message.from_user.full_name)
    await state.set_state(SelfEnrol.category)
    await message.answer(t("tl_mobile_received", lang, mobile=mask_mobile(mobile)), reply_markup=ReplyKeyboardRemove())
    keyboard = InlineKeyboardMarkup(inline_keyboard=[
        [InlineKeyboardButton(text=name, callback_data=PickCategory(index=i).pack())] for i, name in enumerate(CATEGORIES)])
    await message.answer(t("tr_self_ask_category", lang), reply_markup=keyboard)


async def picked_category(query: CallbackQuery, callback_data: PickCategory, actor: Actor | None, lang: str,
                          session: AsyncSession, commit: Commit, ctx: Any, state: FSMContext) -> None:
    data = await state.get_data()
    if (await state.get_state() != SelfEnrol.category.state or "mobile" not in data
            or not 0 <= callback_data.index < len(CATEGORIES)):  # a replayed or forged press
        await query.answer(t("stale_button", lang), show_alert=True)
        return
    await query.answer()
    if query.message.reply_markup is not None:  # Telegram refuses an edit that changes nothing
        await query.message.edit_text(f"{t('tr_self_ask_category', lang)} {CATEGORIES[callback_data.index]}")
    category = CATEGORIES[callback_data.index]
    try:
        training = await tr.get_session(session, data["training_id"])
        if actor is None:
            person = PersonDraft.parse(data.get("name") or str(query.from_user.id), data["mobile"], "", "", category)
            outcome = await enrolment.enrol_linked(session, query.from_user.id, training, ctx.now(), person)
        else:
            company = await company_name(session, actor.company_id) if actor.company_id else ""
            person = PersonDraft.parse(actor.full_name or str(actor.telegram_id), data["mobile"], company or "", "",
                                       category)
            outcome = await tr.enrol_self(session, actor, training, ctx.now(), person)
    except Refusal as exc:
        await state.clear()
        await query.message.answer(_refusal(exc, lang))
        return
    await commit()
    await state.clear()
    await query.message.answer(_enrolled(outcome, ctx, lang))


async def my_trainings(message: Message, lang: str, session: AsyncSession, ctx: Any) -> None:
    """/training for a person with no role: their own sessions, nothing of anyone else's."""
    rows = await enrolment.my_enrolments(session, message.from_user.id, ctx.now())
    if not rows:
        await message.answer(t("tl_mine_none", lang))
        return
    lines = [t("tl_mine_title", lang)]
    for enrolled, training in rows:
        lines.append(t("tl_mine_line", lang, when=_when(training, ctx), title=escape(training.title),
                       status=t(f"tr_status_{enrolled.status}", lang), place=escape(training.location or "")))
    lines.append(t("tl_mine_checkin", lang))
    await message.answer("\n".join(lines))


async def checkin_code(message: Message, command: CommandObject, actor: Actor | None, lang: str,
                       session: AsyncSession, commit: Commit, ctx: Any) -> None:
    if not command.args:
        await message.answer(t("tr_checkin_usage", lang))
        return
    try:
        who = actor if actor is not None else message.from_user.id
        outcome = await tr.check_in_by_code(session, who, command.args, ctx.now())
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


async def for_trainee(update: Update, state: FSMContext | None) -> bool:
    """Whether an update of a person with no role belongs here (bot.middlewares.UpdateContext asks):
    /training, /checkin, a category press, and a number (shared or typed) while one is asked for."""
    if update.callback_query is not None:
        return (update.callback_query.data or "").startswith(f"{PickCategory.__prefix__}:")
    message = update.message
    if message is None or message.chat.type != "private":
        return False
    text = message.text or ""
    if text.startswith("/"):
        return text.split(maxsplit=1)[0].split("@")[0] in TRAINEE_COMMANDS
    if not (message.contact or message.text) or state is None:
        return False
    return await state.get_state() == SelfEnrol.mobile.state


def _no_role(_event: object, actor: Actor | None = None) -> bool:
    return actor is None


def build_links() -> Router:
    """Before "common": only /start payloads of training links; other /start payloads pass by.
    Public (no role needed): whoever opens a link may enrol; invited users reach the rest."""
    router = Router(name="training_links")
    router.message.register(start_link, CommandStart(deep_link=True, magic=LINK_PAYLOAD))
    router.message.register(checkin_code, Command("checkin"))
    router.message.register(my_trainings, Command("training"), _no_role)
    router.message.register(got_mobile, SelfEnrol.mobile, F.contact)
    router.message.register(got_mobile, SelfEnrol.mobile, F.text, ~F.text.startswith("/"))
    router.callback_query.register(picked_category, PickCategory.filter())
    return router
