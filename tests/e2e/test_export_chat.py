"""/export in the emulator: an immediate answer, then a workbook that reads back correctly;
a wrong week gets a sentence; a specialist is refused; every export is audited."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from services import audit
from services.session import unit_of_work
from storage.models import Company

USCC = "91320585MA1W8K7Q3G"


async def test_a_supervisor_exports_a_week_and_gets_a_workbook(harness):
    emu = harness.emu
    supervisor = emu.user(4101, first_name="周主管")
    await harness.join(supervisor, "supervisor", region_code="3205")
    company_id = await harness.add_company(USCC, "太仓精工", "320585", facts={"is_sme": True})
    async with harness.db.sessions() as session:  # a name the registry would refuse, written before that rule
        company = await session.get(Company, company_id)
        company.name = "=HYPERLINK(\"x\") 太仓精工"
        session.add(company)
        await session.commit()
    await emu.send_text(supervisor, "/export 2026-W47")
    started = await emu.wait_message(supervisor.id, "正在生成 2026-W47 的名册")
    document = await emu.wait_message(supervisor.id, lambda m: m.document is not None, timeout=15)
    assert document.message_id > started.message_id
    assert document.document.file_name == "周报_2026-W47_320500.xlsx"
    assert "手机号已隐去中间四位" in document.caption
    book = load_workbook(io.BytesIO(document.document.data))
    assert book.sheetnames[:6] == ["汇总", "走访记录", "一企一策措施", "培训签到", "培训进度", "资格核查"]
    register = book["企业名册"]
    assert register["A3"].value == "=HYPERLINK(\"x\") 太仓精工" and register["A3"].data_type == "s"  # a title row, then headers
    assert register["B3"].value == USCC
    async with unit_of_work(harness.db) as s:
        entry = (await audit.recent(s, "export.roster"))[0]
    assert entry.telegram_id == supervisor.id and entry.detail["week"] == "2026-W47"


async def test_a_week_that_does_not_exist_is_named(harness):
    emu = harness.emu
    supervisor = emu.user(4102)
    await harness.join(supervisor, "supervisor", region_code="3205")
    reply = await harness.say(supervisor, "/export 2026-W54", "没有 2026-W54 这一周")
    assert "2026 年只有 53 周" in reply.text
    reply = await harness.say(supervisor, "/export <b>下周</b>", "不是周次")
    assert "&lt;b&gt;" not in reply.text and "<b>下周</b>" in reply.text  # escaped, shown as typed


async def test_a_specialist_may_not_export(harness):
    emu = harness.emu
    specialist = emu.user(4103)
    await harness.join(specialist, "specialist", region_code="320585")
    await harness.say(specialist, "/export", "没有使用这个功能的权限")
    assert not [m for m in emu.messages(specialist.id) if m.document]
