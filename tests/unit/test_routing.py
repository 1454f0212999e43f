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
from aiogram.dispatcher.event.bases import REJECTED, SkipHandler
from aiogram.dispatcher.event.handler import FilterObject
from aiogram.filters import Command, ExceptionTypeFilter
from aiogram.types import CallbackQuery, Chat, ErrorEvent, Message, Update, User

from bot.routing import Dispatcher, InlineFilter, run_filters_inline

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


# --------------------------------------------------------------------------- a deeper tree
# Messages, button presses and errors, with outer and inner middlewares on the dispatcher
# and on routers one, two and three levels down; everything each middleware, handler and
# error handler saw is recorded, and the records must be the same under both dispatchers.


def record(seen: list, name: str, event, data: dict) -> None:  # noqa: ANN001
    """What a handler or middleware saw: the keys of its data (whatever aiogram adds), the
    router it runs in, the handler aiogram chose, and the marks the filters and
    middlewares above it left."""
    handler = data.get("handler")
    seen.append((name, type(event).__name__, data["event_router"].name,
                 getattr(getattr(handler, "callback", None), "__name__", None),
                 tuple(sorted(k for k in data if k.startswith("mw_"))), data.get("depth"),
                 tuple(sorted(data))))


def build_deep_tree(dp, seen: list) -> None:  # noqa: ANN001 - either dispatcher, C901
    def outer(name):  # noqa: ANN001, ANN202
        async def middleware(handler, event, data):  # noqa: ANN001, ANN202
            record(seen, name, event, data)
            data[f"mw_{name}"] = True
            return await handler(event, data)
        return middleware

    inner = outer  # the same recorder; registered with .middleware, it runs around the chosen handler only

    def note(name):  # noqa: ANN001, ANN202
        async def handler(event, **data):  # noqa: ANN001, ANN202
            record(seen, name, event, {**data, "event_router": data["event_router"]})
            return name
        handler.__name__ = name
        return handler

    def raising(name, error):  # noqa: ANN001, ANN202
        async def handler(event, **data):  # noqa: ANN001, ANN202
            record(seen, name, event, data)
            raise error(name)
        handler.__name__ = name
        return handler

    async def skip(event) -> None:  # noqa: ANN001
        raise SkipHandler

    async def error_note(event: ErrorEvent, **data) -> str:
        record(seen, f"error:{type(event.exception).__name__}", event, data)
        return f"handled {type(event.exception).__name__}"

    dp.message.outer_middleware(outer("dp_outer"))
    dp.callback_query.middleware(inner("dp_inner"))
    dp.errors.outer_middleware(outer("dp_errors_outer"))

    errors = Router(name="errors")  # first, as in bot.app: ValueError only
    errors.errors.register(error_note, ExceptionTypeFilter(ValueError))
    dp.include_router(errors)

    commands = Router(name="commands")
    commands.message.filter(F.text.startswith("/"))
    commands.message.register(note("cmd_a"), Command("a"))

    level1 = Router(name="level1")
    level1.message.outer_middleware(outer("l1_outer"))
    level1.message.middleware(inner("l1_inner"))
    level1.callback_query.middleware(inner("l1_inner"))
    level1.callback_query.filter(F.data.startswith("l"))
    level1.callback_query.register(note("l1_press"), F.data == "l1")

    level2 = Router(name="level2")
    level2.message.filter(lambda m: {"depth": 2} if m.text and m.text.startswith("l") else False)
    level2.message.register(raising("l2_key", KeyError), F.text == "l2 key")
    level2.callback_query.middleware(inner("l2_inner"))
    level2.callback_query.register(note("l2_press"), F.data == "l2")
    level2.callback_query.register(raising("l2_press_key", KeyError), F.data == "l2 key")

    async def rejecting(event) -> object:  # noqa: ANN001
        return REJECTED  # ends this router's part of the walk: no sub-router of it is tried

    level2.callback_query.register(rejecting, F.data == "l2 rejected")
    deep_errors = Router(name="deep_errors")  # KeyError, reached by walking the whole tree
    deep_errors.errors.middleware(inner("deep_errors_inner"))
    deep_errors.errors.register(error_note, ExceptionTypeFilter(KeyError))

    level3 = Router(name="level3")
    level3.message.outer_middleware(outer("l3_outer"))
    level3.callback_query.outer_middleware(outer("l3_outer"))
    level3.message.middleware(inner("l3_inner"))
    level3.message.register(note("l3_text"), F.text == "l3")
    level3.message.register(raising("l3_value", ValueError), F.text == "l3 value")
    level3.message.register(raising("l3_runtime", RuntimeError), F.text == "l3 runtime")
    level3.callback_query.register(skip, F.data == "l3 skip")
    level3.callback_query.register(note("l3_press"), F.data.startswith("l3"))
    level3_sibling = Router(name="level3_sibling")
    level3_sibling.message.register(note("l3_sibling"), F.text.startswith("l3"))

    level2.include_routers(level3, level3_sibling, deep_errors)
    level1.include_router(level2)

    fallback = Router(name="fallback")
    fallback.message.register(note("fallback_text"))
    fallback.callback_query.register(note("fallback_press"))

    for router in (commands, level1, fallback):
        dp.include_router(router)
    run_filters_inline(dp)


