"""Invites, roles and strangers, end to end through the emulator."""

from sqlmodel import select

from services.audit import recent
from storage.models import AuditEntry, User


async def test_invite_link_gives_the_role_and_its_menu(harness):
    emu = harness.emu
    specialist = emu.user(2001, first_name="王<b>特派</b>")
    await harness.join(specialist, "specialist", region_code="320585")
    welcome = emu.messages(specialist.id)[-1]
    # The emulator stores text as Telegram shows it: the tags survive only if they were escaped.
    assert "特派员" in welcome.text and "王<b>特派</b>" in welcome.text
    menu = [c["command"] for c in emu.visible_commands(specialist.id)]
    assert menu[:4] == ["start", "help", "whoami", "cancel"] and "check" in menu and "invite" in menu
    assert "status" not in menu  # an admin's command
    reply = await harness.say(specialist, "/whoami", "320585")
    assert "特派员" in reply.text


async def test_supervisor_menu_has_invite_and_english_users_get_english(harness):
    boss = harness.emu.user(2002, first_name="Zhang", language_code="en")
    await harness.join(boss, "supervisor", region_code="320585")
    assert "invite" in [c["command"] for c in harness.emu.visible_commands(boss.id)]
    reply = await harness.say(boss, "/help", "Commands")
    assert "/invite" in reply.text


async def test_unknown_user_reaches_no_data(harness):
    emu = harness.emu
    stranger = emu.user(2666, first_name="Mallory")
    for text in ("/whoami", "/invite specialist", "/help", "首件发明专利有补贴吗", "/start"):
        reply = await harness.say(stranger, text, "仅对受邀用户开放")
        assert "Telegram ID" not in reply.text and "t.me" not in reply.text
    bad = await harness.say(stranger, "/start not-a-real-token", "邀请链接无效")
    assert bad is not None
    async with harness.db.sessions() as session:
        assert (await session.exec(select(User).where(User.telegram_id == stranger.id))).first() is None
        denials = [e for e in await recent(session) if e.telegram_id == stranger.id]
    assert {e.action for e in denials} == {"access.unknown_user", "invite.redeem"}


async def test_sme_cannot_use_staff_commands_and_the_denial_is_audited(harness):
    await harness.add_company("91320585MA1W8K7Q3G", "太仓精工机械有限公司")
    owner = harness.emu.user(2003, first_name="李总")
    await harness.join(owner, "sme", company_uscc="91320585MA1W8K7Q3G")
    reply = await harness.say(owner, "/invite specialist", "没有使用这个功能的权限")
    assert "t.me" not in reply.text
    async with harness.db.sessions() as session:
        denied = (await session.exec(select(AuditEntry).where(AuditEntry.action == "access.denied"))).all()
    assert [(d.telegram_id, d.detail["router"]) for d in denied] == [(owner.id, "invites")]


async def test_invite_links_are_single_use_across_users(harness):
    token = await harness.invite("specialist")
    first, second = harness.emu.user(2004), harness.emu.user(2005)
    await harness.say(first, f"/start {token}", "欢迎")
    reply = await harness.say(second, f"/start {token}", "已被使用")
    assert "欢迎" not in reply.text


async def test_supervisor_makes_an_invite_in_chat_with_buttons(harness):
    emu = harness.emu
    boss = emu.user(2006, first_name="张主管")
    await harness.join(boss, "supervisor", region_code="320585")
    await harness.say(boss, "/invite", "请选择")
    await emu.press_button(boss, "特派员")
    link_message = await emu.wait_message(boss.id, "t.me/ipbot_test_bot?start=")
    token = link_message.text.split("?start=")[1].split()[0]
    newcomer = emu.user(2007, first_name="新特派")
    await harness.say(newcomer, f"/start {token}", "欢迎")
    reply = await harness.say(newcomer, "/whoami", "320585")  # the inviter's region is inherited
    assert "特派员" in reply.text


async def test_configured_admin_needs_no_invite(harness):
    admin = harness.emu.user(7000, first_name="Admin")
    reply = await harness.say(admin, "/whoami", "管理员")
    assert "7000" in reply.text
