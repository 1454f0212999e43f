"""/companies and /plan end to end: find, duplicates, the card, 一企一策 follow-up, and every
hidden button pressed anyway by the role that must not have it (refused, audited, unchanged)."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest
from sqlmodel import select
from stdnum.cn import uscc

from services import audit
from storage.models import Company, Measure, MeasureEvent, Visit

A = "91320585MA1W8K7Q3G"  # 太仓
B = "91320585MA1X2B3C5X"  # 太仓
C = "91320506MA1Y4D5E8P"  # 吴中


@pytest.fixture
async def world(harness):
    emu = harness.emu
    spec = emu.user(3201, first_name="王特派")
    other = emu.user(3202, first_name="赵特派")
    sup = emu.user(3203, first_name="张主管")
    sme = emu.user(3204, first_name="李总")
    await harness.join(spec, "specialist", region_code="320585")
    await harness.join(other, "specialist", region_code="320506")
    await harness.join(sup, "supervisor", region_code="320585")
    a = await harness.add_company(A, "太仓精工机械有限公司", specialist=spec)
    b = await harness.add_company(B, "太仓新材料科技有限公司", specialist=spec)
    c = await harness.add_company(C, "苏州吴中智能装备股份有限公司", "320506", specialist=other)
    await harness.join(sme, "sme", company_uscc=A)
    async with harness.db.sessions() as s:
        spec_id = (await s.exec(select(Company.specialist_id).where(Company.id == a))).one()
        for company, what in ((a, "协助撰写首件发明专利申请"), (b, "走访新材料的质押融资需求")):
            s.add(Measure(company_id=company, what=what, owner_id=spec_id, due_on=date.today() + timedelta(days=3)))
        await s.commit()
    return {"spec": spec, "other": other, "sup": sup, "sme": sme, "a": a, "b": b, "c": c}


def forge(message, widget: str, item: object | None = None) -> str:
    """The callback data aiogram-dialog would give a widget of this message's dialog."""
    intent = next(message.buttons())["callback_data"].split("\x1d")[0]
    return f"{intent}\x1d{widget}" + (f":{item}" if item is not None else "")


async def press_forged(harness, user, data: str):
    emu = harness.emu
    message = emu.messages(user.id)[-1]
    update_id = await emu.press(user, message.message_id, data, strict=False)
    for _ in range(100):
        record = next((c for c in emu.callbacks() if c.update_id == update_id), None)
        if record is not None and record.answered:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)
    return [m for m in (await emu.outputs(user.id))]


async def measure_of(harness, company_id: int) -> Measure:
    async with harness.db.sessions() as s:
        return (await s.exec(select(Measure).where(Measure.company_id == company_id))).one()


async def denials(harness, telegram_id: int) -> list:
    async with harness.db.sessions() as s:
        return [e for e in await audit.recent(s, limit=200) if e.outcome == "denied" and e.telegram_id == telegram_id]


async def test_find_by_part_of_name_or_uscc_and_a_likely_duplicate_is_offered(harness, world):
    spec = world["spec"]
    found = await harness.say(spec, "/companies 精工", "找到 1 家")
    assert "太仓精工" in str(list(found.buttons()))
    by_code = await harness.say(spec, "/companies ma1x2b", "“ma1x2b”找到 1 家")
    assert "新材料" in str(list(by_code.buttons()))
    overview = await harness.say(spec, "/companies", "我负责的企业")
    assert "覆盖率：0/2" in overview.text and "待办措施 1" in overview.text
    assert "吴中" not in overview.text  # another region's company
    await harness.emu.press_button(spec, "登记企业")
    await harness.emu.wait_message(spec.id, "请输入企业名称")
    offer = await harness.say(spec, "精工机械（太仓）有限责任公司", "名称相近")
    assert "太仓精工机械有限公司" in str(list(offer.buttons()))
    await harness.emu.press_button(spec, "太仓精工机械有限公司")
    card = await harness.emu.wait_message(spec.id, "统一社会信用代码：91320585MA1W8K7Q3G")
    assert "一企一策：待办 1 条" in card.text
    async with harness.db.sessions() as s:
        assert len((await s.exec(select(Company))).all()) == 3  # nothing registered twice


async def test_register_without_uscc_then_complete_it_and_an_unknown_region_is_named(harness, world):
    spec, emu = world["spec"], harness.emu
    await harness.say(spec, "/companies", "我负责的企业")
    await emu.press_button(spec, "登记企业")
    await harness.say(spec, "太仓未来机器人有限公司", "统一社会信用代码")
    await emu.press_button(spec, "稍后补充")
    await emu.wait_message(spec.id, "所在地区")
    bad = await harness.say(spec, "火星基地", "没有找到地区")
    assert "火星基地" in bad.text
    await harness.say(spec, "太仓市", "已登记")
    card = await emu.wait_message(spec.id, "未填写")
    await emu.press_button(spec, "补充信用代码")
    await emu.wait_message(spec.id, "18 位")
    short = await harness.say(spec, "9132058", "应为 18 位")
    assert "7 位" in short.text
    await harness.say(spec, A, "已经登记过")  # another company's code: refused, asked again
    body = "91320585MA1XAGPX3"
    await harness.say(spec, body + uscc.calc_check_digit(body), "已保存统一社会信用代码")
    async with harness.db.sessions() as s:
        company = (await s.exec(select(Company).where(Company.name == "太仓未来机器人有限公司"))).one()
    assert company.uscc == body + uscc.calc_check_digit(body) and company.region_code == "320585"
    assert "未填写" in card.text


