"""汇总: the roster's first sheet, what a supervisor forwards it for.

Which region and week (with its dates), when it was made (Asia/Shanghai) and by whom,
the digest's own figures (services.digest.build_digest, so the workbook and the digest
cannot differ; each figure is what a sheet after it adds up to, see `roster_note_sheets`)
and the progress chart (services.progress_chart).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from locales import t
from locales.regions import region_label
from policy import Catalog
from services.progress import RATE_WEEKS, Progress
from services.session import AsyncSession
from services.sheets.base import RowProvider
from services.sheets.period import Week
from services.targets import Target

__all__ = ["SummarySheet", "summary_rows"]


@dataclass(frozen=True)
class SummarySheet:
    """Not a row sheet: `services.export.write_roster` asks it for its rows and chart."""

    catalog: Catalog
    #: services.digest.build_digest, handed in by services.roster.default_sheets: the digest
    #: reads the sheets' sources, so this package cannot import it
    build_digest: Callable[..., Awaitable[Any]]
    sources: Mapping[str, RowProvider] = field(default_factory=dict)
    targets: tuple[Target, ...] | None = None

    @property
    def title(self) -> str:
        return t("roster_summary", "zh")

    async def content(self, session: AsyncSession, week: Week, region: str | None, made_at: datetime,
                      made_by: str) -> tuple[str, list[tuple], bytes | None]:
        digest = await self.build_digest(session, week, region, self.catalog, self.sources,
                                    list(self.targets) if self.targets is not None else None)
        title = t("roster_summary_title", "zh", week=week.label)
        rows = summary_rows(digest, week, region, made_at, made_by)
        progress = digest.trainees.progress
        chart = None
        if progress is not None and (progress.in_force or progress.counted):
            from services.progress_chart import progress_png

            chart_title = t("pr_chart_title", "zh", document=progress.target.citation.get("document", ""))
            chart = await asyncio.to_thread(progress_png, progress, chart_title, "zh")
        return title, rows, chart


def _plain(text: str) -> str:
    return text.replace("<b>", "").replace("</b>", "").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")


def summary_rows(digest, week: Week, region: str | None, made_at: datetime, made_by: str) -> list[tuple]:  # noqa: ANN001
    """The rows of 汇总 (see writer.SummaryRow), in Chinese: who reads it is the province."""
    rows: list[tuple] = [
        (t("roster_row_region", "zh"), _plain(region_label(region, "zh")) if region else t("export_all_regions", "zh")),
        (t("roster_row_week", "zh"), f"{week.label}（{week.start:%Y-%m-%d} 至 {week.end:%Y-%m-%d}）"),
        (t("roster_row_made_at", "zh"), made_at),
        (t("roster_row_made_by", "zh"), made_by),
        (t("roster_row_counted_to", "zh"), week.end),
        (t("roster_section_week", "zh"),),
    ]
    for figure in digest.figures:
        label = t(f"digest_fig_{figure.key}", "zh")
        if figure.key == "coverage":
            rows.append((label, *(None if v is None else f"{v:.0%}" for v in (figure.value, figure.before))))
        else:
            rows.append((label, *(t("digest_no_data", "zh") if v is None else int(v)
                                  for v in (figure.value, figure.before))))
    progress: Progress | None = digest.trainees.progress
    if progress is not None:
        rows += _trained_rows(progress)
    rows += [(t("roster_section_lists", "zh"),),
             (t("roster_row_overdue", "zh"), "—" if digest.overdue_total is None else digest.overdue_total),
             (t("roster_row_unanswered", "zh"), digest.unanswered_total),
             (t("roster_note_sheets", "zh"), None)]
    return rows


def _trained_rows(progress: Progress) -> list[tuple]:
    target, citation = progress.target, progress.target.citation
    status = "roster_row_target_status_open" if progress.in_force else "roster_row_target_status_ended"
    rows: list[tuple] = [
        (t("roster_section_trained", "zh"),),
        (t(status, "zh", document=citation.get("document", ""), clause=citation.get("clause", ""),
           end=target.end.isoformat()), None),
        (t("roster_row_trained_window", "zh", start=target.start.isoformat(), end=target.end.isoformat(),
           target=f"{target.people:,}"), progress.trained),
    ]
    if not progress.in_force:
        rows.append((t("roster_row_trained_since", "zh", start=progress.counted_from.isoformat()), progress.counted))
    rows += [(t("roster_row_this_year", "zh", year=progress.as_of.year), progress.this_year),
             (t("roster_row_rate", "zh", weeks=RATE_WEEKS), round(progress.rate_per_week, 1))]
    return rows
