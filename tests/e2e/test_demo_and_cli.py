"""The newcomer's path: `ipbot demo` in a terminal, and `ipbot invite` on the server."""

import os
import subprocess
import sys
from pathlib import Path

from services.invites import Redeemed, redeem
from services.session import Database, unit_of_work

IPBOT = Path(sys.executable).with_name("ipbot")


def test_demo_chat_in_a_terminal(tmp_path):
    script = "\n".join([
        "/start", "/whoami", ":as stranger", "你好", ":as sme", "/check", "1", ":as supervisor", "/invite", "1",
        ":quit",
    ]) + "\n"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_", "REDIS_"))}
    result = subprocess.run([str(IPBOT), "run"], input=script, cwd=tmp_path, env=env, capture_output=True,
                            text=True, timeout=120)
    out = result.stdout
    assert result.returncode == 0, result.stderr[-2000:]
    assert "starting the demo" in result.stderr
    assert "王特派（特派员）" in out                      # /start as the seeded specialist
    assert "仅对受邀用户开放" in out                       # the stranger is turned away
    assert "太仓精工机械有限公司" in out and "资格自查" in out  # the SME's own company
    assert "[1] 特派员" in out and "t.me/ipbot_demo_bot?start=" in out  # a button pressed by number
    assert (tmp_path / "var" / "demo.db").exists()


def test_invite_command_prints_a_working_link(tmp_path, capsys, monkeypatch):
    from bot.cli import main

    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert main(["invite", "--role", "specialist", "--region", "320585", "--expires", "2d"]) == 0
    link = capsys.readouterr().out.strip()
    assert link.startswith("https://t.me/ipbot_demo_bot?start=")
    assert main(["invite", "--role", "sme", "--company", "91320585MA1W8K7Q3G"]) == 2
    assert "unknown company" in capsys.readouterr().err
    assert main(["company", "add", "--uscc", "91320585MA1W8K7Q3G", "--name", "太仓精工"]) == 0
    assert main(["invite", "--role", "sme", "--company", "91320585MA1W8K7Q3G"]) == 0

    async def use(token):
        db = Database(url)
        async with unit_of_work(db) as session:
            result = await redeem(session, token, 99, "x", None, "zh")
        await db.close()
        return result

    import asyncio

    result = asyncio.run(use(link.split("start=")[1]))
    assert result.outcome == Redeemed.ok and result.actor.region_code == "320585"
