"""The one context object: built once where the dispatcher is made, handed to everything.

Handlers and dialogs receive it as ``ctx`` (middleware data); jobs receive it as their
first argument; services take the pieces they need (``ctx.catalog``, ``ctx.today()``)
rather than reaching for module-level caches or a hard-coded zone. Tests build one with
a fake clock to move time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from policy import Catalog
from services.session import Database
from storage.types import utcnow

__all__ = ["AppContext", "Clock"]


def _search_index() -> Any:
    from services.questions import SearchIndex  # imported late: it pulls in the search stack

    return SearchIndex()

#: Returns an aware UTC datetime; `storage.types.utcnow` in production, a fake in tests.
Clock = Callable[[], datetime]


@dataclass(frozen=True, eq=False)
class AppContext:
    """Settings, the policy catalog, the clock and zone, the database and the bot.

    ``settings`` is the bot's `Settings` and ``bot`` an aiogram `Bot` (or None for the
    command line); both are typed loosely so services stay free of Telegram and of bot/.
    """

    settings: Any
    catalog: Catalog
    db: Database
    tz: ZoneInfo
    clock: Clock = utcnow
    bot: Any = None
    #: The policy-text search index (services.questions.SearchIndex), built on first use.
    search: Any = field(default_factory=lambda: _search_index())
    extras: dict[str, Any] = field(default_factory=dict)

    def now(self) -> datetime:
        """Now, aware UTC (what is stored)."""
        return self.clock()

    def local_now(self) -> datetime:
        """Now in the configured zone (what is shown and scheduled)."""
        return self.clock().astimezone(self.tz)

    def today(self) -> date:
        """The calendar day in the configured zone: the as-of date of every check."""
        return self.local_now().date()
