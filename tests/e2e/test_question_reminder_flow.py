"""The unanswered-question reminder end to end: an SME asks, nobody answers, 09:00 on the next
working day the specialist is reminded once; the supervisor sees the open question until answered."""

from __future__ import annotations

import dataclasses
from datetime import datetime, time, timezone

from sqlmodel import select

from bot.features import all_jobs
from jobs.runner import JobRunner
from services.workdays import next_working_day
from storage.models import QuestionThread

USCC = "91320585MA1W8K7Q3G"
COMPANY = "太仓精工机械有限公司"
QUESTION = "我们想在德国申请专利，<费用>怎么算？"


def transcript(emu, *users) -> str:
    """Every message of these users' chats, in order, as a person would read them."""
    lines = []
    for user in users:
        for m in emu.messages(user.id, include_user=True):
            who = "bot" if m.from_bot else user.first_name
            reply = f" (reply to #{m.reply_to_message_id})" if m.reply_to_message_id else ""
            lines.append(f"[{user.first_name}] #{m.message_id} {who}{reply}: {(m.text or '').strip()}")
    return "\n".join(lines)


async def test_sme_question_reminded_once_then_answered(harness):
    emu = harness.emu
    specialist = emu.user(3101, first_name="王特派")
    supervisor = emu.user(3102, first_name="陈主管")
    owner = emu.user(3103, first_name="李总")
    await harness.join(specialist, "specialist", region_code="320585")
    await harness.join(supervisor, "supervisor", region_code="320585")
    await harness.add_company(USCC, COMPANY, specialist=specialist)
    await harness.join(owner, "sme", company_uscc=USCC)

    await harness.say(owner, f"/ask {QUESTION}", "已转给")
    forwarded = await emu.wait_message(specialist.id, QUESTION)

    listed = await harness.say(supervisor, "/open_questions", "未答复的企业问题（1 条")
    assert COMPANY in listed.text and "王特派" in listed.text and QUESTION in listed.text
    denied = await harness.say(specialist, "/open_questions", "没有使用这个功能的权限")
    assert "未答复" not in denied.text

    # 09:00:05 on the next working day after the question (in the bot's zone), on a clock of the test's.
    ctx = harness.running.dp["ctx"]
    async with harness.db.sessions() as session:
        asked_at = (await session.exec(select(QuestionThread.asked_at))).one()
    reminder_day = next_working_day(asked_at.astimezone(ctx.tz).date())
    fake_now = datetime.combine(reminder_day, time(9, 0, 5), ctx.tz).astimezone(timezone.utc)
    clock = lambda: fake_now  # noqa: E731
    late = dataclasses.replace(ctx, clock=clock)
    async with JobRunner(late, all_jobs(), poll_interval=60) as runner:
        await runner.wait_idle()  # the start-up catch-up sends it
        await runner.tick()  # nothing more to send
    reminder = await emu.wait_message(specialist.id, "⏰ 提醒")
    assert reminder.reply_to_message_id == forwarded.message_id
    assert COMPANY in reminder.text and QUESTION in reminder.text and "已等待 1 个工作日" in reminder.text

    # Too long a reply is refused, nothing relayed; a reply to the reminder answers the question.
    await emu.send_text(specialist, "很长" * 1600, reply_to=reminder.message_id)
    await emu.wait_message(specialist.id, "3000")
    await emu.send_text(specialist, "约 800 欧元起，PCT 另计。", reply_to=reminder.message_id)
    relayed = await emu.wait_message(owner.id, "约 800 欧元起，PCT 另计。")
    assert QUESTION in relayed.text and len(emu.messages(owner.id)) == 3  # welcome, routed, this
    await emu.wait_message(specialist.id, "已把您的答复转给")
    # The same reply again (a second press of "send"): a follow-up, the first answer stays.
    await emu.send_text(specialist, "约 800 欧元起，PCT 另计。", reply_to=reminder.message_id)
    await emu.wait_message(owner.id, "补充答复")
    await emu.wait_message(specialist.id, "已把您的补充答复转给")
    await harness.say(supervisor, "/open_questions", "目前没有未答复的企业问题")
    await harness.say(supervisor, "/open_questions", "目前没有未答复的企业问题")  # asked twice: same answer

    # The next working day, and after a restart of the bot: no second reminder.
    await harness.restart()
    fake_now = datetime.combine(next_working_day(reminder_day), time(9, 0, 5), ctx.tz).astimezone(timezone.utc)
    async with JobRunner(dataclasses.replace(harness.running.dp["ctx"], clock=lambda: fake_now), all_jobs(),
                         poll_interval=60) as runner:
        await runner.wait_idle()
    assert [m.text.count("⏰") for m in emu.messages(specialist.id)].count(1) == 1
    print("\n" + transcript(emu, owner, specialist, supervisor))
