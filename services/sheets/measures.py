"""一企一策措施: the measures agreed per company and their status.

Row shape (one dict per measure; `services.sheets.sources.measure_rows` reads the measures table):

    company_name: str     uscc: str           region_code: str
    specialist_name: str  measure: str        status: str ("open", "done", ... or Chinese)
    due_on: date | None   done_on: date | None
    created_at: datetime (aware)

A measure is **overdue** when it is not done and its `due_on` has passed by the end of
the period (`is_overdue`); the digest lists those by specialist.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from datetime import date, timedelta
from typing import Any

from services.session import AsyncSession
from services.sheets.base import Row, RowProvider, Sheet, columns, no_rows
from services.sheets.period import Period

DONE = frozenset({"done", "closed", "completed", "已完成", "完成", "已关闭"})

COLUMNS = columns("measures")


def is_done(row: Mapping[str, Any]) -> bool:
    return row.get("done_on") is not None or str(row.get("status") or "").strip().lower() in DONE


def is_overdue(row: Mapping[str, Any], on: date) -> bool:
    due = row.get("due_on")
    return isinstance(due, date) and due < on and not is_done(row)


def with_overdue(rows: RowProvider) -> RowProvider:
    """Adds `overdue` ("是"/"否") as of the end of the period, to each row."""
    async def provide(session: AsyncSession, period: Period, region: str | None) -> AsyncIterator[Row]:
        after = period.end + timedelta(days=1)
        async for row in rows(session, period, region):
            yield {**row, "overdue": "是" if is_overdue(row, after) else "否"}
    return provide


def sheet(rows: RowProvider = no_rows) -> Sheet:
    """一企一策措施 fed by `rows` (services.sheets.sources.measure_rows in a deployment)."""
    return Sheet("一企一策措施", COLUMNS, with_overdue(rows))
