"""Training end to end: schedule with the calendar, enrol with a waitlist, QR check-in, reminders, /progress."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from sqlmodel import select

from jobs import training_checkin_qr, training_reminders
from storage.models import AuditEntry, JobRun, Training
from storage.training_tables import Enrolment, Trainee
from tests.e2e.harness import press_exact

SHOW_CHAT = Path(__file__).resolve().parents[2] / "var" / "training-e2e"


class Clock:
    """The bot's clock, moved by the test (minutes for the QR code, days for the reminders)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def use_clock(harness, clock: Clock):
    ctx = replace(harness.running.dp["ctx"], clock=clock)
    harness.running.dp["ctx"] = ctx
    return ctx


@pytest.fixture
async def training_harness(harness_class, emu, settings, tmp_path):
    targets = tmp_path / "targets.yaml"
    targets.write_text(
        "targets:\n  - id: test-2026-2028\n    people: 3000\n    from: 2026-01-01\n    to: 2028-12-31\n"
        "    citation: {document: 测试目标〔2026〕1号, clause: 一(一)}\n", encoding="utf-8")
    async with harness_class(emu, settings.model_copy(update={"training_targets": str(targets)})) as h:
        yield h
    assert emu.rejected == [], f"the bot sent requests Telegram would reject: {emu.rejected}"
    assert emu.unanswered_callbacks() == [], "every button press must be answered"


async def schedule(h, organiser, clock: Clock, day) -> str:
    """The organiser's taps and typing; returns the session's enrolment payload."""
    emu = h.emu
    await h.say(organiser, "/training", "还没有安排培训")
    await emu.press_button(organiser, "新建培训")
    await emu.wait_message(organiser.id, "1/7")
    await h.say(organiser, "x" * 200, "太长")  # a title over 128 characters is refused, the question stays
    await h.say(organiser, "<b>贯标</b>内审员培训", "2/7")
    await emu.press_button(organiser, "贯标内审员")
    await emu.wait_message(organiser.id, "3/7")
    today = clock.now.astimezone(h.running.dp["ctx"].tz).date()
    for _ in range((day.year - today.year) * 12 + day.month - today.month):
        await emu.press_button(organiser, "»")
        await emu.wait_message(organiser.id, "3/7")
    await press_exact(emu, organiser, str(day.day))
    await emu.wait_message(organiser.id, "4/7")
    await h.say(organiser, "12:00-09:00", "结束时间必须晚于开始时间")
    await h.say(organiser, "10:00－12:00", "5/7")  # a full-width dash is read as well
    await h.say(organiser, "太仓市科技创业园报告厅", "6/7")
    await emu.press_button(organiser, "我的地区")
    await emu.wait_message(organiser.id, "7/7")
    await h.say(organiser, "0", "1 到")  # capacity 0 is refused
    await h.say(organiser, "2", "请核对")
    await emu.press_button(organiser, "保存")
    card = await emu.wait_message(organiser.id, "报名链接")
    assert "&lt;b&gt;贯标" not in card.text and "<b>贯标</b>" in card.text  # escaped: shown as typed
    return re.search(r"start=(tre_\w+)", card.text).group(1)


async def enrol(h, person, payload: str, mobile: str, expect: str) -> None:
    await h.say(person, f"/start {payload}", "手机号码")
    await h.say(person, "1380013800", "位数不足")  # ten digits: the reason is named, nothing saved
    await h.say(person, mobile, "人员类别")
    await h.emu.press_button(person, "知识产权工程师")
    await h.emu.wait_message(person.id, expect)


