"""Spreadsheets of people: attendance of sessions held offline, and lists to enrol.

`read_sheet` finds the header row (the usual Chinese headers, extra columns ignored),
fills merged cells with their value (a 培训名称 merged down ten rows names ten rows),
skips blank rows and rejects, by Excel row number, a row holding a formula (its value
would be whatever Excel last computed, or nothing). `import_attendance` records the
rows as attended, creating each named session once (key: title and date).

Every text cell is taken in through the one gate for user text (services.textgate, by way
of services.trainees.clean_text): the same rules as the chat, not a stripping of its own.
Reasons are returned as (code, params) for the caller to phrase (locales tr_err_<code>).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from services import textgate
from services.errors import Refusal
from services.session import AsyncSession
from services.trainees import PersonDraft, clean_text, upsert_trainee
from storage.models import Training
from storage.training_tables import Enrolment

__all__ = ["HEADERS", "ImportResult", "Sheet", "import_attendance", "parse_day", "read_sheet"]

HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "学员姓名"),
    "mobile": ("手机", "手机号", "手机号码", "联系电话", "电话"),
    "company": ("单位", "工作单位", "企业", "企业名称", "公司"),
    "position": ("职务", "职位", "岗位"),
    "category": ("类别", "人员类别", "培训类别"),
    "title": ("培训名称", "培训", "课程名称", "班级"),
    "day": ("培训日期", "日期"),
}
MAX_ROWS = 20_000
MAX_BYTES = 10 * 1024 * 1024


@dataclass
class Sheet:
    rows: list[tuple[int, dict[str, Any]]]  # (Excel row number, values by field)
    rejected: list[tuple[int, str, dict[str, Any]]] = field(default_factory=list)


@dataclass
class ImportResult:
    imported: int = 0
    sessions_created: int = 0
    rejected: list[tuple[int, str, dict[str, Any]]] = field(default_factory=list)


def read_sheet(data: bytes, required: tuple[str, ...]) -> Sheet:
    """Rows of the first sheet by field name; a file-level problem is a Refusal."""
    from openpyxl import load_workbook

    if len(data) > MAX_BYTES:
        raise Refusal("xlsx_too_big", limit=MAX_BYTES // (1024 * 1024))
    try:
        workbook = load_workbook(io.BytesIO(data), data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise Refusal("xlsx_unreadable") from None
    sheet = workbook.worksheets[0]
    grid = [list(row) for row in sheet.iter_rows(max_row=min(sheet.max_row, MAX_ROWS + 20))]
    if sheet.max_row > MAX_ROWS + 20:
        raise Refusal("xlsx_too_many_rows", limit=MAX_ROWS)
    values = [[cell.value for cell in row] for row in grid]
    for merged in sheet.merged_cells.ranges:  # the top-left value stands for the whole range
        top = values[merged.min_row - 1][merged.min_col - 1] if merged.min_row <= len(values) else None
        for r in range(merged.min_row, min(merged.max_row, len(values)) + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                if c - 1 < len(values[r - 1]):
                    values[r - 1][c - 1] = top
    header_at, columns = _header(values, required)
    result = Sheet(rows=[])
    for index in range(header_at + 1, len(values)):
        number, row = index + 1, values[index]
        picked = {name: row[col] if col < len(row) else None for name, col in columns.items()}
        if all(v is None or not textgate.clean(v, textgate.Kind.name) for v in picked.values()):
            continue  # a blank row (invisible characters alone are blank too)
        formula = next((name for name, col in columns.items()
                        if col < len(grid[index]) and grid[index][col].data_type == "f"), None)
        if formula is not None:
            result.rejected.append((number, "xlsx_formula", {"column": HEADERS[formula][0]}))
            continue
        result.rows.append((number, picked))
    return result


def parse_day(value: Any) -> date:
    """A date cell, or text like 2026-11-20, 2026/11/20, 2026.11.20 or 2026年11月20日."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = textgate.clean(value or "", textgate.Kind.line, fold=True)
    match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text)
    if not match:
        raise Refusal("day_invalid", value=text[:20])
    try:
        return date(*map(int, match.groups()))
    except ValueError:
        raise Refusal("day_invalid", value=text[:20]) from None


