"""The inbox on SQLite and PostgreSQL: copies recognised only as copies, recovery, parking, pruning."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from services import inbox
from storage.models import InboxEntry
from storage.types import utcnow


async def test_a_copy_is_the_same_id_with_the_same_content(db):
    first = await inbox.record(db, [(1, '{"update_id":1,"a":1}'), (2, '{"update_id":2}')])
    again = await inbox.record(db, [(1, '{"update_id":1,"a":1}'), (3, '{"update_id":3}')])
    renumbered = await inbox.record(db, [(1, '{"update_id":1,"a":"another message"}')])
    assert [r.update_id for r in first] == [1, 2]
    assert [r.update_id for r in again] == [3]
    assert [r.payload for r in renumbered] == ['{"update_id":1,"a":"another message"}']


async def test_recovery_hands_back_pending_rows_in_order_and_parks_one_that_never_finishes(db):
    rows = await inbox.record(db, [(10, "{}"), (11, '{"x":1}'), (12, '{"x":2}')])
    await inbox.mark_done(db, [rows[1].inbox_id])
    assert [r.update_id for r in await inbox.recover(db)] == [10, 12]
    assert [r.update_id for r in await inbox.recover(db)] == [10, 12]
    assert await inbox.recover(db) == []  # third attempt that did not finish: parked
    counts = await inbox.counts(db)
    assert counts == {"pending": 0, "done": 1, "dead": 2}


async def test_recovery_can_leave_young_rows_to_a_live_process(db):
    await inbox.record(db, [(20, "{}")])
    assert await inbox.recover(db, received_before=utcnow() - timedelta(seconds=60)) == []
    assert [r.update_id for r in await inbox.recover(db, received_before=utcnow() + timedelta(seconds=1))] == [20]


async def test_done_rows_are_forgotten_after_the_redelivery_window_and_dead_letters_kept(db):
    rows = await inbox.record(db, [(30, "{}"), (31, "{}"), (32, '{"y":1}')])
    await inbox.mark_done(db, [rows[0].inbox_id, rows[1].inbox_id])
    await inbox.park(db, rows[2].inbox_id, "ValueError: boom")
    async with db.engine.begin() as connection:
        await connection.execute(update(InboxEntry.__table__).values(received_at=utcnow() - timedelta(hours=25))
                                 .where(InboxEntry.__table__.c.id == rows[0].inbox_id))
    assert await inbox.prune(db) == 1
    assert await inbox.counts(db) == {"pending": 0, "done": 1, "dead": 1}
    # The pruned update may come again as new (Telegram would no longer send a copy that late).
    assert [r.update_id for r in await inbox.record(db, [(30, "{}"), (31, "{}")])] == [30]


async def test_writes_commit_with_the_row_and_a_second_copy_rolls_back(db):
    from services.updates import AlreadyDone, Receipt, commit_update, update_sessions
    from storage.models import AuditEntry

    row = (await inbox.record(db, [(40, "{}")]))[0]
    sessions = update_sessions(db)
    receipt = Receipt(row.inbox_id)
    async with sessions() as session:
        session.add(AuditEntry(action="test.write", outcome="ok"))
        await commit_update(session, receipt)
    assert receipt.marked
    async with sessions() as session:
        session.add(AuditEntry(action="test.write", outcome="copy"))
        try:
            await commit_update(session, Receipt(row.inbox_id))
        except AlreadyDone:
            await session.rollback()
        else:
            raise AssertionError("a second commit for a done update must fail")
    async with db.engine.connect() as connection:
        from sqlalchemy import func, select
        written = (await connection.execute(select(func.count()).select_from(AuditEntry.__table__))).scalar()
    assert written == 1
