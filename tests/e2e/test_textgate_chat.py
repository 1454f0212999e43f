"""The one gate for user text, in chat: the real bot over HTTP against the emulator.

A company name typed with a NUL byte and a right-to-left override is stored without them;
a zero-width space inside a name still meets the "名称相近" prompt; a name over the limit
gets a sentence naming the limit; and what a dialog's MessageInput reads is already clean.
"""

from __future__ import annotations

from sqlmodel import select

from storage.models import Company

A = "91320585MA1W8K7Q3G"


async def _registering(harness, user) -> None:
    await harness.say(user, "/companies", "我负责的企业")
    await harness.emu.press_button(user, "登记企业")
    await harness.emu.wait_message(user.id, "请输入企业名称")


async def test_a_name_typed_with_a_nul_and_an_override_is_stored_without_them(harness):
    emu = harness.emu
    spec = emu.user(3301, first_name="王特派")
    await harness.join(spec, "specialist", region_code="320585")
    await _registering(harness, spec)
    await harness.say(spec, "太仓未来\x00机器人\u202e有限公司", "统一社会信用代码")
    await emu.press_button(spec, "稍后补充")
    await emu.wait_message(spec.id, "所在地区")
    # The region step echoes what its MessageInput read: the middleware cleaned it first.
    bad = await harness.say(spec, "火星\x00基地\u202e", "没有找到地区")
    assert "“火星基地”" in bad.text
    done = await harness.say(spec, "太仓市", "已登记")
    assert "太仓未来机器人有限公司" in done.text and "\u202e" not in done.text
    async with harness.db.sessions() as s:
        names = (await s.exec(select(Company.name))).all()
    assert names == ["太仓未来机器人有限公司"]


async def test_a_zero_width_space_inside_a_name_still_gets_the_duplicate_prompt(harness):
    emu = harness.emu
    spec = emu.user(3302, first_name="王特派")
    await harness.join(spec, "specialist", region_code="320585")
    await harness.add_company(A, "太仓精工机械有限公司", specialist=spec)
    await _registering(harness, spec)
    offer = await harness.say(spec, "太仓精\u200b工机械有限公司", "名称相近")
    assert "太仓精工机械有限公司" in str(list(offer.buttons()))


async def test_a_name_over_the_limit_gets_a_sentence_naming_the_limit(harness):
    emu = harness.emu
    spec = emu.user(3303, first_name="王特派")
    await harness.join(spec, "specialist", region_code="320585")
    await _registering(harness, spec)
    name = "太仓" + "长" * 130 + "有限公司"
    refused = await harness.say(spec, name, "太长")
    assert refused.text == f"企业名称太长了：最多 128 个字，您输入了 {len(name)} 个字。"
    # nothing was stored, and the same question waits for a shorter name
    await harness.say(spec, "太仓短名有限公司", "统一社会信用代码")
    async with harness.db.sessions() as s:
        assert (await s.exec(select(Company))).all() == []
