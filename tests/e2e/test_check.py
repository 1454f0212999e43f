"""/check end to end: a specialist checks a company on the spot, an SME checks its own."""

import asyncio

import pytest
from sqlmodel import select

from storage.models import Company

USCC = "91320585MA1W8K7Q3G"
OTHER = "91320585MA1X2B3C5X"


@pytest.fixture
async def specialist(harness):
    user = harness.emu.user(3001, first_name="王特派")
    await harness.join(user, "specialist", region_code="320585")
    await harness.add_company(USCC, "太仓精工机械有限公司", specialist=user)
    await harness.add_company(OTHER, "太仓新材料科技有限公司", specialist=user, facts={
        "is_sme": True, "invention_grants_this_year": 3, "valid_invention_patents": 19, "high_value_patents": 5})
    return user


async def test_specialist_checks_a_company_end_to_end(harness, specialist):
    emu = harness.emu
    await harness.say(specialist, "/check", "请选择要自查的企业")
    await emu.press_button(specialist, "太仓新材料")
    question = await emu.wait_message(specialist.id, "资格自查")
    assert "太仓新材料科技有限公司" in question.text
    # Answer the first question with the quick buttons or yes/no, whatever it is.
    buttons = [b["text"] for b in question.buttons()]
    await emu.press_button(specialist, "否" if "否" in buttons else "0")
    await emu.wait_message(specialist.id, "资格自查")
    await emu.press_button(specialist, "直接看结果")
    summary = await emu.wait_message(specialist.id, "资格自查结果")
    assert "发明之星" in summary.text and "还差 2" in summary.text  # 3 grants, need 5
    assert "创新之星" in summary.text
    assert "执行期" in summary.text  # the county plan ended 2025-12-31: the card says so

    await emu.press_button(specialist, "发明之星")
    detail = await emu.wait_message(specialist.id, "依据")
    assert "三(一)" in detail.text and "现有 3" in detail.text

    await emu.press_button(specialist, "返回")
    await emu.wait_message(specialist.id, "资格自查结果")
    await emu.press_button(specialist, "假设分析")
    await emu.wait_message(specialist.id, "假设分析")
    whatif = await harness.say(specialist, "当年发明专利授权 +2", "假设 当年发明专利授权件数 +2")
    assert "发明之星" in whatif.text and "❌→✅" in whatif.text


async def answered(emu, update_id, timeout=5.0):
    """The bot's answerCallbackQuery for a press, once it comes."""
    for _ in range(int(timeout / 0.05)):
        record = next((c for c in emu.callbacks() if c.update_id == update_id), None)
        if record is not None and record.answered:
            return record.answer
        await asyncio.sleep(0.05)
    raise AssertionError(f"press {update_id} was never answered")


async def _after(emu, user, action):
    """Do something, then return the bot's newest output (a message or an edit)."""
    seen = len(await emu.outputs(user.id))
    await action
    out = await emu.outputs(user.id, after=seen, timeout=5)
    assert out, "the bot did not answer"
    while more := await emu.outputs(user.id, after=seen + len(out), timeout=0.3):  # let it settle
        out += more
    return out[-1]


TYPED = {"hint_count": ("很多", "应为 0 或正整数", "7"), "单位为元": ("abc", "应为金额", "120万"),
         "百分比": ("3.5", "", "3.5%"), "三个金额": ("1,2", "正好三个金额", "2100万,2300万,2500万")}


async def test_typed_answers_are_validated_and_saved_facts_reach_the_company(harness, specialist):
    emu = harness.emu
    await harness.say(specialist, "/check", "请选择")
    current = await _after(emu, specialist, emu.press_button(specialist, "太仓精工"))
    kinds = set()
    for _ in range(12):
        names = [b["text"] for b in current.buttons()]
        if "是" in names:
            kinds.add("bool")
            current = await _after(emu, specialist, emu.press_button(specialist, "是"))
            continue
        key = "hint_count" if "0" in names else next((k for k in TYPED if k in current.text), None)
        if key is None:
            break
        wrong, complaint, right = TYPED[key]
        kinds.add(key)
        reply = await _after(emu, specialist, emu.send_text(specialist, wrong))
        if complaint:
            assert complaint in "\n".join(m.text or "" for m in emu.messages(specialist.id)[-3:]), reply.text
        current = await _after(emu, specialist, emu.send_text(specialist, right))
    assert {"bool", "hint_count"} <= kinds
    await _after(emu, specialist, emu.press_button(specialist, "直接看结果"))
    await _after(emu, specialist, emu.press_button(specialist, "保存到企业档案"))
    async with harness.db.sessions() as session:
        company = (await session.exec(select(Company).where(Company.uscc == USCC))).one()
    assert len(company.facts) >= 5
    assert 7 in company.facts.values()


async def test_sme_checks_only_its_own_company(harness, specialist):
    owner = harness.emu.user(3002, first_name="李总")
    await harness.join(owner, "sme", company_uscc=OTHER)
    reply = await harness.say(owner, "/check", "资格自查")
    assert "太仓新材料科技有限公司" in reply.text and "太仓精工" not in reply.text


async def test_a_button_of_a_check_that_was_cancelled_says_it_expired(harness, specialist):
    emu = harness.emu
    await harness.say(specialist, "/check", "请选择")
    old = emu.messages(specialist.id)[-1]
    await harness.say(specialist, "/cancel", "已取消")
    await harness.restart()
    update_id = await emu.press(specialist, old.message_id, old.inline_keyboard[0][0]["callback_data"], strict=False)
    answer = await answered(emu, update_id)
    assert "已过期" in answer["text"] and answer.get("show_alert")


async def test_commands_typed_mid_check_reach_their_handlers_and_cancel_ends_it(harness, specialist):
    emu = harness.emu
    await harness.say(specialist, "/check", "请选择")
    await emu.press_button(specialist, "太仓新材料")
    await emu.wait_message(specialist.id, "资格自查")
    listing = await harness.say(specialist, "/policies", "发明之星")
    assert "请回答" not in listing.text
    await harness.say(specialist, "/cancel", "已取消")
    reply = await harness.say(specialist, "/cancel", "没有进行中的操作")
    assert reply is not None


async def test_an_sme_is_not_asked_what_only_a_specialist_can_confirm(harness, specialist):
    emu = harness.emu
    owner = emu.user(3003, first_name="李总")
    await harness.join(owner, "sme", company_uscc=USCC)
    question = await harness.say(owner, "/check", "资格自查")
    for _ in range(12):  # walk through the questions by skipping each
        if "资格自查结果" in question.text:
            break
        assert "需特派员" not in question.text and "确认" not in question.text, question.text
        seen = len(await emu.outputs(owner.id))
        await emu.press_button(owner, "跳过")
        question = (await emu.outputs(owner.id, after=seen, timeout=5))[-1]
