"""The command menu each role sees (setMyCommands, per chat and language)."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeAllPrivateChats

from locales import LANGUAGES, t
from services.users import Actor, Role

_COMMON = ("start", "help", "whoami", "cancel")

COMMANDS: dict[Role | None, tuple[str, ...]] = {
    None: ("start", "help"),
    Role.sme: (*_COMMON,),
    Role.specialist: (*_COMMON,),
    Role.supervisor: (*_COMMON, "invite"),
    Role.admin: (*_COMMON, "invite"),
}


def register_commands(role: Role, *names: str) -> None:
    """Feature modules add their commands to the roles that may use them."""
    for name in names:
        if name not in COMMANDS[role]:
            COMMANDS[role] = (*COMMANDS[role], name)


def commands_for(role: Role | None, lang: str) -> list[BotCommand]:
    return [BotCommand(command=name, description=t(f"cmd_{name}", lang)) for name in COMMANDS[role]]


async def set_default_menu(bot: Bot) -> None:
    """What a stranger sees: just /start and /help, in both languages."""
    for lang in LANGUAGES:
        await bot.set_my_commands(
            commands_for(None, lang), scope=BotCommandScopeAllPrivateChats(),
            language_code=None if lang == "zh" else lang,
        )


async def set_role_menu(bot: Bot, actor: Actor) -> None:
    await bot.set_my_commands(commands_for(actor.role, actor.language), scope=BotCommandScopeChat(chat_id=actor.telegram_id))