async def test_schedule_enrol_waitlist_qr_check_in_reminders_and_progress(training_harness):
    h, emu = training_harness, training_harness.emu
    organiser = emu.user(5001, first_name="王特派")
    await h.join(organiser, "specialist", region_code="320585")
    company = "91320585MA1W8K7Q3G"
    await h.add_company(company, "太仓精工机械有限公司", specialist=organiser)
    people = [emu.user(5100 + i, first_name=name) for i, name in enumerate(("张三", "李四", "王五"))]
    for person in people:
        await h.join(person, "sme", company_uscc=company)

    real_now = h.running.dp["ctx"].now()
    clock = Clock(real_now)
    ctx = use_clock(h, clock)
    day = (real_now.astimezone(ctx.tz) + timedelta(days=3)).date()
    start = datetime.combine(day, time(10, 0), ctx.tz)
    payload = await schedule(h, organiser, clock, day)

    await enrol(h, people[0], payload, "+86 138-0013-8000", "报名成功")
    await enrol(h, people[1], payload, "１３９００１３９０００", "报名成功")
    await enrol(h, people[2], payload, "137 0013 7000", "候补")
    again = await h.say(people[0], f"/start {payload}", "无需重复报名")  # the link opened twice
    assert "候补" not in again.text

    # 李四 cancels: 王五 moves up and is told.
    await h.say(people[1], "/training", "您的报名")
    await emu.press_button(people[1], "取消报名")
    await emu.wait_message(people[2].id, "候补转为正式报名")

    # The organiser moves the session to another venue: the two enrolled hear of it, 李四 (cancelled) does not.
    await h.say(organiser, "/training", "您的培训")
    await emu.press_button(organiser, "内审员培训")
    await emu.wait_message(organiser.id, "报名链接")
    await emu.press_button(organiser, "编辑")
    await emu.wait_message(organiser.id, "请核对")
    await emu.press_button(organiser, "改地点")
    await h.say(organiser, "太仓市会议中心三楼", "请核对")
    await emu.press_button(organiser, "保存")
    await emu.wait_message(organiser.id, "报名链接")
    for person in (people[0], people[2]):
        changed = await emu.wait_message(person.id, "培训有变动")
        assert "太仓市会议中心三楼" in changed.text
    assert not [m for m in emu.messages(people[1].id) if "培训有变动" in (m.text or "")]

    # Reminders: 47 hours before, the 48 h reminder goes once, also after a restart.
    clock.now = start - timedelta(hours=47)
    job_ctx = replace(ctx, bot=h.running.bot, db=h.db)
    await training_reminders.SPEC.run(job_ctx, clock.now)
    await training_reminders.SPEC.run(job_ctx, clock.now)
    await h.restart()
    ctx = use_clock(h, clock)
    await training_reminders.SPEC.run(replace(ctx, bot=h.running.bot, db=h.db), clock.now)
    clock.now = start - timedelta(minutes=90)
    await training_reminders.SPEC.run(replace(ctx, bot=h.running.bot, db=h.db), clock.now)
    await training_reminders.SPEC.run(replace(ctx, bot=h.running.bot, db=h.db), clock.now)
    for who, count in ((people[0], 2), (people[1], 0), (people[2], 2), (organiser, 2)):
        reminders = [m for m in emu.messages(who.id) if "⏰" in (m.text or "")]
        assert len(reminders) == count, (who.first_name, [m.text for m in reminders])

    # Check-in: the organiser shows the QR code; two people scan it; a copy forwarded later is refused.
    clock.now = start + timedelta(minutes=5)
    await h.say(organiser, "/training", "您的培训")
    await emu.press_button(organiser, "内审员培训")
    await emu.wait_message(organiser.id, "报名链接")
    await emu.press_button(organiser, "签到二维码")
    shown = await emu.wait_message(organiser.id, lambda m: m.photo is not None)
    assert "/checkin" in shown.caption
    link = zxingcpp.read_barcodes(Image.open(io.BytesIO(shown.photo.data)))[0].text
    checkin = link.split("start=", 1)[1]
    assert link.startswith("https://t.me/") and checkin.startswith("trc_")
    await h.say(people[0], f"/start {checkin}", "签到成功")
    await h.say(people[2], f"/start {checkin}", "签到成功")
    await h.say(people[0], f"/start {checkin}", "已签到过")  # pressed twice: counted once

    # A minute later the rotation job replaces the QR message (once, however often it runs).
    clock.now += timedelta(minutes=1)
    rotate_ctx = replace(ctx, bot=h.running.bot, db=h.db)
    await training_checkin_qr.SPEC.run(rotate_ctx, clock.now)
    await training_checkin_qr.SPEC.run(rotate_ctx, clock.now)
    rotated = await emu.wait_message(organiser.id, lambda m: m.photo is not None)
    photos = [m for m in emu.messages(organiser.id) if m.photo is not None]
    assert emu.message(organiser.id, shown.message_id).deleted and [p for p in photos if not p.deleted] == [rotated]
    new_link = zxingcpp.read_barcodes(Image.open(io.BytesIO(rotated.photo.data)))[0].text
    assert new_link != link
    clock.now += timedelta(minutes=1)
    await h.say(people[1], f"/start {checkin}", "已过期")  # the first code, forwarded two minutes on

    progress = await h.say(organiser, "/progress", "培训目标进度")
    assert "已培训 2 人" in progress.text and "知识产权工程师 2" in progress.text
    chart = await emu.wait_message(organiser.id, lambda m: m.photo is not None)
    assert chart.photo.data[:8] == b"\x89PNG\r\n\x1a\n"
    SHOW_CHAT.mkdir(parents=True, exist_ok=True)
    (SHOW_CHAT / "progress.png").write_bytes(chart.photo.data)
    (SHOW_CHAT / "qr.png").write_bytes(shown.photo.data)

    async with h.db.sessions() as session:
        statuses = sorted((await session.exec(select(Enrolment.status))).all())
        trainees = (await session.exec(select(Trainee))).all()
        runs = (await session.exec(select(JobRun).where(JobRun.job == "training_reminders"))).all()
        rotations = (await session.exec(select(JobRun).where(JobRun.job == "training_checkin_qr"))).all()
        training = (await session.exec(select(Training))).one()
    assert statuses == ["attended", "attended", "cancelled"] and training.seats_taken == 2
    assert sorted(t.mobile for t in trainees) == ["+8613700137000", "+8613800138000", "+8613900139000"]
    assert len(runs) == 6 and {r.outcome for r in runs} == {"sent"}
    assert [r.outcome for r in rotations] == ["sent"]
    _write_transcript(emu, [organiser, *people])