async def test_plan_done_and_postpone_by_button_with_history_and_a_second_press_changes_nothing(harness, world):
    spec, emu = world["spec"], harness.emu
    await harness.say(spec, "/plan", "查看哪家企业")
    await emu.press_button(spec, "太仓精工")
    plan = await emu.wait_message(spec.id, "一企一策措施")
    assert "协助撰写首件发明专利申请" in plan.text and "王特派" in plan.text
    await emu.press_button(spec, "⏰ 推迟 1")
    await emu.wait_message(spec.id, "推迟措施 1")
    await emu.press_button(spec, "+7 天")
    later = await emu.wait_message(spec.id, "已推迟到")
    assert "已推迟 1 次" in later.text
    plan = harness.emu.messages(spec.id)[-1]
    done = next(b["callback_data"] for b in plan.buttons() if b["text"].startswith("✅ 完成 1."))
    await emu.press(spec, plan.message_id, done)
    await emu.wait_message(spec.id, "已标记为完成")
    await emu.press(spec, plan.message_id, done, strict=False)  # the old button, pressed again
    await asyncio.sleep(0.5)
    measure = await measure_of(harness, world["a"])
    assert measure.status == "done"
    async with harness.db.sessions() as s:
        events = [e.action for e in (await s.exec(select(MeasureEvent).where(
            MeasureEvent.measure_id == measure.id).order_by(MeasureEvent.id))).all()]
    assert events == ["postponed", "done"]


async def test_sme_sees_only_its_card_and_plan_and_forged_presses_are_refused_and_audited(harness, world):
    sme, emu = world["sme"], harness.emu
    card = await harness.say(sme, "/companies", "统一社会信用代码")
    assert "新材料" not in card.text and "记录走访" not in str(list(card.buttons()))
    assert "指派" not in str(list(card.buttons()))
    plan = await harness.say(sme, "/plan", "⏳ 1.")
    other = await measure_of(harness, world["b"])
    before = len(await denials(harness, sme.id))
    # "done" for another company's measure, on the SME's own plan window.
    await press_forged(harness, sme, forge(plan, "mx", f"d{other.id}"))
    assert (await measure_of(harness, world["b"])).status == "open"
    assert "无权限" in emu.messages(sme.id)[-2].text or "无权限" in emu.messages(sme.id)[-1].text
    # The hidden card buttons: log a visit, assign, register.
    card = await harness.say(sme, "/companies", "统一社会信用代码")
    await press_forged(harness, sme, forge(card, "visit"))
    await press_forged(harness, sme, forge(emu.messages(sme.id)[-1], "assign"))
    async with harness.db.sessions() as s:
        assert (await s.exec(select(Visit))).first() is None
        assert (await s.get(Company, world["a"])).specialist_id is not None
    assert len(await denials(harness, sme.id)) >= before + 2
    assert emu.unanswered_callbacks() == []


async def test_a_specialist_of_another_region_cannot_change_a_plan_or_open_a_card(harness, world):
    other, emu = world["other"], harness.emu
    listing = await harness.say(other, "/companies", "我负责的企业")
    assert "太仓" not in listing.text
    await harness.say(other, "/plan", "查看哪家企业")
    picker = emu.messages(other.id)[-1]
    assert "太仓" not in str(list(picker.buttons()))
    target = await measure_of(harness, world["a"])
    await press_forged(harness, other, forge(picker, "pc", world["a"]))  # open 太仓's plan anyway
    shown = emu.messages(other.id)[-1]
    assert "协助撰写" not in (shown.text or "") and "无权限" in (shown.text or "")
    await press_forged(harness, other, forge(shown, "mx", f"p{target.id}"))
    assert (await measure_of(harness, world["a"])).due_on == target.due_on
    assert len(await denials(harness, other.id)) >= 2


async def test_supervisor_assigns_a_specialist_and_sees_the_same_companies(harness, world):
    sup, spec, emu = world["sup"], world["spec"], harness.emu
    listing = await harness.say(sup, "/companies", "企业")
    mine = await harness.say(spec, "/companies", "我负责的企业")
    names = lambda m: sorted(b["text"] for b in m.buttons() if "有限公司" in b["text"])  # noqa: E731
    assert names(listing) == names(mine)
    await emu.press_button(sup, "太仓新材料")
    await emu.wait_message(sup.id, "统一社会信用代码")
    await emu.press_button(sup, "指派特派员")
    await emu.wait_message(sup.id, "指派给哪位特派员")
    await emu.press_button(sup, "王特派")
    await emu.wait_message(sup.id, "已指派")


async def test_a_title_is_switched_on_the_card_with_its_source_and_an_sme_cannot(harness, world):
    spec, sme, emu = world["spec"], world["sme"], harness.emu
    await harness.say(spec, "/companies 精工", "找到 1 家")
    await emu.press_button(spec, "太仓精工")
    await emu.wait_message(spec.id, "统一社会信用代码")
    await emu.press_button(spec, "资质")
    await emu.wait_message(spec.id, "切换是否具有")
    await emu.press_button(spec, "高新技术企业")
    await emu.wait_message(spec.id, lambda m: any("✅ 高新技术企业" in b["text"] for b in m.buttons()))
    async with harness.db.sessions() as s:
        company = await s.get(Company, world["a"])
        assert company.titles == {"high_tech": ""}
        from services.companies import sourced_values
        assert (await sourced_values(s, company.id))["title:high_tech"].source.startswith("chat:specialist:")
    card = await harness.say(sme, "/companies", "统一社会信用代码")
    assert "资质：高新技术企业" in card.text and "资质" not in str([b["text"] for b in card.buttons()])
    await press_forged(harness, sme, forge(card, "titles"))
    await press_forged(harness, sme, forge(emu.messages(sme.id)[-1], "tt", "champion"))
    async with harness.db.sessions() as s:
        assert (await s.get(Company, world["a"])).titles == {"high_tech": ""}
