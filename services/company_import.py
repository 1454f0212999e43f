"""`ipbot import companies FILE.xlsx`: the usual Chinese headers, bad rows by Excel row number.

Reading and checking come first, writing second, in one transaction: a file that cannot
be read changes nothing, and a row that fails never leaves half of itself behind. The
same company twice in a file (by USCC after normalisation, or by name key when it has no
USCC) is imported from its first row; every later row of it is rejected by row number,
naming the first row, so nobody has to guess which spelling was kept. A row whose USCC is
registered under another name renames the company and is reported row by row (the old
and the new name), not only counted as updated. Every cell is taken in through the one gate
for user text (services.textgate), the same rules as a name typed in chat.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import select

from services import companies, regions, textgate
from services.companies import Company, CompanyError
from services.errors import Refusal
from services.session import AsyncSession
from storage.models import CompanyHistory

#: Header cells accepted for each column (after removing spaces); others are ignored.
HEADERS = {
    "name": ("企业名称", "公司名称", "单位名称", "名称"),
    "uscc": ("统一社会信用代码", "社会信用代码", "信用代码", "USCC"),
    "region": ("所在地区", "地区", "行政区划", "所属地区", "区县"),
    "industry": ("行业", "所属行业", "行业类别"),
}
MAX_ROWS = 20_000


class ImportError_(Refusal):
    """The file as a whole cannot be imported (unreadable, no header); nothing was written."""


@dataclass(frozen=True)
class Row:
    number: int  # the Excel row number
    name: str
    uscc: str | None
    region: str | None
    industry: str | None


@dataclass
class Report:
    imported: int = 0
    updated: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)  # {"row", "code", "params"}
    renamed: list[dict[str, Any]] = field(default_factory=list)  # {"row", "uscc", "old", "new"}
    merged: list[str] = field(default_factory=list)  # merged ranges in the data, e.g. "A5:A6"


def _text(value: Any) -> str:
    """A cell as text: the gate's base cleaning (NFC, no control or bidi character), trimmed;
    each field is gated by its kind when the row is checked."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return textgate.base(str(value)).strip()


def read_sheet(path: str | Path) -> tuple[list[Row], Report]:
    """The rows of the first sheet under its header row; merged data cells reported as rejected."""
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, data_only=True)  # not read-only: merged ranges are only known this way
    except FileNotFoundError:
        raise ImportError_("file_missing", path=str(path)) from None
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError, TypeError, EOFError) as exc:
        raise ImportError_("file_unreadable", path=str(path), problem=type(exc).__name__) from None
    sheet = book.worksheets[0]
    header_row, columns = None, {}
    for r, values in enumerate(sheet.iter_rows(min_row=1, max_row=10, values_only=True), 1):
        cells = {textgate.clean(v, textgate.Kind.code): i for i, v in enumerate(values) if v is not None}
        found = {key: next((cells[h] for h in names if h in cells), None) for key, names in HEADERS.items()}
        if found["name"] is not None:
            header_row, columns = r, {k: v for k, v in found.items() if v is not None}
            break
    if header_row is None:
        raise ImportError_("no_header", expected="企业名称")
    report = Report()
    merged_rows: dict[int, str] = {}
    for rng in sheet.merged_cells.ranges:
        if rng.max_row > header_row:
            report.merged.append(rng.coord)
            for r in range(max(rng.min_row, header_row + 1), rng.max_row + 1):
                merged_rows.setdefault(r, rng.coord)
    rows: list[Row] = []
    for r, values in enumerate(sheet.iter_rows(min_row=header_row + 1, values_only=True), header_row + 1):
        if r - header_row > MAX_ROWS:
            raise ImportError_("too_many_rows", limit=MAX_ROWS)
        get = (lambda key: _text(values[columns[key]]) if key in columns and columns[key] < len(values) else "")
        if not any(textgate.clean(v, textgate.Kind.name) for v in values if v is not None):
            continue  # a blank row
        if r in merged_rows:
            report.rejected.append({"row": r, "code": "merged_cells", "params": {"cells": merged_rows[r]}})
            continue
        rows.append(Row(r, get("name"), get("uscc") or None, get("region") or None, get("industry") or None))
    return rows, report


@dataclass(frozen=True)
class Checked:
    row: Row
    name: str
    uscc: str | None
    region_code: str
    industry: str | None

    @property
    def key(self) -> str:
        return self.uscc or "name:" + companies.name_key(self.name)


def check_row(row: Row) -> Checked:
    """The row as it will be stored, or the refusal naming what is wrong with it."""
    if not row.name:
        raise CompanyError("name_missing")  # also a formula cell, which has no value to import
    name = companies.clean_name(row.name)
    code = companies.normalise_uscc(row.uscc) if row.uscc else None
    typed_region = textgate.clean(row.region, textgate.Kind.name, fold=True) if row.region else ""
    region = regions.resolve(typed_region) if typed_region else (regions.from_uscc(code) if code else None)
    if region is None:
        raise CompanyError("unknown_region", value=typed_region[:30])
    industry = (textgate.gate(row.industry, textgate.INDUSTRY) or None) if row.industry else None
    return Checked(row, name, code, region.code, industry)


async def import_rows(session: AsyncSession, rows: list[Row], report: Report, *, source: str, as_of: date) -> Report:
    """Upsert the good rows (the caller commits once); bad ones go to the report by row number."""
    first: dict[str, Checked] = {}
    for row in rows:
        try:
            checked = check_row(row)
        except Refusal as exc:
            report.rejected.append({"row": row.number, "code": exc.code, "params": exc.params})
            continue
        earlier = first.get(checked.key)
        if earlier is not None:  # the same company twice in the file: its first row is imported
            code = "repeated_uscc" if checked.uscc else "repeated_name"
            report.rejected.append({"row": row.number, "code": code, "params": {
                "uscc": checked.uscc or "", "name": checked.name, "first_row": earlier.row.number,
                "first_name": earlier.name}})
            continue
        first[checked.key] = checked
    for checked in first.values():
        if checked.uscc:
            existing = (await session.exec(select(Company).where(Company.uscc == checked.uscc))).first()
        else:
            existing = (await session.exec(select(Company).where(
                Company.name_key == companies.name_key(checked.name), Company.uscc.is_(None)))).first()
        if existing is None:
            company = Company(uscc=checked.uscc, name=checked.name, name_key=companies.name_key(checked.name),
                              region_code=checked.region_code, industry=checked.industry)
            session.add(company)
            await session.flush()
            changes = {"name": checked.name, "uscc": checked.uscc, "region_code": checked.region_code,
                       "industry": checked.industry}
            report.imported += 1
        else:
            company = existing
            if checked.name != existing.name:
                report.renamed.append({"row": checked.row.number, "uscc": checked.uscc or "", "old": existing.name,
                                       "new": checked.name})
            changes = {f: v for f, v in (("name", checked.name), ("region_code", checked.region_code),
                                         ("industry", checked.industry)) if v is not None and getattr(company, f) != v}
            for f, v in changes.items():
                setattr(company, f, v)
            company.name_key = companies.name_key(company.name)
            session.add(company)
            report.updated += 1
        for f, v in changes.items():
            if v is not None:
                session.add(CompanyHistory(company_id=company.id, field=f, value=v, source=source[:128], as_of=as_of))
    report.rejected.sort(key=lambda r: r["row"])
    report.renamed.sort(key=lambda r: r["row"])
    await session.flush()
    return report
