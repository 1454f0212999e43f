"""An SME's question with a figure, after the programme ended (issue 19, item 4 of Build).

In December 2026 the 发明之星 award (2021–2023) is no longer in force. Asked "今年授权 3 件，
能评发明之星吗？", the answer card used to say "❌ … 3 件 < 5 件，还差 2 件", offering an ended
award as one step away. It now says when it ended and no "还差". The clock is frozen.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from tests.e2e.harness import FrozenClock

USCC = "91320585MA1W8K7Q3G"


@pytest.fixture
def bot_clock():
    return FrozenClock(datetime(2026, 12, 3, 2, 0, tzinfo=timezone.utc))  # 10:00 in Shanghai


async def test_an_ended_programme_is_answered_with_its_end_and_no_gap(harness):
    emu = harness.emu
    specialist = emu.user(3201, first_name="王特派")
    await harness.join(specialist, "specialist", region_code="320585")
    await harness.add_company(USCC, "太仓精工机械有限公司", specialist=specialist)
    owner = emu.user(3202, first_name="李总")
    await harness.join(owner, "sme", company_uscc=USCC)
    before = len(emu.messages(specialist.id))

    card = await harness.say(owner, "今年授权 3 件，能评发明之星吗？", "发明之星")
    assert card.text.startswith("🧮"), card.text  # the engine's answer, not a quoted clause
    assert "⏹ “发明之星”奖励：已于 2023-12-31 结束" in card.text
    assert "还差" not in card.text and "不符合" not in card.text
    assert len(emu.messages(specialist.id)) == before  # answered, not forwarded


async def test_in_english_too(harness):
    emu = harness.emu
    await harness.add_company(USCC, "太仓精工机械有限公司")
    owner = emu.user(3203, first_name="Li", language_code="en")
    await harness.join(owner, "sme", company_uscc=USCC)
    card = await harness.say(owner, "今年授权 3 件，能评发明之星吗？", "Invention Star")
    assert "⏹ Invention Star award: ended on 2023-12-31" in card.text, card.text
    assert "short" not in card.text and "not eligible" not in card.text
