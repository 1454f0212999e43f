"""培训签到 (attendance) and 培训进度 (progress by category and region).

Attendance row shape (one dict per person checked in; `services.sheets.sources.attendance_rows`
reads the training tables and adds `trainee_id` and `first_time`, the person's first session):

    training_title: str     starts_at: datetime (aware)   location: str | None
    category: str           region_code: str
    attendee_name: str      attendee_phone: str | None
    company_name: str | None  uscc: str | None
    checked_in_at: datetime (aware)

Progress rows are derived from attendance rows (`progress_rows`), or supplied directly
in this shape:

    category: str   region_code: str   trained_in_period: int   trained_total: int

The 30,000-trainee target is 苏知发〔2018〕86号 二（五）: "培训中小企业知识产权总监、
工程师、企业贯标内审员及经营管理人员30000名" (the dated target in services/data/targets.yaml).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Iterable
from datetime import date
from typing import Any

from services.session import AsyncSession
from services.sheets.base import Column, Row, RowProvider, Sheet, no_rows
from services.sheets.period import Period

PROGRAMME_START = date(2018, 1, 1)  # 苏知发〔2018〕86号 covers 2018-2020

ATTENDANCE_COLUMNS = (
    Column("training_title", "培训名称", "text", 28),
    Column("starts_at", "培训时间", "datetime", 18),
    Column("location", "地点", "text", 18),
    Column("category", "培训类别", "text", 16),
    Column("region_code", "地区代码", "text", 10),
    Column("attendee_name", "姓名", "text", 12),
    Column("attendee_phone", "手机号", "phone", 15),
    Column("company_name", "所在企业", "text", 28),
    Column("uscc", "统一社会信用代码", "uscc", 22),
    Column("checked_in_at", "签到时间", "datetime", 18),
)

PROGRESS_COLUMNS = (
    Column("category", "培训类别", "text", 20),
    Column("region_code", "地区代码", "text", 10),
    Column("trained_in_period", "本周培训人数", "int", 14),
    Column("trained_total", "累计培训人数", "int", 14),
)


def progress_rows(week_rows: Iterable[Row], all_rows: Iterable[Row]) -> list[dict[str, Any]]:
    """People trained per (category, region): in the period, and in total."""
    week = Counter((r.get("category") or "", r.get("region_code") or "") for r in week_rows)
    total = Counter((r.get("category") or "", r.get("region_code") or "") for r in all_rows)
    return [{"category": c, "region_code": g, "trained_in_period": week.get((c, g), 0), "trained_total": n}
            for (c, g), n in sorted(total.items())]


def progress_from(attendance: RowProvider) -> RowProvider:
    """A progress provider counted from an attendance provider in one pass over the
    programme so far (from 2018, 苏知发〔2018〕86号); rows of sessions held in the period
    count for the period too. Rows marked `first_time: False` (a person's later
    sessions) are skipped, so people are counted, not attendances."""
    async def provide(session: AsyncSession, period: Period, region: str | None) -> AsyncIterator[Row]:
        ever = Period(PROGRAMME_START, period.end, period.tz)
        week: Counter = Counter()
        total: Counter = Counter()
        async for r in attendance(session, ever, region):
            if not r.get("first_time", True):  # a person counts once, at their first session
                continue
            key = (r.get("category") or "", r.get("region_code") or "")
            total[key] += 1
            moment = r.get("starts_at") or r.get("checked_in_at")
            if moment is not None and period.contains(moment):
                week[key] += 1
        for (category, code), n in sorted(total.items()):
            yield {"category": category, "region_code": code, "trained_in_period": week.get((category, code), 0),
                   "trained_total": n}
    return provide


def attendance_sheet(rows: RowProvider = no_rows) -> Sheet:
    return Sheet("培训签到", ATTENDANCE_COLUMNS, rows)


def progress_sheet(rows: RowProvider = no_rows) -> Sheet:
    """Pass `progress_from(attendance)` or the training feature's own progress rows."""
    return Sheet("培训进度", PROGRESS_COLUMNS, rows)
