"""SMEs' questions end to end: answered from the policy texts, or routed to the specialist and back."""

from __future__ import annotations

from sqlmodel import select

from emulator import FakeUser
from storage.models import QuestionThread

USCC = "91320585MA1W8K7Q3G"
COMPANY = "太仓精工机械有限公司"
OFF_TOPIC = "我们公司明年想在德国申请专利，费用怎么算？"
FORWARD_HINT = "直接回复（引用）这条消息即可答复企业"


async def _company(harness, specialist: FakeUser | None = None, uscc: str = USCC, name: str = COMPANY) -> None:
    await harness.add_company(uscc, name, specialist=specialist)


async def _setup(harness, *, owner_language: str = "zh-hans") -> tuple[FakeUser, FakeUser]:
    emu = harness.emu
    specialist = emu.user(3001, first_name="王<i>特派</i>")
    await harness.join(specialist, "specialist", region_code="320585")
    await _company(harness, specialist)
    owner = emu.user(3002, first_name="李总", language_code=owner_language)
    await harness.join(owner, "sme", company_uscc=USCC)
    return specialist, owner


async def _reply(harness, user: FakeUser, message_id: int, text: str) -> int:
    """The user replies to (quotes) a message."""
    return await harness.emu.send_text(user, text, reply_to=message_id)


def _has_blockquote(record) -> bool:
    return any(e["type"] == "blockquote" for e in record.entities or [])


async def test_confident_answer_quotes_and_cites_the_clause(harness):
    specialist, owner = await _setup(harness)
    before = len(harness.emu.messages(specialist.id))
    reply = await harness.say(owner, "首件发明专利有补贴吗？", "苏知发〔2018〕86号")
    assert "二（一）1" in reply.text and "首件发明专利的申请费和代理费给予一定补贴" in reply.text
    assert "江苏省中小企业知识产权战略推进工程实施方案" in reply.text
    assert "想知道本企业能否申请？发送 /check" in reply.text
    assert _has_blockquote(reply)
    assert len(harness.emu.messages(specialist.id)) == before  # nothing was routed


async def test_county_plan_is_cited_by_title_and_english_users_get_english(harness):
    _specialist, owner = await _setup(harness, owner_language="en")
    reply = await harness.say(owner, "发明之星奖励条件", "The policy text says")
    assert "关于提升知识产权创新支撑力的实施意见（附件8） 三（一）" in reply.text
    assert "/check" in reply.text


async def test_off_topic_question_is_answered_by_the_specialist_through_the_bot(harness):
    emu = harness.emu
    specialist, owner = await _setup(harness)
    routed = await harness.say(owner, OFF_TOPIC, "已转给您的特派员")
    assert "王<i>特派</i>" in routed.text  # the name is shown as typed, not as markup

    forwarded = await emu.wait_message(specialist.id, FORWARD_HINT)
    assert COMPANY in forwarded.text and OFF_TOPIC in forwarded.text and "李总" in forwarded.text

    await _reply(harness, specialist, forwarded.message_id, "按德国专利商标局的标准，<b>约</b> 800 欧元起。")
    relayed = await emu.wait_message(owner.id, "您的特派员答复")
    assert "按德国专利商标局的标准，<b>约</b> 800 欧元起。" in relayed.text and OFF_TOPIC in relayed.text
    confirm = await emu.wait_message(specialist.id, "已把您的答复转给")
    assert COMPANY in confirm.text

    # A second reply is relayed as a follow-up; the first stays the thread's answer.
    await _reply(harness, specialist, forwarded.message_id, "补充：也可以走 PCT 途径。")
    follow_up = await emu.wait_message(owner.id, "您的特派员补充答复")
    assert "补充：也可以走 PCT 途径。" in follow_up.text
    await emu.wait_message(specialist.id, "已把您的补充答复转给")
    async with harness.db.sessions() as session:
        thread = (await session.exec(select(QuestionThread))).one()
    assert thread.question == OFF_TOPIC and thread.answer == "按德国专利商标局的标准，<b>约</b> 800 欧元起。"
    assert thread.specialist_message_id == forwarded.message_id and thread.answered_at is not None


async def test_specialist_text_that_answers_no_question_is_not_understood(harness):
    emu = harness.emu
    specialist, owner = await _setup(harness)
    owner_before = len(emu.messages(owner.id))
    await harness.say(specialist, "你好", "我没有理解这条消息")
    welcome = next(m for m in emu.messages(specialist.id) if "欢迎" in m.text)
    await _reply(harness, specialist, welcome.message_id, "收到")
    await emu.wait_message(specialist.id, "我没有理解这条消息")
    # neither text was taken for an answer: nothing relayed, no thread touched
    assert len(emu.messages(owner.id)) == owner_before
    async with harness.db.sessions() as session:
        assert (await session.exec(select(QuestionThread))).all() == []


async def test_over_long_answer_is_refused_with_the_limit(harness):
    emu = harness.emu
    specialist, owner = await _setup(harness)
    await harness.say(owner, OFF_TOPIC, "已转给您的特派员")
    forwarded = await emu.wait_message(specialist.id, FORWARD_HINT)
    await _reply(harness, specialist, forwarded.message_id, "答" * 3500)
    refused = await emu.wait_message(specialist.id, "答复太长了")
    assert "3500" in refused.text and "3000" in refused.text
    async with harness.db.sessions() as session:
        assert (await session.exec(select(QuestionThread))).one().answer is None


