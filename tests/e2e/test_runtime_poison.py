"""Rows in the inbox that cannot be read or handled are parked; they never stop the bot.

An earlier version (or a hand) may have recorded something aiogram cannot turn into an
update of a type it knows. At start the intake resumes every pending row: each such row
is parked with its error, the rest of the start goes on, and an admin sees the count.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from services import inbox
from services.session import Database
from storage.models import InboxEntry
from storage.types import utcnow

POISON = [
    (900001, '{"update_id": 900001, "unknown_field": {"x": 1}}'),  # valid JSON of no known type
    (900002, '{"update_id": 900002, "message": '),  # not JSON
    (900003, '{"update_id": true}'),  # a boolean is no update id
    (900004, "[1, 2]"),  # not an object
    (900005, '{"update_id": 900005, "message": {"message_id": "x"}}'),  # not a message
]


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, settings):
    if request.param == "sqlite":
        return settings.database_url
    return request.getfixturevalue("pg_url")


async def _until(check, timeout: float, what: str) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)


async def test_unreadable_rows_are_parked_at_start_and_the_bot_answers(emu, settings, database_url, harness_class):
    db = Database(database_url)
    await db.upgrade()
    await inbox.record(db, POISON)
    async with db.engine.begin() as connection:  # left by a process gone for a while (PostgreSQL waits 60 s)
        await connection.execute(update(InboxEntry.__table__).values(received_at=utcnow() - timedelta(minutes=5)))
    await db.close()
    async with harness_class(emu, settings.model_copy(update={"database_url": database_url})) as harness:
        stranger = emu.user(9401)
        await harness.say(stranger, "/start", "仅对受邀用户开放", timeout=10)

        async def all_parked() -> bool:
            return (await inbox.counts(harness.db))["dead"] == len(POISON)

        await _until(all_parked, 10, "the poison rows to be parked")
        async with harness.db.engine.connect() as connection:
            rows = (await connection.execute(select(InboxEntry.__table__.c.update_id, InboxEntry.__table__.c.error)
                                             .where(InboxEntry.__table__.c.state == "dead"))).all()
        assert sorted(uid for uid, _ in rows) == [uid for uid, _ in POISON]
        assert all(error for _, error in rows), rows  # each kept with why
        admin = emu.user(next(iter(harness.settings.admin_ids)))
        status = await harness.say(admin, "/status", "运行状态", timeout=10)
        assert f"已搁置（处理失败，需要查看）：{len(POISON)}" in status.text
    assert emu.rejected == []


async def test_a_batch_with_an_update_of_an_unknown_type_parks_it_and_handles_the_rest(harness):
    """Telegram may one day send a type this aiogram does not know: that one is parked, its
    batch neighbours are handled (the batch is taken as `Intake.poll` takes one)."""
    from aiogram.types import Update

    emu = harness.emu
    user = emu.user(9402)
    emu.open_chat(user)
    sender = {"id": user.id, "is_bot": False, "first_name": "Tester"}
    unknown = Update.model_validate({"update_id": 990001, "some_future_update": {"id": 1, "from": sender}})
    start = Update.model_validate({"update_id": 990002, "message": {
        "message_id": 1, "date": 1, "chat": {"id": user.id, "type": "private"}, "from": sender, "text": "/start",
        "entities": [{"type": "bot_command", "offset": 0, "length": 6}]}})
    await harness.running.intake.take([unknown, start])
    await emu.wait_message(user.id, "仅对受邀用户开放", timeout=10)

    async def parked() -> bool:
        return (await inbox.counts(harness.db))["dead"] == 1

    await _until(parked, 10, "the unknown update to be parked")
