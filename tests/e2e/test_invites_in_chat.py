"""Invites made in chat: a specialist invites a company's users by button, never another region's."""

from __future__ import annotations

from sqlmodel import select

from storage.models import AuditEntry

OURS, THEIRS = "91320585MA1W8K7Q3G", "91320506MA1Y4D5E8P"


async def _pick_role(harness, user, role_text: str):
    emu = harness.emu
    await harness.say(user, "/invite", "请选择被邀请人的角色")
    await emu.press_button(user, role_text)
    return await emu.wait_message(user.id, "请选择企业")


async def test_a_specialist_invites_the_users_of_a_company_of_theirs_with_two_presses(harness):
    emu = harness.emu
    specialist = emu.user(8201, first_name="王特派")
    await harness.join(specialist, "specialist", region_code="320585")
    await harness.add_company(OURS, "太仓精工机械有限公司", specialist=specialist)
    prompt = await _pick_role(harness, specialist, "企业用户")
    assert [b["text"] for row in prompt.inline_keyboard for b in row] == ["太仓精工机械有限公司"]
    await emu.press_button(specialist, "太仓精工")
    link = await emu.wait_message(specialist.id, "t.me/")
    token = link.text.split("start=")[1].split()[0]
    owner = emu.user(8202, first_name="李总")
    await harness.say(owner, f"/start {token}", "欢迎")
    who = await harness.say(owner, "/whoami", "我的身份")
    assert "太仓精工机械有限公司" in who.text


async def test_a_forged_company_button_for_another_region_is_refused_and_audited(harness):
    emu = harness.emu
    specialist = emu.user(8203)
    await harness.join(specialist, "specialist", region_code="320585")
    await harness.add_company(OURS, "太仓精工机械有限公司", specialist=specialist)
    other = await harness.add_company(THEIRS, "苏州吴中某某科技有限公司", region="320506")
    prompt = await _pick_role(harness, specialist, "企业用户")
    await emu.press(specialist, prompt.message_id, f"invc:{other}", strict=False)
    refusal = await emu.wait_message(specialist.id, "不能为这家企业发邀请")
    assert "t.me/" not in refusal.text
    async with harness.db.sessions() as session:
        denied = (await session.exec(select(AuditEntry).where(AuditEntry.action == "invite.denied"))).all()
    assert [(d.telegram_id, d.detail["company_id"]) for d in denied] == [(specialist.id, other)]
    assert not any("t.me/" in (m.text or "") for m in emu.messages(specialist.id))


async def test_a_command_typed_while_a_company_is_asked_reaches_its_handler(harness):
    emu = harness.emu
    boss = emu.user(8204, first_name="张主管")
    await harness.join(boss, "supervisor", region_code="320585")
    await harness.add_company(OURS, "太仓精工机械有限公司")
    await _pick_role(harness, boss, "企业用户")
    listing = await harness.say(boss, "/policies")
    assert "信用代码" not in listing.text and "发明之星" in listing.text
    await harness.say(boss, OURS, "t.me/")  # the typed credit code still answers the question
