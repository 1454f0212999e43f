"""Shared fixtures: a migrated SQLite database per test."""

from __future__ import annotations

import pytest

from services.session import Database


@pytest.fixture
async def db(tmp_path):
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'ipbot.db'}")
    await database.upgrade()
    yield database
    await database.close()
