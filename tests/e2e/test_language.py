"""/language (issue 19, item 9): a user switches between 中文 and English, it is remembered,
the reply is in the new language and the command menu is set again in it."""

from __future__ import annotations

from sqlmodel import select

from storage.models import User


def _menu(emu, user) -> dict[str, str]:
    return {c["command"]: c["description"] for c in emu.commands(scope_chat_id=user.id)}


async def _language_of(harness, user) -> str:
    async with harness.db.sessions() as session:
        return (await session.exec(select(User.language).where(User.telegram_id == user.id))).one()


async def test_buttons_switch_to_english_and_back_and_the_choice_is_kept(harness):
    emu = harness.emu
    owner = emu.user(8901, first_name="李总")
    await harness.add_company("91320585MA1W8K7Q3G", "太仓精工机械有限公司")
    await harness.join(owner, "sme", company_uscc="91320585MA1W8K7Q3G")
    assert _menu(emu, owner)["language"] == "切换语言 / Language"

    picker = await harness.say(owner, "/language", "当前语言：中文")
    assert [b["text"] for b in picker.buttons()] == ["✓ 中文", "English"]
    await emu.press_button(owner, "English")
    switched = await emu.wait_message(owner.id, "I will write to you in English")
    assert switched.message_id == picker.message_id and not switched.inline_keyboard  # the picker, edited
    await harness.settled()
    assert await _language_of(harness, owner) == "en"
    menu = _menu(emu, owner)
    assert menu["help"] == "Help" and menu["language"] == "Language (English or Chinese)"

    # Remembered: the next replies, and those after a restart, are English.
    await harness.say(owner, "/whoami", "Role")
    await harness.restart()
    await harness.say(owner, "/help", "Commands")
    picker = await harness.say(owner, "/language", "Current language: English")
    assert [b["text"] for b in picker.buttons()] == ["中文", "✓ English"]
    await emu.press_button(owner, "中文")
    await emu.wait_message(owner.id, "以后用中文和您交流")
    await harness.settled()
    assert await _language_of(harness, owner) == "zh" and _menu(emu, owner)["help"] == "帮助"


async def test_typed_codes_lang_alias_and_an_unknown_language(harness):
    emu = harness.emu
    specialist = emu.user(8902, first_name="王特派")
    await harness.join(specialist, "specialist", region_code="320585")

    await harness.say(specialist, "/lang en", "I will write to you in English")
    await harness.settled()
    assert await _language_of(harness, specialist) == "en" and _menu(emu, specialist)["visit"].isascii()
    await harness.say(specialist, "/language klingon", '"klingon" is not a language I speak')
    await harness.say(specialist, "/language 中文", "以后用中文和您交流")
    await harness.settled()
    assert await _language_of(harness, specialist) == "zh"
    await harness.say(specialist, "/language <b>x</b>", "没有“<b>x</b>”这种语言")  # escaped: shown as typed

    # A command typed with a dialog open still switches (common runs before the dialogs).
    await harness.say(specialist, "/visit")
    await harness.say(specialist, "/language en", "I will write to you in English")


async def test_a_stranger_is_told_the_bot_is_for_invited_users(harness):
    stranger = harness.emu.user(8903, first_name="Mallory", language_code="en")
    await harness.say(stranger, "/language zh", "invited")


async def test_the_demo_makes_the_current_persona_english(harness, capsys):
    from bot.demo import Terminal
    from services.demo_seed import seed_demo
    from services.session import unit_of_work

    async with unit_of_work(harness.db) as session:
        await seed_demo(session)
    terminal = Terminal(harness.emu)
    assert await terminal.step(":as sme")
    assert await terminal.step(":lang en")
    out = capsys.readouterr().out
    assert "I will write to you in English" in out
    assert terminal.user.language_code == "en"
    assert await terminal.step("/whoami")
    assert "Role" in capsys.readouterr().out
    # Another persona is still Chinese.
    assert await terminal.step(":as specialist")
    assert await terminal.step("/whoami")
    assert "角色" in capsys.readouterr().out
    assert await terminal.step(":lang fr")
    assert ":lang en" in capsys.readouterr().out
    assert await terminal.step(":help")
    assert ":lang en | zh" in capsys.readouterr().out


async def test_asking_for_english_in_words_points_to_language(harness):
    user = harness.emu.user(8777, first_name="Anna")
    await harness.join(user, "specialist", region_code="320585")
    for text in ("English please", "/settings", "能换成英文吗"):
        reply = await harness.say(user, text, "/language")
        assert "/language en" in reply.text, text
    assert "我没有理解" in (await harness.say(user, "随便说点什么")).text
