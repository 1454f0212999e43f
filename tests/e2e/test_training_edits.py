"""Training edits through the emulator (issue 19, item 7), on a frozen clock: 2026-12-03 15:50 in Shanghai.

- ending check-in asks before the QR code goes;
- the roster's marks are explicit buttons, and 请假/缺席 before the start frees the seat for the waitlist;
- a start time already past is refused at the time step;
- an edit asks only what changes, then returns to the summary.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import select

from storage.models import Training
from storage.training_tables import Enrolment, Trainee
from tests.e2e.harness import FrozenClock

NOW = datetime(2026, 12, 3, 7, 50, tzinfo=timezone.utc)  # 15:50 in Shanghai, a Thursday


@pytest.fixture
def bot_clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture(autouse=True)
def _every_press_answered(emu):
    yield
    assert emu.unanswered_callbacks() == [], "every button press must be answered"


async def press_day(emu, user, day: int) -> None:
    """Press a calendar day (shown as "5", "5休", "5班" or, today, "[5]")."""
    for record in reversed(emu.messages(user.id)):
        for button in record.buttons():
            if button["text"] in (str(day), f"{day}休", f"{day}班", f"[{day}]"):
                await emu.press(user, record.message_id, button["callback_data"])
                return
    raise LookupError(day)


async def organiser_of(h, user_id: int = 6001):
    organiser = h.emu.user(user_id, first_name="王特派")
    await h.join(organiser, "specialist", region_code="320585")
    return organiser


async def to_the_day(h, organiser) -> None:
    """/training → 新建培训 → title and category: the day is asked (3/7)."""
    await h.say(organiser, "/training", "还没有安排培训")
    await h.emu.press_button(organiser, "新建培训")
    await h.say(organiser, "专利检索实务", "2/7")
    await h.emu.press_button(organiser, "知识产权工程师")
    await h.emu.wait_message(organiser.id, "3/7")


async def schedule(h, organiser, day: int = 4, hours: str = "10:00-12:00", capacity: str = "2") -> None:
    """/training → 新建培训 → every step → 保存; ends on the session's card."""
    emu = h.emu
    await h.say(organiser, "/training", "还没有安排培训")
    await emu.press_button(organiser, "新建培训")
    await emu.wait_message(organiser.id, "1/7")
    await h.say(organiser, "专利检索实务", "2/7")
    await emu.press_button(organiser, "知识产权工程师")
    await emu.wait_message(organiser.id, "3/7")
    await press_day(emu, organiser, day)
    await emu.wait_message(organiser.id, "4/7")
    await h.say(organiser, hours, "5/7")
    await h.say(organiser, "太仓市科技创业园报告厅", "6/7")
    await emu.press_button(organiser, "我的地区")
    await emu.wait_message(organiser.id, "7/7")
    await h.say(organiser, capacity, "请核对")
    await emu.press_button(organiser, "保存")
    await emu.wait_message(organiser.id, "报名链接")


async def test_ending_check_in_asks_first(harness):
    h, emu = harness, harness.emu
    organiser = await organiser_of(h)
    await schedule(h, organiser, day=3, hours="16:30-18:00")
    await emu.press_button(organiser, "签到二维码")
    shown = await emu.wait_message(organiser.id, lambda m: m.photo is not None)

    await emu.press_button(organiser, "结束签到")
    await h.settled()
    asked = emu.message(organiser.id, shown.message_id)
    assert not asked.deleted and [b["text"] for b in asked.buttons()] == ["✅ 确定结束签到", "↩️ 继续签到"]
    async with h.db.sessions() as session:
        assert (await session.exec(select(Training))).one().checkin_until is not None  # still rotating

    await emu.press_button(organiser, "继续签到")  # changed their mind: the code stays, its buttons return
    await h.settled()
    kept = emu.message(organiser.id, shown.message_id)
    assert not kept.deleted and any("下一分钟" in b["text"] for b in kept.buttons())

    await emu.press_button(organiser, "结束签到")
    await h.settled()
    await emu.press_button(organiser, "确定结束签到")
    await h.settled()
    assert emu.message(organiser.id, shown.message_id).deleted
    async with h.db.sessions() as session:
        assert (await session.exec(select(Training))).one().checkin_until is None


