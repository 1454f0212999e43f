"""走访记录: the specialists' visits of the week.

Row shape (one dict per visit; `services.sheets.sources.visit_rows` reads the visits table):

    visited_at: datetime (aware)    company_name: str    uscc: str
    region_code: str                specialist_name: str
    contact_name: str | None        contact_phone: str | None
    topic: str | None               notes: str | None    follow_up: str | None
"""

from __future__ import annotations

from services.sheets.base import Column, RowProvider, Sheet, no_rows

COLUMNS = (
    Column("visited_at", "走访时间", "datetime", 16),
    Column("company_name", "企业名称", "text", 20),
    Column("uscc", "统一社会信用代码", "uscc", 20),
    Column("region_code", "地区代码", "text", 8),
    Column("specialist_name", "特派员", "text", 9),
    Column("contact_name", "企业联系人", "text", 10),
    Column("contact_phone", "联系电话", "phone", 13),
    Column("topic", "走访主题", "text", 14),
    Column("notes", "走访记录", "text", 30),
    Column("follow_up", "后续跟进", "text", 20),
)


def sheet(rows: RowProvider = no_rows) -> Sheet:
    """走访记录 fed by `rows` (services.sheets.sources.visit_rows in a deployment)."""
    return Sheet("走访记录", COLUMNS, rows)
