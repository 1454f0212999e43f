"""The one gate for user text where people talk through the bot: the real bot over HTTP against the emulator.

A Telegram name with a NUL byte and a bidi override is stored without them when its owner joins;
an SME's question and a specialist's reply are stored (and the reply relayed) without zero-width
spaces; a reply of nothing but invisible characters is refused with a sentence, not relayed.
"""

from __future__ import annotations

from sqlmodel import select

from storage.models import QuestionThread, User

USCC = "91320585MA1W8K7Q3G"
FORWARD_HINT = "直接回复（引用）这条消息即可答复企业"


async def test_names_questions_and_replies_are_stored_and_relayed_without_invisible_tricks(harness):
    emu = harness.emu
    specialist = emu.user(3401, first_name="王\x00特派\u202e", last_name="\u200b")
    await harness.join(specialist, "specialist", region_code="320585")
    await harness.add_company(USCC, "太仓精工机械有限公司", specialist=specialist)
    owner = emu.user(3402, first_name="李\u2066总\u2069")
    await harness.join(owner, "sme", company_uscc=USCC)

    await harness.say(owner, "/ask 德国\u200b专利\x00费用怎么算？", "您的问题已转给您的特派员 王特派")
    forwarded = await emu.wait_message(specialist.id, FORWARD_HINT)
    assert "提问人：李总" in forwarded.text

    # a reply of nothing a reader can see is not passed on as an empty answer
    await emu.send_text(specialist, "\u200b\ufeff", reply_to=forwarded.message_id)
    refused = await emu.wait_message(specialist.id, "没有可以转给企业的文字")
    assert refused is not None and not [m for m in emu.messages(owner.id) if "您的特派员答复" in (m.text or "")]

    await emu.send_text(specialist, "按标准\u200b收费。\u202e\n详见 👨\u200d👩\u200d👧", reply_to=forwarded.message_id)
    relayed = await emu.wait_message(owner.id, "您的特派员答复")
    assert "按标准收费。\n详见 👨\u200d👩\u200d👧" in relayed.text and "\u200b" not in relayed.text
    assert "特派员：王特派" in relayed.text

    async with harness.db.sessions() as s:
        names = dict((await s.exec(select(User.telegram_id, User.full_name))).all())
        thread = (await s.exec(select(QuestionThread))).one()
    assert (names[specialist.id], names[owner.id]) == ("王特派", "李总")
    assert (thread.question, thread.answer) == ("德国专利费用怎么算？", "按标准收费。\n详见 👨\u200d👩\u200d👧")
