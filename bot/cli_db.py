"""The database a command line works on: opened from the settings, migrated, closed.

Every ``ipbot`` command that reads or writes data starts the same way (the schema may be
older than the code that was just installed), so the opening lives here once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from services.session import Database

__all__ = ["migrated"]


@asynccontextmanager
async def migrated(settings: Any) -> AsyncIterator[Database]:
    """``settings.database_url`` upgraded to the newest revision; closed on the way out,
    whatever happened inside."""
    db = Database(settings.database_url)
    try:
        await db.upgrade()
        yield db
    finally:
        await db.close()
