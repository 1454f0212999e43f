"""How an event finds its handler among the feature routers, without aiogram's per-router toll.

ipbot has one router per feature plus one per dialog (about two dozen), and an ordinary
text that no command claims visits every one of them on its way to the fallback. aiogram
pays for each visit even when a router has nothing to wrap: `Router.propagate_event`
builds a closure, wraps it in the router's (empty) list of outer middlewares with
`functools.wraps`, and copies the event's data twice more before the router's own
filters run. Measured with bench/updates.py's mix of updates, that toll is about a tenth
of the bot's CPU per update.

`Dispatcher` here walks the routers below it itself and does just what aiogram's walk
does: root filters, then handlers, then sub-routers in order, each router with its own
copy of the data (so what a router's filters add reaches its sub-routers, not its
siblings) and `event_router` set to it. A router that has outer middlewares is handed
to aiogram's own `propagate_event`, so nothing a middleware expects changes. Measured
again for the house issue (bench/updates.py, four runs each, alternating): 1.67 ms of
bot CPU per update with the walk, 1.84 ms with aiogram's own.

What of aiogram's is not public: the walk overrides `Dispatcher._propagate_event` and
reads `observer._handler` (where `observer.filter(...)` keeps a router's own filters).
aiogram is pinned to 3.31 in pyproject.toml, and tests/unit/test_routing.py feeds the
same messages, button presses and errors to the same router trees (filters, outer and
inner middlewares on routers at several depths, handlers that skip or raise) under
aiogram's dispatcher and this one and compares everything each handler, middleware and
error handler saw, so an upgrade that changes either fails there first.

`InlineFilter` is the other half: aiogram runs every plain (non-async) filter through
`asyncio.to_thread`; these run on the loop.
"""

from __future__ import annotations

from typing import Any

from aiogram import Dispatcher as AiogramDispatcher
from aiogram import Router
from aiogram.dispatcher.event.bases import REJECTED, UNHANDLED
from aiogram.dispatcher.event.handler import FilterObject
from aiogram.dispatcher.event.telegram import TelegramEventObserver
from aiogram.types import TelegramObject

__all__ = ["Dispatcher", "InlineFilter", "run_filters_inline"]


class Dispatcher(AiogramDispatcher):
    """aiogram's dispatcher, with the walk through the routers below it done by `_walk`."""

    async def _propagate_event(self, observer: TelegramEventObserver | None, update_type: str,
                               event: TelegramObject, **kwargs: Any) -> Any:
        return await _walk(self, observer, update_type, event, kwargs)


async def _walk(router: Router, observer: TelegramEventObserver | None, update_type: str,
                event: TelegramObject, data: dict[str, Any]) -> Any:
    """`Router._propagate_event` for `router` (its `data` already its own copy), then the
    same for each sub-router, stopping at the first that handles the event."""
    if observer is not None:
        if observer._handler.filters:
            passed, extra = await observer.check_root_filters(event, **data)
            if not passed:
                return UNHANDLED
            data.update(extra)
        if observer.handlers:
            response = await observer.trigger(event, **data)
            if response is REJECTED:
                return UNHANDLED
            if response is not UNHANDLED:
                return response
    for sub in router.sub_routers:
        sub_observer = sub.observers.get(update_type)
        if sub_observer is not None and len(sub_observer.outer_middleware):
            response = await sub.propagate_event(update_type=update_type, event=event, **data)
        else:
            response = await _walk(sub, sub_observer, update_type, event, {**data, "event_router": sub})
        if response is not UNHANDLED:
            return response
    return UNHANDLED


class InlineFilter(FilterObject):
    """A filter whose plain (non-async) check runs on the event loop, not in a thread.

    aiogram 3 runs every non-async callable through `asyncio.to_thread`, filters
    included, so each `F.text`, `State` or small predicate costs a trip to the
    thread pool and back (futures, a lock, a wake-up of the loop): about 0.1 ms
    of CPU where the check itself takes a microsecond, and a text message that
    falls through to the last router passes about eight of them. Every
    plain filter in this bot is such a predicate on the event; one that must
    block (a file, a socket) has to be async and offload itself.
    """

    async def call(self, *args: Any, **kwargs: Any) -> Any:
        # what aiogram's `call` passes: every keyword, or only those the filter names
        if not self.varkw:
            kwargs = {name: kwargs[name] for name in self.params if name in kwargs}
        result = self.callback(*args, **kwargs)
        return await result if self.awaitable else result


def run_filters_inline(root: Router) -> None:
    """Swap every filter of `root` and the routers under it for an `InlineFilter`."""
    def inline(filters: list[FilterObject] | None) -> None:
        for i, f in enumerate(filters or ()):
            if not isinstance(f, InlineFilter):
                filters[i] = InlineFilter(callback=f.magic if f.magic is not None else f.callback)

    for router in root.chain_tail:
        for observer in router.observers.values():
            inline(observer._handler.filters)  # the router-wide filters (`observer.filter(...)`)
            for handler in observer.handlers:
                inline(handler.filters)
