"""The weekly roster: one workbook per ISO week and region, streamed to a file.

Who may export what: supervisors their own region (or a part of it), admins any region
or all of them; everyone else is refused and the refusal audited. Phone numbers are
masked unless the reader's role may see them (`MAY_SEE_PHONES`). Every export, and every
refused one, goes to the audit log with who, which week, which region and how many rows.

Rows are read on the event loop (async database) and written in batches in a worker
thread, so a big export never blocks the bot and memory stays flat.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from locales import t
from locales.regions import region_label
from services import audit, regions
from services.errors import Refusal
from services.session import AsyncSession
from services.sheets import Sheet, SummarySheet, Week
from services.sheets.writer import HEADER_ROWS, RosterWorkbook
from services.users import Actor, Role
from storage.types import utcnow

__all__ = ["ExportError", "ExportResult", "MAY_EXPORT", "MAY_SEE_PHONES", "allowed_region", "export_region", "export_roster",
           "roster_filename", "write_roster"]

MAY_EXPORT = frozenset({Role.admin, Role.supervisor})
#: Only admins see whole phone numbers; a supervisor's roster is forwarded upward.
MAY_SEE_PHONES = frozenset({Role.admin})
BATCH_ROWS = 5000


class ExportError(Refusal):
    """The export is not allowed (role, region) or cannot be made."""


@dataclass
class ExportResult:
    path: Path
    week: Week
    region: str | None
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def roster_filename(week: Week, region: str | None) -> str:
    """'周报_2026-W47.xlsx' for all regions, '周报_2026-W47_320585.xlsx' for one."""
    return f"周报_{week.label}{'_' + region if region else ''}.xlsx"


def export_region(actor: Actor | None, region: str | None) -> str | None:
    """The region an export covers; raises ExportError when the actor may not.

    `actor` None is the command line (the operator of the database). A supervisor asking
    for no region gets their own; for one outside it, or having no region, a refusal.
    """
    if actor is None or actor.role == Role.admin:
        return region or None
    if actor.role not in MAY_EXPORT:
        raise ExportError("not_allowed")
    scope = regions.lookup(actor.region_code)
    if scope is None:  # no region is no reach, never "every region"
        raise ExportError("no_region")
    if region is None:
        return scope.code
    if not regions.contains(scope.code, region):
        raise ExportError("other_region", region=region)
    return region


async def allowed_region(session: AsyncSession, actor: Actor | None, region: str | None, week: Week,
                         by: str = "cli") -> str | None:
    """`export_region`, with a refusal audited (added, not committed): what a caller
    checks before it tells the person an export is under way."""
    try:
        return export_region(actor, region)
    except ExportError as exc:
        await audit.record(session, "export.roster", "denied", actor.telegram_id if actor else None, week=week.label,
                           region=region, code=exc.code, role=actor.role.value if actor else by)
        raise


def exported_week(week: Week, made_at: datetime, tz: ZoneInfo) -> Week:
    """The week as far as it has happened at `made_at`: a roster carries no date later than
    the moment it was made (the current week ends today); a week not begun is refused."""
    today = made_at.astimezone(tz).date()
    if week.start > today:
        raise ExportError("week_not_started", week=week.label, start=week.start.isoformat())
    return week if week.end <= today else replace(week, end=today)


def sheet_title(sheet_title: str, week: Week, region: str | None) -> str:
    region_text = _plain(region_label(region, "zh")) if region else t("export_all_regions", "zh")
    return t("roster_title", "zh", sheet=sheet_title, region=region_text, week=week.label,
             start=f"{week.start:%Y-%m-%d}", end=f"{week.end:%Y-%m-%d}")


def _plain(text: str) -> str:
    return text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")


async def write_roster(session: AsyncSession, sheets: tuple[Sheet | SummarySheet, ...], week: Week,
                       region: str | None, path: Path, tz: ZoneInfo, show_phones: bool,
                       batch_rows: int = BATCH_ROWS, *, made_at: datetime | None = None,
                       made_by: str = "", lang: str = "zh") -> dict[str, int]:
    """Stream every sheet's rows into the workbook at `path`; rows written per sheet (汇总,
    not a row sheet, is not counted). `lang` "en" adds English column names under the
    Chinese ones; everything else stays Chinese, for the province."""
    book = RosterWorkbook(tz, show_phones, lang)
    counts: dict[str, int] = {}
    for sheet in sheets:
        if isinstance(sheet, SummarySheet):
            title, rows, chart = await sheet.content(session, week, region, made_at or utcnow(), made_by)
            await asyncio.to_thread(book.summary, sheet.title, title, rows, chart)
            continue
        writer = book.sheet(sheet, sheet_title(sheet.title, week, region))
        batch: list = []
        # One batch at a time: reading the next batch while a thread writes this one
        # makes the two fight over the GIL with the database driver's thread (slower).
        async for row in sheet.rows(session, week, region):
            batch.append(row)
            if len(batch) >= batch_rows:
                await asyncio.to_thread(writer.write, batch)
                batch = []
        if batch:
            await asyncio.to_thread(writer.write, batch)
        writer.finish()
        counts[sheet.title] = writer.rows - (HEADER_ROWS - 1)
    await asyncio.to_thread(book.save, path)
    return counts


async def export_roster(session: AsyncSession, actor: Actor | None, week: Week, region: str | None,
                        sheets: tuple[Sheet | SummarySheet, ...], directory: Path, tz: ZoneInfo, *,
                        path: Path | None = None, show_phones: bool | None = None, by: str = "cli",
                        now: datetime | None = None, lang: str = "zh") -> ExportResult:
    """Check, write and audit one export (the audit entry is added, not committed).

    `by` names a caller without an actor in the audit log ("cli", "weekly_digest") and on
    the 汇总 sheet; `now` is the moment of export (the context's clock; the wall clock if None)."""
    who = actor.telegram_id if actor else None
    made_at = now or utcnow()
    region = await allowed_region(session, actor, region, week, by)
    week = exported_week(week, made_at, tz)
    made_by = actor.full_name if actor else t("roster_made_by_job" if by == "weekly_digest" else "roster_made_by_cli",
                                              "zh")
    if show_phones is None:
        show_phones = actor is None or actor.role in MAY_SEE_PHONES
    path = path or Path(directory) / roster_filename(week, region)
    path.parent.mkdir(parents=True, exist_ok=True)
    counts = await write_roster(session, sheets, week, region, path, tz, show_phones, made_at=made_at, made_by=made_by,
                                lang=lang)
    await audit.record(session, "export.roster", "ok", who, week=week.label, region=region, rows=counts,
                       phones="shown" if show_phones else "masked", role=actor.role.value if actor else by,
                       file=path.name)
    return ExportResult(path, week, region, counts)