async def enrol(h, person, payload: str, mobile: str, expect: str) -> None:
    await h.say(person, f"/start {payload}", "手机号码")
    await h.say(person, mobile, "人员类别")
    await h.emu.press_button(person, "知识产权工程师")
    await h.emu.wait_message(person.id, expect)


async def test_roster_marks_are_buttons_and_excused_before_the_start_frees_the_seat(harness):
    import re

    h, emu = harness, harness.emu
    organiser = await organiser_of(h)
    company = "91320585MA1W8K7Q3G"
    await h.add_company(company, "太仓精工机械有限公司", specialist=organiser)
    first, second = emu.user(6101, first_name="张三"), emu.user(6102, first_name="李四")
    for person in (first, second):
        await h.join(person, "sme", company_uscc=company)
    await schedule(h, organiser, day=4, capacity="1")
    payload = re.search(r"start=(tre_\w+)", emu.messages(organiser.id)[-1].text).group(1)
    await enrol(h, first, payload, "13900000001", "报名成功")
    await enrol(h, second, payload, "13700000002", "候补")

    await h.say(organiser, "/training", "您的培训")
    await emu.press_button(organiser, "专利检索实务")
    await emu.wait_message(organiser.id, "报名链接")
    await emu.press_button(organiser, "名单")
    roster = await emu.wait_message(organiser.id, "签到 · 缺席 · 请假")
    labels = [b["text"] for b in roster.buttons()]
    assert {"签到 张三", "缺席 张三", "请假 张三"} <= set(labels)
    excuse = next(b["callback_data"] for b in roster.buttons() if b["text"] == "请假 张三")
    await emu.press(organiser, roster.message_id, excuse)
    await emu.wait_message(organiser.id, "已改为：请假")
    told = await emu.wait_message(second.id, "候补转为正式报名")
    assert "专利检索实务" in told.text
    await emu.press(organiser, roster.message_id, excuse, strict=False)  # the old button: refused as stale
    await emu.wait_message(organiser.id, "状态已经变了")
    async with h.db.sessions() as session:
        statuses = dict((await session.exec(select(Trainee.mobile, Enrolment.status)
                                            .join(Enrolment, Enrolment.trainee_id == Trainee.id))).all())
        training = (await session.exec(select(Training))).one()
    assert statuses == {"+8613900000001": "excused", "+8613700000002": "registered"}
    assert training.seats_taken == 1


async def test_a_start_time_already_past_is_refused_where_it_is_typed(harness):
    h, emu = harness, harness.emu
    organiser = await organiser_of(h)
    await to_the_day(h, organiser)
    await press_day(emu, organiser, 3)  # today; it is 15:50
    await emu.wait_message(organiser.id, "4/7")
    refused = await h.say(organiser, "10:00-12:00", "开始时间已经过去")
    assert "4/7" in refused.text  # the same question again, not the next one
    await h.say(organiser, "16:30-18:00", "5/7")


async def test_an_edit_from_the_summary_asks_only_what_changes(harness):
    """The field test: 改时间 at the summary asked again for 地点, 地区 and 人数."""
    h, emu = harness, harness.emu
    organiser = await organiser_of(h)
    await to_the_day(h, organiser)
    await press_day(emu, organiser, 4)
    await emu.wait_message(organiser.id, "4/7")
    await h.say(organiser, "10:00-12:00", "5/7")
    await h.say(organiser, "太仓市科技创业园报告厅", "6/7")
    await emu.press_button(organiser, "我的地区")
    await emu.wait_message(organiser.id, "7/7")
    await h.say(organiser, "30", "请核对")
    await emu.press_button(organiser, "改时间")
    await emu.wait_message(organiser.id, "4/7")
    summary = await h.say(organiser, "14:00-16:00", "请核对")
    assert "14:00" in summary.text and "太仓市科技创业园报告厅" in summary.text
    assert not [m for m in emu.messages(organiser.id)[-3:] if "5/7" in (m.text or "")]
    await emu.press_button(organiser, "保存")
    await emu.wait_message(organiser.id, "报名链接")
