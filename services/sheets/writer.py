"""Streaming a roster workbook through XlsxWriter's public API, in constant-memory mode.

Each row goes to a temporary file as soon as the next one starts, so memory stays flat
however many rows there are; the callers hand over rows in batches from a worker thread.
Every sheet gets a title row (sheet, region, week) and a bold, frozen header with an
autofilter, set widths, wrapped text in rows tall enough to print, and a page set-up
for forwarding (A4 landscape, one page wide, title and header on every page, page
numbers); see `cells` for how text is kept harmless.

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
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date, datetime, timezone
from io import BytesIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from locales import t
from services.sheets.base import Row, Sheet
from services.sheets.cells import CONTROLS, FORMULA_START, MAX_CELL_CHARS, clean_text, looks_like_formula, mask_phone

__all__ = ["DATE_FORMAT", "DATETIME_FORMAT", "HEADER_ROWS", "RosterWorkbook", "SheetWriter", "SummaryRow",
           "display_width", "lines_needed"]

DATETIME_FORMAT, DATE_FORMAT = "yyyy-mm-dd hh:mm", "yyyy-mm-dd"
#: A title row (sheet, region, week), then the column headers: both repeat on every printed page.
HEADER_ROWS = 2
#: Points per printed line of 10-point CJK text, and Excel's highest row.
LINE_HEIGHT, MAX_ROW_HEIGHT = 14.5, 409
#: A 汇总 row: (section heading,) or (label, value, [last week's value]).
SummaryRow = tuple
# The per-cell fast path: most text needs no cleaning and does not start like a formula.
_NEEDS_CLEANING = re.compile(CONTROLS.pattern[:-1] + "\r]")
_FIRST = frozenset(c[0] for c in FORMULA_START) | {" "}

#: Writes one value of a column into (row, column); the value may be None.
CellWriter = Callable[[int, int, Any], None]


class _Formats:
    """The workbook's cell formats, made once per workbook (XlsxWriter's rule). Text wraps
    and sits at the top, so a two-line 走访记录 cell prints both lines in a row made tall enough."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        base = {"font_size": 10, "valign": "top"}
        self.title: Format = book.add_format({**base, "bold": True, "font_size": 13, "valign": "vcenter"})
        self.header: Format = book.add_format({**base, "bold": True, "align": "center", "valign": "vcenter",
                                               "text_wrap": True, "bg_color": "#DDEBF7", "border": 1})
        self.text: Format = book.add_format({**base, "text_wrap": True})
        # A string cell, never a formula, with Excel's quote prefix so an edit keeps it text.
        self.quoted: Format = book.add_format({**base, "text_wrap": True, "quote_prefix": True})
        self.datetime: Format = book.add_format({**base, "num_format": DATETIME_FORMAT})
        self.date: Format = book.add_format({**base, "num_format": DATE_FORMAT})
        self.number: Format = book.add_format(base)
        self.label: Format = book.add_format({**base, "bold": True, "text_wrap": True})
        self.section: Format = book.add_format({**base, "bold": True, "bg_color": "#DDEBF7"})


def page_setup(ws: Worksheet, header_rows: int) -> None:
    """Printed or saved as PDF (as rosters are forwarded): A4 landscape, one page wide, the
    title and header rows on every page, page numbers in the footer."""
    ws.set_landscape()
    ws.set_paper(9)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0, header_rows - 1)
    ws.set_footer("&C" + t("roster_footer", "zh"))


