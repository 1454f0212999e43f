"""Invite links in chat: /invite with buttons or arguments.

Supervisors and admins invite specialists and company users; specialists invite the
users of companies they can see. Who may invite whom is decided in services.invites.
While a company is asked for, a command typed instead goes to its own handler.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from html import escape
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from handlers.render import local_time, role_name
from locales import t
from locales.regions import region_label
from services.companies import visible_companies
from services.context import AppContext
from services.invites import MAY_INVITE, REGIONAL_ROLES, InviteError, create_invite, deep_link, parse_lifetime
from services.regions import HOME_PROVINCE, lookup, resolve
from services.session import AsyncSession, Commit
from services.users import Actor, Role



class InviteRole(CallbackData, prefix="inv"):
    role: Role


class InviteCompany(CallbackData, prefix="invc"):
    company_id: int


class InviteRegion(CallbackData, prefix="invr"):
    role: Role
    code: str


class InviteFlow(StatesGroup):
    company = State()
    region = State()


async def invite(message: Message, command: CommandObject, actor: Actor, lang: str, session: AsyncSession,
                 commit: Commit, bot: Bot, state: FSMContext, ctx: AppContext) -> None:
    if not command.args:
        roles = sorted(MAY_INVITE[actor.role], key=list(Role).index)
        keyboard = InlineKeyboardMarkup(inline_keyboard=[
            [InlineKeyboardButton(text=role_name(r, lang), callback_data=InviteRole(role=r).pack())] for r in roles
        ])
        await message.answer(t("invite_pick_role", lang), reply_markup=keyboard)
        return
    words = command.args.split()
    options = dict(w.split("=", 1) for w in words[1:] if "=" in w)
    if len(options) != len(words) - 1 or not set(options) <= {"company", "region", "expires"}:
        await message.answer(t("invite_usage", lang))
        return
    await _make(ctx, message, actor, lang, session, commit, bot, words[0], options.get("company"),
                options.get("region"), options.get("expires"))
    await state.clear()


def _answer_last(handler: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
    """Answer the press once the handler is through; if it raised, the error handler answers it
    instead (with the reason), so a press is never answered twice. (aiogram reads the handler's
    own parameters through `functools.wraps`.)"""
    @functools.wraps(handler)
    async def answered(query: CallbackQuery, *args: Any, **kwargs: Any) -> None:
        await handler(query, *args, **kwargs)
        await query.answer()
    return answered


async def _take_buttons(query: CallbackQuery, text: str | None = None) -> None:
    """Take the message's buttons away, so a second press on it cannot make a second invite. A
    message showing none (pressed before, or a forged press) is left alone: Telegram refuses an
    edit that changes nothing."""
    if getattr(query.message, "reply_markup", None) is None:
        return
    if text is None:
        await query.message.edit_reply_markup(reply_markup=None)
    else:
        await query.message.edit_text(text)


async def picked_role(query: CallbackQuery, callback_data: InviteRole, actor: Actor, lang: str,
                      session: AsyncSession, commit: Commit, bot: Bot, state: FSMContext, ctx: AppContext) -> None:
    await _take_buttons(query, f"{t('invite_pick_role', lang)} {role_name(callback_data.role, lang)}")
    if callback_data.role == Role.sme:
        await state.set_state(InviteFlow.company)
        companies = await visible_companies(session, actor, limit=10)
        keyboard = InlineKeyboardMarkup(inline_keyboard=[
            [InlineKeyboardButton(text=c.name[:40], callback_data=InviteCompany(company_id=c.id).pack())] for c in companies
        ]) if companies else None
        await query.message.answer(t("invite_pick_company" if companies else "invite_ask_company", lang),
                                   reply_markup=keyboard)
        return
    if callback_data.role in REGIONAL_ROLES and actor.role == Role.admin:
        # An admin has no region of their own to lend: the invite's region is chosen, never implied.
        await state.set_state(InviteFlow.region)
        await state.update_data(role=callback_data.role.value)
        province = lookup(HOME_PROVINCE)
        keyboard = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(
            text=t("invite_region_province", lang, name=province.name),
            callback_data=InviteRegion(role=callback_data.role, code=province.code).pack())]])
        await query.message.answer(t("invite_ask_region", lang, role=role_name(callback_data.role, lang)),
                                   reply_markup=keyboard)
        return
    await _make(ctx, query.message, actor, lang, session, commit, bot, callback_data.role.value, None, None, None)


async def picked_region(query: CallbackQuery, callback_data: InviteRegion, actor: Actor, lang: str,
                        session: AsyncSession, commit: Commit, bot: Bot, state: FSMContext, ctx: AppContext) -> None:
    await _take_buttons(query)
    if await _make(ctx, query.message, actor, lang, session, commit, bot, callback_data.role.value, None,
                   callback_data.code, None):
        await state.clear()


async def got_region(message: Message, actor: Actor, lang: str, session: AsyncSession, commit: Commit, bot: Bot,
                     state: FSMContext, ctx: AppContext) -> None:
    text = message.text.strip()[:40]
    region = resolve(text)
    if region is None:
        await message.answer(t("invite_err_unknown_region", lang, value=escape(text)))
        return
    role = (await state.get_data()).get("role", Role.specialist.value)
    if await _make(ctx, message, actor, lang, session, commit, bot, role, None, region.code, None):
        await state.clear()


async def picked_company(query: CallbackQuery, callback_data: InviteCompany, actor: Actor, lang: str,
                         session: AsyncSession, commit: Commit, bot: Bot, state: FSMContext, ctx: AppContext) -> None:
    await _take_buttons(query)
    if await _make(ctx, query.message, actor, lang, session, commit, bot, Role.sme.value, None, None, None,
                   company_id=callback_data.company_id):
        await state.clear()


async def got_company(message: Message, actor: Actor, lang: str, session: AsyncSession, commit: Commit, bot: Bot,
                      state: FSMContext, ctx: AppContext) -> None:
    if await _make(ctx, message, actor, lang, session, commit, bot, Role.sme.value, message.text.strip()[:64], None, None):
        await state.clear()


async def _make(ctx: AppContext, message: Message, actor: Actor, lang: str, session: AsyncSession, commit: Commit, bot: Bot,
                role: str, company: str | None, region: str | None, expires: str | None,
                company_id: int | None = None) -> bool:
    try:
        lifetime = parse_lifetime(expires)
        ticket = await create_invite(session, role, company_uscc=company, company_id=company_id,
                                     region_code=region, lifetime=lifetime, created_by=actor)
    except InviteError as exc:
        await commit()  # the refusal's audit entry, if any
        params = {k: escape(str(v)[:64]) for k, v in exc.params.items()}
        await message.answer(t(f"invite_err_{exc.code}", lang, **params))
        return False
    await commit()
    me = await bot.me()
    text = t("invite_created", lang, role=role_name(ticket.role, lang),
             expires=local_time(ticket.expires_at, ctx.tz), link=escape(deep_link(me.username, ticket.token)))
    if ticket.region_code:
        text += "\n" + t("invite_created_region", lang, region=region_label(ticket.region_code, lang))
    await message.answer(text)
    return True


def build() -> Router:
    """A fresh router per dispatcher, so a restarted bot in one process wires cleanly."""
    router = Router(name="invites")
    router.message.register(invite, Command("invite"))
    router.callback_query.register(_answer_last(picked_role), InviteRole.filter())
    router.callback_query.register(_answer_last(picked_company), InviteCompany.filter())
    # Only while the region is asked: a second press (the state is cleared) is a stale button.
    router.callback_query.register(_answer_last(picked_region), InviteRegion.filter(), InviteFlow.region)
    router.message.register(got_region, InviteFlow.region, F.text, ~F.text.startswith("/"))
    router.message.register(got_company, InviteFlow.company, F.text, ~F.text.startswith("/"))
    return router
