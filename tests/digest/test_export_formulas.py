"""Property: whatever people type, the sheet XML holds no formula and reads back as typed
(less the characters a workbook cannot hold)."""

from __future__ import annotations

import re
import tempfile
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from services.sheets import Column, Sheet, from_rows
from services.sheets.cells import clean_text
from services.sheets.writer import RosterWorkbook

TZ = ZoneInfo("Asia/Shanghai")
COLUMNS = (Column("text", "文字"), Column("phone", "电话", "phone"), Column("uscc", "代码", "uscc"))
# Formula-shaped text is what matters; mix it with anything Unicode has, controls included.
starts = st.sampled_from(["=", "+", "-", "@", "\t", "\r", "\n", " =", "", "=cmd|' /C calc'!A0", "@SUM("])
texts = st.builds(lambda a, b: a + b, starts, st.text(st.characters(codec=None), max_size=40))


def write(rows: list[dict]) -> tuple[str, list[tuple]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.xlsx"
        book = RosterWorkbook(TZ, show_phones=True)
        writer = book.sheet(Sheet("表", COLUMNS, from_rows(rows)))
        writer.write(rows)
        writer.finish()
        book.save(path)
        with zipfile.ZipFile(path) as z:
            xml = z.read("xl/worksheets/sheet1.xml").decode()
        values = list(load_workbook(path).active.iter_rows(min_row=3, values_only=True))  # title, headers
    return xml, values


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(texts, texts, texts), min_size=1, max_size=8))
def test_no_user_text_becomes_a_formula(triples):
    rows = [{"text": a, "phone": b, "uscc": c} for a, b, c in triples]
    xml, values = write(rows)
    assert not re.search(r"<f[ >/]", xml)
    expected = [tuple(clean_text(v) or None for v in triple) for triple in triples]
    while expected and expected[-1] == (None, None, None):
        expected.pop()  # a reader sees a sheet up to its last non-empty row: trailing empty rows are not read
    assert values == expected
