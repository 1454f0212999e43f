"""A day of each role, walked through the emulator (issue 19, "Done when").

One test per role, each on a bot of its own with the clock frozen at 10:00 in Shanghai on
Thursday 2026-12-03 (the field test's day), moved on only where the day moves on (check-in,
the reminder, Monday's digest). Every step asserts its outcome where it lands: rows written
through the services' tables, and the messages the other side received, not only that the
bot said something.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime, time, timedelta, timezone

import pytest
import zxingcpp
from openpyxl import load_workbook
from PIL import Image
from sqlmodel import select

from jobs import training_reminders
from jobs.weekly_digest import SPEC as DIGEST
from services.session import unit_of_work
from services.training import SessionDraft, checkin_token, create_session, enrol_link_payload
from services.users import load_actor
from storage.models import Company, Measure, QuestionThread, Training, Visit
from storage.training_tables import Enrolment, Trainee
from tests.e2e.harness import FrozenClock, press_exact, last_output as last

USCC = "91320585MA1W8K7Q3G"
COMPANY = "太仓精工机械有限公司"
NOW = datetime(2026, 12, 3, 2, 0, tzinfo=timezone.utc)  # Thursday 10:00 in Shanghai, ISO week 2026-W49
WEEK = "2026-W49"
QUESTION = "我们想在德国申请专利，费用怎么算？"
STRANGER = "本助手仅对受邀用户开放"


@pytest.fixture
def bot_clock() -> FrozenClock:
    return FrozenClock(NOW)


def ctx_of(harness):
    return harness.running.dp["ctx"]


def day_button(harness, day: date | None = None) -> str:
    """The calendar's button for `day` (the bot's today by default). aiogram-dialog brackets
    the host's today, which is not the frozen clock's on another day: "[ 03 ]" or "03"."""
    ctx = ctx_of(harness)
    day = day or ctx.today()
    return f"[ {day:%d} ]" if day == datetime.now(ctx.tz).date() else f"{day:%d}"


def labels(message) -> list[str]:
    return [b["text"] for b in message.buttons()]


async def cast(harness):
    """The specialist of 太仓, the company's owner (an SME user) and the city's supervisor."""
    emu = harness.emu
    specialist = emu.user(9101, first_name="王特派")
    owner = emu.user(9102, first_name="李总")
    supervisor = emu.user(9103, first_name="张主管")
    await harness.join(specialist, "specialist", region_code="320585")
    await harness.add_company(USCC, COMPANY, specialist=specialist,
                              facts={"is_sme": True, "invention_grants_this_year": 3, "valid_invention_patents": 19})
    await harness.join(owner, "sme", company_uscc=USCC)
    await harness.join(supervisor, "supervisor", region_code="320500")
    return specialist, owner, supervisor


async def log_visit(harness, specialist) -> Visit:
    """/visit by phone: company, way, topic, notes with 需求/问题, one measure due today, 保存."""
    emu = harness.emu
    await harness.say(specialist, "/visit", "走访哪家企业")
    await emu.press_button(specialist, "太仓精工")
    await emu.wait_message(specialist.id, "走访方式")
    await emu.press_button(specialist, "电话")
    await emu.wait_message(specialist.id, "谈到了哪些内容")
    await emu.press_button(specialist, "贯标")
    await emu.wait_message(specialist.id, lambda m: any("✅ 贯标" in b["text"] for b in m.buttons()))
    await harness.say(specialist, "需求：想申请首件发明专利补贴\n问题：不清楚贯标流程", "发送照片")
    await emu.press_button(specialist, "下一步")
    await emu.wait_message(specialist.id, "一企一策措施")
    await harness.say(specialist, "协助撰写首件发明专利申请", "请选择完成期限")
    await press_exact(emu, specialist, day_button(harness))
    await emu.wait_message(specialist.id, "协助撰写首件发明专利申请")
    await emu.press_button(specialist, "完成")
    summary = await emu.wait_message(specialist.id, "走访记录")
    assert "电话" in summary.text and "未记录位置" not in summary.text and "措施：1 条" in summary.text
    await emu.press_button(specialist, "保存")
    await emu.wait_message(specialist.id, "已保存")
    async with harness.db.sessions() as s:
        visit = (await s.exec(select(Visit))).one()
    assert visit.way == "phone" and visit.topics == ["ip_standard"]
    assert visit.needs == ["想申请首件发明专利补贴"] and visit.problems == ["不清楚贯标流程"]
    return visit


async def schedule_training(harness, organiser, day: date) -> tuple[str, int]:
    """The training wizard in chat; returns the card's sign-up payload and the session's id."""
    emu = harness.emu
    await harness.say(organiser, "/training", "还没有安排培训")
    await emu.press_button(organiser, "新建培训")
    await emu.wait_message(organiser.id, "1/7")
    await harness.say(organiser, "贯标内审员培训", "2/7")
    await emu.press_button(organiser, "知识产权工程师")
    await emu.wait_message(organiser.id, "3/7")
    await press_exact(emu, organiser, str(day.day))
    await emu.wait_message(organiser.id, "4/7")
    await harness.say(organiser, "14:00-16:00", "5/7")
    await harness.say(organiser, "太仓市科技创业园报告厅", "6/7")
    await emu.press_button(organiser, "我的地区")
    await emu.wait_message(organiser.id, "7/7")
    await harness.say(organiser, "30", "请核对")
    await emu.press_button(organiser, "保存")
    card = await emu.wait_message(organiser.id, "报名链接")
    payload = re.search(r"start=(tre_\w+)", card.text).group(1)
    async with harness.db.sessions() as s:
        training = (await s.exec(select(Training))).one()
    assert (training.title, training.category, training.capacity) == ("贯标内审员培训", "知识产权工程师", 30)
    assert training.starts_at.astimezone(ctx_of(harness).tz) == datetime.combine(day, time(14), ctx_of(harness).tz)
    return payload, training.id


async def enrol_by_link(harness, person, payload: str, mobile: str) -> Trainee:
    """A person who is no user: the link, Telegram's share-contact button, the category."""
    emu = harness.emu
    asked = await harness.say(person, f"/start {payload}", "贯标内审员培训")
    assert "没有使用这个功能的权限" not in asked.text
    (button,) = [b for row in asked.reply_markup["keyboard"] for b in row]
    assert button["request_contact"] is True
    await emu.send_contact(person, mobile, first_name=person.first_name)
    await emu.wait_message(person.id, "请选择您的人员类别")
    await emu.press_button(person, "知识产权工程师")
    await emu.wait_message(person.id, "报名成功")
    async with harness.db.sessions() as s:
        trainee = (await s.exec(select(Trainee).where(Trainee.telegram_id == person.id))).one()
    assert trainee.user_id is None and trainee.mobile == mobile.replace(" ", "")
    return trainee


