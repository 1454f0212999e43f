"""`ipbot export`, `ipbot digest --dry-run` and `ipbot digest-channel` as an operator uses them."""

from __future__ import annotations

import asyncio

from openpyxl import load_workbook

from bot.cli import main
from services.companies import add_company
from services.invites import create_invite, redeem
from services.session import Database, unit_of_work
from tests.digest.conftest import make_uscc


def seed(url: str) -> None:
    async def go() -> None:
        db = Database(url)
        await db.upgrade()
        async with unit_of_work(db) as s:
            await add_company(s, make_uscc(1), "太仓精工<b>机械</b>", "320585")
            await redeem(s, (await create_invite(s, "supervisor", region_code="3205")).token, 77, "周主管", None, "zh")
        await db.close()
    asyncio.run(go())


def test_export_writes_the_workbook_and_a_bad_week_is_named(tmp_path, monkeypatch, capsys):
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    seed(url)
    out = tmp_path / "周报_2026-W47.xlsx"
    assert main(["export", "--week", "2026-W47", "--out", str(out)]) == 0
    book = load_workbook(out)
    assert book["企业名册"]["A3"].value == "太仓精工<b>机械</b>"
    assert main(["export", "--week", "2026-W60", "--out", str(out)]) == 2
    assert "没有 2026-W60 这一周" in capsys.readouterr().err


def test_digest_dry_run_renders_without_sending(tmp_path, monkeypatch, capsys):
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    seed(url)
    assert main(["digest", "--week", "2026-W47", "--dry-run"]) == 0
    printed = capsys.readouterr().out
    assert "知识产权特派员工作周报 2026-W47" in printed and "将发送给：周主管" in printed
    assert main(["digest", "--week", "2026-W47", "--region", "3301", "--dry-run"]) == 2
    assert "没有主管负责地区 3301" in capsys.readouterr().err
    assert main(["digest-channel", "set", "--region", "3205", "--kind", "dingtalk", "--url",
                 "https://oapi.dingtalk.com/robot/send?access_token=abc", "--secret", "SECx"]) == 0
    assert main(["digest-channel", "list"]) == 0
    listed = capsys.readouterr().out
    assert "https://oapi.dingtalk.com/robot/send\tsigned" in listed and "abc" not in listed
    assert main(["digest-channel", "set", "--region", "3205", "--kind", "feishu", "--url", "ftp://x"]) == 2
    assert "不是可用的feishu机器人" in capsys.readouterr().err


def test_digest_dry_run_defaults_to_last_week_and_prints_plain_text(tmp_path, monkeypatch, capsys):
    """As the README shows it: no --week is last week; a terminal gets text, not Telegram's tags."""
    from services.sheets import previous_week, week_of
    from storage.types import utcnow
    from zoneinfo import ZoneInfo

    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    seed(url)
    assert main(["digest", "--dry-run", "--db", str(tmp_path / "cli.db")]) == 0
    printed = capsys.readouterr().out
    tz = ZoneInfo("Asia/Shanghai")
    last = previous_week(week_of(utcnow().astimezone(tz).date(), tz))
    assert f"知识产权特派员工作周报 {last.label}" in printed and "地区：江苏省苏州市（320500）" in printed
    assert "<b>" not in printed and "&lt;" not in printed and "&amp;" not in printed
