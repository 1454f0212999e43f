"""Middlewares: one database session per update, exactly-once writes, and role checks.

`UpdateContext` wraps every update (outer, on the dispatcher): it loads the invited user (through a short-lived `ActorCache`,
see services.users.ACTOR_CACHE_SECONDS), turns strangers away before any
handler can reach data, and commits the update's writes together with its inbox row (see services.updates).

`RequireRoles` guards one router (inner); the test suite checks that every
router except the public one carries it, so a new router is denied by default.

`CleanText` (outer, on the dispatcher) passes every message's text and caption through the
base of the one gate for user text (services.textgate: NFC, no control or bidi character),
so no handler or dialog ever sees a NUL byte or a right-to-left override.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, Message, MessageEntity, TelegramObject, Update, User

from bot.state_storage import update_scope
from handlers.errors import STALE_DIALOG_ERRORS
from handlers.training import for_trainee
from handlers.privacy import for_anyone
from locales import pick_language, t
from services import audit, textgate
from services.session import AsyncSession, Database
from services.updates import AlreadyDone, Receipt, commit_update, update_sessions
from services.users import Actor, ActorCache, Role, ensure_admin, load_actor

log = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class UpdateContext(BaseMiddleware):
    """Session, exactly-once commit, actor and language for one update.

    The session is created for every update but costs little until used: it checks out
    a connection on its first query, and one that never began a transaction (most
    updates, once the actor comes from `ActorCache`) holds nothing to release, so it is
    dropped without `close()` (a greenlet hop and bookkeeping, about 20 µs).
    """

    def __init__(self, db: Database, admin_ids: frozenset[int], actors: ActorCache | None = None) -> None:
        self.db = db
        self.admin_ids = admin_ids
        self.sessions = update_sessions(db)
        self.actors = actors if actors is not None else ActorCache()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        user: User | None = data.get("event_from_user")
        session = self.sessions()
        receipt: Receipt | None = data.get("receipt")
        try:
            async def commit() -> None:
                await commit_update(session, receipt)

            actor = await self._actor(session, user)
            data.update(session=session, commit=commit, actor=actor, lang=_language(actor, user))
            try:
                if actor is None and not (_is_start_command(event) or for_anyone(event)
                                          or await for_trainee(event, data.get("state"))):
                    await _turn_away(event, data)
                    return None
                with update_scope(session) as state_writes:
                    result = await handler(event, data)
                    await commit()
                await state_writes.flush()  # after the commit: see bot.state_storage
                return result
            except AlreadyDone:
                await session.rollback()
                log.info("update %s was applied by another copy; this one rolled back", event.update_id)
                if receipt is not None:
                    receipt.marked = True
                return None
            except BaseException as exc:
                if receipt is not None and type(exc).__name__ not in STALE_DIALOG_ERRORS:
                    receipt.error = f"{type(exc).__name__}: {exc}"[:500]
                raise
        finally:
            if session.sync_session.in_transaction():  # else it holds no connection, nothing to release
                await session.close()

    async def _actor(self, session: AsyncSession, user: User | None) -> Actor | None:
        if user is None or user.is_bot:
            return None
        found, actor = self.actors.get(user.id)
        if found:
            return actor
        version = self.actors.version
        actor = await load_actor(session, user.id)
        if actor is None and user.id in self.admin_ids:
            # Not cached: the row is written by this update and may yet roll back.
            return await ensure_admin(session, user.id, user.full_name, pick_language(user.language_code))
        self.actors.put(user.id, actor, version)
        return actor


class RequireRoles(BaseMiddleware):
    """Let an event through to this router's handlers only for the given roles."""

    def __init__(self, *roles: Role) -> None:
        self.roles = frozenset(roles)

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        actor: Actor | None = data.get("actor")
        if actor is not None and actor.role in self.roles:
            return await handler(event, data)
        telegram_id = actor.telegram_id if actor else getattr(data.get("event_from_user"), "id", None)
        await audit.record(
            data["session"], "access.denied", "denied", telegram_id,
            role=actor.role.value if actor else None, need=sorted(r.value for r in self.roles),
            event=type(event).__name__, router=getattr(data.get("event_router"), "name", None),
        )
        await data["commit"]()
        lang = data.get("lang", "zh")
        if isinstance(event, CallbackQuery):
            await event.answer(t("denied_callback", lang), show_alert=True)
        elif isinstance(event, Message):
            await event.answer(t("denied", lang))
        return None


