"""A command typed in the middle of any dialog reaches its own handler (issue 6, item 7)."""

from __future__ import annotations

import pytest

USCC = "91320585MA1W8K7Q3G"


@pytest.mark.parametrize("opening", ["/visit", "/companies", "/plan", "/training", "/check"])
async def test_a_command_typed_mid_dialog_is_answered_by_its_own_handler(harness, opening):
    emu = harness.emu
    user = emu.user(8301, first_name="王特派")
    await harness.join(user, "specialist", region_code="320585")
    await harness.add_company(USCC, "太仓精工机械有限公司", specialist=user)
    opened = await harness.say(user, opening)
    assert opened.inline_keyboard, f"{opening} opened no dialog: {opened.text[:80]}"
    who = await harness.say(user, "/whoami", "我的身份")
    assert "王特派" in who.text
    listing = await harness.say(user, "/policies", "发明之星")
    assert "请" not in listing.text.split("\n", 1)[0]  # the policy list, not a dialog's prompt
    await harness.say(user, "/cancel", "已取消")
