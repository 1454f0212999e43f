"""Plain filters run on the event loop: aiogram would send each one through the thread pool."""

from __future__ import annotations

import threading

from aiogram import Router
from aiogram.dispatcher.event.handler import FilterObject

from bot.app import create_dispatcher
from bot.routing import InlineFilter, run_filters_inline
from bot.settings import Settings
from services.session import Database


def _filters(router: Router) -> list[FilterObject]:
    found = []
    for r in router.chain_tail:
        for observer in r.observers.values():
            found += observer._handler.filters or []
            for handler in observer.handlers:
                found += handler.filters or []
    return found


def test_every_filter_of_the_dispatcher_runs_inline(tmp_path):
    settings = Settings(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'x.db'}", _env_file=None)
    dp = create_dispatcher(settings, Database(settings.database_url))
    filters = _filters(dp)
    assert filters and all(isinstance(f, InlineFilter) for f in filters)


async def test_a_plain_filter_runs_on_the_loop_thread_and_an_async_one_still_works():
    seen: list[int] = []

    def plain(value: str) -> bool:
        seen.append(threading.get_ident())
        return value == "x"

    async def coroutine(value: str) -> dict[str, str]:
        return {"echo": value}

    router = Router()
    router.message.register(lambda: None, plain, coroutine)
    run_filters_inline(router)
    handler = router.message.handlers[0]
    assert await handler.check("x") == (True, {"echo": "x"})
    assert await handler.check("y") == (False, {})
    assert seen == [threading.get_ident()] * 2
