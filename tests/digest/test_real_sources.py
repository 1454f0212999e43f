"""The roster and the digest on real rows: visits and 一企一策 measures saved through
services.visits/plans, attendance through services.training, on SQLite and PostgreSQL.

Week 2026-W47 is Mon 16 Nov - Sun 22 Nov 2026 (Asia/Shanghai). Suzhou (3205) has three
companies of 王特派 and Nanjing (3201) one of 赵特派, so region filtering shows.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from policy import load_catalog
from services import plans, training, visits
from services.companies import add_company
from services.digest import build_digest
from services.export import export_roster
from services.session import unit_of_work
from services.sheets import default_sources, parse_week
from services.roster import default_sheets
from services.targets import load_targets
from services.trainees import PersonDraft
from services.users import Actor
from storage.models import Role, User
from tests.digest.conftest import make_uscc

TZ = ZoneInfo("Asia/Shanghai")
WEEK = parse_week("2026-W47", TZ)
UTC = timezone.utc


def at(day: int, hour: int = 2, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=UTC)


async def _user(s, tid: int, role: Role, name: str, region: str | None) -> Actor:
    user = User(telegram_id=tid, role=role, full_name=name, region_code=region)
    s.add(user)
    await s.flush()
    return Actor(user.id, tid, role, name, region, None, "zh")


async def _visit(db, actor: Actor, company_id: int, now: datetime, key: str, measures: list[tuple[str, date]]) -> list[int]:
    draft = {"key": key, "company_id": company_id, "way": "onsite", "topics": ["pledge", "ip_standard"],
             "findings": "需求：质押融资\n问题：缺少评估机构", "photos": [], "voices": [], "facts": {}, "facts_base": {},
             "measures": [{"what": what, "owner_id": actor.user_id, "due": due.isoformat()} for what, due in measures]}
    async with unit_of_work(db) as s:
        saved = await visits.save_visit(s, actor, draft, now=now, today=now.astimezone(TZ).date())
    return saved.measure_ids


async def _attended(db, organiser: Actor, title: str, starts: datetime, region: str,
                    people: list[tuple[str, str, bool]]) -> None:
    """A session created a week ahead; each (name, mobile, attended) enrolled, the attended marked."""
    created = starts - timedelta(days=7)
    draft = training.SessionDraft(title=title, category="贯标内审员", starts_at=starts, ends_at=starts + timedelta(hours=3),
                                  capacity=10, location="太仓市科技创业园", region_code=region)
    async with unit_of_work(db) as s:
        session_id = (await training.create_session(s, organiser, draft, created)).id
        for name, mobile, attended in people:
            person = PersonDraft.parse(name, mobile, "太仓精工机械有限公司", "研发经理", "工程师")
            outcome = await training.enrol_person(s, organiser, session_id, person, created)
            if attended:
                assert await training.set_roster_status(s, organiser, outcome.enrolment.id, "registered",
                                                        starts + timedelta(minutes=5)) == "attended"


@pytest.fixture
async def world(db, tmp_path):
    async with unit_of_work(db) as s:
        wang = await _user(s, 501, Role.specialist, "王特派", "320500")
        zhao = await _user(s, 502, Role.specialist, "赵特派", "320100")
        supervisor = await _user(s, 503, Role.supervisor, "周主管", "3205")
        admin = await _user(s, 504, Role.admin, "管理员", None)
        a = await add_company(s, make_uscc(1), "太仓精工机械有限公司", "320585", specialist_id=wang.user_id)
        b = await add_company(s, make_uscc(2), "吴中电子有限公司", "320506", specialist_id=wang.user_id)
        await add_company(s, make_uscc(3), "昆山未走访公司", "320583", specialist_id=wang.user_id)
        c = await add_company(s, make_uscc(4, "320100"), "南京软件公司", "320100", specialist_id=zhao.user_id)
        ids = {"a": a.id, "b": b.id, "c": c.id}
    # W46: 王 visits B and agrees a measure, done in W47
    (b_measure,) = await _visit(db, wang, ids["b"], at(10), "v-b", [("介绍评估机构", date(2026, 11, 12))])
    async with unit_of_work(db) as s:
        await plans.mark_done(s, wang, b_measure, now=at(19))
    # W47: 王 visits A (one measure overdue at the week's end, one not); 赵 visits C (overdue, Nanjing)
    await _visit(db, wang, ids["a"], at(17), "v-a", [("申请首件发明专利", date(2026, 11, 20)),
                                                     ("安排贯标培训", date(2026, 12, 1))])
    await _visit(db, zhao, ids["c"], at(18), "v-c", [("南京的措施", date(2026, 11, 19))])
    # Training: 张三 first in W45 and again in W47; 李四 new in W47; 王五 only registered; 赵六 in Nanjing
    await _attended(db, wang, "第一期", at(4, 1), "320585", [("张三", "13800138000", True)])
    await _attended(db, wang, "第二期", at(18, 1), "320585",
                    [("张三", "13800138000", True), ("李四", "13900139000", True), ("王五", "13700137000", False)])
    await _attended(db, zhao, "南京专场", at(18, 1), "320100", [("赵六", "13600136000", True)])
    targets = tmp_path / "targets.yaml"
    targets.write_text("targets:\n  - id: test-2026\n    people: 1000\n    from: 2026-01-01\n    to: 2026-12-31\n"
                       "    citation:\n      document: 测试文〔2026〕1号\n      clause: 三(二)\n", encoding="utf-8")
    return {"supervisor": supervisor, "admin": admin, "targets": targets, **ids}


def rows(ws) -> list[tuple]:
    return list(ws.iter_rows(min_row=3, values_only=True))  # a title row, then the headers


async def test_a_supervisors_roster_reads_back_their_regions_rows_masked(db, world, tmp_path):
    async with unit_of_work(db) as s:
        result = await export_roster(s, world["supervisor"], WEEK, None, default_sheets(load_catalog(), default_sources()),
                                     tmp_path, TZ)
    book = load_workbook(result.path)
    (visit,) = rows(book["走访记录"])  # 赵's Nanjing visit is not in Suzhou's roster; B's was the week before
    assert visit[0] == datetime(2026, 11, 17, 10, 0) and book["走访记录"]["A3"].is_date  # 02:00 UTC in Shanghai
    assert visit[1:5] == ("太仓精工机械有限公司", make_uscc(1), "320585", "王特派")
    assert book["走访记录"]["C3"].data_type == "s"
    assert visit[7] == "质押融资、贯标" and visit[8].startswith("需求：质押融资") and visit[9] == "质押融资；缺少评估机构"

    measures = {r[4]: r for r in rows(book["一企一策措施"])}
    assert set(measures) == {"申请首件发明专利", "安排贯标培训", "介绍评估机构"}  # open at some time in W47
    assert measures["申请首件发明专利"][5:] == ("进行中", datetime(2026, 11, 20), None, "是", datetime(2026, 11, 17, 10, 0))
    assert measures["安排贯标培训"][8] == "否"
    done = measures["介绍评估机构"]
    assert done[0] == "吴中电子有限公司" and done[5] == "已完成" and done[7] == datetime(2026, 11, 19) and done[8] == "否"

    attendance = rows(book["培训签到"])
    assert [(r[0], r[6], r[7]) for r in attendance] == [("第二期", "张三", "138****8000"), ("第二期", "李四", "139****9000")]
    first = attendance[0]
    assert first[1] == datetime(2026, 11, 18, 9, 0) and first[2] == "太仓市科技创业园"
    assert (first[3], first[4]) == ("贯标内审员", "知识产权工程师")  # the training's category, then the person's
    assert first[5] == "320585" and first[8] == "太仓精工机械有限公司" and first[10] == datetime(2026, 11, 18, 9, 5)
    # people, not attendances: 张三 counts once (at 第一期, W45), 李四 is this week's one new person;
    # the built-in target (2018-2020) has ended, so both count since its end
    assert rows(book["培训进度"]) == [("知识产权工程师", "320585", 1, 2, 0, 2)]


async def test_an_admins_roster_of_every_region_shows_whole_numbers(db, world, tmp_path):
    async with unit_of_work(db) as s:
        result = await export_roster(s, world["admin"], WEEK, None, default_sheets(load_catalog(), default_sources()),
                                     tmp_path, TZ)
    book = load_workbook(result.path)
    assert result.path.name == "周报_2026-W47.xlsx"
    assert sorted(r[1] for r in rows(book["走访记录"])) == ["南京软件公司", "太仓精工机械有限公司"]
    assert sorted(r[7] for r in rows(book["培训签到"])) == ["13600136000", "13800138000", "13900139000"]
    assert len(rows(book["一企一策措施"])) == 4


async def test_a_county_roster_holds_only_that_county(db, world, tmp_path):
    async with unit_of_work(db) as s:
        result = await export_roster(s, None, WEEK, "320506", default_sheets(load_catalog(), default_sources()),
                                     tmp_path, TZ)
    book = load_workbook(result.path)
    assert rows(book["走访记录"]) == [] and [r[4] for r in rows(book["一企一策措施"])] == ["介绍评估机构"]
    assert rows(book["培训签到"]) == []


async def test_the_digest_counts_real_rows_against_the_target_in_force(db, world):
    async with db.sessions() as s:
        digest = await build_digest(s, WEEK, "3205", load_catalog(), default_sources(),
                                    load_targets(world["targets"]))
    figures = {f.key: (f.value, f.before) for f in digest.figures}
    assert figures["visits"] == (1, 1) and figures["companies_reached"] == (1, 1)
    assert figures["coverage"][0] == pytest.approx(2 / 3)  # A and B of 王's three visited this year
    assert figures["people_trained"] == (1, 0) and figures["trainings_held"] == (1, 0)
    assert digest.overdue_total == 1 and list(digest.overdue) == ["王特派"]
    assert digest.overdue["王特派"][0]["measure"] == "申请首件发明专利"
    progress = digest.trainees.progress
    assert progress.in_force and progress.target.people == 1000 and progress.trained == 3
    assert digest.trainees.region_value == 2  # 张三 and 李四 in Suzhou; 赵六 in Nanjing

    async with db.sessions() as s:
        builtin = await build_digest(s, WEEK, "3205", load_catalog(), default_sources())
    assert not builtin.trainees.progress.in_force and builtin.trainees.progress.target.people == 30000
    assert builtin.trainees.progress.target.citation["document"] == "苏知发〔2018〕86号"


async def test_the_monday_digest_carries_real_figures_and_the_chart_once(db, world, emu):
    from bot.app import build_context, create_bot
    from bot.settings import Settings
    from jobs.weekly_digest import SPEC
    from tests.digest.conftest import TOKEN

    emu.user(503)
    await emu.send_text(emu.users[503], "/start")  # Telegram knows the chat once its user wrote
    due = datetime(2026, 11, 23, 9, 0, tzinfo=TZ)
    for _restart in range(2):
        settings = Settings(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE=emu.url, DATABASE_URL=db.url,
                            IPBOT_TRAINING_TARGETS=str(world["targets"]))
        bot = create_bot(settings)
        try:
            await SPEC.run(build_context(settings, db, bot, clock=lambda: due.astimezone(UTC)), due)
        finally:
            await bot.session.close()
    messages = emu.messages(503)
    (text,) = [m.text for m in messages if m.text]
    assert "走访企业次数：1（±0）" in text and "新培训人数：1（+1）" in text and "举办培训场次：1（+1）" in text
    assert "今年已走访的分配企业占比：67%" in text
    assert "培训目标（测试文〔2026〕1号 三(二)，2026-01-01 至 2026-12-31）" in text
    assert "已培训 3 / 1,000 人（本地区 2 人）" in text and "没有正在执行" not in text
    assert "王特派" in text and "申请首件发明专利" in text and "南京的措施" not in text
    assert len([m for m in messages if m.photo]) == 1 and [m.document.file_name for m in messages if m.document] == \
        ["周报_2026-W47_320500.xlsx"]
    assert emu.rejected == []
