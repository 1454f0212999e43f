"""An SME's /check starts from what its specialist sent (issue 19, item 8 of Build).

The field test: a specialist ran /check in the company's meeting room and sent the result
to the company; the owner then opened /check and was asked everything again. The facts a
result was sent on are now on the company record, so the owner is asked only what is
still missing. The bot's clock is fixed (2023-06-30), so what is asked does not depend on
the day the suite runs.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlmodel import select

from storage.models import Company
from tests.e2e.harness import FrozenClock, last_output as settled

USCC = "91320585MA1X2B3C5X"
ON_FILE = {"is_sme": True, "invention_grants_this_year": 3, "valid_invention_patents": 19, "high_value_patents": 5}


@pytest.fixture
def bot_clock():
    return FrozenClock(datetime(2023, 6, 30, 2, 0, tzinfo=timezone.utc))  # 10:00 in Shanghai


def labels(record) -> list[str]:
    return [b["text"] for b in record.buttons()]


def question(text: str) -> str:
    """The question itself (the line under the company's name and the count answered)."""
    return text.splitlines()[1]


async def answer_everything(emu, user, card) -> list[str]:
    """Answer each question with its first button (是 or 0) until the results; the questions asked."""
    asked = []
    while "资格自查结果" not in card.text:
        assert len(asked) < 15, f"the questions never ended: {asked}"
        asked.append(question(card.text))
        choice = "是" if "是" in labels(card) else "0"
        card = await settled(emu, user, emu.press_button(user, choice))
    return asked


async def test_an_sme_is_asked_only_what_the_sent_result_did_not_answer(harness):
    emu = harness.emu
    specialist = emu.user(3101, first_name="王特派")
    await harness.join(specialist, "specialist", region_code="320585")
    await harness.add_company(USCC, "太仓新材料科技有限公司", specialist=specialist, facts=ON_FILE)
    owner = emu.user(3102, first_name="李总")
    await harness.join(owner, "sme", company_uscc=USCC)

    # What the owner would be asked before anything was sent.
    before = await harness.say(owner, "/check", "资格自查")
    assert "资格自查结果" not in before.text, "nothing would be asked: the test proves nothing"
    await harness.say(owner, "/cancel", "已取消")

    await harness.say(specialist, "/check", "请选择")
    card = await settled(emu, specialist, emu.press_button(specialist, "太仓新材料"))
    asked = await answer_everything(emu, specialist, card)
    assert asked, "the specialist was asked nothing"
    sent = await settled(emu, specialist, emu.press_button(specialist, "发给企业"))
    assert sent.text.splitlines()[:2] == ["📤 已发送给 1 位企业用户。",
                                          "所用的企业信息已存入企业档案，企业自查时只需补充缺少的部分。"]

    async with harness.db.sessions() as session:
        company = (await session.exec(select(Company).where(Company.uscc == USCC))).one()
    assert ON_FILE.items() <= company.facts.items() and len(company.facts) > len(ON_FILE)

    # The owner opens /check: the specialist's answers are on file, nothing is asked again.
    again = await harness.say(owner, "/check", "资格自查")
    seen = []
    while "资格自查结果" not in again.text:
        assert len(seen) < 15
        assert question(again.text) not in asked, f"asked again: {again.text}"
        seen.append(question(again.text))
        again = await settled(emu, owner, emu.press_button(owner, "跳过"))
    assert question(before.text) in asked and question(before.text) not in seen
