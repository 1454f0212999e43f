"""A roster fit to forward: 汇总 first with the digest's figures (equal to what the sheets
add up to), no date after the moment of export, and every measure open in the week."""

from __future__ import annotations

import zipfile
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from policy import load_catalog
from services.digest import build_digest
from services.export import ExportError, export_roster
from services.session import unit_of_work
from services.sheets import default_sources, parse_week
from services.roster import default_sheets
from services.targets import load_targets
from storage.models import Company, Measure, Visit
from tests.digest.test_real_sources import TZ, WEEK, at, rows, world  # noqa: F401 - the fixture

NOW = at(25, 2)  # Wednesday of the week after 2026-W47, 10:00 in Shanghai


async def _export(db, world, week, now=NOW):  # noqa: F811
    targets = load_targets(world["targets"])
    async with unit_of_work(db) as s:
        return await export_roster(s, world["supervisor"], week, None,
                                   default_sheets(load_catalog(), default_sources(targets), targets),
                                   db_dir(world), TZ, now=now)


def db_dir(world):  # noqa: F811
    return world["targets"].parent / "rosters"


async def test_the_summary_sheet_is_first_and_equals_what_the_sheets_add_up_to(db, world):  # noqa: F811
    result = await _export(db, world, WEEK)
    book = load_workbook(result.path)
    assert book.sheetnames[0] == "汇总"
    summary = {r[0]: r[1:] for r in book["汇总"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert "苏州市" in summary["地区"][0] and "320500" in summary["地区"][0]
    assert summary["周次"][0] == "2026-W47（2026-11-16 至 2026-11-22）"
    assert summary["生成时间（北京时间）"][0] == datetime(2026, 11, 25, 10, 0) and summary["生成人"][0] == "周主管"
    with zipfile.ZipFile(result.path) as z:
        assert any(name.startswith("xl/media/") for name in z.namelist())  # the chart

    visits, measures = rows(book["走访记录"]), rows(book["一企一策措施"])
    attendance, progress = rows(book["培训签到"]), rows(book["培训进度"])
    sheets = {"走访企业次数": len(visits), "走访企业数": len({v[1] for v in visits}),
              "新培训人数": sum(p[2] for p in progress), "举办培训场次": len({(a[0], a[1]) for a in attendance}),
              "逾期未完成的措施": sum(1 for m in measures if m[8] == "是"),
              "待答复的问题": len(rows(book["待答复问题"]))}
    async with db.sessions() as s:
        digest = await build_digest(s, WEEK, "320500", load_catalog(), default_sources(), load_targets(world["targets"]))
    figures = {f.key: f.value for f in digest.figures}
    assert sheets == {"走访企业次数": figures["visits"], "走访企业数": figures["companies_reached"],
                      "新培训人数": figures["people_trained"], "举办培训场次": figures["trainings_held"],
                      "逾期未完成的措施": digest.overdue_total, "待答复的问题": digest.unanswered_total}
    assert {k: summary[k][0] for k in sheets} == sheets
    assert sum(p[4] for p in progress) == digest.trainees.region_value  # in the target's window, this region


async def test_no_date_is_later_than_the_moment_of_export_and_a_future_week_is_refused(db, world):  # noqa: F811
    current = parse_week("2026-W48", TZ)  # Mon 23 - Sun 29 Nov; exported on Wednesday the 25th
    async with unit_of_work(db) as s:
        company = await s.get(Company, world["a"])
        company.facts = {"is_sme": True, "invention_grants_this_year": 1}
        s.add(company)
    book = load_workbook((await _export(db, world, current)).path)
    checks = rows(book["资格核查"])
    assert checks and {r[10] for r in checks} == {datetime(2026, 11, 25)}
    assert "2026-11-23 至 2026-11-25" in book["走访记录"]["A1"].value
    with pytest.raises(ExportError) as refused:
        await _export(db, world, parse_week("2026-W49", TZ))
    assert refused.value.code == "week_not_started"


async def test_a_measure_agreed_at_a_visit_is_listed_from_that_visit(db, world):  # noqa: F811
    async with unit_of_work(db) as s:
        visit = (await s.exec(select(Visit).where(Visit.company_id == world["a"]))).first()
        owner = (await s.exec(select(Measure).where(Measure.visit_id == visit.id))).first().owner_id
        s.add(Measure(company_id=world["a"], visit_id=visit.id, what="补录的措施", owner_id=owner,
                      due_on=date(2026, 11, 21), created_at=at(24)))  # typed in the week after
    book = load_workbook((await _export(db, world, WEEK)).path)
    late = {r[4]: r for r in rows(book["一企一策措施"])}["补录的措施"]
    assert late[8] == "是"  # open in W47 (agreed at the visit of the 17th) and overdue at its end