def display_width(text: str) -> int:
    """Columns a line takes: a CJK (wide) character takes two, as a column's width counts."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def lines_needed(text: str, width: float) -> int:
    """Printed lines of `text` wrapped in a column `width` wide (a little narrower than the
    width, as the cell's padding is)."""
    room = max(1.0, width - 1.5)
    return sum(max(1, math.ceil(display_width(part) / room)) for part in text.split("\n"))


class SheetWriter:
    def __init__(self, ws: Worksheet, sheet: Sheet, formats: _Formats, tz: ZoneInfo, show_phones: bool,
                 title: str = "", lang: str = "zh") -> None:
        self.ws, self.sheet, self.formats, self.tz, self.rows = ws, sheet, formats, tz, HEADER_ROWS - 1
        kinds: dict[str, CellWriter] = {
            "text": self._text, "uscc": self._text, "phone": self._text if show_phones else self._phone,
            "date": self._date, "datetime": self._datetime, "int": self._int, "number": self._number}
        self._columns = [(index, column.key, kinds[column.kind]) for index, column in enumerate(sheet.columns)]
        self._widths = [(index, column.key, column.width) for index, column in enumerate(sheet.columns)
                        if column.kind == "text"]
        last = len(sheet.columns) - 1
        ws.set_row(0, 24)
        if last > 0:
            ws.merge_range(0, 0, 0, last, clean_text(title or sheet.title), formats.title)
        else:
            ws.write_string(0, 0, clean_text(title or sheet.title), formats.title)
        header_lines = 1
        for index, column in enumerate(sheet.columns):
            ws.set_column(index, index, column.width)
            heading = column.heading(lang)
            ws.write_string(1, index, clean_text(heading), formats.header)
            header_lines = max(header_lines, lines_needed(heading, column.width))
        ws.set_row(1, LINE_HEIGHT * header_lines + 4)
        ws.freeze_panes(HEADER_ROWS, 0)
        page_setup(ws, HEADER_ROWS)

    def write(self, rows: Iterable[Row]) -> None:
        columns, widths, r = self._columns, self._widths, self.rows
        for row in rows:
            r += 1
            # XlsxWriter does not size rows to wrapped text, and a printed row keeps the
            # height it has: give each row the lines its longest text cell needs.
            lines = max([lines_needed(str(row.get(key)), width) for _i, key, width in widths
                         if row.get(key) is not None] or [1])
            if lines > 1:
                self.ws.set_row(r, min(MAX_ROW_HEIGHT, LINE_HEIGHT * lines + 3))
            for index, key, write in columns:
                write(r, index, row.get(key))
        self.rows = r

    def finish(self) -> None:
        self.ws.autofilter(HEADER_ROWS - 1, 0, max(self.rows, HEADER_ROWS - 1), len(self.sheet.columns) - 1)

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
            self.ws.write_string(r, c, text, self.formats.text)

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
            self.ws.write_number(r, c, value, self.formats.number)
        else:
            self._text(r, c, value)

    def _number(self, r: int, c: int, value: Any) -> None:
        if type(value) is bool:
            self.ws.write_boolean(r, c, value)
        elif isinstance(value, int) or isinstance(value, float) and math.isfinite(value):
            self.ws.write_number(r, c, value, self.formats.number)
        else:
            self._text(r, c, value)


class RosterWorkbook:
    """One workbook; sheets are written one after the other, then `save`."""

    def __init__(self, tz: ZoneInfo, show_phones: bool, lang: str = "zh") -> None:
        self._file = BytesIO()
        self.book = xlsxwriter.Workbook(self._file, {"constant_memory": True})
        self.formats = _Formats(self.book)
        self.tz, self.show_phones, self.lang = tz, show_phones, lang

    def sheet(self, sheet: Sheet, title: str = "") -> SheetWriter:
        """A sheet with `title` (the sheet, region and week) above its header row."""
        ws = self.book.add_worksheet(sheet.title[:31])
        return SheetWriter(ws, sheet, self.formats, self.tz, self.show_phones, title, self.lang)

    def summary(self, name: str, title: str, rows: list[SummaryRow], chart: bytes | None) -> None:
        """The 汇总 sheet: label, this week, last week (a row with one string is a section
        heading), the chart to the right of them."""
        ws = self.book.add_worksheet(name[:31])
        f = self.formats
        ws.set_column(0, 0, 34)
        ws.set_column(1, 1, 30)
        ws.set_column(2, 2, 12)
        ws.set_row(0, 24)
        ws.merge_range(0, 0, 0, 2, clean_text(title), f.title)
        for r, row in enumerate(rows, start=1):
            if len(row) == 1:
                ws.merge_range(r, 0, r, 2, clean_text(str(row[0])), f.section)
                continue
            label, *values = row
            ws.write_string(r, 0, clean_text(label), f.label)
            height = lines_needed(label, 34)
            for c, value in enumerate(values, start=1):
                if isinstance(value, datetime):
                    local = (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).astimezone(self.tz)
                    ws.write_datetime(r, c, local.replace(tzinfo=None, microsecond=0), f.datetime)
                elif isinstance(value, date):
                    ws.write_datetime(r, c, value, f.date)
                elif isinstance(value, (int, float)) and not isinstance(value, bool):
                    ws.write_number(r, c, value, f.number)
                elif value is not None:
                    ws.write_string(r, c, clean_text(str(value)), f.text)
                    height = max(height, lines_needed(str(value), 30 if c == 1 else 12))
            if height > 1:
                ws.set_row(r, LINE_HEIGHT * height + 3)
        if chart:
            ws.insert_image(1, 4, "progress.png", {"image_data": BytesIO(chart), "x_scale": 0.62, "y_scale": 0.62,
                                                   "object_position": 3})
        page_setup(ws, 1)

    def save(self, path: str | Path) -> None:
        self.book.close()
        Path(path).write_bytes(self._file.getvalue())
