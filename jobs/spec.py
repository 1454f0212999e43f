"""What a scheduled job is: a name, when it runs (in the configured zone), and a coroutine.

A job receives only the context and the moment it was due, never pickled objects;
it loads what it needs by id and claims each send with `services.runs.claim`, so a
run that already happened is not repeated after a restart or in a second process.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from services.context import AppContext

#: `run(ctx, due)`: `due` is the aware local time the run was scheduled for; it names the
#: period (e.g. the day or ISO week) in the run keys, so a late or repeated run of the
#: same period claims the same keys.
JobFunction = Callable[[AppContext, datetime], Awaitable[None]]


@dataclass(frozen=True)
class JobSpec:
    name: str
    run: JobFunction
    #: APScheduler `CronTrigger` fields, in the context's zone (e.g. {"hour": 9, "minute": 0}).
    cron: dict[str, Any] = field(default_factory=dict)
    #: Only on working days of the Chinese calendar (public holidays off, adjusted days on).
    working_days_only: bool = False
    #: A run missed while the bot was down is made up once if it is at most this late.
    grace: timedelta = timedelta(hours=6)
