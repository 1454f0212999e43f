"""The roster read back with openpyxl: headers, cell types, dates in Shanghai time, masking,
formula-looking text kept as text, and who may export what (audited)."""

from __future__ import annotations

import zipfile
from datetime import date, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from policy import load_catalog
from services import audit
from services.companies import add_company
from services.export import ExportError, export_roster, roster_filename, write_roster
from services.invites import create_invite, redeem
from services.session import unit_of_work
from services.sheets import from_rows, parse_week
from services.roster import default_sheets
from services.sheets.cells import mask_phone
from tests.digest.conftest import attendance_row, make_uscc, measure_row, visit_row

TZ = ZoneInfo("Asia/Shanghai")
WEEK = parse_week("2026-W47", TZ)  # Mon 16 Nov - Sun 22 Nov 2026


def sources(**extra: list[dict]) -> dict:
    return {name: from_rows(rows) for name, rows in extra.items()}


async def write(db, tmp_path: Path, show_phones: bool = False, **rows: list[dict]) -> Path:
    path = tmp_path / roster_filename(WEEK, "320585")
    async with unit_of_work(db) as session:
        await write_roster(session, default_sheets(load_catalog(), sources(**rows)), WEEK, "320585", path, TZ,
                           show_phones)
    return path


def headers(ws) -> list[str]:
    return [c.value for c in next(ws.iter_rows(min_row=2, max_row=2))]


async def test_every_sheet_has_its_header_bold_frozen_filtered_and_sized(db, tmp_path):
    path = await write(db, tmp_path, visits=[visit_row(1)], measures=[measure_row(1)], attendance=[attendance_row(1)])
    book = load_workbook(path)
    assert book.sheetnames == ["汇总", "走访记录", "一企一策措施", "培训签到", "培训进度", "资格核查", "企业名册",
                               "待答复问题"]
    for ws in book.worksheets[1:]:
        assert ws.freeze_panes == "A3", ws.title
        assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$1:$2", ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0, ws.title  # 1 page wide
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text, ws.title
        assert ws["A1"].value.startswith(ws.title) and "2026-W47" in ws["A1"].value, ws.title  # the title row
        assert all(c.font.b for c in ws[2]), ws.title
        assert ws.auto_filter.ref.startswith("A2:"), ws.title
        assert ws.column_dimensions["A"].width > 8, ws.title
        widths = sum(ws.column_dimensions[c.column_letter].width for c in ws[2])
        assert widths <= 185, (ws.title, widths)  # one page wide stays readable (not scaled to a smudge)
    assert headers(book["走访记录"])[:3] == ["走访时间", "企业名称", "统一社会信用代码"]
    assert headers(book["培训进度"]) == ["学员类别", "地区代码", "本周新增", "本年累计", "目标期内累计", "目标结束后累计"]
    assert book["走访记录"].auto_filter.ref == "A2:J3"


async def test_credit_codes_and_phones_are_text_dates_are_shanghai_phones_masked(db, tmp_path):
    path = await write(db, tmp_path, visits=[visit_row(1)], attendance=[attendance_row(7)])
    book = load_workbook(path)
    visit = [c for c in book["走访记录"][3]]
    assert visit[0].is_date and visit[0].value == datetime(2026, 11, 17, 10, 30)  # 02:30 UTC = 10:30 in Shanghai
    assert visit[0].number_format == "yyyy-mm-dd hh:mm"
    assert visit[2].data_type == "s" and visit[2].value == make_uscc(1) and len(visit[2].value) == 18
    assert visit[6].data_type == "s" and visit[6].value == "138****8000"
    attendance = book["培训签到"][3]
    assert attendance[7].value == "139****0007"
    assert attendance[10].value == datetime(2026, 11, 18, 8, 55)


async def test_admins_see_whole_phone_numbers(db, tmp_path):
    path = await write(db, tmp_path, show_phones=True, visits=[visit_row(1)])
    assert load_workbook(path)["走访记录"]["G3"].value == "13800138000"


