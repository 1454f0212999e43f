"""Streaming a roster workbook with openpyxl's write-only mode.

Rows go to a temporary file as they are appended, so memory stays flat however many
rows there are; the callers hand over rows in batches from a worker thread. Every
sheet gets a bold, frozen header with an autofilter and set widths; see `cells` for
how text is kept harmless.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from services.sheets.base import Column, Row, Sheet
from services.sheets.cells import CONTROLS, FORMULA_START, MAX_CELL_CHARS, clean_text, looks_like_formula, mask_phone

__all__ = ["RosterWorkbook", "SheetWriter"]

_BOLD = Font(bold=True)
# The per-cell fast path: most text needs no cleaning and does not start like a formula.
_NEEDS_CLEANING = re.compile(CONTROLS.pattern[:-1] + "\r]")
_FIRST = frozenset(c[0] for c in FORMULA_START) | {" "}
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)


class SheetWriter:
    def __init__(self, ws: WriteOnlyWorksheet, sheet: Sheet, tz: ZoneInfo, show_phones: bool) -> None:
        self.ws, self.sheet, self.rows = ws, sheet, 0
        convert = {"text": self._text, "uscc": self._text, "phone": self._phone if not show_phones else self._text,
                   "date": _date, "datetime": _datetime(tz), "int": _int, "number": _number}
        self._convert: list[tuple[str, Callable[[Any], Any]]] = [(c.key, convert[c.kind]) for c in sheet.columns]
        for index, column in enumerate(sheet.columns, start=1):
            ws.column_dimensions[get_column_letter(index)].width = column.width
        ws.freeze_panes = "A2"
        ws.append([self._header(c) for c in sheet.columns])

    def _header(self, column: Column) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws, value=clean_text(column.header))
        cell.font, cell.alignment = _BOLD, _CENTRE
        return cell

    def write(self, rows: Iterable[Row]) -> None:
        append, convert = self.ws.append, self._convert
        count = 0
        for row in rows:
            append([fn(row.get(key)) for key, fn in convert])
            count += 1
        self.rows += count

    def finish(self) -> None:
        last = get_column_letter(len(self.sheet.columns))
        self.ws.auto_filter.ref = f"A1:{last}{self.rows + 1}"

    def _text(self, value: Any) -> Any:
        if value is None:
            return None
        text = value if type(value) is str else str(value)
        if len(text) > MAX_CELL_CHARS or _NEEDS_CLEANING.search(text):
            text = clean_text(text)
        if not text or (text[0] not in _FIRST and not looks_like_formula(text)):
            return text
        # A string cell, never a formula, with Excel's quote prefix so an edit keeps it text.
        cell = WriteOnlyCell(self.ws, value=text)
        cell.data_type = "s"
        cell.quotePrefix = True
        return cell

    def _phone(self, value: Any) -> Any:
        return None if value is None else self._text(mask_phone(value))


def _date(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) or value is None else clean_text(value)


def _datetime(tz: ZoneInfo) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        if isinstance(value, datetime):
            aware = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
            return aware.astimezone(tz).replace(tzinfo=None, microsecond=0)
        return value if isinstance(value, date) or value is None else clean_text(value)
    return convert


def _int(value: Any) -> Any:
    return value if value is None or isinstance(value, int) else clean_text(value)


def _number(value: Any) -> Any:
    return value if value is None or isinstance(value, (int, float)) else clean_text(value)


class RosterWorkbook:
    """One workbook; sheets are written one after the other, then `save`."""

    def __init__(self, tz: ZoneInfo, show_phones: bool) -> None:
        self.book = Workbook(write_only=True)
        self.tz, self.show_phones = tz, show_phones

    def sheet(self, sheet: Sheet) -> SheetWriter:
        return SheetWriter(self.book.create_sheet(sheet.title[:31]), sheet, self.tz, self.show_phones)

    def save(self, path: str | Path) -> None:
        self.book.save(str(path))
