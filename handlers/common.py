"""What every user can do: /start (with an invite token), /help, /whoami, /cancel, /language."""

from __future__ import annotations

from html import escape

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from aiogram_dialog import DialogManager

from handlers import language
from handlers.menu import Menu
from handlers.render import display_name, role_name
from locales import pick_language, t
from locales.regions import region_label
from services.companies import company_name
from services.invites import REGIONAL_ROLES, Redeemed, redeem
from services.session import AsyncSession, Commit
from services.users import Actor



async def start_with_token(message: Message, command: CommandObject, session: AsyncSession, commit: Commit,
                           actor: Actor | None, lang: str, bot: Bot, menu: Menu) -> None:
    user = message.from_user
    language = pick_language(user.language_code)
    result = await redeem(session, command.args or "", user.id, user.full_name, user.username, language)
    await commit()
    if result.outcome == Redeemed.ok:
        # The welcome first: the invite is redeemed, and a menu Telegram refuses must not hide that.
        await message.answer(t("welcome", language, name=display_name(result.actor),
                               role=role_name(result.actor.role, language)))
        await menu.try_set_for(bot, result.actor)
    elif result.outcome == Redeemed.already_member:
        await message.answer(t("invite_already_member", lang, role=role_name(actor.role, lang)))
    else:
        await message.answer(t(f"invite_{result.outcome.value}", language))


async def start(message: Message, actor: Actor | None, lang: str, bot: Bot, menu: Menu) -> None:
    if actor is None:
        await message.answer(t("unknown_user", lang))
        return
    await message.answer(t("start_member", lang, name=display_name(actor), role=role_name(actor.role, lang)))
    await menu.try_set_for(bot, actor)


async def help_(message: Message, actor: Actor, lang: str, menu: Menu) -> None:
    lines = [t("help_header", lang, role=role_name(actor.role, lang))]
    lines += [f"/{c.command} — {escape(c.description)}" for c in menu.for_role(actor.role, lang)]
    await message.answer("\n".join(lines))


async def whoami(message: Message, actor: Actor, lang: str, session: AsyncSession) -> None:
    company = await company_name(session, actor.company_id) if actor.company_id else None
    await message.answer(t(
        "whoami", lang, name=display_name(actor), role=role_name(actor.role, lang),
        region=region_label(actor.region_code, lang) if actor.role in REGIONAL_ROLES else t("none", lang),
        company=escape(company or t("none", lang)), telegram_id=actor.telegram_id,
    ))


async def cancel(message: Message, state: FSMContext, lang: str, dialog_manager: DialogManager) -> None:
    """Ends whatever is under way: a plain FSM step (an invite asking for a company) or a dialog (/check)."""
    in_dialog = dialog_manager.has_context()
    if await state.get_state() is None and not in_dialog:
        await message.answer(t("nothing_to_cancel", lang))
        return
    await state.clear()
    if in_dialog:
        await dialog_manager.reset_stack()
    await message.answer(t("cancelled", lang))


async def start_unparsed(message: Message, lang: str) -> None:
    """`/start` with a payload Telegram would not send (e.g. too long): treat as a bad invite."""
    await message.answer(t("invite_unknown", lang))


def build() -> Router:
    """A fresh router per dispatcher, so a restarted bot in one process wires cleanly."""
    router = Router(name="common")
    # Every handler here is a command: one cheap check spares ordinary text five Command filters.
    router.message.filter(F.text.startswith("/"))
    router.message.register(start_with_token, CommandStart(deep_link=True))
    router.message.register(start, CommandStart())
    router.message.register(help_, Command("help"))
    router.message.register(whoami, Command("whoami"))
    router.message.register(cancel, Command("cancel"))
    router.message.register(start_unparsed, F.text.startswith("/start"))
    router.include_router(language.build())  # /language, /lang and its two buttons
    return router
