"""/privacy through the emulator: a person sees what is kept and asks for its deletion, the admins get
the request, a stranger's and an SME's press of the admin's button is refused and changes nothing,
the admin's press erases the person once, and the training figures stay as they were."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from services.session import unit_of_work
from storage.models import AuditEntry, QuestionThread, Training, User
from storage.privacy_tables import PrivacyRequest
from storage.training_tables import Enrolment, Trainee
from tests.e2e.harness import ADMIN_ID
from tests.privacy.world import NOW, PAST, progress_json

OURS, OTHER = "91320585MA1W8K7Q3G", "91320585MA1X2B3C5X"


async def _answer_of(harness, update_id: int) -> str:
    await harness.settle(update_id)
    record = next(c for c in harness.emu.callbacks() if c.update_id == update_id)
    assert record.answered
    return record.answer.get("text", "")


async def _seed(harness, owner_id: int) -> None:
    """李总 attended a session and asked a question, as the training and question features record them."""
    async with unit_of_work(harness.db) as s:
        user = (await s.exec(select(User).where(User.telegram_id == owner_id))).one()
        past = Training(title="专利挖掘实务", category="知识产权工程师", starts_at=PAST, region_code="320585")
        s.add(past)
        await s.flush()
        people = [Trainee(name="李总", mobile="+8613800138000", company="太仓精工机械有限公司", position="总经理",
                          category="经营管理人员", user_id=user.id)]
        people += [Trainee(name=f"学员{i}", mobile=f"+86136001{i:05d}", category="贯标内审员") for i in range(5)]
        s.add_all(people)
        await s.flush()
        s.add_all([Enrolment(training_id=past.id, trainee_id=p.id, status="attended", session_starts_at=PAST)
                   for p in people])
        s.add(QuestionThread(company_id=user.company_id, asker_telegram_id=owner_id, question="高企认定需要几件专利？",
                             asked_at=NOW - timedelta(days=2)))


async def _state(harness) -> dict:
    async with harness.db.sessions() as s:
        return {
            "users": [tuple(r) for r in (await s.exec(select(User.telegram_id, User.full_name, User.active)
                                                      .order_by(User.id))).all()],
            "trainees": [tuple(r) for r in (await s.exec(select(Trainee.name, Trainee.mobile).order_by(Trainee.id))).all()],
            "questions": list((await s.exec(select(QuestionThread.question))).all()),
            "requests": [tuple(r) for r in (await s.exec(select(PrivacyRequest.status, PrivacyRequest.telegram_id))).all()],
        }


async def test_a_person_asks_an_admin_confirms_and_nobody_else_can(harness):
    emu = harness.emu
    admin = emu.user(ADMIN_ID, first_name="管理员")
    await harness.say(admin, "/start")
    await harness.add_company(OURS, "太仓精工机械有限公司")
    await harness.add_company(OTHER, "太仓新材料科技有限公司")
    owner = emu.user(8301, first_name="李总", username="li_zong")
    await harness.join(owner, "sme", company_uscc=OURS)
    other_sme = emu.user(8302, first_name="张总")
    await harness.join(other_sme, "sme", company_uscc=OTHER)
    await _seed(harness, owner.id)
    figures = await progress_json(harness.db)
    assert figures["citation"]["this_year"] == 6

    report = await harness.say(owner, "/privacy", "机器人保存的关于您的信息")
    for shown in ("李总", "@li_zong", "太仓精工机械有限公司", "138****8000", "专利挖掘实务", "已签到", "高企认定需要几件专利？",
                  "第十九条"):
        assert shown in report.text, shown
    assert "+8613800138000" not in report.text
    await emu.press_button(owner, "申请删除我的个人信息")
    sent = await emu.wait_message(owner.id, "已提交删除申请")
    request_id = int(sent.text.split("#")[1].split("）")[0])
    await emu.press(owner, report.message_id, "prv:ask", strict=False)  # pressed again: one request, no second alert
    await emu.wait_message(owner.id, "已在等待管理员确认")
    asked = await emu.wait_message(admin.id, f"个人信息删除申请 #{request_id}")
    assert "李总（企业用户）" in asked.text
    confirm = f"prvok:{request_id}"
    assert [b["callback_data"] for b in asked.buttons()] == [confirm]
    assert len([m for m in emu.messages(admin.id) if "个人信息删除申请" in (m.text or "")]) == 1

    before = await _state(harness)
    stranger = emu.user(8399, first_name="路人")
    nothing = await harness.say(stranger, "/privacy", "没有保存可以删除的")
    assert "申请删除" not in str(nothing.buttons())
    for presser, message in ((stranger, nothing), (other_sme, await harness.say(other_sme, "/privacy", "机器人保存"))):
        answer = await _answer_of(harness, await emu.press(presser, message.message_id, confirm, strict=False))
        assert "只有管理员可以确认删除申请" in answer
    assert await _state(harness) == before
    async with harness.db.sessions() as s:
        refused = (await s.exec(select(AuditEntry.telegram_id, AuditEntry.detail).where(AuditEntry.action == "refusal"))).all()
    assert sorted((tid, d["code"]) for tid, d in refused) == \
        [(other_sme.id, "privacy_not_admin"), (stranger.id, "privacy_not_admin")]

    await emu.press(admin, asked.message_id, confirm)
    done = await emu.wait_message(admin.id, f"已执行删除申请 #{request_id}")
    assert "学员记录 1 条" in done.text and "提问 1 条" in done.text
    await emu.wait_message(owner.id, "您的个人信息已按您的申请删除")
    after = await _state(harness)
    assert ("李总", "+8613800138000") not in after["trainees"] and after["questions"] == [""]
    assert [(tid, name, active) for tid, name, active in after["users"] if tid == owner.id] == []
    assert await progress_json(harness.db) == figures

    await emu.press(admin, asked.message_id, confirm, strict=False)  # the button is gone; pressed all the same
    await emu.wait_message(admin.id, "已经执行过")
    assert await _state(harness) == after
    await harness.say(owner, "/privacy", "没有保存可以删除的")  # now a stranger, still answered
    await harness.say(owner, "/whoami", "邀请")  # and nothing more


async def test_an_admin_finds_waiting_requests_under_privacy(harness):
    emu = harness.emu
    await harness.add_company(OURS, "太仓精工机械有限公司")
    owner = emu.user(8311, first_name="李总", language_code="en")
    await harness.join(owner, "sme", company_uscc=OURS)
    await harness.say(owner, "/privacy", "What the bot keeps about you")
    await emu.press_button(owner, "Ask to delete")
    await emu.wait_message(owner.id, "Deletion request #")
    admin = emu.user(ADMIN_ID)  # no users row when the request came: told nothing then
    await harness.say(admin, "/privacy", "机器人保存的关于您的信息")
    waiting = await emu.wait_message(admin.id, "待确认的删除申请")
    await emu.press_button(admin, "确认删除")
    await emu.wait_message(admin.id, "已执行删除申请")
    await emu.wait_message(owner.id, "Your personal data was deleted")
    assert waiting.buttons()
