"""The session type services take, and a unit of work for callers outside the bot."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.db import make_engine, make_sessionmaker

__all__ = ["AsyncSession", "Commit", "Database", "unit_of_work"]

# Injected into handlers by the bot: commits the update's writes together with its id.
Commit = Callable[[], Awaitable[None]]


class Database:
    """One engine and its session factory, opened from a URL."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessions: async_sessionmaker[AsyncSession] = make_sessionmaker(self.engine)

    async def upgrade(self) -> None:
        from storage.migrate import upgrade_async

        await upgrade_async(self.url)

    async def close(self) -> None:
        await self.engine.dispose()


@asynccontextmanager
async def unit_of_work(db: Database) -> AsyncIterator[AsyncSession]:
    """Commit on success, roll back on any error."""
    async with db.sessions() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise
