"""走访记录: the specialists' visits of the week.

Row shape (one dict per visit; `services.sheets.sources.visit_rows` reads the visits table):

    visited_at: datetime (aware)    company_name: str    uscc: str
    region_code: str                specialist_name: str
    contact_name: str | None        contact_phone: str | None
    topic: str | None               notes: str | None    follow_up: str | None
"""

from __future__ import annotations

from services.sheets.base import RowProvider, Sheet, columns, no_rows

COLUMNS = columns("visits")


def sheet(rows: RowProvider = no_rows) -> Sheet:
    """走访记录 fed by `rows` (services.sheets.sources.visit_rows in a deployment)."""
    return Sheet("走访记录", COLUMNS, rows)
