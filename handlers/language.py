"""/language (also /lang): each user picks 中文 or English for themselves, and it is kept.

The language used to be the Telegram app's when a person first arrived and could not be
changed (issue 19: "/lang en", "/language" and "English please" all got "not understood").
`/language` shows two buttons; `/language en` or `/language zh` switches at once. The
answer is in the new language and the command menu is set again in it
(`handlers.menu.Menu.try_set_for`); the choice is stored by `services.users.set_language`,
so every later reply, reminder and digest uses it.

Registered under the `common` router (every role, strangers answered as strangers).
"""

from __future__ import annotations

from html import escape

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from handlers.menu import Menu
from locales import LANGUAGES, t
from services.session import AsyncSession, Commit
from services.users import Actor, set_language

#: What people type after /language, lower-cased: codes, names in both languages.
ALIASES = {
    "zh": "zh", "cn": "zh", "zh-cn": "zh", "zh-hans": "zh", "chinese": "zh", "中文": "zh", "汉语": "zh", "简体中文": "zh",
    "en": "en", "english": "en", "英文": "en", "英语": "en",
}
#: Each language by its own name, the same on every screen: a person who cannot read the
#: current language still finds theirs.
SELF_NAMES = {"zh": "中文", "en": "English"}


class LanguagePick(CallbackData, prefix="lang"):
    code: str


def keyboard(current: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[
        InlineKeyboardButton(text=("✓ " if code == current else "") + SELF_NAMES[code],
                             callback_data=LanguagePick(code=code).pack())
        for code in LANGUAGES
    ]])


async def language(message: Message, command: CommandObject, actor: Actor | None, lang: str,
                   session: AsyncSession, commit: Commit, bot: Bot, menu: Menu) -> None:
    if actor is None:
        await message.answer(t("unknown_user", lang))
        return
    typed = (command.args or "").strip()
    if not typed:
        await message.answer(t("language_pick", lang, current=SELF_NAMES.get(actor.language, actor.language)),
                             reply_markup=keyboard(actor.language))
        return
    code = ALIASES.get(typed.lower())
    if code is None:
        await message.answer(t("language_usage", lang, value=escape(typed[:32])))
        return
    changed = await set_language(session, actor, code)
    await commit()
    await message.answer(t("language_set", code))
    await menu.try_set_for(bot, changed)


async def picked(callback: CallbackQuery, callback_data: LanguagePick, actor: Actor | None, lang: str,
                 session: AsyncSession, commit: Commit, bot: Bot, menu: Menu) -> None:
    if actor is None:
        await callback.answer(t("unknown_user_callback", lang), show_alert=True)
        return
    if callback_data.code not in LANGUAGES:  # only a forged press; the buttons carry known codes
        await callback.answer(t("stale_button", lang), show_alert=True)
        return
    changed = await set_language(session, actor, callback_data.code)
    await commit()
    if callback.message is not None:
        await callback.message.edit_text(t("language_set", changed.language), reply_markup=None)
    await menu.try_set_for(bot, changed)
    await callback.answer()


def build() -> Router:
    """A fresh router per dispatcher; `handlers.common.build` includes it."""
    router = Router(name="language")
    router.message.register(language, Command("language", "lang"))
    router.callback_query.register(picked, LanguagePick.filter())
    return router
