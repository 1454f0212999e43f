"""The roster's sheets, each a title, typed columns and a row provider (see `base`).

Plugging a feature's table in: pass its provider under the sheet's source name to
`default_sheets(catalog, sources)` (bot wiring, the CLI and the digest all call it):

    "visits"     -> 走访记录      rows as documented in services.sheets.visits
    "measures"   -> 一企一策措施  rows as documented in services.sheets.measures
    "attendance" -> 培训签到      rows as documented in services.sheets.training
    "progress"   -> 培训进度      services.progress's counts (default: counted from "attendance")

资格核查, 企业名册 and 待答复问题 read this branch's own tables.
"""

from __future__ import annotations

from collections.abc import Mapping

from policy import Catalog
from services.sheets import companies, measures, questions, training, visits
from services.sheets.base import Column, Row, RowProvider, Sheet, from_rows, in_region, no_rows
from services.sheets.period import Period, Week, WeekError, parse_week, previous_week, week_of
from services.sheets.summary import SummarySheet

__all__ = ["SOURCES", "default_sources", "Column", "Period", "Row", "RowProvider", "Sheet", "SummarySheet", "Week",
           "WeekError", "default_sheets",
           "from_rows", "in_region", "no_rows", "parse_week", "previous_week", "week_of"]

SOURCES = ("visits", "measures", "attendance", "progress")


def default_sources(targets: list | None = None) -> dict[str, RowProvider]:
    """The row sources this deployment has, by name (see SOURCES): the visits and measures
    tables of the visits feature and the training feature's attendance (services.sheets.sources).
    The roster, `/export`, the CLI and the digest all read this one place (jobs may
    override it with ctx.row_sources)."""
    from services.sheets.sources import sources

    return sources(targets)


def default_sheets(catalog: Catalog, sources: Mapping[str, RowProvider] | None = None,
                   targets: list | None = None) -> tuple[Sheet | SummarySheet, ...]:
    """The workbook's sheets in order: 汇总 (the digest's figures and the chart), the
    issue's five, then the company register and the unanswered questions the digest also
    reports. `targets`: the training targets (the built-in ones when None)."""
    sources = dict(sources or {})
    unknown = set(sources) - set(SOURCES)
    if unknown:
        raise ValueError(f"unknown row sources {sorted(unknown)}; known: {SOURCES}")
    attendance = sources.get("attendance", no_rows)
    progress = sources.get("progress") or (training.progress_from(attendance, targets) if "attendance" in sources
                                           else no_rows)
    summary = SummarySheet(catalog, sources, tuple(targets) if targets is not None else None)
    return (summary, visits.sheet(sources.get("visits", no_rows)), measures.sheet(sources.get("measures", no_rows)),
            training.attendance_sheet(attendance), training.progress_sheet(progress),
            companies.eligibility_sheet(catalog), companies.COMPANIES, questions.SHEET)
