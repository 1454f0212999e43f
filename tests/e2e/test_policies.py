"""/policies: every programme, in force first, ended ones marked; end to end and at fixed dates."""

from __future__ import annotations

from datetime import date, datetime, timezone

from handlers.policies import render
from policy import load_catalog
from policy.engine import in_force_at

CATALOG = load_catalog()
IDS = CATALOG.programme_ids


def _infos(as_of: date):
    return [CATALOG.programme(pid, as_of) for pid in IDS]


def _line_positions(text: str, titles: list[str]) -> list[int]:
    return [text.index(title) for title in titles]


async def test_policies_lists_every_programme_in_force_first(harness):
    emu = harness.emu
    specialist = emu.user(4001, first_name="王特派")
    await harness.join(specialist, "specialist", region_code="320585")
    assert "policies" in [c["command"] for c in emu.visible_commands(specialist.id)]
    reply = await harness.say(specialist, "/policies", "政策项目一览")
    text = reply.text
    as_of = harness.running.dp["ctx"].today()
    assert as_of.isoformat() in text
    infos = _infos(as_of)
    assert len(infos) == len(IDS) == 11  # 8 + project-lead-reward, enforcement-aid, high-value-cultivation-2022-upgrade
    live = [i for i in infos if in_force_at(i, as_of)[0]]
    ended = [i for i in infos if not in_force_at(i, as_of)[0] and as_of >= i.start]
    for info in infos:
        assert info.title in text and info.citation.text() in text
    if live and ended:
        assert max(_line_positions(text, [i.title for i in live])) < min(_line_positions(text, [i.title for i in ended]))
    for info in ended:
        block = text[text.index(info.title):].split("\n\n")[0]
        assert block.startswith(info.title + "（已结束）") and text[text.index(info.title) - 2] == "⏹"
    for info in live:
        assert text[text.index(info.title) - 2] == "✅"


async def test_policies_in_english_for_english_users(harness):
    emu = harness.emu
    boss = emu.user(4002, first_name="Zhang", language_code="en")
    await harness.join(boss, "supervisor", region_code="320585")
    owner_menu = [c["command"] for c in emu.visible_commands(boss.id)]
    assert "policies" in owner_menu
    reply = await harness.say(boss, "/policies", "Programmes")
    for info in _infos(harness.running.dp["ctx"].today()):
        assert info.title_en in reply.text
    assert "(ended)" in reply.text and "Basis:" in reply.text


async def test_every_role_sees_policies_in_the_menu(harness):
    emu = harness.emu
    await harness.add_company("91320506MA1Y4D5E8P", "苏州示例科技有限公司", "320506")
    owner = emu.user(4003, first_name="李总")
    await harness.join(owner, "sme", company_uscc="91320506MA1Y4D5E8P")
    assert "policies" in [c["command"] for c in emu.visible_commands(owner.id)]
    reply = await harness.say(owner, "/policies", "政策项目一览")
    assert all(info.title in reply.text for info in _infos(harness.running.dp["ctx"].today()))


def test_order_and_markers_at_a_fixed_date():
    as_of = date(2022, 1, 15)  # the 2022 provincial calls are open; the 2018-2020 plan has ended
    [text] = render(_infos(as_of), as_of, "zh")
    open_calls = ["2022年度省高价值专利培育计划项目", "2022年度省商标品牌培育和保护项目", "“发明之星”奖励"]
    not_started = "专精特新“小巨人”企业专利优先审查优先推荐"  # from 2022-10-13
    finished = ["首件发明专利申请费和代理费补贴", "知识产权管理贯标奖励"]
    assert max(_line_positions(text, open_calls)) < text.index(not_started) < min(_line_positions(text, finished))
    assert f"⏳ <b>{not_started}" in text and f"⏹ <b>{finished[0]}" in text and f"✅ <b>{open_calls[0]}" in text
    assert "（尚未开始）" in text and text.count("（已结束）") == 2
    assert "申报截止 2022-01-30" in text and "苏知发〔2018〕86号 二(一)1" in text


def test_deadline_passed_counts_as_ended_and_english_shows_the_deadline():
    as_of = date(2022, 3, 1)
    [text] = render(_infos(as_of), as_of, "en")
    assert "2022 provincial high-value patent cultivation programme (new project, enterprise applicant)</b> (ended)" in text
    assert "applications close 2022-01-30" in text
    assert "from 2022-10-13 (no end date set)" in text


def test_long_lists_are_split_into_messages_that_fit():
    as_of = date(2026, 1, 1)
    infos = _infos(as_of) * 20
    messages = render(infos, as_of, "zh")
    assert len(messages) > 1
    assert all(len(m) <= 4096 for m in messages)
    assert sum(m.count("依据：") for m in messages) == 20 * len(IDS)


async def test_today_is_the_date_in_the_configured_zone(harness):
    late_utc = datetime(2026, 3, 1, 17, 30, tzinfo=timezone.utc)  # already 2 March in Shanghai
    object.__setattr__(harness.running.dp["ctx"], "clock", lambda: late_utc)  # the context's one clock
    boss = harness.emu.user(4004, first_name="张主管")
    await harness.join(boss, "supervisor", region_code="320585")
    reply = await harness.say(boss, "/policies", "政策项目一览")
    assert "截至 2026-03-02" in reply.text
