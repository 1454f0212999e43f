"""The one context object: built once where the dispatcher is made, handed to everything.

Handlers and dialogs receive it as ``ctx`` (middleware data); jobs receive it as their
first argument; services take the pieces they need (``ctx.catalog``, ``ctx.today()``)
rather than reaching for module-level caches or a hard-coded zone. Tests build one with
a fake clock to move time. ``bot.app.build_context`` is the one place that fills it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

from policy import Catalog
from search import SearchIndex
from services.session import Database
from storage.types import utcnow

if TYPE_CHECKING:  # types only: services send no Telegram messages and import nothing of bot/
    from aiogram import Bot

    from services.sheets.base import RowProvider

__all__ = ["AppContext", "Clock", "SettingsLike"]

#: Returns an aware UTC datetime; `storage.types.utcnow` in production, a fake in tests.
Clock = Callable[[], datetime]


class SettingsLike(Protocol):
    """The settings read below bot/ (bot.settings.Settings has them, from the environment).

    A Protocol, so services, jobs, handlers and dialogs can name what they read without
    importing bot/; a setting read through ``ctx.settings`` belongs here.
    """

    #: Where the data lives; the job runner's leader lock and visit attachments follow it.
    database_url: str
    #: Redis, when several processes share dialogs and the scheduler's leader lock.
    redis_url: str | None
    #: Whether this process runs scheduled jobs at all.
    jobs_enabled: bool
    #: When the weekly digest goes out ("mon 09:00", in the context's zone).
    digest_schedule: str
    #: A YAML file of the deployment's own training targets, or None for the built-in ones.
    training_targets: str | None
    #: Retention periods in days (0: kept for good), read by the daily job jobs/retention.py.
    retention_trainee_contact_days: int
    retention_question_days: int
    retention_audit_days: int
    retention_inbox_days: int


@dataclass(frozen=True, eq=False)
class AppContext:
    """What a handler, dialog or job may use, and nothing else.

    * ``settings``: the deployment's settings (:class:`SettingsLike`). None only in unit
      tests of a dialog or job that reads no setting.
    * ``catalog``: the policy packs (built-in plus IPBOT_POLICY_DIR): eligibility rules,
      programmes and their citations. Use it, never ``load_catalog()`` in a handler.
    * ``db``: the database (sessions, units of work).
    * ``tz``: the deployment's zone: what is shown and scheduled is local to it.
    * ``clock``: now, aware UTC; read it through :meth:`now`, :meth:`local_now`,
      :meth:`today` (a fake in tests moves time).
    * ``bot``: the aiogram ``Bot`` jobs send with; None on the command line and in tests
      that send nothing. Handlers get the update's bot from aiogram as well.
    * ``search``: the policy-text search (:class:`search.SearchIndex`): ``route``/``answer``
      an SME's question. ``bot.app.build_search`` makes it (a context built directly, as
      in a unit test, gets its own); it is built on first use, and the bot warms it at start-up.
    * ``row_sources``: the roster's row sources by name (services.sheets.SOURCES) that the
      weekly digest reads instead of ``services.sheets.default_sources()``; None (the
      deployment's own) except in tests and benchmarks that feed rows of their own.
    """

    settings: SettingsLike | None
    catalog: Catalog
    db: Database
    tz: ZoneInfo
    clock: Clock = utcnow
    bot: Bot | None = None
    search: SearchIndex = field(default_factory=SearchIndex)
    row_sources: Mapping[str, RowProvider] | None = None

    def now(self) -> datetime:
        """Now, aware UTC (what is stored)."""
        return self.clock()

    def local_now(self) -> datetime:
        """Now in the configured zone (what is shown and scheduled)."""
        return self.clock().astimezone(self.tz)

    def today(self) -> date:
        """The calendar day in the configured zone: the as-of date of every check."""
        return self.local_now().date()
