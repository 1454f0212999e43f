"""Streaming a roster workbook through XlsxWriter's public API, in constant-memory mode.

Each row goes to a temporary file as soon as the next one starts, so memory stays flat
however many rows there are; the callers hand over rows in batches from a worker thread.
Every sheet gets a bold, frozen header with an autofilter and set widths; see `cells`
for how text is kept harmless.

Why XlsxWriter: bench/export.py measured openpyxl's write-only mode, used only through
its public API, at about 1.15 times XlsxWriter's CPU for the same roster, and openpyxl
is only as fast as XlsxWriter when its private row writer is replaced. XlsxWriter also
writes only what it is told: a string is written with `write_string`, so text that
starts with "=" is never taken for a formula. The finished file is assembled in memory
(it is compressed: about 2.3 MiB for 51,000 rows) and written to its path by `save`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from datetime import date, datetime, timezone
from io import BytesIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from services.sheets.base import Row, Sheet
from services.sheets.cells import CONTROLS, FORMULA_START, MAX_CELL_CHARS, clean_text, looks_like_formula, mask_phone

__all__ = ["DATE_FORMAT", "DATETIME_FORMAT", "RosterWorkbook", "SheetWriter"]

DATETIME_FORMAT, DATE_FORMAT = "yyyy-mm-dd hh:mm", "yyyy-mm-dd"
# The per-cell fast path: most text needs no cleaning and does not start like a formula.
_NEEDS_CLEANING = re.compile(CONTROLS.pattern[:-1] + "\r]")
_FIRST = frozenset(c[0] for c in FORMULA_START) | {" "}

#: Writes one value of a column into (row, column); the value may be None.
CellWriter = Callable[[int, int, Any], None]


class _Formats:
    """The workbook's cell formats, made once per workbook (XlsxWriter's rule)."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.header: Format = book.add_format({"bold": True, "align": "center", "valign": "vcenter",
                                               "text_wrap": True})
        # A string cell, never a formula, with Excel's quote prefix so an edit keeps it text.
        self.quoted: Format = book.add_format({"quote_prefix": True})
        self.datetime: Format = book.add_format({"num_format": DATETIME_FORMAT})
        self.date: Format = book.add_format({"num_format": DATE_FORMAT})


class SheetWriter:
    def __init__(self, ws: Worksheet, sheet: Sheet, formats: _Formats, tz: ZoneInfo, show_phones: bool) -> None:
        self.ws, self.sheet, self.formats, self.tz, self.rows = ws, sheet, formats, tz, 0
        kinds: dict[str, CellWriter] = {
            "text": self._text, "uscc": self._text, "phone": self._text if show_phones else self._phone,
            "date": self._date, "datetime": self._datetime, "int": self._int, "number": self._number}
        self._columns = [(index, column.key, kinds[column.kind]) for index, column in enumerate(sheet.columns)]
        for index, column in enumerate(sheet.columns):
            ws.set_column(index, index, column.width)
            ws.write_string(0, index, clean_text(column.header), formats.header)
        ws.freeze_panes(1, 0)
        # Printed or saved as PDF (as rosters are forwarded): landscape, A4, one page wide,
        # the header on every page.
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(0)

    def write(self, rows: Iterable[Row]) -> None:
        columns, r = self._columns, self.rows
        for row in rows:
            r += 1
            for index, key, write in columns:
                write(r, index, row.get(key))
        self.rows = r

    def finish(self) -> None:
        self.ws.autofilter(0, 0, self.rows, len(self.sheet.columns) - 1)

    # ------------------------------------------------------------------ one cell per kind

    def _text(self, r: int, c: int, value: Any) -> None:
        if value is None:
            return
        text = value if type(value) is str else str(value)
        if len(text) > MAX_CELL_CHARS or _NEEDS_CLEANING.search(text):
            text = clean_text(text)
        if not text:
            return
        if text[0] in _FIRST and looks_like_formula(text):
            self.ws.write_string(r, c, text, self.formats.quoted)
        else:
            self.ws.write_string(r, c, text)

    def _phone(self, r: int, c: int, value: Any) -> None:
        if value is not None:
            self._text(r, c, mask_phone(value))

    def _date(self, r: int, c: int, value: Any) -> None:
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, date):
            self.ws.write_datetime(r, c, value, self.formats.date)
        else:
            self._text(r, c, value)

    def _datetime(self, r: int, c: int, value: Any) -> None:
        if isinstance(value, datetime):
            aware = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
            local = aware.astimezone(self.tz).replace(tzinfo=None, microsecond=0)
            self.ws.write_datetime(r, c, local, self.formats.datetime)
        elif isinstance(value, date):
            self.ws.write_datetime(r, c, value, self.formats.date)
        else:
            self._text(r, c, value)

    def _int(self, r: int, c: int, value: Any) -> None:
        if type(value) is bool:
            self.ws.write_boolean(r, c, value)
        elif isinstance(value, int):
            self.ws.write_number(r, c, value)
        else:
            self._text(r, c, value)

    def _number(self, r: int, c: int, value: Any) -> None:
        if type(value) is bool:
            self.ws.write_boolean(r, c, value)
        elif isinstance(value, int) or isinstance(value, float) and math.isfinite(value):
            self.ws.write_number(r, c, value)
        else:
            self._text(r, c, value)


class RosterWorkbook:
    """One workbook; sheets are written one after the other, then `save`."""

    def __init__(self, tz: ZoneInfo, show_phones: bool) -> None:
        self._file = BytesIO()
        self.book = xlsxwriter.Workbook(self._file, {"constant_memory": True})
        self.formats = _Formats(self.book)
        self.tz, self.show_phones = tz, show_phones

    def sheet(self, sheet: Sheet) -> SheetWriter:
        ws = self.book.add_worksheet(sheet.title[:31])
        return SheetWriter(ws, sheet, self.formats, self.tz, self.show_phones)

    def save(self, path: str | Path) -> None:
        self.book.close()
        Path(path).write_bytes(self._file.getvalue())
