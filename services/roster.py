"""The roster's sheets in order, 汇总 first: the one place that puts the digest and the
row sheets together (so neither imports the other)."""

from __future__ import annotations

from collections.abc import Mapping

from policy import Catalog
from services.digest import build_digest
from services.sheets import SOURCES, RowProvider, Sheet, SummarySheet, no_rows
from services.sheets import companies, measures, questions, training, visits

__all__ = ["default_sheets"]


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
    summary = SummarySheet(catalog, build_digest, sources, tuple(targets) if targets is not None else None)
    return (summary, visits.sheet(sources.get("visits", no_rows)), measures.sheet(sources.get("measures", no_rows)),
            training.attendance_sheet(attendance), training.progress_sheet(progress),
            companies.eligibility_sheet(catalog), companies.COMPANIES, questions.SHEET)
