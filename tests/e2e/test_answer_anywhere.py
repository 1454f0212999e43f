"""No answer lost (issue 19, item 1): a specialist's reply to a forwarded question, or to its
reminder, reaches the SME whatever dialog the specialist has open; an SME's question typed in a
window that is not waiting for text reaches the question handler."""

from __future__ import annotations

import dataclasses
from datetime import datetime, time, timedelta, timezone

from sqlmodel import select

from bot.features import all_jobs
from jobs.runner import JobRunner
from services.session import unit_of_work
from services.training_sessions import SessionDraft, create_session
from services.users import load_actor
from services.workdays import next_working_day
from storage.models import QuestionThread

USCC = "91320585MA1W8K7Q3G"
COMPANY = "太仓精工机械有限公司"
TRAINING = "贯标内审员培训"
ANSWERED = "苏知发〔2018〕86号"  # the confident answer to "首件发明专利有补贴吗？"


async def _people(harness):
    emu = harness.emu
    specialist = emu.user(8801, first_name="王特派")
    owner = emu.user(8802, first_name="李总")
    await harness.join(specialist, "specialist", region_code="320585")
    await harness.add_company(USCC, COMPANY, specialist=specialist)
    await harness.join(owner, "sme", company_uscc=USCC)
    return specialist, owner


async def _a_training(harness, organiser) -> None:
    """A session three weeks ahead, so /training lists a card to open, and no reminder of it falls due
    when a test runs the jobs at the next working day (at most eight days away, over a golden week)."""
    ctx = harness.running.dp["ctx"]
    starts = datetime.combine(ctx.today() + timedelta(days=21), time(10), ctx.tz)
    async with unit_of_work(harness.db) as session:
        actor = await load_actor(session, organiser.id)
        await create_session(session, actor, SessionDraft(TRAINING, "知识产权工程师", starts, starts + timedelta(hours=2),
                                                          30, location="太仓市科技创业园"), ctx.now())


async def _open(harness, user, opening: str) -> None:
    """Open a dialog as a specialist would, down to the window the field test had open."""
    emu = harness.emu
    shown = await harness.say(user, opening.split()[0])
    assert shown.inline_keyboard, f"{opening} opened no dialog: {shown.text[:80]}"
    if opening == "/companies card":
        await emu.press_button(user, COMPANY)
        await emu.wait_message(user.id, lambda m: bool(m.inline_keyboard) and "一企一策" in (m.text or ""))
    elif opening == "/training card":
        await emu.press_button(user, TRAINING)
        await emu.wait_message(user.id, lambda m: "太仓市科技创业园" in (m.text or "") and bool(m.inline_keyboard))
    await harness.settled()


OPENINGS = ("/companies", "/companies card", "/visit", "/check", "/plan", "/training", "/training card")


async def test_a_reply_to_a_forwarded_question_reaches_the_sme_from_inside_every_dialog(harness):
    emu = harness.emu
    specialist, owner = await _people(harness)
    await _a_training(harness, specialist)
    for n, opening in enumerate(OPENINGS, 1):
        question = f"第{n}问：我们想在德国申请专利，费用怎么算？"
        await harness.say(owner, f"/ask {question}", "已转给")
        forwarded = await emu.wait_message(specialist.id, question)
        await _open(harness, specialist, opening)
        answer = f"第{n}答：约 800 欧元起，PCT 另计。"
        await emu.send_text(specialist, answer, reply_to=forwarded.message_id)
        relayed = await emu.wait_message(owner.id, answer)
        assert question in relayed.text, opening
        await emu.wait_message(specialist.id, "已把您的答复转给")
        # the dialog is still open under the answer: /cancel ends it
        await harness.say(specialist, "/cancel", "已取消")
    async with harness.db.sessions() as session:
        threads = (await session.exec(select(QuestionThread).order_by(QuestionThread.id))).all()
    assert [t.answer for t in threads] == [f"第{n}答：约 800 欧元起，PCT 另计。" for n in range(1, len(OPENINGS) + 1)]
    assert all(t.answered_at is not None for t in threads)


async def test_a_reply_to_a_reminder_reaches_the_sme_with_the_training_card_open(harness):
    emu = harness.emu
    specialist, owner = await _people(harness)
    await _a_training(harness, specialist)
    await harness.say(owner, "/ask 我们想在德国申请专利，费用怎么算？", "已转给")
    await emu.wait_message(specialist.id, "德国")

    ctx = harness.running.dp["ctx"]
    async with harness.db.sessions() as session:
        asked_at = (await session.exec(select(QuestionThread.asked_at))).one()
    due = datetime.combine(next_working_day(asked_at.astimezone(ctx.tz).date()), time(9, 0, 5), ctx.tz)
    async with JobRunner(dataclasses.replace(ctx, clock=lambda: due.astimezone(timezone.utc)), all_jobs(),
                         poll_interval=60) as runner:
        await runner.wait_idle()
    reminder = await emu.wait_message(specialist.id, "⏰ 提醒")

    await _open(harness, specialist, "/training card")
    await emu.send_text(specialist, "约 800 欧元起。", reply_to=reminder.message_id)
    await emu.wait_message(owner.id, "约 800 欧元起。")
    await emu.wait_message(specialist.id, "已把您的答复转给")
    async with harness.db.sessions() as session:
        assert (await session.exec(select(QuestionThread.answer))).one() == "约 800 欧元起。"


async def test_an_sme_question_typed_in_a_window_without_text_input_is_answered(harness):
    emu = harness.emu
    _specialist, owner = await _people(harness)

    await harness.say(owner, "/plan", "一企一策")
    await harness.settled()
    await harness.say(owner, "首件发明专利有补贴吗？", ANSWERED)

    await harness.say(owner, "/check", "资格自查")
    await emu.press_button(owner, "直接看结果")
    await emu.wait_message(owner.id, lambda m: bool(m.inline_keyboard) and "直接看结果" not in str(m.reply_markup))
    await harness.settled()
    await harness.say(owner, "首件发明专利有补贴吗？", ANSWERED)

    # A window that waits for text keeps it: /check's question takes the typed answer.
    await harness.say(owner, "/check", "资格自查")
    await harness.settled()
    before = len(emu.messages(owner.id))
    await emu.send_text(owner, "首件发明专利有补贴吗？")
    await harness.settled()
    assert not any(ANSWERED in (m.text or "") for m in emu.messages(owner.id)[before:])
