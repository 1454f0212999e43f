"""One number for "how many trained": /progress, the digest, the roster and the chart agree.

Built from attendances in three periods: three people in 2019 (inside 苏知发〔2018〕86号's
2018-05-30..2020-12-31 window), one in 2025 and two early this year (after it ended), and
today a session with two new people and one who was trained in 2019. The field test found
/progress saying "已培训 0 人", the roster 8/8/9/7 and the digest "已培训 0 / 30,000" for such
a day; now each view is read the way its user reads it (the chat message, the digest
text, the workbook's cells, the chart's data series) and compared.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime, time, timedelta

from openpyxl import load_workbook

from jobs.digest_render import telegram_text
from services.digest import build_digest
from services.export import exported_week
from services.progress import RATE_WEEKS, compute_progress
from services.progress_chart import chart_series
from services.sheets import default_sources, week_of
from services.targets import load_targets
from storage.models import Training
from storage.training_tables import Enrolment, Trainee

REGION = "320585"


async def _session(s, title: str, category: str, day: date, tz, people: list[Trainee]) -> None:
    starts = datetime.combine(day, time(9), tz)
    training = Training(title=title, category=category, starts_at=starts, ends_at=starts + timedelta(hours=3),
                        location="太仓市科技创业园", region_code=REGION, capacity=50, seats_taken=len(people))
    s.add(training)
    await s.flush()
    for person in people:
        s.add(Enrolment(training_id=training.id, trainee_id=person.id, status="attended", session_starts_at=starts,
                        checked_in_at=starts + timedelta(minutes=5)))


def _number(pattern: str, text: str) -> float:
    found = re.search(pattern, text)
    assert found, (pattern, text)
    return float(found.group(1).replace(",", ""))


async def test_progress_digest_roster_and_chart_give_the_same_people(harness):
    h, emu = harness, harness.emu
    ctx = h.running.dp["ctx"]
    today, tz = ctx.today(), ctx.tz
    supervisor = emu.user(7301, first_name="周主管")
    await h.join(supervisor, "supervisor", region_code="3205")

    early_this_year = date(today.year, 1, 6) if today > date(today.year, 1, 12) else today
    async with h.db.sessions() as s:
        people = [Trainee(name=f"学员{i}", mobile=f"+861350000{i:04d}", category=category)
                  for i, category in enumerate(["知识产权工程师"] * 4 + ["经营管理人员"] * 4)]
        s.add_all(people)
        await s.flush()
        await _session(s, "2019 第一期", "知识产权工程师", date(2019, 6, 1), tz, people[0:3])
        await _session(s, "2025 专场", "经营管理人员", date(2025, 6, 2), tz, people[3:4])
        await _session(s, "年初专场", "经营管理人员", early_this_year, tz, people[4:6])
        # Today: two new people, and 学员0 (trained in 2019) again: "2 people checked in".
        await _session(s, "知识产权工程师实务", "知识产权工程师", today, tz, [people[0], people[6], people[7]])
        await s.commit()

    # 1. /progress, as the supervisor reads it in chat
    chat = (await h.say(supervisor, "/progress", "培训目标进度")).text
    assert "该目标已于 2020-12-31 结束" in chat and "已培训 0 人" not in chat
    at_end = _number(r"目标结束时：已培训 ([\d,]+) / 30,000", chat)
    since = _number(r"目标结束后（2021-01-01 至 [\d-]+）：已培训 ([\d,]+) 人", chat)
    this_year = _number(rf"{today.year} 年以来：已培训 ([\d,]+) 人", chat)
    rate = _number(rf"近 {RATE_WEEKS} 周平均每周新增 ([\d.]+) 人", chat)
    assert (at_end, since) == (3, 5)  # 学员0-2 in 2019; 学员3-7 after the end, 学员0 counted once
    assert this_year == (4 if early_this_year != today else 2)
    assert await emu.wait_message(supervisor.id, lambda m: m.photo is not None, timeout=30)  # matplotlib on a busy machine

    # 2. the chart's data series (what the PNG draws) ends at the chat's figure
    targets = load_targets()
    async with h.db.sessions() as s:
        progress = await compute_progress(s, targets, today, tz)
    mondays, cumulative = chart_series(progress)
    assert cumulative[-1] == since and mondays[0] >= date(2021, 1, 1)  # no flat line across 2018-2020
    assert max(mondays) <= today

    # 3. the digest of this week (as far as it has gone), as its text reads
    week = exported_week(week_of(today, tz), ctx.now(), tz)
    async with h.db.sessions() as s:
        digest = await build_digest(s, week, "320500", ctx.catalog, default_sources(targets), targets)
    text = telegram_text(digest, "zh")
    plain = re.sub(r"<[^>]+>", "", text)
    assert "已培训 0 / 30,000" not in plain
    assert _number(r"新培训人数：(\d+)", plain) == 2
    assert _number(r"目标结束时：已培训 ([\d,]+) / 30,000", plain) == at_end
    assert _number(r"目标结束后（2021-01-01 至 [\d-]+）：已培训 ([\d,]+) 人", plain) == since
    assert _number(rf"{today.year} 年以来：已培训 ([\d,]+) 人", plain) == this_year
    assert _number(rf"近 {RATE_WEEKS} 周平均每周新增 ([\d.]+) 人", plain) == rate

    # 4. the roster of this week, sent in chat, read cell by cell
    await emu.send_text(supervisor, f"/export {week.label}")
    document = await emu.wait_message(supervisor.id, lambda m: m.document is not None, timeout=20)
    book = load_workbook(io.BytesIO(document.document.data))
    rows = list(book["培训进度"].iter_rows(min_row=3, values_only=True))
    columns = list(zip(*[r[2:] for r in rows]))
    in_week, year, window, since_end = (sum(c) for c in columns)
    assert (in_week, year, window, since_end) == (2, this_year, at_end, since)
    signed_in = list(book["培训签到"].iter_rows(min_row=3, values_only=True))
    assert len(signed_in) == 3 and {r[3] for r in signed_in} == {"知识产权工程师"}  # the training's category
    summary = {r[0]: r[1:] for r in book["汇总"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert summary["新培训人数"][0] == in_week
    assert summary["目标期内已培训（2018-05-30 至 2020-12-31，目标 30,000 人）"][0] == at_end
    assert summary["目标结束后已培训（2021-01-01 起）"][0] == since
    assert summary[f"{today.year} 年以来已培训"][0] == this_year
    assert summary[f"近 {RATE_WEEKS} 周平均每周新增"][0] == rate
