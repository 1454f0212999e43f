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
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from services import audit, regions
from services.errors import Refusal
from services.session import AsyncSession
from services.sheets import Sheet, Week
from services.sheets.writer import RosterWorkbook
from services.users import Actor, Role

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


async def write_roster(session: AsyncSession, sheets: tuple[Sheet, ...], week: Week, region: str | None,
                       path: Path, tz: ZoneInfo, show_phones: bool, batch_rows: int = BATCH_ROWS) -> dict[str, int]:
    """Stream every sheet's rows into the workbook at `path`; rows written per sheet."""
    book = RosterWorkbook(tz, show_phones)
    counts: dict[str, int] = {}
    for sheet in sheets:
        writer = book.sheet(sheet)
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
        counts[sheet.title] = writer.rows
    await asyncio.to_thread(book.save, path)
    return counts


async def export_roster(session: AsyncSession, actor: Actor | None, week: Week, region: str | None,
                        sheets: tuple[Sheet, ...], directory: Path, tz: ZoneInfo, *,
                        path: Path | None = None, show_phones: bool | None = None, by: str = "cli") -> ExportResult:
    """Check, write and audit one export (the audit entry is added, not committed).

    `by` names a caller without an actor in the audit log ("cli", "weekly_digest")."""
    who = actor.telegram_id if actor else None
    region = await allowed_region(session, actor, region, week, by)
    if show_phones is None:
        show_phones = actor is None or actor.role in MAY_SEE_PHONES
    path = path or Path(directory) / roster_filename(week, region)
    path.parent.mkdir(parents=True, exist_ok=True)
    counts = await write_roster(session, sheets, week, region, path, tz, show_phones)
    await audit.record(session, "export.roster", "ok", who, week=week.label, region=region, rows=counts,
                       phones="shown" if show_phones else "masked", role=actor.role.value if actor else by,
                       file=path.name)
    return ExportResult(path, week, region, counts)
