"""Issue 19, item 2: trainees are people, not users.

A person who was never invited opens a session's sign-up link, shares their phone number
with Telegram's own contact button, picks their category and is enrolled; /training then
shows only their own sessions, the reminders reach their Telegram id, a typed check-in code
checks them in; every other command still gets the stranger's sentence.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlmodel import select

from services.session import unit_of_work
from services.trainees import PersonDraft
from services.training import SessionDraft, checkin_token, create_session, enrol_link_payload, enrol_person
from services.training_recipients import reminder_recipients
from services.users import load_actor
from storage.models import Training
from storage.training_tables import Enrolment, Trainee

STRANGER = "本助手仅对受邀用户开放"


async def _sessions(harness, organiser) -> tuple[str, str]:
    """Two sessions of the organiser: the trainee's (returns its link payload) and another one."""
    async with unit_of_work(harness.db) as s:
        actor = await load_actor(s, organiser.id)
        ctx = harness.running.dp["ctx"]
        start = datetime.combine(ctx.today() + timedelta(days=3), time(10), ctx.tz)
        mine = await create_session(s, actor, SessionDraft(
            title="贯标内审员培训", category="贯标内审员", starts_at=start, ends_at=start + timedelta(hours=2),
            capacity=30, location="太仓市科技创业园", region_code="320585"), ctx.now())
        other = await create_session(s, actor, SessionDraft(
            title="专利导航培训", category="知识产权工程师", starts_at=start + timedelta(days=1),
            ends_at=start + timedelta(days=1, hours=2), capacity=30, location="昆山", region_code="320585"), ctx.now())
        await enrol_person(s, actor, other.id, PersonDraft.parse("王五", "13900139000"), ctx.now())
        return enrol_link_payload(mine), mine.id


async def test_a_trainee_who_is_no_user_enrols_by_link_and_contact(harness):
    emu = harness.emu
    organiser, trainee = emu.user(7101, first_name="特派员"), emu.user(7102, first_name="小陈")
    await harness.join(organiser, "specialist", region_code="320585")
    payload, training_id = await _sessions(harness, organiser)

    # Today's refusal is gone: the link asks for the number with the share-contact button.
    asked = await harness.say(trainee, f"/start {payload}", "贯标内审员培训")
    assert "没有使用这个功能的权限" not in asked.text
    (button,) = [b for row in asked.reply_markup["keyboard"] for b in row]
    assert button["request_contact"] is True and asked.reply_markup["one_time_keyboard"] is True

    # Someone else's contact card is refused: people share only their own number.
    await emu.send_contact(trainee, "+8613700137000", first_name="别人", user_id=7999)
    await emu.wait_message(trainee.id, "只能发送您本人的手机号")

    await emu.send_contact(trainee, "+86 137 0013 7000", first_name="陈", last_name="小明")
    got = await emu.wait_message(trainee.id, "已收到手机号 137****7000")
    assert got.reply_markup == {"remove_keyboard": True}
    await emu.wait_message(trainee.id, "请选择您的人员类别")
    await emu.press_button(trainee, "贯标内审员")
    await emu.wait_message(trainee.id, "报名成功")

    async with harness.db.sessions() as s:
        person = (await s.exec(select(Trainee).where(Trainee.telegram_id == trainee.id))).one()
        assert (person.name, person.mobile, person.category, person.user_id) == ("陈 小明", "+8613700137000",
                                                                                  "贯标内审员", None)
        enrolled = (await s.exec(select(Enrolment).where(Enrolment.trainee_id == person.id))).all()
        assert [(e.training_id, e.status) for e in enrolled] == [(training_id, "registered")]
        # The 48 h / 2 h reminders reach the linked Telegram id.
        training = await s.get(Training, training_id)
        assert (trainee.id, "zh", "member") in await reminder_recipients(s, training)

    # /training shows only their own session, never the organiser's other one.
    mine = await harness.say(trainee, "/training", "您报名的培训")
    assert "贯标内审员培训" in mine.text and "专利导航培训" not in mine.text and "王五" not in mine.text

    # A second open of the link enrols at once (already enrolled), no number asked again.
    await harness.say(trainee, f"/start {payload}", "无需重复报名")

    # Check-in with the typed code on the day (the code is looked for in sessions about now).
    ctx = harness.running.dp["ctx"]
    async with unit_of_work(harness.db) as s:
        training = await s.get(Training, training_id)
        training.starts_at, training.ends_at = ctx.now() + timedelta(minutes=5), ctx.now() + timedelta(hours=2)
        code = checkin_token(training, ctx.now()).code
        s.add(training)
    await harness.say(trainee, f"/checkin {code}", "签到成功")
    async with harness.db.sessions() as s:
        status = (await s.exec(select(Enrolment.status).where(Enrolment.training_id == training_id))).one()
        assert status == "attended"

    # No role, no company access: every other command still answers the stranger's sentence.
    for command in ("/visit", "/companies", "/progress", "/export", "/check"):
        await harness.say(trainee, command, STRANGER)
    await harness.say(trainee, "13700137000", STRANGER)  # typed text outside the number step


async def test_a_typed_number_works_too(harness):
    emu = harness.emu
    organiser, trainee = emu.user(7201, first_name="特派员"), emu.user(7202, first_name="Li", last_name="Wei")
    await harness.join(organiser, "specialist", region_code="320585")
    payload, _ = await _sessions(harness, organiser)
    await harness.say(trainee, f"/start {payload}", "手机号")
    await harness.say(trainee, "12345", "手机号")  # refused with its reason, the number is asked again
    await harness.say(trainee, "137 0013 7001", "已收到手机号 137****7001")
    await emu.wait_message(trainee.id, "请选择您的人员类别")
    await emu.press_button(trainee, "其他")
    await emu.wait_message(trainee.id, "报名成功")
