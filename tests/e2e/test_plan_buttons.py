"""/plan as a specialist in a meeting room runs it (issue 19, item 8): labelled buttons, one row
per measure, a list that keeps its order, a choice of the new date, labels cut at a word.

Presses counted from the company picker: marking one measure done is 2 (company, "✅ 完成 1");
postponing one by 14 days is 3 (company, "⏰ 推迟 2", "+14 天").
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlmodel import select

from storage.models import Company, Measure, MeasureEvent
from tests.e2e.conftest import FrozenClock, assert_nothing_refused

A = "91320585MA1W8K7Q3G"
TODAY = date(2026, 12, 3)
LONG = "整理材料申报苏州市知识产权资助（新建项目·企业申报）并跟进受理"


@pytest.fixture
def bot_clock() -> FrozenClock:
    """10:00 in Shanghai on 2026-12-03, the field test's day."""
    return FrozenClock(datetime(2026, 12, 3, 2, 0, tzinfo=timezone.utc))


@pytest.fixture
async def world(harness):
    spec = harness.emu.user(3301, first_name="王特派")
    await harness.join(spec, "specialist", region_code="320585")
    company = await harness.add_company(A, "太仓精工机械有限公司", specialist=spec)
    async with harness.db.sessions() as s:
        spec_id = (await s.exec(select(Company.specialist_id).where(Company.id == company))).one()
        ids = []
        for what, due in (("协助撰写首件发明专利申请", TODAY + timedelta(days=10)), (LONG, TODAY + timedelta(days=2)),
                          ("核对商标续展期限", TODAY - timedelta(days=1))):
            m = Measure(company_id=company, what=what, owner_id=spec_id, due_on=due)
            s.add(m)
            await s.flush()
            ids.append(m.id)
        await s.commit()
    return {"spec": spec, "company": company, "ids": ids}


async def measure(harness, measure_id: int) -> Measure:
    async with harness.db.sessions() as s:
        return await s.get(Measure, measure_id)


def texts(message) -> list[str]:
    return [b["text"] for b in message.buttons()]


async def open_plan(harness, spec):
    await harness.say(spec, "/plan", "查看哪家企业")
    await harness.emu.press_button(spec, "太仓精工")  # press 1
    return await harness.emu.wait_message(spec.id, "一企一策措施")


async def test_done_in_two_presses_and_the_list_keeps_its_order(harness, world):
    spec, emu, (first, second, third) = world["spec"], harness.emu, world["ids"]
    plan = await open_plan(harness, spec)
    labels = texts(plan)
    # One row per measure, numbered as in the text, in the order the measures were agreed.
    assert labels[:6] == ["✅ 完成 1. 协助撰写首件发明专利申请", "⏰ 推迟 1", labels[2], "⏰ 推迟 2",
                          labels[4], "⏰ 推迟 3"]
    assert labels[2].startswith("✅ 完成 2. ") and labels[2].endswith("…") and len(labels[2]) < 30
    assert "（" not in labels[2]  # never cut inside the bracket of a title
    assert LONG in plan.text  # the full title is in the message
    assert [b for b in plan.buttons() if "+7" in b["text"] or b["text"] == "✅ 1"] == []
    await emu.press_button(spec, "✅ 完成 2.")  # press 2
    after = await emu.wait_message(spec.id, "已标记为完成")
    assert (await measure(harness, second)).status == "done"
    lines = [line for line in after.text.splitlines() if line[:1] in "✅⏳⚠"]
    assert lines[0].startswith("⏳ 1. 协助撰写") and lines[1].startswith("✅ 2. 整理材料")
    assert lines[2].startswith("⚠️ 3. 核对商标")  # overdue, and still number 3
    assert texts(after)[:4] == ["✅ 完成 1. 协助撰写首件发明专利申请", "⏰ 推迟 1", "✅ 完成 3. 核对商标续展期限", "⏰ 推迟 3"]
    assert_nothing_refused(emu)


async def test_postpone_by_14_days_in_three_presses_and_by_a_typed_date(harness, world):
    spec, emu, (first, second, third) = world["spec"], harness.emu, world["ids"]
    await open_plan(harness, spec)
    await emu.press_button(spec, "⏰ 推迟 2")  # press 2
    ask = await emu.wait_message(spec.id, "推迟措施 2")
    assert LONG in ask.text and f"当前期限：{TODAY + timedelta(days=2)}" in ask.text
    new_due = TODAY + timedelta(days=2 + 14)  # from the old due date, the later one
    assert f"+14 天（{new_due:%m-%d}）" in texts(ask)
    assert any(b.startswith("🗓") for b in texts(ask))  # the calendar is there too
    await emu.press_button(spec, "+14 天")  # press 3
    done = await emu.wait_message(spec.id, "已推迟到")
    assert f"已推迟到 {new_due}" in done.text and "一企一策措施" in done.text
    assert (await measure(harness, second)).due_on == new_due
    # An overdue one: +N counts from today; a typed date in the past or too far is refused.
    await emu.press_button(spec, "⏰ 推迟 3")
    await emu.wait_message(spec.id, "推迟措施 3")
    assert f"+3 天（{TODAY + timedelta(days=3):%m-%d}）" in texts(emu.messages(spec.id)[-1])
    await harness.say(spec, "2026-11-30", "已经过去")
    await harness.say(spec, "2031-01-01", "太远")
    await harness.say(spec, "下周", "不是日期")
    assert (await measure(harness, third)).due_on == TODAY - timedelta(days=1)
    await harness.say(spec, "12月20日", "已推迟到 2026-12-20")
    assert (await measure(harness, third)).due_on == date(2026, 12, 20)
    async with harness.db.sessions() as s:
        events = (await s.exec(select(MeasureEvent).where(MeasureEvent.action == "postponed")
                               .order_by(MeasureEvent.id))).all()
    assert [(e.measure_id, e.due_after) for e in events] == [(second, new_due), (third, date(2026, 12, 20))]
    assert_nothing_refused(emu)


def test_a_phone_visit_shows_its_way_and_no_missing_location():
    """The summary names the way; "未记录位置" belongs to an onsite visit without a location only."""
    from dialogs.visit.texts import summary_text

    phone = summary_text({"company": "太仓精工", "way": "phone"}, "zh", None)
    assert "方式：📞 电话" in phone or "电话" in phone.splitlines()[1]
    assert "未记录位置" not in phone
    assert "未记录位置" in summary_text({"company": "太仓精工", "way": "onsite"}, "zh", None)
