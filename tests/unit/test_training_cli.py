"""`ipbot import attendance` and `ipbot progress`: the issue's JSON shapes, bad rows by Excel row number."""

from __future__ import annotations

import json
from datetime import date, datetime

from openpyxl import Workbook

from bot.cli import main

HEADERS = ["序号", "姓名", "手机", "单位", "职务", "类别", "培训名称", "培训日期", "备注"]


def _workbook(path):
    wb = Workbook()
    ws = wb.active
    ws.append(["2026年知识产权培训签到表"])  # a title row above the header
    ws.append(HEADERS)
    rows = [
        [1, "张三", "+86 138-0013-8000", "太仓精工机械有限公司", "研发经理", "工程师", "贯标内审员培训", datetime(2026, 3, 5), "x"],
        [2, "李四", "１３９００１３９０００", "太仓新材料科技有限公司", "总经理", "经营管理人员", None, None, ""],
        [3, "张三", "13800138000", "太仓精工", "研发经理", "工程师", "知识产权总监研修班", "2026年4月8日", ""],
        [None] * 9,  # a blank row
        [5, "王五", "1380013800", "某公司", "", "工程师", "贯标内审员培训", "2026-03-05", ""],
        [6, "赵六", "=HYPERLINK(\"x\")", "某公司", "", "工程师", "贯标内审员培训", "2026-03-05", ""],
        [7, "张三", "13800138000", "太仓精工", "", "工程师", "贯标内审员培训", "2026-03-05", ""],
        [8, "钱七", "13700137000", "某公司", "", "工程师", "贯标内审员培训", "2099-01-01", ""],
        [9, "孙八", "13600136000", "某公司", "", "专家", "贯标内审员培训", "2026-03-05", ""],
    ]
    for row in rows:
        ws.append(row)
    ws["C8"] = "=A1"  # a formula in the mobile column of Excel row 8 (赵六)
    ws.merge_cells("G3:G4")  # 培训名称 merged over rows 3-4: 李四 attended the same session
    ws.merge_cells("H3:H4")
    wb.save(path)


def test_import_attendance_then_progress(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    targets = tmp_path / "targets.yaml"
    targets.write_text("targets:\n  - id: js-2026\n    people: 100\n    from: 2026-01-01\n    to: 2026-12-31\n"
                       "    citation: {document: 测试〔2026〕1号, clause: 二}\n", encoding="utf-8")
    monkeypatch.setenv("IPBOT_TRAINING_TARGETS", str(targets))
    sheet = tmp_path / "attendance.xlsx"
    _workbook(sheet)

    assert main(["import", "attendance", str(sheet), "--region", "320585", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["imported"] == 3
    rejected = {r["row"]: r["reason"] for r in first["rejected"]}
    assert set(rejected) == {7, 8, 9, 10, 11}
    assert "位数不足" in rejected[7] and "公式" in rejected[8] and "第 3 行" in rejected[9]
    assert "还没到" in rejected[10] and "专家" in rejected[11]

    # The same file again: nothing is counted twice.
    assert main(["import", "attendance", str(sheet), "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["imported"] == 0 and sum("已记录" in r["reason"] for r in again["rejected"]) == 3

    assert main(["progress", "--as-of", "2026-06-30", "--json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert list(body) == ["target", "trained", "by_category", "by_region", "weekly", "projected_date", "period",
                          "citation"]
    assert body["target"] == 100 and body["trained"] == 2  # 张三 twice, 李四 once: two people
    assert body["by_category"] == {"知识产权工程师": 1, "经营管理人员": 1} and body["by_region"] == {"320585": 2}
    assert body["period"] == {"from": "2026-01-01", "to": "2026-12-31"}
    assert {"week": "2026-W10", "new": 2} in body["weekly"]
    assert body["projected_date"] is None  # nobody new in the 8 weeks before the as-of date: no rate
    assert main(["progress", "--as-of", "2026-04-10", "--json"]) == 0
    april = json.loads(capsys.readouterr().out)
    assert date.fromisoformat(april["projected_date"]) > date(2026, 4, 10)
    assert body["citation"]["document"] == "测试〔2026〕1号" and body["citation"]["in_force"] is True

    assert main(["progress", "--as-of", "2030-01-01", "--json"]) == 0
    captured = capsys.readouterr()
    later = json.loads(captured.out)
    assert "no training target is in force" in captured.err and later["citation"]["in_force"] is False


def test_default_target_is_86_hao_and_a_bad_file_is_named(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.delenv("IPBOT_TRAINING_TARGETS", raising=False)
    assert main(["progress", "--as-of", "2019-07-01", "--json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["target"] == 30000 and body["period"] == {"from": "2018-05-30", "to": "2020-12-31"}
    assert body["citation"]["document"] == "苏知发〔2018〕86号" and body["citation"]["clause"] == "二(五)"
    assert body["trained"] == 0 and body["projected_date"] is None

    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a spreadsheet")
    assert main(["import", "attendance", str(junk), "--json"]) == 2
    assert "无法读取" in capsys.readouterr().err
