"""The command menu each role sees (setMyCommands, per chat and language).

The commands come from the feature table in `bot/features.py`; the dispatcher hands
the resulting `Menu` to handlers as ``menu``. Nothing registers commands as a side
effect of being imported.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat

from locales import LANGUAGES, t
from services.users import Actor, Role

log = logging.getLogger(__name__)

STRANGER_COMMANDS = ("start", "help")


class Menu:
    """Command names per role (``None``: a stranger), in menu order."""

    def __init__(self, commands: Mapping[Role | None, tuple[str, ...]]) -> None:
        self.commands = {None: STRANGER_COMMANDS, **commands}
        # /help lists a role's commands on every call; building a dozen pydantic objects
        # each time cost more than the rest of the reply. The wording is fixed per language.
        self._built: dict[tuple[Role | None, str], tuple[BotCommand, ...]] = {}

    def names(self, role: Role | None) -> tuple[str, ...]:
        return self.commands.get(role, ())

    def for_role(self, role: Role | None, lang: str) -> list[BotCommand]:
        built = self._built.get((role, lang))
        if built is None:
            built = tuple(BotCommand(command=name, description=t(f"cmd_{name}", lang)) for name in self.names(role))
            self._built[(role, lang)] = built
        return list(built)

    async def set_default(self, bot: Bot) -> None:
        """What a stranger sees: just /start and /help, in both languages."""
        for lang in LANGUAGES:
            await bot.set_my_commands(
                self.for_role(None, lang), scope=BotCommandScopeAllPrivateChats(),
                language_code=None if lang == "zh" else lang,
            )

    async def set_for(self, bot: Bot, actor: Actor) -> None:
        await bot.set_my_commands(self.for_role(actor.role, actor.language),
                                  scope=BotCommandScopeChat(chat_id=actor.telegram_id))

    async def try_set_for(self, bot: Bot, actor: Actor) -> bool:
        """The per-chat menu, best effort: the menu is a convenience, and a Telegram that
        refuses it must not turn the update that set it (a welcome) into an error. The next
        /start sets it again; until then the chat sees the strangers' menu."""
        try:
            await self.set_for(bot, actor)
        except TelegramAPIError as exc:
            reason = f"{type(exc).__name__}: {exc}".replace(bot.token, "<token>")
            log.warning("command menu of a %s's chat not set: %s", actor.role.value, reason)
            return False
        return True
