"""The roster's sheets, each a title, typed columns and a row provider (see `base`).

Plugging a feature's table in: pass its provider under the sheet's source name to
`services.roster.default_sheets(catalog, sources)` (bot wiring, the CLI and the digest all
call it; it lives above this package because 汇总 is the digest's):

    "visits"     -> 走访记录      rows as documented in services.sheets.visits
    "measures"   -> 一企一策措施  rows as documented in services.sheets.measures
    "attendance" -> 培训签到      rows as documented in services.sheets.training
    "progress"   -> 培训进度      services.progress's counts (default: counted from "attendance")

资格核查, 企业名册 and 待答复问题 read this branch's own tables.
"""

from __future__ import annotations

from collections.abc import Mapping

from services.sheets.base import Column, Row, RowProvider, Sheet, from_rows, in_region, no_rows
from services.sheets.period import Period, Week, WeekError, parse_week, previous_week, week_of
from services.sheets.summary import SummarySheet

__all__ = ["SOURCES", "default_sources", "Column", "Period", "Row", "RowProvider", "Sheet", "SummarySheet", "Week",
           "WeekError",
           "from_rows", "in_region", "no_rows", "parse_week", "previous_week", "week_of"]

SOURCES = ("visits", "measures", "attendance", "progress")


def default_sources(targets: list | None = None) -> dict[str, RowProvider]:
    """The row sources this deployment has, by name (see SOURCES): the visits and measures
    tables of the visits feature and the training feature's attendance (services.sheets.sources).
    The roster, `/export`, the CLI and the digest all read this one place (jobs may
    override it with ctx.row_sources)."""
    from services.sheets.sources import sources

    return sources(targets)