def press(n: int, data: str) -> Update:
    user = User(id=2000 + n, is_bot=False, first_name="用户")
    message = Message(message_id=n, date=datetime(2026, 12, 1, tzinfo=timezone.utc),
                      chat=Chat(id=user.id, type="private"), from_user=user, text="按钮")
    return Update(update_id=n, callback_query=CallbackQuery(id=str(n), from_user=user, chat_instance="ci",
                                                            message=message, data=data))


DEEP = [update(1, t) for t in ("/a", "/b", "l3", "l3 value", "l3 runtime", "l3 other", "l2 key", "l1", "plain")] + \
       [press(2, d) for d in ("l1", "l2", "l2 key", "l2 rejected", "l3", "l3 skip", "l3x", "lx", "other")]


@pytest.mark.parametrize("event", DEEP, ids=lambda u: u.event_type + ":" + (u.message.text if u.message else
                                                                           u.callback_query.data))
async def test_messages_presses_errors_and_middlewares_at_every_depth_match_aiogram(event):
    bot = Bot(TOKEN)
    results = {}
    for name, cls in (("aiogram", AiogramDispatcher), ("ours", Dispatcher)):
        seen: list = []
        dp = cls(name="dp")
        build_deep_tree(dp, seen)
        try:
            response = await dp.feed_update(bot, event)
        except Exception as exc:  # noqa: BLE001 - an error no error handler takes is raised again
            response = f"raised {type(exc).__name__}"
        results[name] = (response, seen)
    await bot.session.close()
    assert results["ours"] == results["aiogram"]
    assert any(r[0].endswith(("_text", "_press", "cmd_a", "l3_sibling")) or r[0].startswith("error:")
               or r[0] in ("l2_key", "l3_runtime") for r in results["ours"][1]), results["ours"]


async def test_the_deep_tree_reaches_what_it_is_meant_to():
    """The comparison above is only as good as the tree: these paths are all taken."""
    bot = Bot(TOKEN)
    seen: list = []
    dp = Dispatcher(name="dp")
    build_deep_tree(dp, seen)
    answers = {}
    for event in DEEP:
        try:
            answers[event.update_id, event.message.text if event.message else event.callback_query.data] = \
                await dp.feed_update(bot, event)
        except RuntimeError:
            answers[event.update_id, "l3 runtime"] = "raised"
    await bot.session.close()
    assert answers[1, "l3"] == "l3_text" and answers[1, "l3 other"] == "l3_sibling"
    assert answers[1, "l3 value"] == "handled ValueError" and answers[1, "l2 key"] == "handled KeyError"
    assert answers[1, "l3 runtime"] == "raised" and answers[1, "/b"] == "fallback_text"
    assert answers[2, "l3 skip"] == "l3_press" and answers[2, "lx"] == "fallback_press"
    assert answers[2, "l2 key"] == "handled KeyError" and answers[2, "l2 rejected"] == "fallback_press"
    names = [r[0] for r in seen]
    for middleware in ("dp_outer", "dp_inner", "dp_errors_outer", "l1_outer", "l1_inner", "l2_inner", "l3_outer",
                       "l3_inner", "deep_errors_inner"):
        assert middleware in names, middleware
    l3_text = next(r for r in seen if r[0] == "l3_text")
    assert l3_text[2] == "level3" and l3_text[3] == "l3_text" and l3_text[5] == 2
    assert l3_text[4] == ("mw_dp_outer", "mw_l1_inner", "mw_l1_outer", "mw_l3_inner", "mw_l3_outer")


@pytest.mark.parametrize("callback", [
    lambda message: message == "m",  # names one keyword
    lambda message, **data: data.get("tag") == "t",  # takes every keyword
    F.text == "x",  # a magic filter (called with the event)
    Command("a"),  # a Filter object (async)
])
async def test_an_inline_filter_answers_as_aiogram_s_filter_does(callback):
    inline, threaded = InlineFilter(callback=callback), FilterObject(callback=callback)
    assert inline.awaitable == threaded.awaitable
    bot = Bot(TOKEN)
    for args, kwargs in [(("m",), {"message": "m", "tag": "t", "bot": bot}),
                         ((update(1, "x").message,), {"message": "n", "bot": bot}),
                         ((update(1, "/a").message,), {"bot": bot, "tag": "t"})]:
        try:
            expected = await threaded.call(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001
            expected = type(exc)
        try:
            got = await inline.call(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001
            got = type(exc)
        assert got == expected
    await bot.session.close()
