"""bot.routing walks the routers as aiogram does: same handler, same data, same `event_router`.

The same tree of routers (root filters that add data, a sub-router, a router with an outer
middleware, a handler that skips, a dialog-like state filter) is built twice, once under
aiogram's own Dispatcher and once under ours, and fed the same updates; what each handler
saw must be the same in both.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from aiogram import Bot, F, Router
from aiogram import Dispatcher as AiogramDispatcher
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Command
from aiogram.types import Chat, Message, Update, User

from bot.routing import Dispatcher, run_filters_inline

TOKEN = "123456:TEST-token-for-routing-tests-only"


def build_tree(dp, seen: list) -> None:  # noqa: ANN001 - either dispatcher
    def note(name):  # noqa: ANN001, ANN202
        async def handler(message: Message, event_router: Router, **data) -> str:
            seen.append((name, event_router.name, data.get("tag"), data.get("outer"), data.get("parent_tag")))
            return name
        return handler

    async def skip(message: Message) -> None:
        raise SkipHandler

    commands = Router(name="commands")
    commands.message.filter(F.text.startswith("/"))
    commands.message.register(note("cmd_a"), Command("a"))

    tagged = Router(name="tagged")
    tagged.message.filter(lambda m: {"parent_tag": "p"} if m.text and m.text.startswith("t") else False)
    child = Router(name="tagged_child")
    child.message.register(skip, F.text == "tskip")
    child.message.register(note("tagged_child"), lambda m: {"tag": "c"})
    tagged.include_router(child)

    sibling = Router(name="sibling")
    sibling.message.register(note("sibling"), F.text == "sib")

    wrapped = Router(name="wrapped")

    async def outer(handler, event, data):  # noqa: ANN001, ANN202
        data["outer"] = "yes"
        return await handler(event, data)

    wrapped.message.outer_middleware(outer)
    wrapped_child = Router(name="wrapped_child")
    wrapped_child.message.register(note("wrapped_child"), F.text == "w")
    wrapped.include_router(wrapped_child)

    fallback = Router(name="fallback")
    fallback.message.register(note("fallback"))

    for r in (commands, tagged, sibling, wrapped, fallback):
        dp.include_router(r)
    run_filters_inline(dp)


def update(n: int, text: str) -> Update:
    user = User(id=1000 + n, is_bot=False, first_name="用户")
    return Update(update_id=n, message=Message(message_id=n, date=datetime(2026, 12, 1, tzinfo=timezone.utc),
                                               chat=Chat(id=user.id, type="private"), from_user=user, text=text))


TEXTS = ["/a", "/b", "t1", "tskip", "sib", "w", "plain", "t", "/a extra"]


@pytest.mark.parametrize("text", TEXTS)
async def test_our_walk_reaches_what_aiogram_reaches(text):
    bot = Bot(TOKEN)
    results = {}
    for name, cls in (("aiogram", AiogramDispatcher), ("ours", Dispatcher)):
        seen: list = []
        dp = cls()
        build_tree(dp, seen)
        response = await dp.feed_update(bot, update(1, text))
        results[name] = (response, seen)
    await bot.session.close()
    assert results["ours"] == results["aiogram"]
    assert results["ours"][1], f"{text!r} reached no handler"


async def test_data_a_root_filter_adds_reaches_sub_routers_only():
    bot = Bot(TOKEN)
    seen: list = []
    dp = Dispatcher()
    build_tree(dp, seen)
    await dp.feed_update(bot, update(1, "tskip"))  # skipped in the child, then handled by its next handler
    await dp.feed_update(bot, update(2, "sib"))
    await dp.feed_update(bot, update(3, "w"))
    await bot.session.close()
    assert seen == [("tagged_child", "tagged_child", "c", None, "p"),
                    ("sibling", "sibling", None, None, None),
                    ("wrapped_child", "wrapped_child", None, "yes", None)]