async def test_ask_always_routes_with_leads_for_the_specialist(harness):
    emu = harness.emu
    specialist, owner = await _setup(harness)
    await harness.say(owner, "/ask", "用法：/ask")
    await harness.say(owner, "/ask 首件发明专利有补贴吗？", "您的问题已转给您的特派员")
    forwarded = await emu.wait_message(specialist.id, FORWARD_HINT)
    assert "可能相关的条款" in forwarded.text and "苏知发〔2018〕86号 二（一）1" in forwarded.text
    # /ask is an SME command: the menu shows it, and a specialist is refused.
    assert "ask" in [c["command"] for c in emu.visible_commands(owner.id)]
    await harness.say(specialist, "/ask 测试", "没有使用这个功能的权限")


async def test_company_without_specialist_is_told_whom_to_contact(harness):
    emu = harness.emu
    boss = emu.user(3010, first_name="张主管")
    await harness.join(boss, "supervisor", region_code="3205")
    await _company(harness, None)
    owner = emu.user(3011, first_name="赵总")
    await harness.join(owner, "sme", company_uscc=USCC)
    reply = await harness.say(owner, OFF_TOPIC, "还没有分配特派员")
    assert COMPANY in reply.text and "张主管" in reply.text
    await harness.say(owner, "/ask 有人吗", "还没有分配特派员")
    async with harness.db.sessions() as session:
        assert (await session.exec(select(QuestionThread))).all() == []


async def test_odd_and_over_long_questions_are_handled(harness):
    emu = harness.emu
    specialist, owner = await _setup(harness)
    await harness.say(owner, "<b>粗体</b>商标是什么？", "已转给您的特派员")
    forwarded = await emu.wait_message(specialist.id, FORWARD_HINT)
    assert "<b>粗体</b>商标是什么？" in forwarded.text
    await harness.say(owner, "=SUM(A1) 个专利的年费", "已转给您的特派员")
    forwarded = await emu.wait_message(specialist.id, FORWARD_HINT)
    assert "=SUM(A1) 个专利的年费" in forwarded.text
    await harness.say(owner, "👍👍", "请用文字描述您的问题")
    too_long = await harness.say(owner, "专利" * 600, "问题太长了")
    assert "1200" in too_long.text and "1000" in too_long.text
    await harness.say(owner, "/ask " + "专" * 1001, "问题太长了")
    # a near-limit question of emoji and markup still fits in every message sent
    await harness.say(owner, "德国专利🎉<&>" * 125, "已转给您的特派员")
    forwarded = await emu.wait_message(specialist.id, FORWARD_HINT)
    assert "德国专利🎉<&>" * 125 in forwarded.text
    await _reply(harness, specialist, forwarded.message_id, "🎉" * 1500)
    relayed = await emu.wait_message(owner.id, "您的特派员答复")
    assert "🎉" * 1500 in relayed.text and "…" in relayed.text  # the echoed question is clipped


async def test_a_question_stating_a_fact_gets_the_engines_answer_for_the_company(harness):
    from datetime import datetime, timezone

    emu = harness.emu
    object.__setattr__(harness.running.dp["ctx"], "clock",  # the county plan in force
                       lambda: datetime(2023, 6, 30, 2, tzinfo=timezone.utc))
    specialist, owner = await _setup(harness)
    before = len(emu.messages(specialist.id))
    yes = await harness.say(owner, "我们今年授权了6件发明专利，能评发明之星吗", "发明之星")
    assert "✅ “发明之星”奖励：符合条件" in yes.text
    assert "当年发明专利授权件数 6 件 ≥ 5 件" in yes.text  # the reason, in numbers
    assert "执行期：2021-01-01 至 " in yes.text and "（执行中）" in yes.text
    assert "依据：关于提升知识产权创新支撑力的实施意见（附件8） 三(一)" in yes.text
    no = await harness.say(owner, "今年授权 3 件，能评发明之星吗？", "发明之星")
    assert "❌" in no.text and "3 件 < 5 件，还差 2 件" in no.text
    assert len(emu.messages(specialist.id)) == before  # answered, not forwarded


async def test_a_quoted_clause_says_whether_its_programme_is_in_force(harness):
    _specialist, owner = await _setup(harness)
    reply = await harness.say(owner, "首件发明专利有补贴吗？", "苏知发〔2018〕86号")
    assert "📅 首件发明专利申请费和代理费补贴（“专利清零”行动）：2018-05-30 至 2020-12-31（已于 2020-12-31 结束）" \
        in reply.text


async def test_the_engines_answer_in_english_for_english_users(harness):
    import re
    from datetime import datetime, timezone

    object.__setattr__(harness.running.dp["ctx"], "clock", lambda: datetime(2023, 6, 30, 2, tzinfo=timezone.utc))
    _specialist, owner = await _setup(harness, owner_language="en")
    reply = await harness.say(owner, "今年授权 3 件，能评发明之星吗？", "Invention Star")
    assert "❌ Invention Star award: not eligible" in reply.text
    assert "invention patents granted this year 3 < 5, 2 short" in reply.text
    body = re.sub(r"Source: .*", "", reply.text)
    assert not re.search(r"[\u4e00-\u9fff，。：（）]", body), body


async def test_a_question_outside_ip_policy_is_answered_politely_and_not_forwarded(harness):
    emu = harness.emu
    specialist, owner = await _setup(harness)
    before = len(emu.messages(specialist.id))
    reply = await harness.say(owner, "今天苏州天气怎么样？", "只能回答知识产权政策方面的问题")
    assert "已转给" not in reply.text
    await harness.say(owner, "商标注册要多少钱", "已转给您的特派员")  # IP, but the texts do not say
    forwarded = await emu.wait_message(specialist.id, FORWARD_HINT)
    assert "商标注册要多少钱" in forwarded.text
    assert len(emu.messages(specialist.id)) == before + 1  # the weather question never reached them
