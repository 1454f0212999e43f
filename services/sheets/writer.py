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

from openpyxl import LXML, Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.utils.datetime import to_excel
from openpyxl.xml.functions import XML_NS, Element, SubElement
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
        # Printed or saved as PDF (as rosters are forwarded): landscape, one page wide,
        # the header on every page.
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = "9"  # A4
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.print_title_rows = "1:1"
        ws.append([self._header(c) for c in sheet.columns])
        if LXML:
            _PlainRows(ws, len(sheet.columns)).install()

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


DATETIME_FORMAT, DATE_FORMAT = "yyyy-mm-dd hh:mm", "yyyy-mm-dd"


def _styled(ws: WriteOnlyWorksheet, value: Any, number_format: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value)
    cell.number_format = number_format
    return cell


class _PlainRows:
    """A faster serialiser for rows of plain values, inside openpyxl's write-only stream.

    openpyxl turns every appended value into a Cell and writes it through three nested
    incremental XML elements; for the roster's plain rows (str, numbers, dates, None) that
    is most of the export's time. Here such a row becomes one lxml element with the same
    markup openpyxl writes (inline strings, numbers, dates as serials with openpyxl's own
    date styles) and is written in one call; a row holding Cell objects (the header, text
    with a quote prefix) takes openpyxl's own path unchanged.
    """

    _SPACE = f"{{{XML_NS}}}space"

    def __init__(self, ws: WriteOnlyWorksheet, columns: int) -> None:
        self.ws, self.letters = ws, [get_column_letter(i) for i in range(1, columns + 1)]
        self.epoch = ws.parent.epoch
        self.datetime_style = str(_styled(ws, datetime(2000, 1, 1), DATETIME_FORMAT).style_id)
        self.date_style = str(_styled(ws, date(2000, 1, 1), DATE_FORMAT).style_id)
        self.cells, self.write_cells = ws._values_to_row, ws._writer.write_row

    def install(self) -> None:
        self.ws._values_to_row, self.ws._writer.write_row = self.values_to_row, self.write_row

    def values_to_row(self, values: list, row_idx: int) -> tuple[bool, Any]:
        if any(isinstance(v, Cell) for v in values):
            # openpyxl's own path; dates get the same formats as on the fast path
            values = [_styled(self.ws, v, DATETIME_FORMAT if type(v) is datetime else DATE_FORMAT)
                      if type(v) in (datetime, date) else v for v in values]
            return False, self.cells(values, row_idx)
        return True, values

    def write_row(self, xf: Any, row: tuple[bool, Any], row_idx: int) -> None:
        plain, values = row
        if not plain:
            self.write_cells(xf, values, row_idx)
            return
        n = str(row_idx)
        element = Element("row", r=n)
        for letter, value in zip(self.letters, values):
            if value is None:
                continue
            kind = type(value)
            if kind is str:
                cell = SubElement(element, "c", r=letter + n, t="inlineStr")
                text = SubElement(SubElement(cell, "is"), "t")
                text.text = value
                if value != value.strip():
                    text.set(self._SPACE, "preserve")
            elif kind is bool:
                SubElement(SubElement(element, "c", r=letter + n, t="b"), "v").text = "1" if value else "0"
            elif kind is int or kind is float:
                SubElement(SubElement(element, "c", r=letter + n, t="n"), "v").text = repr(value)
            elif kind is datetime or kind is date:
                style = self.datetime_style if kind is datetime else self.date_style
                cell = SubElement(element, "c", r=letter + n, t="n", s=style)
                SubElement(cell, "v").text = repr(to_excel(value, self.epoch))
            else:
                raise TypeError(f"unexpected cell value {kind.__name__}")
        xf.write(element)


class RosterWorkbook:
    """One workbook; sheets are written one after the other, then `save`."""

    def __init__(self, tz: ZoneInfo, show_phones: bool) -> None:
        self.book = Workbook(write_only=True)
        self.tz, self.show_phones = tz, show_phones

    def sheet(self, sheet: Sheet) -> SheetWriter:
        return SheetWriter(self.book.create_sheet(sheet.title[:31]), sheet, self.tz, self.show_phones)

    def save(self, path: str | Path) -> None:
        self.book.save(str(path))
