"""`ipbot import companies FILE.xlsx [--json]` with good, bad, duplicate, blank and merged rows."""

from __future__ import annotations

import asyncio
import json

import pytest
from openpyxl import Workbook
from sqlmodel import select

from bot.cli import main
from services.session import Database
from storage.models import Company, CompanyHistory

GOOD_A = "91320585MA1W8K7Q3G"
GOOD_B = "91320585MA1X2B3C5X"


def workbook(path, rows, merge: str | None = None):
    book = Workbook()
    sheet = book.active
    sheet.append(["2026 年走访企业名单"])  # a title above the header
    sheet.append(["序号", "企业名称", "统一社会信用代码", "所在地区", "行业", "备注"])  # 序号/备注 ignored
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    book.save(path)
    return path


def run(monkeypatch, tmp_path, *args):
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'import.db'}")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    return main(["import", "companies", *map(str, args)])


def companies_in(tmp_path):
    async def go():
        db = Database(f"sqlite+aiosqlite:///{tmp_path / 'import.db'}")
        try:
            async with db.sessions() as s:
                return (list((await s.exec(select(Company).order_by(Company.id))).all()),
                        list((await s.exec(select(CompanyHistory))).all()))
        finally:
            await db.close()
    return asyncio.run(go())


def test_good_rows_are_upserted_bad_ones_named_by_row_and_a_repeated_code_is_reported_by_row(tmp_path, monkeypatch, capsys):
    path = workbook(tmp_path / "c.xlsx", [
        [1, "太仓精工机械有限公司", GOOD_A, "太仓市", "通用设备制造业", "x"],       # row 3: new
        [2, "太仓新材料科技有限公司", GOOD_B.lower(), None, "新材料", None],        # row 4: region from USCC
        [None, None, None, None, None, None],                                     # row 5: blank, skipped
        [3, "坏代码公司", "91320585MA1W8K7Q3X", "太仓", None, None],               # row 6: check character
        [4, "未知地区公司", None, "火星", None, None],                              # row 7: unknown region
        [5, "=HYPERLINK(\"x\")", None, "太仓", None, None],                        # row 8: formula-like name
        [6, "太仓精工机械股份有限公司", "９１３２０５８５ＭＡ１Ｗ８Ｋ７Ｑ３Ｇ", "320585", "装备", None],  # row 9: A again
        [7, "合并甲", None, "太仓", None, None],                                    # rows 10-11 merged
        [8, None, None, "太仓", None, None],
        [9, "还没有代码的公司", None, "苏州市吴中区", None, None],                  # row 12: no USCC, ok
    ], merge="B10:B11")
    assert run(monkeypatch, tmp_path, path, "--json") == 0
    result = json.loads(capsys.readouterr().out)
    assert result["imported"] == 3 and result["updated"] == 0
    rows = {r["row"]: r["reason"] for r in result["rejected"]}
    assert sorted(rows) == [6, 7, 8, 9, 10, 11]
    assert "校验位" in rows[6] and "“G”" in rows[6]
    # Row 9 repeats row 3's code (full-width): reported by row, naming the row that was imported.
    assert rows[9].startswith(f"信用代码 {GOOD_A} 与第 3 行重复（第 3 行为“太仓精工机械有限公司”）")
    assert "火星" in rows[7]
    assert "为空" in rows[8]  # a formula is not imported as a name
    assert "B10:B11" in rows[10]
    stored, history = companies_in(tmp_path)
    assert [c.uscc for c in stored] == [GOOD_A, GOOD_B, None]
    assert stored[0].name == "太仓精工机械有限公司" and stored[0].industry == "通用设备制造业"  # row 3, not row 9
    assert stored[1].region_code == "320585" and stored[2].region_code == "320506"
    assert all(h.source == "import:c.xlsx" for h in history)

    # The same file again: nothing new, the three are updated, the bad rows still named.
    assert run(monkeypatch, tmp_path, path, "--json") == 0
    again = json.loads(capsys.readouterr().out)
    assert again["imported"] == 0 and again["updated"] == 3 and len(again["rejected"]) == 6
    assert again["renamed"] == []  # the same names again: nothing renamed
    assert len(companies_in(tmp_path)[0]) == 3


@pytest.mark.parametrize("content", [b"not a spreadsheet", b"PK\x03\x04broken zip"])
def test_a_file_that_cannot_be_read_changes_nothing(tmp_path, monkeypatch, capsys, content):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    assert run(monkeypatch, tmp_path, path, "--json") == 2
    err = capsys.readouterr().err
    assert "不是可读取的 .xlsx 文件" in err and "没有导入任何内容" in err  # Chinese, like the row errors
    assert not (tmp_path / "import.db").exists()
    assert run(monkeypatch, tmp_path, path, "--lang", "en") == 2
    assert "not a readable .xlsx file" in capsys.readouterr().err


def test_a_missing_file_is_said_in_the_chosen_language(tmp_path, monkeypatch, capsys):
    assert run(monkeypatch, tmp_path, tmp_path / "nope.xlsx") == 2
    assert "找不到这个文件" in capsys.readouterr().err
    assert run(monkeypatch, tmp_path, tmp_path / "nope.xlsx", "--lang", "en") == 2
    assert "no such file" in capsys.readouterr().err


def test_a_sheet_without_the_name_header_is_refused(tmp_path, monkeypatch, capsys):
    book = Workbook()
    book.active.append(["公司", "代码"])
    book.save(tmp_path / "h.xlsx")
    assert run(monkeypatch, tmp_path, tmp_path / "h.xlsx") == 2
    assert "没有找到含“企业名称”的表头行" in capsys.readouterr().err


def test_plain_output_lists_rows_and_merged_cells(tmp_path, monkeypatch, capsys):
    path = workbook(tmp_path / "p.xlsx", [[1, "太仓精工机械有限公司", GOOD_A, "太仓", None, None],
                                          [2, "甲", None, "太仓", None, None], [3, "乙", None, None, None, None]],
                    merge="D4:D5")
    assert run(monkeypatch, tmp_path, path) == 0
    out = capsys.readouterr().out
    assert "新增 1 家" in out and "第 4 行：" in out and "D4:D5" in out
    assert run(monkeypatch, tmp_path, path, "--lang", "en") == 0
    out = capsys.readouterr().out
    assert "0 new, 1 updated (0 renamed)" in out and "row 4: " in out and "D4:D5" in out


def test_a_row_that_renames_a_registered_company_is_reported_row_by_row(tmp_path, monkeypatch, capsys):
    first = workbook(tmp_path / "a.xlsx", [[1, "太仓精工机械有限公司", GOOD_A, "太仓", None, None]])
    assert run(monkeypatch, tmp_path, first) == 0
    capsys.readouterr()
    second = workbook(tmp_path / "b.xlsx", [[1, "太仓新材料科技有限公司", GOOD_B, "太仓", None, None],
                                            [2, "太仓精工机械股份有限公司", GOOD_A, "太仓", None, None]])
    assert run(monkeypatch, tmp_path, second) == 0
    out = capsys.readouterr().out
    assert "新增 1 家，更新 1 家（其中改名 1 家）" in out
    assert f"第 4 行：信用代码 {GOOD_A} 已登记为“太仓精工机械有限公司”，本次改名为“太仓精工机械股份有限公司”。" in out
    assert run(monkeypatch, tmp_path, second, "--json") == 0
    assert json.loads(capsys.readouterr().out)["renamed"] == []  # already renamed: nothing to report
    assert companies_in(tmp_path)[0][0].name == "太仓精工机械股份有限公司"