async def test_another_specialists_session_forged_into_the_list_is_refused_and_audited(training_harness):
    """A session id the list does not show, forged into the list's button, reaches the service and is refused."""
    h, emu = training_harness, training_harness.emu
    owner, other = emu.user(5201, first_name="王特派"), emu.user(5202, first_name="钱特派")
    await h.join(owner, "specialist", region_code="320585")
    await h.join(other, "specialist", region_code="320585")
    clock = Clock(h.running.dp["ctx"].now())
    ctx = use_clock(h, clock)
    payload = await schedule(h, owner, clock, (clock.now.astimezone(ctx.tz) + timedelta(days=3)).date())
    stranger = emu.user(5299, first_name="Mallory")
    # Trainees are people, not users (issue 19): the link asks a stranger for their number.
    await h.say(stranger, f"/start {payload}", "第一次报名，请发送您的手机号码")
    async with h.db.sessions() as session:
        training = (await session.exec(select(Training))).one()
        assert (await session.exec(select(Trainee))).first() is None
    listing = await h.say(other, "/training", "还没有安排培训")
    new = next(b["callback_data"] for b in listing.buttons() if "新建培训" in b["text"])
    forged = new.replace("new", f"ses:{training.id}")  # the Select's data for a session not listed
    await emu.press(other, listing.message_id, forged, strict=False)
    refused = await emu.wait_message(other.id, "无权限")
    assert "太仓市科技创业园" not in refused.text and "tre_" not in refused.text
    async with h.db.sessions() as session:
        denied = (await session.exec(select(AuditEntry).where(AuditEntry.action == "training.roster"))).all()
        still = await session.get(Training, training.id)
    assert len(denied) == 1 and still.status == "scheduled"


async def test_organiser_adds_people_typed_and_from_excel_and_ticks_the_roster(training_harness, tmp_path):
    from openpyxl import Workbook

    from services.training import day_warning

    h, emu = training_harness, training_harness.emu
    organiser = emu.user(5301, first_name="王特派")
    await h.join(organiser, "specialist", region_code="320585")
    clock = Clock(h.running.dp["ctx"].now())
    ctx = use_clock(h, clock)
    day = clock.now.astimezone(ctx.tz).date().replace(day=6) + timedelta(days=400)
    await schedule(h, organiser, clock, day)
    card = emu.messages(organiser.id)[-1]
    expected = {"holiday": "法定节假日", "adjusted_workday": "调休上班日", "calendar_unpublished": "尚未公布"}
    if day_warning(day):
        assert expected[day_warning(day)] in card.text  # e.g. a year whose holidays are not yet published

    await emu.press_button(organiser, "添加学员")
    await emu.wait_message(organiser.id, "每行一人")
    report = await h.say(organiser, "赵六，13600136000，太仓精工，研发经理，工程师\n钱七 12345", "赵六 已报名")
    assert "第 2 行：手机号码“12345”位数不足" in report.text

    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "手机", "单位", "职务", "类别", "备注"])
    ws.append(["孙八", "135 0013 5000", "太仓新材料", "总经理", "经营管理人员", "extra"])
    ws.append(["赵六", "+86 136-0013-6000", "太仓精工机械有限公司", "", "工程师", ""])  # already on the list
    ws.append(["周九", "12", "", "", "", ""])
    path = tmp_path / "people.xlsx"
    wb.save(path)
    await emu.send_document(organiser, "people.xlsx", path.read_bytes(),
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    excel = await emu.wait_message(organiser.id, "已报名 1 人")
    assert "已在名单中 1 人" in excel.text and "Excel 第 4 行" in excel.text

    await emu.press_button(organiser, "返回")
    await emu.wait_message(organiser.id, "报名链接")
    await emu.press_button(organiser, "名单")
    roster = await emu.wait_message(organiser.id, "签到 · 缺席 · 请假")
    tick = next(b["callback_data"] for b in roster.buttons() if b["text"] == "签到 赵六")
    assert "136****6000" in roster.text  # masked
    await emu.press(organiser, roster.message_id, tick)
    await emu.wait_message(organiser.id, "已改为：已签到")
    await emu.press(organiser, roster.message_id, tick, strict=False)  # the old button, pressed again
    await emu.wait_message(organiser.id, "状态已经变了")
    async with h.db.sessions() as session:
        statuses = dict((await session.exec(select(Trainee.name, Enrolment.status)
                                            .join(Enrolment, Enrolment.trainee_id == Trainee.id))).all())
    assert statuses == {"赵六": "attended", "孙八": "registered"}


def _write_transcript(emu, users) -> None:
    """The chat as its people saw it, for the report (var/training-e2e/chat.txt)."""
    lines = []
    for user in users:
        lines.append(f"===== {user.first_name} ({user.id})")
        for record in emu.messages(user.id, include_user=True):
            body = record.text or record.caption or ("<photo>" if record.photo else "")
            who = "bot" if record.from_bot else "user"
            buttons = " | ".join(b["text"] for b in record.buttons())
            lines.append(f"[{who}] {body}" + (f"\n      [{buttons}]" if buttons and who == "bot" else ""))
    (SHOW_CHAT / "chat.txt").write_text("\n".join(lines), encoding="utf-8")