async def test_formula_looking_text_reads_as_written_and_is_never_a_formula(db, tmp_path):
    nasty = ["=HYPERLINK(\"http://x\",\"点我\")", "+86 138", "-1+2", "@SUM(A1)", "\t=1", "\r=2", "<b>粗</b>",
             "正常\x00文字\x1b", "**markdown**"]
    path = await write(db, tmp_path, visits=[visit_row(i, notes=text) for i, text in enumerate(nasty)])
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet2.xml").decode()
    assert "<f>" not in xml and "<f " not in xml
    ws = load_workbook(path)["走访记录"]
    read = [ws.cell(row=i + 3, column=9) for i in range(len(nasty))]
    assert [c.value for c in read] == ["=HYPERLINK(\"http://x\",\"点我\")", "+86 138", "-1+2", "@SUM(A1)", "\t=1",
                                       "\n=2", "<b>粗</b>", "正常文字", "**markdown**"]
    assert all(c.data_type == "s" for c in read)
    assert all(c.quotePrefix for c in read[:6]) and not read[6].quotePrefix


async def test_measures_say_which_are_overdue_at_the_end_of_the_week(db, tmp_path):
    rows = [measure_row(1, due_on=date(2026, 11, 22)), measure_row(2, due_on=date(2026, 11, 23)),
            measure_row(3, due_on=date(2026, 11, 1), status="已完成")]
    ws = load_workbook(await write(db, tmp_path, measures=rows))["一企一策措施"]
    assert [ws.cell(row=r, column=9).value for r in (3, 4, 5)] == ["是", "否", "否"]
    assert ws["G3"].is_date and ws["G3"].value == datetime(2026, 11, 22)


async def test_progress_is_counted_from_attendance(db, tmp_path):
    week = [attendance_row(1), attendance_row(2, category="企业贯标内审员")]
    earlier = attendance_row(3, starts_at=datetime(2026, 3, 1, tzinfo=timezone.utc),
                             checked_in_at=datetime(2026, 3, 1, tzinfo=timezone.utc))

    async def attendance(_s, period, _r):
        for row in [*week, earlier]:
            if period.contains(row["checked_in_at"]):
                yield row

    path = tmp_path / "p.xlsx"
    async with unit_of_work(db) as session:
        await write_roster(session, default_sheets(load_catalog(), {"attendance": attendance}), WEEK, None, path, TZ,
                           False)
    ws = load_workbook(path)["培训进度"]
    # the 2018-2020 target has ended by 2026-W47: nobody in its window, everyone since its end
    assert [[c.value for c in row] for row in ws.iter_rows(min_row=3)] == [
        ["企业贯标内审员", "320585", 1, 1, 0, 1], ["知识产权总监", "320585", 1, 2, 0, 2]]


async def test_eligibility_companies_and_questions_come_from_the_database(db, tmp_path):
    async with unit_of_work(db) as s:
        company = await add_company(s, make_uscc(5), "太仓精工", "320585")
        # The registry refuses such a name; a row written before that rule (or by hand) still
        # must not become a formula in the roster.
        company.name = "=太仓精工"
        company.facts = {"is_sme": True, "invention_grants_this_year": 6}
        s.add(company)
        await add_company(s, make_uscc(6, "320100"), "南京某公司", "320100")
    ws = load_workbook(await write(db, tmp_path))
    names = [r[0].value for r in ws["企业名册"].iter_rows(min_row=3)]
    assert names == ["=太仓精工"]  # the other region is not in this roster
    checks = list(ws["资格核查"].iter_rows(min_row=3, values_only=True))
    assert checks and all(row[1] == make_uscc(5) and row[10] == datetime(2026, 11, 22) for row in checks)
    # a row with a quote-prefixed cell keeps the roster's date formats in its other cells
    updated = ws["资格核查"]["L3"]
    assert updated.is_date and updated.number_format == "yyyy-mm-dd hh:mm"
    assert ws["资格核查"]["K3"].number_format == "yyyy-mm-dd"
    eligible = [row for row in checks if row[4] == "“发明之星”奖励"]
    assert eligible[0][5] == "符合" and eligible[0][8] == "关于提升知识产权创新支撑力的实施意见（附件8） 三(一)"
    assert eligible[0][9].startswith("执行期已结束：") and "2023-12-31" in eligible[0][9]  # 2021-2023 plan
    assert not any("还差" in (row[7] or "") for row in checks if row[9] != "执行期内")  # nothing to reach when ended
    assert any("缺少" in (row[7] or "") for row in checks)


