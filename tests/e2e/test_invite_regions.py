"""Regions in chat: an admin names the region of a staff invite, a supervisor invites only
inside theirs, and /whoami says where a person serves (or that they see nothing)."""

from __future__ import annotations

from tests.e2e.conftest import ADMIN_ID


async def _redeem(harness, link_text: str, user) -> None:
    token = link_text.split("start=")[1].split()[0]
    await harness.say(user, f"/start {token}", "欢迎")


async def test_an_admin_picks_the_region_of_a_specialist_by_name_or_province_wide(harness):
    emu = harness.emu
    admin = emu.user(ADMIN_ID, first_name="管理员")
    await harness.say(admin, "/invite", "请选择被邀请人的角色")
    await emu.press_button(admin, "特派员")
    ask = await emu.wait_message(admin.id, "负责的地区")
    assert [b["text"] for row in ask.inline_keyboard for b in row] == ["全省（江苏省）"]
    wrong = await harness.say(admin, "火星", "没有找到地区")
    assert "t.me/" not in wrong.text
    link = await harness.say(admin, "太仓", "t.me/")
    assert "地区：江苏省苏州市太仓市（320585）" in link.text
    newcomer = emu.user(8301, first_name="新特派")
    await _redeem(harness, link.text, newcomer)
    who = await harness.say(newcomer, "/whoami", "我的身份")
    assert "地区：江苏省苏州市太仓市（320585）" in who.text

    await harness.say(admin, "/invite", "请选择被邀请人的角色")
    await emu.press_button(admin, "主管")
    ask = await emu.wait_message(admin.id, "负责的地区")
    await emu.press_button(admin, "全省")
    await emu.press(admin, ask.message_id, ask.inline_keyboard[0][0]["callback_data"], strict=False)  # pressed twice
    link = await emu.wait_message(admin.id, "t.me/")
    assert "（320000，全省）" in link.text
    province = emu.user(8302, first_name="省主管")
    await _redeem(harness, link.text, province)
    assert "江苏省（320000，全省）" in (await harness.say(province, "/whoami", "我的身份")).text
    links = [m for m in emu.messages(admin.id) if "t.me/" in (m.text or "")]
    assert len(links) == 2, "a second press on the province button made no second invite"


async def test_a_supervisor_cannot_invite_outside_their_region(harness):
    emu = harness.emu
    boss = emu.user(8303, first_name="苏州主管")
    await harness.join(boss, "supervisor", region_code="320500")
    refused = await harness.say(boss, "/invite specialist region=320100", "只能邀请本地区")
    assert "t.me/" not in refused.text and "江苏省苏州市" in refused.text
    refused = await harness.say(boss, "/invite specialist region=32", "只能邀请本地区")
    assert "t.me/" not in refused.text
    inside = await harness.say(boss, "/invite specialist region=320585", "t.me/")
    assert "（320585）" in inside.text
    await harness.say(boss, "/invite", "请选择被邀请人的角色")
    await emu.press_button(boss, "特派员")
    own = await emu.wait_message(boss.id, "t.me/")
    assert "地区：江苏省苏州市（320500）" in own.text


async def test_a_regionless_supervisor_is_told_to_ask_an_admin(harness):
    emu = harness.emu
    boss = emu.user(8304, first_name="无地区主管")
    await harness.join(boss, "supervisor")  # the operator's shell may leave the region out
    who = await harness.say(boss, "/whoami", "我的身份")
    assert "未设置" in who.text and "联系管理员" in who.text
    export = await harness.say(boss, "/export", "导出")
    assert "没有设置负责地区" in export.text and not [m for m in emu.messages(boss.id) if m.document]
    refused = await harness.say(boss, "/invite specialist", "还没有设置地区")
    assert "t.me/" not in refused.text
    await harness.add_company("91320585MA1W8K7Q3G", "太仓精工机械有限公司")
    for command in ("/companies", "/visits", "/check"):
        told = await harness.say(boss, command, "没有设置负责地区")
        assert "太仓精工" not in told.text, command
