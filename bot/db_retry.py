"""An update cut off by a lost database connection is handled again, not parked.

A PostgreSQL server restarting, a fail-over, or an administrator ending a session
(`pg_terminate_backend`) breaks the connection under whatever transaction was using it.
That transaction is gone on the server: nothing of it was written. So the update can be
handled again from the start on a new connection, and that is what `DatabaseRetry.feed`
does, up to `ATTEMPTS` times a little apart, before the failure is reported to the user
and the update parked as any other failure is (handlers/errors.py).

Only while the update's writes have not committed (`Receipt.marked` false); once they
have, handling again could repeat what the first attempt already said. The user hears
nothing of an attempt that is tried again: an errors handler on the dispatcher itself,
which aiogram asks before the routers' own (handlers/errors.py), takes the error first.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.types import ErrorEvent, Update

from services.updates import Receipt

__all__ = ["ATTEMPTS", "DatabaseRetry", "lost_connection"]

log = logging.getLogger(__name__)

#: Handlings of one update in all; between them these pauses (a restarting server needs a moment).
ATTEMPTS = 3
PAUSES = (0.2, 1.0)

#: asyncpg's errors for a connection that is gone (SQLSTATE class 08, and 57P01-57P03:
#: administrator command, crash, server starting), by name, so no driver is imported here.
_LOST = frozenset({
    "ConnectionDoesNotExistError", "ConnectionFailureError", "PostgresConnectionError",
    "ClientCannotConnectError", "ConnectionRejectionError", "AdminShutdownError", "CrashShutdownError",
    "CannotConnectNowError", "InterfaceError",
})


def lost_connection(exc: BaseException | None) -> bool:
    """Whether `exc` (or what caused it) says the database connection was lost."""
    from sqlalchemy.exc import DBAPIError

    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, DBAPIError) and exc.connection_invalidated:
            return True
        if isinstance(exc, ConnectionError) or (type(exc).__name__ in _LOST and _is_driver_error(exc)):
            return True
        exc = getattr(exc, "orig", None) if isinstance(exc, DBAPIError) else (exc.__cause__ or exc.__context__)
    return False


def _is_driver_error(exc: BaseException) -> bool:
    """`InterfaceError` is also SQLAlchemy's and sqlite3's name: only asyncpg's, or one saying the
    connection is closed, counts."""
    if type(exc).__name__ != "InterfaceError":
        return True
    return type(exc).__module__.startswith("asyncpg") or "connection is closed" in str(exc).lower()


class DatabaseRetry:
    """Feeds an update to the dispatcher again while its database connection was lost."""

    def __init__(self, dp: Dispatcher) -> None:
        self.attempt: dict[int, int] = {}  # inbox row -> the attempt under way
        self.cut: set[int] = set()  # inbox rows whose attempt just lost its connection
        dp.errors.register(self._cut_off, self._may_retry)

    def _may_retry(self, event: ErrorEvent, receipt: Receipt | None = None, **_: Any) -> bool:
        return (receipt is not None and not receipt.marked and lost_connection(event.exception)
                and self.attempt.get(receipt.inbox_id, ATTEMPTS) < ATTEMPTS)

    async def _cut_off(self, event: ErrorEvent, receipt: Receipt, **_: Any) -> bool:
        log.warning("update %s lost its database connection (%s); it is handled again",
                    event.update.update_id, type(event.exception).__name__)
        self.cut.add(receipt.inbox_id)
        return True

    async def feed(self, dp: Dispatcher, bot: Bot, update: Update, receipt: Receipt) -> None:
        inbox_id = receipt.inbox_id
        try:
            for attempt in range(1, ATTEMPTS + 1):
                self.attempt[inbox_id] = attempt
                try:
                    await dp.feed_update(bot, update, receipt=receipt)
                finally:
                    cut = inbox_id in self.cut
                    self.cut.discard(inbox_id)
                if not cut:
                    return
                receipt.error = None
                await asyncio.sleep(PAUSES[attempt - 1])
        finally:
            self.attempt.pop(inbox_id, None)