async def enrolment_of(harness, trainee_id: int) -> Enrolment:
    async with harness.db.sessions() as s:
        return (await s.exec(select(Enrolment).where(Enrolment.trainee_id == trainee_id))).one()


# ------------------------------------------------------------------ the specialist

async def test_a_specialists_day(harness, bot_clock):
    """Visit, /plan, a reply from inside the training card, a training filled by link, check-in."""
    emu = harness.emu
    specialist, owner, _supervisor = await cast(harness)

    # 1. The visit, notes in several lines.
    visit = await log_visit(harness, specialist)

    # 2. /plan: the measure agreed at the visit, marked done with its labelled button.
    await harness.say(specialist, "/plan", "查看哪家企业")
    await emu.press_button(specialist, "太仓精工")
    plan = await emu.wait_message(specialist.id, "一企一策措施")
    assert labels(plan)[:2] == ["✅ 完成 1. 协助撰写首件发明专利申请", "⏰ 推迟 1"]
    await emu.press_button(specialist, "✅ 完成 1.")
    await emu.wait_message(specialist.id, "已标记为完成")
    async with harness.db.sessions() as s:
        (measure,) = (await s.exec(select(Measure).where(Measure.visit_id == visit.id))).all()
    assert measure.status == "done"
    await harness.say(specialist, "/cancel")

    # 3. A training three days on, scheduled in chat.
    day = ctx_of(harness).today() + timedelta(days=3)
    payload, training_id = await schedule_training(harness, specialist, day)

    # 4. The owner asks; the specialist answers by reply with the training card open.
    await harness.say(owner, f"/ask {QUESTION}", "已转给")
    forwarded = await emu.wait_message(specialist.id, QUESTION)
    await harness.say(specialist, "/training", "您的培训")
    await emu.press_button(specialist, "贯标内审员培训")
    await emu.wait_message(specialist.id, "报名链接")
    await harness.settled()
    await emu.send_text(specialist, "约 800 欧元起，PCT 另计。", reply_to=forwarded.message_id)
    relayed = await emu.wait_message(owner.id, "约 800 欧元起，PCT 另计。")
    assert QUESTION in relayed.text
    await emu.wait_message(specialist.id, "已把您的答复转给")
    async with harness.db.sessions() as s:
        thread = (await s.exec(select(QuestionThread))).one()
    assert thread.answer == "约 800 欧元起，PCT 另计。" and thread.answered_at is not None
    await harness.say(specialist, "/cancel", "已取消")

    # 5. Two people who are no users enrol by the card's link.
    people = [emu.user(9201, first_name="小陈"), emu.user(9202, first_name="小刘")]
    trainees = [await enrol_by_link(harness, p, payload, m)
                for p, m in zip(people, ("+8613700137000", "+8613600136000"))]
    async with harness.db.sessions() as s:
        training = await s.get(Training, training_id)
    assert training.seats_taken == 2
    assert [(await enrolment_of(harness, t.id)).status for t in trainees] == ["registered", "registered"]

    # 6. On the day, five minutes after the start: the QR code shown, scanned by one, typed by the other.
    bot_clock.at = training.starts_at.astimezone(timezone.utc) + timedelta(minutes=5)
    await harness.say(specialist, "/training", "您的培训")
    await emu.press_button(specialist, "贯标内审员培训")
    await emu.wait_message(specialist.id, "报名链接")
    await emu.press_button(specialist, "签到二维码")
    shown = await emu.wait_message(specialist.id, lambda m: m.photo is not None)
    link = zxingcpp.read_barcodes(Image.open(io.BytesIO(shown.photo.data)))[0].text
    await harness.say(people[0], f"/start {link.split('start=', 1)[1]}", "签到成功")
    code = re.search(r"/checkin (\w+)", shown.caption).group(1)
    await harness.say(people[1], f"/checkin {code}", "签到成功")
    statuses = [(await enrolment_of(harness, t.id)) for t in trainees]
    assert [e.status for e in statuses] == ["attended", "attended"] and all(e.checked_in_at for e in statuses)


