"""/workbench: a button that opens the workbench (the Mini App, web/), and a browser link for staff.

Telegram opens a Mini App only from an https address (a `web_app` button, the chat's menu
button set by `setChatMenuButton` with a `WebAppInfo`), so with WORKBENCH_URL on https the
reply carries that button and the chat's menu button becomes the workbench. Supervisors,
specialists and admins also get a link for a desktop browser: single use, for them only,
good for LINK_MINUTES (services.workbench_links). Without https (a local demo) only that
link is given; SMEs, who get no browser link, are told the workbench is not set up.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from html import escape
from typing import Any

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import (InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, MenuButtonWebApp, Message,
                           WebAppInfo)

from locales import t
from services.users import Actor, Role
from services.workbench_links import LINK_MINUTES, LinkBook

log = logging.getLogger(__name__)

#: Who gets a browser link besides the button.
DESK_ROLES = frozenset({Role.admin, Role.supervisor, Role.specialist})
DEFAULT_MAX_AGE = 3600


def browser_link(url: str, token: str, telegram_id: int, max_age: int = DEFAULT_MAX_AGE,
                 clock: Callable[[], float] = time.time) -> str:
    """The single-use address that opens the workbench in a browser as this user, issued by the
    clock the workbench checks it with (the context's)."""
    return f"{url.rstrip('/')}/b/{LinkBook(token, max_age, clock=clock).issue(telegram_id)}"


async def open_workbench(message: Message, actor: Actor, lang: str, ctx: Any, bot: Bot) -> None:
    url = getattr(ctx.settings, "workbench_url", None)
    https = bool(url) and url.startswith("https://")
    desk = actor.role in DESK_ROLES
    if not url or (not https and not desk):
        await message.answer(t("wb_not_configured", lang))
        return
    lines, markup = [], None
    if https:
        lines.append(t("wb_open_text", lang))
        markup = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(
            text=t("wb_open_button", lang), web_app=WebAppInfo(url=url))]])
        try:  # the chat's menu button opens it from now on; a refusal costs only the shortcut
            await bot.set_chat_menu_button(chat_id=message.chat.id, menu_button=MenuButtonWebApp(
                text=t("wb_open_button", lang), web_app=WebAppInfo(url=url)))
        except Exception as exc:  # noqa: BLE001 - the reply below still carries the button
            log.warning("setChatMenuButton failed: %s", type(exc).__name__)
    if desk:
        max_age = getattr(ctx.settings, "workbench_init_data_max_age", DEFAULT_MAX_AGE)
        link = browser_link(url, bot.token, actor.telegram_id, max_age, clock=lambda: ctx.now().timestamp())
        lines.append(t("wb_browser_link", lang, minutes=LINK_MINUTES, url=escape(link)))
    await message.answer("\n\n".join(lines), reply_markup=markup, link_preview_options=LinkPreviewOptions(is_disabled=True))


def build() -> Router:
    router = Router(name="workbench")
    router.message.register(open_workbench, Command("workbench"))
    return router