@pytest.mark.parametrize(("role", "region", "asked", "code"), [
    ("sme", None, None, "not_allowed"), ("specialist", "320585", None, "not_allowed"),
    ("supervisor", "320585", "320100", "other_region"),
])
async def test_who_may_not_export_is_refused_and_audited(db, tmp_path, role, region, asked, code):
    async with unit_of_work(db) as s:
        if role == "sme":
            await add_company(s, make_uscc(9), "某企业", "320585")
        invite = await create_invite(s, role, region_code=region, company_uscc=make_uscc(9) if role == "sme" else None)
        actor = (await redeem(s, invite.token, 55, "某人", None, "zh")).actor
    async with unit_of_work(db) as s:
        with pytest.raises(ExportError) as err:
            await export_roster(s, actor, WEEK, asked, default_sheets(load_catalog()), tmp_path, TZ)
    assert err.value.code == code
    assert not list(tmp_path.glob("*.xlsx"))
    async with unit_of_work(db) as s:
        entry = (await audit.recent(s, "export.roster"))[0]
    assert (entry.outcome, entry.telegram_id, entry.detail["code"]) == ("denied", 55, code)


async def test_a_supervisor_exports_their_region_masked_and_it_is_audited(db, tmp_path):
    async with unit_of_work(db) as s:
        actor = (await redeem(s, (await create_invite(s, "supervisor", region_code="3205")).token, 56, "主管", None,
                              "zh")).actor
    async with unit_of_work(db) as s:
        result = await export_roster(s, actor, WEEK, None, default_sheets(load_catalog(), sources(visits=[visit_row(1)])),
                                     tmp_path, TZ)
    assert result.path.name == "周报_2026-W47_320500.xlsx" and result.rows["走访记录"] == 1
    assert load_workbook(result.path)["走访记录"]["G3"].value == "138****8000"
    async with unit_of_work(db) as s:
        entry = (await audit.recent(s, "export.roster"))[0]
    assert entry.outcome == "ok" and entry.detail["region"] == "320500" and entry.detail["phones"] == "masked"


@pytest.mark.parametrize(("text", "masked"), [
    ("13800138000", "138****8000"), ("+86 138-0013-8000", "+86 138-****-8000"), ("0512-53123456", "051*-****3456"),
    ("12345", "***45"), ("", ""),
])
def test_phone_masking(text, masked):
    assert mask_phone(text) == masked


async def test_an_english_reader_gets_english_column_names_under_the_chinese(db, tmp_path):
    """Chinese first, for the province; the English reader's copy adds a second header line."""
    zh_path = await write(db, tmp_path, visits=[visit_row(1)])
    en_path = tmp_path / "en.xlsx"
    async with unit_of_work(db) as session:
        await write_roster(session, default_sheets(load_catalog(), sources(visits=[visit_row(1)])), WEEK, "320585",
                           en_path, TZ, False, lang="en")
    zh, en = load_workbook(zh_path), load_workbook(en_path)
    assert en.sheetnames == zh.sheetnames  # the tabs stay Chinese
    for name in zh.sheetnames[1:]:
        for chinese, both in zip(headers(zh[name]), headers(en[name]), strict=True):
            first, second = both.split("\n")
            assert first == chinese and second.isascii() and second, (name, both)
    assert headers(en["走访记录"])[:2] == ["走访时间\nVisited at", "企业名称\nCompany"]
    assert en["走访记录"]["B3"].value == zh["走访记录"]["B3"].value  # the rows themselves are the same