def _language(actor: Actor | None, user: User | None) -> str:
    return actor.language if actor else pick_language(user.language_code if user else None)


def _is_start_command(update: Update) -> bool:
    message = update.message
    return bool(message and message.text and message.text.split(maxsplit=1)[0].split("@")[0] == "/start")


async def _turn_away(update: Update, data: dict[str, Any]) -> None:
    """A stranger learns what the bot is and how to get an invite; nothing else."""
    lang = data["lang"]
    user: User | None = data.get("event_from_user")
    if not (update.callback_query or (update.message and update.message.chat.type == "private")):
        return
    await audit.record(data["session"], "access.unknown_user", "denied", user.id if user else None,
                       event=update.event_type)
    await data["commit"]()
    if update.callback_query:
        await update.callback_query.answer(t("unknown_user_callback", lang), show_alert=True)
    else:
        await update.message.answer(t("unknown_user", lang))


class CleanText(BaseMiddleware):
    """Every incoming message's (and edited message's) text and caption through the gate's base.

    Runs on every update, so it first asks `textgate.needs_base` (a regex scan and an NFC
    quick check, well under a microsecond for a short message) and copies nothing unless a
    character actually goes: aiogram's objects are frozen, so a changed message is a
    `model_copy` of it inside a `model_copy` of the update, and that update is what the
    dispatcher, routers, filters and aiogram-dialog's MessageInput handlers then see.
    Entity offsets (UTF-16, as Telegram counts) are moved to match the cleaned text.
    """

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if isinstance(event, Update):
            for name in ("message", "edited_message"):
                message = getattr(event, name)
                if message is not None:
                    cleaned = cleaned_message(message)
                    if cleaned is not message:
                        event = event.model_copy(update={name: cleaned})
        return await handler(event, data)


def cleaned_message(message: Message) -> Message:
    """The message with clean text and caption; the same object when nothing changes."""
    changes: dict[str, Any] = {}
    for text_field, entities_field in (("text", "entities"), ("caption", "caption_entities")):
        text = getattr(message, text_field)
        if text and textgate.needs_base(text):
            changes[text_field], entities = _clean_with_entities(text, getattr(message, entities_field))
            if entities is not None:
                changes[entities_field] = entities
    return message.model_copy(update=changes) if changes else message


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _clean_with_entities(text: str, entities: list[MessageEntity] | None) -> tuple[str, list[MessageEntity] | None]:
    """Clean the text piece by piece between entity boundaries, so each entity still covers the
    same words; an entity left empty is dropped."""
    if not entities:
        return textgate.base(text), None
    bounds = sorted({0, _utf16(text), *(e.offset for e in entities), *(e.offset + e.length for e in entities)})
    pieces: list[str] = []
    moved: dict[int, int] = {}  # old UTF-16 offset -> new one
    position = index = total = 0
    for bound in bounds:
        start = index
        while index < len(text) and position < bound:
            position += 2 if ord(text[index]) > 0xFFFF else 1
            index += 1
        piece = textgate.base(text[start:index])
        pieces.append(piece)
        total += _utf16(piece)
        moved[bound] = total
    out = []
    for e in entities:
        start, end = moved.get(e.offset, 0), moved.get(e.offset + e.length, 0)
        if end > start:
            out.append(e.model_copy(update={"offset": start, "length": end - start}))
    return "".join(pieces), out
