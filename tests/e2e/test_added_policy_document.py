"""A document and a pack added under IPBOT_POLICY_DIR, without code: an SME's question about it is
answered with its clause, the clause shows only its own programme, and /policies lists it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "policy-dir"
USCC = "91320585MA1W8K7Q3G"


@pytest.fixture
def policy_dir(tmp_path) -> Path:
    dest = tmp_path / "policy-dir"
    shutil.copytree(EXAMPLE, dest)
    return dest


async def test_an_added_document_answers_an_sme_with_its_clause_and_its_programme(emu, settings, harness_class,
                                                                                   policy_dir):
    async with harness_class(emu, settings.model_copy(update={"policy_dir": str(policy_dir)})) as harness:
        await harness.add_company(USCC, "太仓精工机械有限公司")
        owner = emu.user(3102, first_name="李总", language_code="zh-hans")
        await harness.join(owner, "sme", company_uscc=USCC)

        reply = await harness.say(owner, "马德里商标国际注册有资助吗？", "政策原文")
        assert "已在指定国家获得核准注册" in reply.text
        assert "演示市中小企业商标国际注册资助办法（示例文件，非真实政策） 二（一）" in reply.text
        programmes = [line for line in reply.text.splitlines() if line.startswith("📅")]
        assert len(programmes) == 1 and "商标国际注册资助（示例文件，仅供演示）" in programmes[0]
        assert "2026-01-01" in programmes[0] and "2030-12-31" in programmes[0]

        # a shipped clause no programme rests on shows none (it used to show the 高价值 deadline)
        zone = await harness.say(owner, "保护示范区什么时候截止申报", "2022 年 2 月 15 日")
        assert "📅" not in zone.text and "2022-01-30" not in zone.text

        listing = await harness.say(owner, "/policies", "政策项目一览")
        await harness.settled()
        text = "\n".join(m.text for m in emu.messages(owner.id)[-3:])
        assert "商标国际注册资助（示例文件，仅供演示）" in listing.text
        assert "📄 《演示市中小企业商标国际注册资助办法（示例文件，非真实政策）》（本地新增）" in text
        assert "📄 苏知发〔2018〕86号《江苏省中小企业知识产权战略推进工程实施方案（2018-2020年）》，2018-05-30 印发" in text