async def import_attendance(session: AsyncSession, data: bytes, tz: ZoneInfo, today: date,
                            region_code: str | None = None) -> ImportResult:
    """Record each good row as an attendance; bad rows are reported, never half-saved."""
    sheet = read_sheet(data, ("name", "mobile", "title", "day"))
    result = ImportResult(rejected=list(sheet.rejected))
    seen: dict[tuple[str, str], int] = {}
    sessions: dict[str, Training] = {}
    for number, row in sheet.rows:
        try:
            person = PersonDraft.parse(row.get("name"), row.get("mobile"), row.get("company"), row.get("position"),
                                       row.get("category"))
            title = clean_text(row.get("title"), textgate.TRAINING_TITLE, required=True)
            day = parse_day(row.get("day"))
            if day > today:
                raise Refusal("day_in_future", value=day.isoformat())
        except Refusal as exc:
            result.rejected.append((number, exc.code, exc.params))
            continue
        key = f"{title}|{day.isoformat()}"
        if (person.mobile, key) in seen:
            result.rejected.append((number, "row_duplicate", {"row": seen[(person.mobile, key)]}))
            continue
        seen[(person.mobile, key)] = number
        try:  # a number that belongs to a person of another name: this row is reported, the rest go on
            async with session.begin_nested():
                trainee = await upsert_trainee(session, person)
        except Refusal as exc:
            result.rejected.append((number, exc.code, exc.params))
            continue
        async with session.begin_nested():
            training = sessions.get(key) or await _session_for(session, key, title, person.category, day, tz,
                                                                region_code, result)
            sessions[key] = training
            if await _attend(session, training, trainee.id):
                result.imported += 1
            else:
                result.rejected.append((number, "already_recorded", {}))
    result.rejected.sort(key=lambda r: r[0])
    return result


async def _session_for(session: AsyncSession, key: str, title: str, category: str, day: date, tz: ZoneInfo,
                       region_code: str | None, result: ImportResult) -> Training:
    """The session a file names, created once (the unique import key); its hours are not known."""
    found = (await session.exec(select(Training).where(Training.import_key == key))).first()
    if found is not None:
        return found
    start = datetime.combine(day, time.min, tz)
    training = Training(title=title, category=category, starts_at=start, ends_at=start + timedelta(days=1),
                        region_code=region_code, capacity=0, import_key=key, location="")
    try:
        async with session.begin_nested():
            session.add(training)
    except IntegrityError:  # another import created it meanwhile
        return (await session.exec(select(Training).where(Training.import_key == key))).one()
    result.sessions_created += 1
    return training


async def _attend(session: AsyncSession, training: Training, trainee_id: int) -> bool:
    """Mark attended; False when this person's attendance of this session was already recorded."""
    enrolment = (await session.exec(select(Enrolment).where(Enrolment.training_id == training.id,
                                                            Enrolment.trainee_id == trainee_id))).first()
    if enrolment is None:
        session.add(Enrolment(training_id=training.id, trainee_id=trainee_id, status="attended", source="import",
                              session_starts_at=training.starts_at, checked_in_at=training.starts_at))
        training.seats_taken += 1
        session.add(training)
        await session.flush()
        return True
    if enrolment.status == "attended":
        return False
    if enrolment.status in ("waitlisted", "cancelled"):
        training.seats_taken += 1
        session.add(training)
    enrolment.status, enrolment.checked_in_at = "attended", enrolment.checked_in_at or training.starts_at
    session.add(enrolment)
    await session.flush()
    return True


def _header(values: list[list[Any]], required: tuple[str, ...]) -> tuple[int, dict[str, int]]:
    """The first row (of the top 10) naming every required column; its columns by field."""
    for index, row in enumerate(values[:10]):
        names = [textgate.clean(v, textgate.Kind.code) if v is not None else "" for v in row]
        columns = {}
        for field_name, aliases in HEADERS.items():
            col = next((i for i, n in enumerate(names) if n in aliases), None)
            if col is not None:
                columns[field_name] = col
        if all(r in columns for r in required):
            return index, columns
    raise Refusal("xlsx_no_header", need="、".join(HEADERS[r][0] for r in required))
