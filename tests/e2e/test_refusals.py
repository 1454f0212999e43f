"""Every refusal is a sentence: a forged or refused press is told why, once, never "出错了".

Each test presses through the emulator as the person who must not get what they ask for
and reads what the bot answered (the alert of the press and the messages it sent).
"""

from __future__ import annotations

import asyncio

import pytest
from sqlmodel import select

from services import audit, visits
from services.plans import PlanError
from storage.models import Company, InboxEntry, Measure

A = "91320585MA1W8K7Q3G"  # 太仓
B = "91320585MA1X2B3C5X"  # 太仓
C = "91320506MA1Y4D5E8P"  # 吴中
GENERIC = "出错了"


def forge(message, widget: str, item: object | None = None) -> str:
    """The callback data aiogram-dialog would give a widget of this message's dialog."""
    intent = next(message.buttons())["callback_data"].split("\x1d")[0]
    return f"{intent}\x1d{widget}" + (f":{item}" if item is not None else "")


async def settle(harness, update_id: int, timeout: float = 10.0) -> str:
    """Wait, bounded, until the bot has finished the update: its inbox row left 'pending' (a
    handler that writes marks it done in its commit, before it replies) and the intake no longer
    holds it (it returned from the dispatcher). Everything it sent for the update is in the
    emulator by then. Returns the row's state."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        async with harness.db.sessions() as s:
            rows = (await s.exec(select(InboxEntry.id, InboxEntry.state).where(InboxEntry.update_id == update_id))).all()
        in_hand = harness.running.intake.in_hand
        if rows and all(state != "pending" and inbox_id not in in_hand for inbox_id, state in rows):
            return rows[0][1]
        states = [state for _id, state in rows]
        assert loop.time() < deadline, f"update {update_id} was not finished within {timeout}s: {states}"
        await asyncio.sleep(0.02)


async def press(harness, user, message, data: str) -> tuple[dict, list]:
    """Press `data` on `message` (shown or not); (the press's answer, the bot's output after it)."""
    emu = harness.emu
    before = len(await emu.outputs(user.id))
    update_id = await emu.press(user, message.message_id, data, strict=False)
    assert await settle(harness, update_id) == "done"
    record = next(c for c in emu.callbacks() if c.update_id == update_id)
    assert record.answered, f"press {data!r} was not answered"
    return record.answer or {}, (await emu.outputs(user.id))[before:]


def said(answer: dict, output: list) -> str:
    """Everything the person was shown for one press: the alert and the new or edited messages."""
    return "\n".join([answer.get("text") or "", *((m.text or m.caption or "") for m in output)])


# ------------------------------------------------------------------ the company dialog


async def test_a_supervisor_of_another_region_forging_titles_or_assign_is_told_why(harness):
    emu = harness.emu
    boss = emu.user(9301, first_name="吴主管")
    await harness.join(boss, "supervisor", region_code="320506")
    await harness.add_company(C, "苏州吴中智能装备股份有限公司", "320506")
    theirs = await harness.add_company(A, "太仓精工机械有限公司", "320585")
    overview = await harness.say(boss, "/companies", "企业")
    answer, output = await press(harness, boss, overview, forge(overview, "co", theirs))
    assert "太仓精工" not in said(answer, output) and "无权限" in said(answer, output)
    for widget in ("titles", "assign"):
        card = emu.messages(boss.id)[-1]
        answer, output = await press(harness, boss, card, forge(card, widget))
        shown = said(answer, output)
        assert GENERIC not in shown, f"{widget}: {shown}"
        assert "无权限" in shown, f"{widget}: {shown}"
        assert "太仓精工" not in shown
        latest = emu.messages(boss.id)[-1]
        assert "切换是否具有" not in (latest.text or "") and "指派给哪位" not in (latest.text or "")
    async with harness.db.sessions() as s:
        company = await s.get(Company, theirs)
        assert company.titles in (None, {}) and company.specialist_id is None
        denied = [e for e in await audit.recent(s, limit=50) if e.outcome == "denied" and e.telegram_id == boss.id]
    assert {e.action for e in denied} >= {"company.edit", "company.assign"}


async def test_a_refusal_raised_anywhere_in_a_dialog_is_said_as_its_sentence(harness, monkeypatch):
    """The general rule (handlers/errors.py): a Refusal no handler caught is still a sentence,
    answered once, audited, and the update is not parked as a dead letter."""
    emu = harness.emu
    spec = emu.user(9302, first_name="王特派")
    await harness.join(spec, "specialist", region_code="320585")
    await harness.add_company(A, "太仓精工机械有限公司", specialist=spec)
    overview = await harness.say(spec, "/companies", "我负责的企业")

    async def refuse(*_args, **_kwargs):
        raise PlanError("not_allowed")

    monkeypatch.setattr(visits, "company_overview", refuse)  # the overview's getter now refuses
    update_id = await emu.send_text(spec, "/companies")
    assert await settle(harness, update_id) == "done"
    reply = await emu.wait_message(spec.id, "无权限")
    assert GENERIC not in reply.text
    answer, output = await press(harness, spec, overview, forge(overview, "clr"))  # a press re-renders it too
    assert GENERIC not in said(answer, output) and "无权限" in said(answer, output)
    assert answer.get("show_alert") is True
    async with harness.db.sessions() as s:
        refused = [e for e in await audit.recent(s, limit=50) if e.telegram_id == spec.id and e.outcome == "denied"]
    assert len(refused) == 2 and all(e.detail["code"] == "not_allowed" for e in refused)


async def test_a_forged_press_that_breaks_a_handler_says_the_button_expired_and_is_audited(harness):
    """'co:abc' is no company id (no button carries it): the person reads that the button expired,
    the attempt is audited, and the update is done rather than parked as a failure of the bot."""
    emu = harness.emu
    spec = emu.user(9310)
    await harness.join(spec, "specialist", region_code="320585")
    await harness.add_company(A, "太仓精工机械有限公司", specialist=spec)
    overview = await harness.say(spec, "/companies", "我负责的企业")
    answer, output = await press(harness, spec, overview, forge(overview, "co", "abc"))
    assert answer.get("text") == "这个按钮已过期，请重新发送命令。" and GENERIC not in said(answer, output)
    async with harness.db.sessions() as s:
        forged = [e for e in await audit.recent(s, "callback.forged") if e.telegram_id == spec.id]
    assert [e.detail["error"] for e in forged] == ["ValueError"]


# ------------------------------------------------------------------ invites


async def test_a_forged_company_invite_on_a_message_without_buttons_is_answered_once(harness):
    emu = harness.emu
    spec = emu.user(9303)
    await harness.join(spec, "specialist", region_code="320585")
    await harness.add_company(A, "太仓精工机械有限公司", specialist=spec)
    other = await harness.add_company(C, "苏州吴中智能装备股份有限公司", "320506")
    await harness.say(spec, "/invite", "请选择被邀请人的角色")
    await emu.press_button(spec, "企业用户")
    await emu.wait_message(spec.id, "请选择企业")
    role_prompt = next(m for m in emu.messages(spec.id) if "请选择被邀请人的角色" in (m.text or ""))
    assert not role_prompt.inline_keyboard  # its buttons were taken away when the role was picked
    answer, output = await press(harness, spec, role_prompt, f"invc:{other}")
    shown = said(answer, output)
    assert "不能为这家企业发邀请" in shown and GENERIC not in shown and "t.me/" not in shown
    assert emu.rejected == []


async def test_a_second_press_of_a_company_invite_button_is_answered_once(harness):
    emu = harness.emu
    spec = emu.user(9304)
    await harness.join(spec, "specialist", region_code="320585")
    ours = await harness.add_company(A, "太仓精工机械有限公司", specialist=spec)
    await harness.say(spec, "/invite", "请选择被邀请人的角色")
    await emu.press_button(spec, "企业用户")
    picker = await emu.wait_message(spec.id, "请选择企业")
    answer, output = await press(harness, spec, picker, f"invc:{ours}")
    assert "t.me/" in said(answer, output)
    answer, output = await press(harness, spec, emu.message(spec.id, picker.message_id), f"invc:{ours}")
    assert GENERIC not in said(answer, output)
    assert emu.rejected == []


# ------------------------------------------------------------------ training QR buttons


async def test_the_qr_buttons_replayed_onto_the_dialog_leave_its_window_alone(harness):
    """'Next code' and 'end' delete the QR message they are on; pressed onto another message
    (the training card) they must not delete that one, which the dialog edits next."""
    from datetime import datetime, time, timedelta

    from services.session import unit_of_work
    from services.training import SessionDraft, create_session
    from services.users import load_actor

    emu = harness.emu
    organiser = emu.user(9311, first_name="王特派")
    await harness.join(organiser, "specialist", region_code="320585")
    ctx = harness.running.dp["ctx"]
    async with unit_of_work(harness.db) as s:
        start = datetime.combine(ctx.today() + timedelta(days=3), time(10), ctx.tz)
        await create_session(s, await load_actor(s, organiser.id), SessionDraft(
            title="贯标内审员培训", category="贯标内审员", starts_at=start, ends_at=start + timedelta(hours=2),
            capacity=30, location="太仓市科技创业园", region_code="320585"), ctx.now())
    await harness.say(organiser, "/training", "您的培训")
    await emu.press_button(organiser, "贯标内审员培训")
    await emu.wait_message(organiser.id, "报名链接")
    await emu.press_button(organiser, "签到二维码")
    qr = await emu.wait_message(organiser.id, lambda m: m.photo is not None)
    card = await emu.wait_message(organiser.id, "报名链接", after_message_id=qr.message_id)
    for data in (b["callback_data"] for b in qr.buttons()):
        answer, output = await press(harness, organiser, card, data)
        assert answer.get("text") == "这个按钮已过期，请重新发送命令。" and GENERIC not in said(answer, output)
        assert not emu.message(organiser.id, card.message_id).deleted
    answer, _output = await press(harness, organiser, emu.message(organiser.id, qr.message_id),
                                  next(b["callback_data"] for b in qr.buttons()))  # on its own message it works
    assert emu.message(organiser.id, qr.message_id).deleted
    await emu.press_button(organiser, "名单")  # the dialog still edits its card
    roster = await emu.wait_message(organiser.id, "还没有人报名")
    assert roster.message_id == card.message_id and roster.edited
    assert emu.rejected == []


# ------------------------------------------------------------------ /plan for an SME


async def test_an_sme_sees_buttons_only_on_the_measures_it_may_change(harness):
    emu = harness.emu
    spec = emu.user(9305, first_name="王特派")
    sme = emu.user(9306, first_name="李总")
    await harness.join(spec, "specialist", region_code="320585")
    company = await harness.add_company(A, "太仓精工机械有限公司", specialist=spec)
    await harness.join(sme, "sme", company_uscc=A)
    async with harness.db.sessions() as s:
        from storage.models import User
        spec_id = (await s.exec(select(User.id).where(User.telegram_id == spec.id))).one()
        sme_id = (await s.exec(select(User.id).where(User.telegram_id == sme.id))).one()
        theirs = Measure(company_id=company, what="专利检索分析", owner_id=spec_id, due_on=_soon())
        mine = Measure(company_id=company, what="整理研发记录", owner_id=sme_id, due_on=_soon())
        s.add_all([theirs, mine])
        await s.commit()
        theirs_id, mine_id = theirs.id, mine.id
    plan = await harness.say(sme, "/plan", "一企一策措施")
    shown = [b["callback_data"].split("\x1d")[1] for b in plan.buttons() if "\x1d" in b["callback_data"]]
    assert f"mx:d{theirs_id}" not in shown and f"mx:p{theirs_id}" not in shown
    assert f"mx:d{mine_id}" in shown and f"mx:p{mine_id}" in shown
    answer, output = await press(harness, sme, plan, forge(plan, "mx", f"d{theirs_id}"))  # the service still refuses
    assert "无权限" in said(answer, output) and GENERIC not in said(answer, output)
    async with harness.db.sessions() as s:
        assert (await s.get(Measure, theirs_id)).status == "open"


def _soon():
    from datetime import date, timedelta

    return date.today() + timedelta(days=5)


# ------------------------------------------------------------------ /export weeks


async def test_a_week_more_than_a_year_away_is_refused_with_the_reason(harness):
    emu = harness.emu
    boss = emu.user(9307)
    await harness.join(boss, "supervisor", region_code="320585")
    for week in ("9999-W01", "1999-W01"):
        reply = await harness.say(boss, f"/export {week}", week)
        assert "一年" in reply.text and "正在生成" not in reply.text, reply.text
    assert not [m for m in emu.messages(boss.id) if m.document]


def test_the_command_line_refuses_a_week_more_than_a_year_away(tmp_path, monkeypatch, capsys):
    from bot.cli import main

    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    assert main(["export", "--week", "9999-W01", "--out", str(tmp_path / "roster.xlsx")]) == 2
    assert "一年" in capsys.readouterr().err
    assert not (tmp_path / "roster.xlsx").exists()


# ------------------------------------------------------------------ the generic error


async def test_a_failure_after_the_writes_were_saved_says_so(harness):
    emu = harness.emu
    boss = emu.user(9308)
    await harness.join(boss, "supervisor", region_code="320585")
    await harness.add_company(A, "太仓精工机械有限公司", "320585")
    emu.inject_fault("sendDocument", "429", retry_after=600)  # Telegram says "not for ten minutes": it fails
    update_id = await emu.send_text(boss, "/export 2026-W47")
    await settle(harness, update_id)
    reply = await emu.wait_message(boss.id, "出错")
    assert "没有保存" not in reply.text and "已保存" in reply.text
    async with harness.db.sessions() as s:
        assert (await audit.recent(s, "export.roster"))[0].outcome == "ok"  # what was saved stays


async def test_a_failure_before_anything_was_saved_says_nothing_was_saved(harness):
    emu = harness.emu
    boss = emu.user(9309)
    await harness.join(boss, "supervisor", region_code="320585")
    emu.inject_fault("sendMessage", "429", retry_after=600)  # "正在生成…" cannot be sent: nothing written yet
    update_id = await emu.send_text(boss, "/export 2026-W47")
    await settle(harness, update_id)
    reply = await emu.wait_message(boss.id, "出错")
    assert "没有保存" in reply.text
