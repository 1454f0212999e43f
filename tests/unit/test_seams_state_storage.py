"""bot.state_storage: a bounded cache, the project's one engine, and the update's own connection.

The dialog surviving a real restart is tested end to end (tests/e2e/test_intake.py,
tests/e2e/test_visit.py); here the storage alone, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import event

from bot.state_storage import DatabaseStorage, StateCache, update_scope
from services.updates import update_sessions

BOT = 42


def key(user: int) -> StorageKey:
    return StorageKey(bot_id=BOT, chat_id=user, user_id=user, destiny="aiogram_dialog_stack")


def test_the_cache_keeps_the_most_recently_used_and_forgets_the_old():
    now = [0.0]
    cache = StateCache(size=2, max_age=60.0, clock=lambda: now[0])
    cache.put("a", ("A", {}))
    cache.put("b", ("B", {}))
    assert cache.get("a") == ("A", {})  # a is now the most recent
    cache.put("c", ("C", {}))
    assert cache.get("b") is None and len(cache) == 2  # b was the least recently used
    now[0] = 61.0
    assert cache.get("a") is None and cache.get("c") is None and len(cache) == 0  # too old
    nothing = StateCache(size=0)
    nothing.put("a", ("A", {}))
    assert nothing.get("a") is None and len(nothing) == 0


async def test_state_outlives_the_storage_and_an_evicted_dialog_is_read_again(db, monkeypatch):
    def no_second_engine(*_args, **_kwargs):  # noqa: ANN202
        raise AssertionError("the storage opened an engine of its own")

    monkeypatch.setattr("services.session.make_engine", no_second_engine)
    first = DatabaseStorage(db, cache=StateCache(size=1))
    await first.set_state(key(1), "Visit:topics")
    await first.set_data(key(1), {"company_id": 7, "topics": ["贯标"]})
    await first.set_state(key(2), "Check:results")  # evicts user 1 from the one-entry cache
    assert await first.get_data(key(1)) == {"company_id": 7, "topics": ["贯标"]}
    await first.close()  # the project's database stays open

    again = DatabaseStorage(db)  # a restart: nothing in memory
    assert await again.get_state(key(1)) == "Visit:topics"
    assert await again.get_data(key(1)) == {"company_id": 7, "topics": ["贯标"]}
    await again.set_state(key(1), None)
    await again.set_data(key(1), {})
    assert await DatabaseStorage(db).get_state(key(1)) is None


async def test_inside_an_update_reads_and_the_flush_use_the_updates_own_connection(db):
    storage = DatabaseStorage(db, cache=StateCache(size=0))  # every read goes to the database
    await storage.set_state(key(3), "Visit:way")
    checkouts: list[object] = []
    listener = lambda *args: checkouts.append(args[0])  # noqa: E731
    event.listen(db.engine.sync_engine.pool, "checkout", listener)
    try:
        session = update_sessions(db)()
        with update_scope(session) as writes:
            assert await storage.get_state(key(3)) == "Visit:way"
            await storage.set_data(key(3), {"way": "phone"})
            assert await storage.get_data(key(3)) == {"way": "phone"}  # the update sees its own write
            assert await DatabaseStorage(db).get_data(key(3)) == {}  # nothing written yet
            held = len(checkouts)
        await writes.flush()
        assert held == 1 and len(checkouts) == 1  # one connection, the update's, for every read and the write
        assert not session.sync_session.in_transaction()  # committed
    finally:
        event.remove(db.engine.sync_engine.pool, "checkout", listener)
    assert await DatabaseStorage(db).get_data(key(3)) == {"way": "phone"}


async def test_an_update_that_fails_leaves_the_dialog_where_it_was(db):
    storage = DatabaseStorage(db)
    await storage.set_state(key(4), "Visit:way")
    session = update_sessions(db)()
    with update_scope(session):
        await storage.set_state(key(4), "Visit:notes")
    # no flush: the update failed before its commit
    await session.close()
    assert await DatabaseStorage(db).get_state(key(4)) == "Visit:way"
