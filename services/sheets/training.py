"""培训签到 (attendance) and 培训进度 (progress by category and region).

Attendance row shape (one dict per person checked in; `services.sheets.sources.attendance_rows`
reads the training tables and adds `trainee_id` and `first_time`, the person's first session):

    training_title: str     starts_at: datetime (aware)   location: str | None
    category: str (the training's own)   trainee_category: str (the person's)   region_code: str
    attendee_name: str      attendee_phone: str | None
    company_name: str | None  uscc: str | None
    checked_in_at: datetime (aware)

Progress rows come from services.progress (`progress_people`, the one count of people
trained), or from fixed attendance rows (`progress_from`), in this shape:

    category: str (the person's)   region_code: str (of their first session)
    in_week: int   this_year: int   in_window: int (the target's)   since_end: int | None

The 30,000-trainee target is 苏知发〔2018〕86号 二（五）: "培训中小企业知识产权总监、
工程师、企业贯标内审员及经营管理人员30000名" (the dated target in services/data/targets.yaml).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

from services.progress import people_rows
from services.session import AsyncSession
from services.sheets.base import Row, RowProvider, Sheet, columns, no_rows
from services.sheets.period import Period
from services.targets import Target, load_targets, target_at

PROGRAMME_START = date(2018, 1, 1)  # 苏知发〔2018〕86号 covers 2018-2020

ATTENDANCE_COLUMNS = columns("attendance")

PROGRESS_COLUMNS = columns("progress")


def progress_people(targets: list[Target]) -> RowProvider:
    """培训进度 from services.progress (`people_rows`): the very counts /progress, the
    digest and the chart show, by category and region, as of the period's last day."""
    async def provide(session: AsyncSession, period: Period, region: str | None) -> AsyncIterator[Row]:
        for r in await people_rows(session, targets, period.end, period.tz, (period.start, period.end), region):
            yield {"category": r.category, "region_code": r.region_code, "in_week": r.in_week,
                   "this_year": r.this_year, "in_window": r.in_window, "since_end": r.since_end}
    return provide


def progress_from(attendance: RowProvider, targets: list[Target] | None = None) -> RowProvider:
    """The same rows counted from an attendance provider (fixed rows in tests and benchmarks,
    which have no tables): rows marked `first_time: False` (a person's later sessions) are
    skipped, so people are counted, not attendances."""
    async def provide(session: AsyncSession, period: Period, region: str | None) -> AsyncIterator[Row]:
        target = target_at(targets or load_targets(), period.end).target
        ended = period.end > target.end
        ever = Period(PROGRAMME_START, period.end, period.tz)
        cells: dict[tuple[str, str], list[int]] = {}
        async for r in attendance(session, ever, region):
            if not r.get("first_time", True):  # a person counts once, at their first session
                continue
            moment = r.get("starts_at") or r.get("checked_in_at")
            day = moment.astimezone(period.tz).date() if moment is not None else period.end
            row = cells.setdefault((r.get("trainee_category") or r.get("category") or "", r.get("region_code") or ""),
                                   [0, 0, 0, 0])
            row[0] += period.start <= day <= period.end
            row[1] += day.year == period.end.year
            row[2] += target.start <= day <= target.end
            row[3] += day > target.end
        for (category, code), (week, year, window, since) in sorted(cells.items()):
            yield {"category": category, "region_code": code, "in_week": week, "this_year": year,
                   "in_window": window, "since_end": since if ended else None}
    return provide


def attendance_sheet(rows: RowProvider = no_rows) -> Sheet:
    return Sheet("培训签到", ATTENDANCE_COLUMNS, rows)


def progress_sheet(rows: RowProvider = no_rows) -> Sheet:
    """Pass `progress_people(targets)` or `progress_from(attendance)`."""
    return Sheet("培训进度", PROGRESS_COLUMNS, rows)