# ------------------------------------------------------------------ the supervisor

def _number(pattern: str, text: str) -> float:
    found = re.search(pattern, text)
    assert found, (pattern, text)
    return float(found.group(1).replace(",", ""))


async def test_a_supervisors_day(harness, bot_clock):
    """/progress, /export of the week (汇总 first), Monday's digest: one figure in each."""
    emu = harness.emu
    specialist, _owner, supervisor = await cast(harness)
    await log_visit(harness, specialist)
    # Two people trained this morning (the session written as the service writes it).
    ctx = ctx_of(harness)
    async with unit_of_work(harness.db) as s:
        actor = await load_actor(s, specialist.id)
        starts = ctx.now() - timedelta(hours=1)
        training = await create_session(s, actor, SessionDraft(
            "贯标内审员培训", "知识产权工程师", starts + timedelta(days=1), starts + timedelta(days=1, hours=2), 30,
            location="太仓市科技创业园", region_code="320585"), ctx.now())
        training.starts_at, training.ends_at = starts, starts + timedelta(hours=2)
        s.add(training)
        people = [Trainee(name=n, mobile=m, category="知识产权工程师")
                  for n, m in (("陈一", "+8613700137001"), ("陈二", "+8613700137002"))]
        s.add_all(people)
        await s.flush()
        for person in people:
            s.add(Enrolment(training_id=training.id, trainee_id=person.id, status="attended",
                            session_starts_at=starts, checked_in_at=starts + timedelta(minutes=5)))

    # 1. /progress
    chat = (await harness.say(supervisor, "/progress", "培训目标进度")).text
    assert "已培训 0 人" not in chat
    this_year = _number(r"2026 年以来：已培训 ([\d,]+) 人", chat)
    since = _number(r"目标结束后（2021-01-01 至 [\d-]+）：已培训 ([\d,]+) 人", chat)
    assert (this_year, since) == (2, 2)
    await emu.wait_message(supervisor.id, lambda m: m.photo is not None, timeout=30)  # matplotlib on a busy machine

    # 2. /export of this week: the workbook, 汇总 first, its figures those of the sheets.
    await emu.send_text(supervisor, f"/export {WEEK}")
    document = await emu.wait_message(supervisor.id, lambda m: m.document is not None, timeout=20)
    assert document.document.file_name == f"周报_{WEEK}_320500.xlsx"
    book = load_workbook(io.BytesIO(document.document.data))
    assert book.sheetnames[0] == "汇总"
    summary = {r[0]: r[1:] for r in book["汇总"].iter_rows(min_row=2, values_only=True) if r[0]}
    visits = [r for r in book["走访记录"].iter_rows(min_row=3, values_only=True) if any(r)]
    signed_in = [r for r in book["培训签到"].iter_rows(min_row=3, values_only=True) if any(r)]
    assert len(visits) == 1 and COMPANY in str(visits[0]) and "想申请首件发明专利补贴" in str(visits[0])
    assert len(signed_in) == 2
    assert summary["新培训人数"][0] == 2
    assert summary["2026 年以来已培训"][0] == this_year
    assert summary["目标结束后已培训（2021-01-01 起）"][0] == since

    # 3. Monday 09:00: the digest of the week just ended reaches the supervisor, with the same figures.
    due = datetime(2026, 12, 7, 9, 0, tzinfo=ctx.tz)
    bot_clock.at = due.astimezone(timezone.utc)
    before = len(emu.messages(supervisor.id))
    await DIGEST.run(ctx, due)
    digest = await emu.wait_message(supervisor.id, WEEK)
    plain = re.sub(r"<[^>]+>", "", digest.text)
    assert _number(r"新培训人数：(\d+)", plain) == summary["新培训人数"][0]
    assert _number(r"2026 年以来：已培训 ([\d,]+) 人", plain) == this_year
    assert _number(r"目标结束后（2021-01-01 至 [\d-]+）：已培训 ([\d,]+) 人", plain) == since
    assert _number(r"走访企业次数：(\d+)", plain) == summary["走访企业次数"][0] == len(visits)
    assert _number(r"举办培训场次：(\d+)", plain) == summary["举办培训场次"][0] == 1
    measures = [r for r in book["一企一策措施"].iter_rows(min_row=3, values_only=True) if any(r)]
    overdue = [r for r in measures if r[8] == "是"]
    assert _number(r"逾期的一企一策措施（共 (\d+) 项）", plain) == summary["逾期未完成的措施"][0] == len(overdue) == 1
    roster = await emu.wait_message(supervisor.id, lambda m: m.document is not None and m.message_id > document.message_id,
                                    timeout=20)
    monday = load_workbook(io.BytesIO(roster.document.data))
    assert monday.sheetnames[0] == "汇总"
    again = {r[0]: r[1:] for r in monday["汇总"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert again["新培训人数"][0] == summary["新培训人数"][0]
    assert len(emu.messages(supervisor.id)) > before
    # The Monday roster covers the week the digest names: 11-30 to 12-06.
    assert again["周次"][0] == f"{WEEK}（2026-11-30 至 2026-12-06）"  # cut by the bot's clock, not the wall's


# ------------------------------------------------------------------ the SME

async def test_an_smes_day(harness):
    """A question answered with its clause, /check answered to its results, /plan without buttons."""
    emu = harness.emu
    specialist, owner, _supervisor = await cast(harness)
    await log_visit(harness, specialist)  # leaves one measure on the company's plan
    before = len(emu.messages(specialist.id))

    # 1. A question the policy texts answer: quoted, cited with its clause, said to have ended.
    reply = await harness.say(owner, "首件发明专利有补贴吗？", "苏知发〔2018〕86号")
    assert "二（一）1" in reply.text and "已于 2020-12-31 结束" in reply.text
    assert len(emu.messages(specialist.id)) == before  # answered, not forwarded
    async with harness.db.sessions() as s:
        assert (await s.exec(select(QuestionThread))).first() is None

    # 2. /check, every question answered, to the results.
    question = await harness.say(owner, "/check", "资格自查")
    steps = 0
    while "资格自查结果" not in question.text:
        assert steps < 12, question.text
        question = await last(emu, owner, emu.press_button(owner, "是" if "是" in labels(question) else "跳过"))
        steps += 1
    assert steps >= 1  # it asked the owner something, and the answer led to the results
    # In December 2026 one programme is in force; the ten that ended are not offered as open.
    assert "专精特新“小巨人”企业专利优先审查优先推荐" in question.text
    assert "已结束（仅供参考）：10 项" in question.text and "还差" not in question.text
    ended = await last(emu, owner, emu.press_button(owner, "查看已结束的项目"))
    assert "发明之星" in ended.text and "已于 2023-12-31 结束" in ended.text

    # 3. /plan: the measure is shown, and no button it may not press.
    plan = await harness.say(owner, "/plan", "⏳ 1.")
    assert "协助撰写首件发明专利申请" in plan.text
    assert not [t for t in labels(plan) if t.startswith(("✅ 完成", "⏰ 推迟"))], labels(plan)
    async with harness.db.sessions() as s:
        assert (await s.exec(select(Measure.status))).one() == "open"


# ------------------------------------------------------------------ a trainee who is no user

async def test_a_trainees_day(harness, bot_clock):
    """The link, the shared contact, the reminder, check-in with the code; nothing else opens."""
    emu = harness.emu
    organiser = emu.user(9301, first_name="王特派")
    await harness.join(organiser, "specialist", region_code="320585")
    ctx = ctx_of(harness)
    start = datetime.combine(ctx.today() + timedelta(days=3), time(10), ctx.tz)
    async with unit_of_work(harness.db) as s:
        actor = await load_actor(s, organiser.id)
        training = await create_session(s, actor, SessionDraft(
            title="贯标内审员培训", category="知识产权工程师", starts_at=start, ends_at=start + timedelta(hours=2),
            capacity=30, location="太仓市科技创业园", region_code="320585"), ctx.now())
        payload, training_id = enrol_link_payload(training), training.id

    person = emu.user(9302, first_name="小陈")
    trainee = await enrol_by_link(harness, person, payload, "+8613700137000")
    assert (await enrolment_of(harness, trainee.id)).status == "registered"
    mine = await harness.say(person, "/training", "您报名的培训")
    assert "贯标内审员培训" in mine.text

    # The reminder job, 47 hours before the start: the trainee's Telegram id receives it.
    bot_clock.at = (start - timedelta(hours=47)).astimezone(timezone.utc)
    await training_reminders.SPEC.run(ctx, bot_clock.at)
    reminder = await emu.wait_message(person.id, "⏰")
    assert "贯标内审员培训" in reminder.text and "太仓市科技创业园" in reminder.text

    # On the day, the code the organiser shows, typed.
    bot_clock.at = (start + timedelta(minutes=5)).astimezone(timezone.utc)
    async with harness.db.sessions() as s:
        code = checkin_token(await s.get(Training, training_id), ctx.now()).code
    await harness.say(person, f"/checkin {code}", "签到成功")
    enrolment = await enrolment_of(harness, trainee.id)
    assert enrolment.status == "attended" and enrolment.checked_in_at is not None

    # No role, no company access.
    for command in ("/visit", "/companies", "/progress", "/export"):
        await harness.say(person, command, STRANGER)
    async with harness.db.sessions() as s:
        assert (await s.exec(select(Company))).first() is None
