"""The unanswered-question reminder: 09:00 on the next working day, once, across holidays and restarts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from jobs import question_reminders
from jobs.runner import JobRunner
from services import runs
from services.question_reminders import JOB, OpenQuestionsRefusal, find_thread_by_reminder, open_questions
from services.session import Database
from services.users import load_actor
from storage.models import AuditEntry, Role

from jobkit import (
    COMPANY, QUESTION, SHANGHAI, SPECIALIST, FakeClock, add_company, add_user, ask, local, make_bot, make_context,
    reminders_to, specialist_chat,
)


@pytest.fixture
async def bot(emu):
    bot = make_bot(emu.url)
    yield bot
    await bot.session.close()


async def test_reminded_once_on_the_first_working_day_after_national_day_across_a_restart(db, emu, bot):
    specialist_id = await add_user(db, SPECIALIST, Role.specialist, "王特派")
    company_id = await add_company(db, COMPANY, "91320585MA1W8K7Q3G", specialist_id)
    forward_id = await specialist_chat(emu, bot)
    thread_id = await ask(db, company_id, "2026-09-30 15:00", message_id=forward_id)
    clock = FakeClock()
    ctx = make_context(db, clock, bot)
    sent_on = []
    async with JobRunner(ctx, [question_reminders.SPEC], poll_interval=60) as runner:
        day = local("2026-09-30 09:00:05")
        while day <= local("2026-10-08 09:00:05"):
            clock.now = day
            await runner.tick()
            sent_on += [day.date().isoformat()] * (len(reminders_to(emu)) - len(sent_on))
            day += timedelta(days=1)
    assert sent_on == ["2026-10-08"]  # not the 30th (asked that day), not 10-01..10-07 (国庆)

    # A restart on the same database (a new engine, as a new process has), later that morning
    # and the next working day: no second reminder; nor when the job itself runs twice.
    second = Database(db.url)
    try:
        ctx2 = make_context(second, clock, bot)
        for at in ("2026-10-08 09:30", "2026-10-09 09:00:05"):
            clock.set(at)
            async with JobRunner(ctx2, [question_reminders.SPEC], poll_interval=60) as runner:
                await runner.wait_idle()
                await runner.tick()
        await question_reminders.SPEC.run(ctx2, local("2026-10-09 09:00"))
        await question_reminders.SPEC.run(ctx2, local("2026-10-09 09:00"))
    finally:
        await second.close()

    (reminder,) = reminders_to(emu)
    assert reminder.reply_to_message_id == forward_id
    async with db.sessions() as session:  # a reply to the reminder finds the thread, in this chat only
        assert (await find_thread_by_reminder(session, SPECIALIST, reminder.message_id)).id == thread_id
        assert await find_thread_by_reminder(session, SPECIALIST + 1, reminder.message_id) is None
        assert await find_thread_by_reminder(session, SPECIALIST, forward_id) is None
    assert COMPANY in reminder.text and QUESTION in reminder.text  # escaped, so shown as typed
    assert "2026-09-30 15:00" in reminder.text and "已等待 1 个工作日" in reminder.text
    assert emu.rejected == []
    async with db.sessions() as session:
        claims = [r for r in await runs.runs_of(session, JOB) if r.recipient != runs.RUN_RECORD]
    assert [(c.period, c.recipient, c.outcome) for c in claims] == [(f"thread:{thread_id}", str(SPECIALIST), "sent")]


async def test_only_open_routed_threads_from_an_earlier_day_are_reminded_in_the_specialists_language(
        db, emu, bot):
    specialist_id = await add_user(db, SPECIALIST, Role.specialist, "Wang", language="en")
    company_id = await add_company(db, "Taicang Precision", "91320585MA1W8K7Q3G", specialist_id)
    forwards = [await specialist_chat(emu, bot, language="en") for _ in range(3)]
    answered = await ask(db, company_id, "2026-10-12 10:00", message_id=forwards[0], answer="done")
    unrouted = await ask(db, company_id, "2026-10-12 10:00", specialist=None)
    early = await ask(db, company_id, "2026-10-12 10:00", message_id=forwards[1], question="PCT fees?")
    same_day = await ask(db, company_id, "2026-10-13 08:30", message_id=forwards[2], question="Asked today")
    ctx = make_context(db, FakeClock(), bot)

    await question_reminders.run(ctx, local("2026-10-13 09:00"))
    (first,) = reminders_to(emu)
    assert first.text.startswith("⏰ Reminder:") and "PCT fees?" in first.text and "waiting 1 working day(s)" in first.text
    await question_reminders.run(ctx, local("2026-10-14 09:00"))
    assert [m.text.count("Asked today") for m in reminders_to(emu)] == [0, 1]
    async with db.sessions() as session:
        periods = {r.period for r in await runs.runs_of(session, JOB)}
    assert periods == {f"thread:{early}", f"thread:{same_day}"}
    assert f"thread:{answered}" not in periods and f"thread:{unrouted}" not in periods


async def test_a_failed_send_is_recorded_and_does_not_stop_the_others(db, emu, bot):
    gone = await add_user(db, 9002, Role.specialist, "从未打开机器人")  # Telegram: chat not found
    here = await add_user(db, SPECIALIST, Role.specialist, "王特派")
    first = await add_company(db, "甲公司", "91320585MA1W8K7Q3G", gone)
    second = await add_company(db, "乙公司", "91320594MA1MF2UX7D", here)
    forward_id = await specialist_chat(emu, bot)
    failing = await ask(db, first, "2026-10-12 10:00", specialist=9002)
    ok = await ask(db, second, "2026-10-12 11:00", message_id=forward_id)
    ctx = make_context(db, FakeClock(), bot)

    await question_reminders.run(ctx, local("2026-10-13 09:00"))
    assert len(reminders_to(emu)) == 1
    async with db.sessions() as session:
        outcomes = {r.period: r.outcome for r in await runs.runs_of(session, JOB)}
    assert outcomes[f"thread:{ok}"] == "sent"
    assert outcomes[f"thread:{failing}"].startswith("failed: ") and "chat not found" in outcomes[f"thread:{failing}"]
    assert [r.method for r in emu.rejected] == ["sendMessage"]  # only the one that could not go


async def test_open_questions_by_role_and_region(db):
    tz = SHANGHAI
    taicang_specialist = await add_user(db, SPECIALIST, Role.specialist, "王特派", region="320585")
    kunshan_specialist = await add_user(db, 9003, Role.specialist, "赵特派", region="320583")
    taicang = await add_company(db, "太仓甲", "91320585MA1W8K7Q3G", taicang_specialist, region="320585")
    kunshan = await add_company(db, "昆山乙", "91320594MA1MF2UX7D", kunshan_specialist, region="320583")
    await add_user(db, 7101, Role.supervisor, "太仓主管", region="320585")
    await add_user(db, 7102, Role.supervisor, "苏州主管", region="3205")
    await add_user(db, 7103, Role.admin, "管理员", region=None)
    await add_user(db, 7104, Role.sme, "企业", company_id=taicang)
    old = await ask(db, taicang, "2026-09-30 15:00")
    await ask(db, taicang, "2026-10-09 10:00", answer="answered")
    new = await ask(db, kunshan, "2026-10-09 10:00", specialist=9003)

    async def seen(telegram_id: int) -> list[tuple[int, str, str, int]]:
        async with db.sessions() as session:
            actor = await load_actor(session, telegram_id)
            found = await open_questions(session, actor, tz, local("2026-10-12 12:00").date())
        return [(q.thread_id, q.company_name, q.specialist_name, q.waiting_working_days) for q in found]

    assert await seen(7101) == [(old, "太仓甲", "王特派", 4)]  # 10-08, 09, 10 (调休 Saturday), 12
    assert await seen(7102) == [(old, "太仓甲", "王特派", 4), (new, "昆山乙", "赵特派", 2)]
    assert await seen(7103) == await seen(7102)
    for refused in (SPECIALIST, 7104):
        async with db.sessions() as session:
            actor = await load_actor(session, refused)
            with pytest.raises(OpenQuestionsRefusal):
                await open_questions(session, actor, tz, local("2026-10-12 12:00").date())
            await session.commit()
    async with db.sessions() as session:
        denials = (await session.exec(select(AuditEntry).where(AuditEntry.action == "open_questions.list"))).all()
    assert sorted(d.telegram_id for d in denials) == [7104, SPECIALIST]
    assert all(d.outcome == "denied" for d in denials)
