"""The newcomer's path: `ipbot demo` in a terminal, and `ipbot invite` on the server."""

import codecs
import json
import os
import pty
import re
import select
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from aiogram.types import BufferedInputFile

from bot.demo import Terminal, _reserve_message_ids
from services.demo_seed import newest_update_id, seed_demo
from services.invites import Redeemed, redeem
from services.session import Database, unit_of_work
from services import inbox
from tests.cli_child import run_ipbot

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
    log = (tmp_path / "var" / "demo.log").read_text(encoding="utf-8")
    assert "Run polling for bot @ipbot_demo_bot" in log         # library logs go to the file...
    assert "polling" not in out and len(result.stderr.strip().splitlines()) == 1  # ...not into the chat


def _demo(cwd: Path, lines: list[str], *args: str) -> str:
    """One `ipbot demo` run in `cwd` (its var/demo.db), typing `lines`; its terminal output. The
    command runs in a process of its own forked from a server that imported the bot once
    (tests/cli_child.py); the tests above and below start the installed script itself."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_", "REDIS_"))}
    result = run_ipbot(["demo", *args], input="\n".join([*lines, ":quit"]) + "\n", cwd=cwd, env=env, timeout=150)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_the_demo_restarted_on_its_database_answers_every_message(tmp_path):
    """Run 1 records update and message ids (8 forwarded questions); run 2 must reuse none."""
    questions = [f"第{n}个问题：我们公司明年想在德国申请专利，费用怎么算？" for n in range(1, 9)]
    first = _demo(tmp_path, [":as sme", *questions], "--fresh", "--db", "kept/demo.db")  # --db: where it keeps it
    assert first.count("已转给您的特派员") == 8 and "新建，已填入演示数据" in first
    assert (tmp_path / "kept/demo.db").exists() and not (tmp_path / "var/demo.db").exists()

    second = _demo(tmp_path, ["/whoami"] * 20 + [  # ids 1..20 again: more than run 1 used
        ":as sme", "第二次运行的问题：德国专利的年费多少？", ":as specialist", ":reply 每年约 100 欧元起。", ":as sme",
    ], "--db", "kept/demo.db")
    assert "沿用上次的数据" in second and "新建" not in second
    assert second.count("我的身份") == 20                       # 20 of 20 answered
    assert "已把您的答复转给太仓精工机械有限公司" in second and "每年约 100 欧元起。" in second
    assert "出错了" not in first + second


async def test_newest_update_id_is_what_the_database_recorded(db):
    async with unit_of_work(db) as session:
        assert await newest_update_id(session) == 0
    await inbox.record(db, [(n, f'{{"update_id": {n}}}') for n in (7, 3_000_000_000, 12)])
    async with unit_of_work(db) as session:
        assert await newest_update_id(session) == 3_000_000_000


def test_message_ids_are_reserved_before_a_run(tmp_path):
    ids = tmp_path / "var" / "ids"
    assert _reserve_message_ids(ids, block=1000) == 1
    assert _reserve_message_ids(ids, block=1000) == 1001  # even if the first run was killed
    ids.write_text("garbage")
    assert _reserve_message_ids(ids, block=1000) == 1


class _Pty:
    """`ipbot demo` at a (pseudo) terminal, as a person starts it."""

    def __init__(self, cwd: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_", "REDIS_"))}
        self.fd, child = pty.openpty()
        self.proc = subprocess.Popen([str(IPBOT), "demo", "--fresh"], cwd=cwd, env={**env, "TERM": "dumb"},
                                     stdin=child, stdout=child, stderr=child, close_fds=True)
        os.close(child)
        self.out = ""
        self._decode = codecs.getincrementaldecoder("utf-8")("replace").decode  # reads split characters

    def expect(self, text: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.out:
            left = deadline - time.monotonic()
            assert left > 0, f"{text!r} not shown within {timeout}s; the screen: {self.out[-1500:]}"
            if select.select([self.fd], [], [], min(left, 0.5))[0]:
                self.out += self._decode(os.read(self.fd, 65536))

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        os.close(self.fd)


def test_at_a_keyboard_messages_show_as_they_come_and_ctrl_c_quits(tmp_path):
    demo = _Pty(tmp_path)
    try:
        demo.expect("specialist> ", timeout=120)
        url = re.search(r"demo emulator on (\S+)", (tmp_path / "var" / "demo.log").read_text()).group(1)
        # The SME writes from their own phone while the specialist's terminal waits for a line.
        request = urllib.request.Request(f"{url}/_emu/send_text", method="POST",
                                         data=json.dumps({"user": 1002, "text": "/whoami"}).encode())
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
        demo.expect("sme 李总 有 1 条新消息", timeout=15)          # shown without typing anything
        demo.proc.send_signal(signal.SIGINT)                      # Ctrl-C
        demo.expect("再见 bye", timeout=15)
        assert demo.proc.wait(30) == 0
    finally:
        demo.close()


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


# --------------------------------------------------------------------------- the terminal, in process


@pytest.fixture
async def terminal(harness):
    """The demo's terminal on the e2e harness's bot, with the demo people and companies."""
    async with unit_of_work(harness.db) as session:
        await seed_demo(session)
    return Terminal(harness.emu)


async def _type(terminal: Terminal, capsys, *lines: str) -> str:
    """Type lines as the person at the keyboard; return what the terminal printed."""
    for line in lines:
        assert await terminal.step(line), f"the session ended at {line!r}"
    return capsys.readouterr().out


async def test_a_button_of_a_keyboard_that_is_gone_is_refused_and_the_session_goes_on(terminal, harness, capsys):
    out = await _type(terminal, capsys, "/check", "1")
    assert "[5] 取消" in out
    [*_, (message_id, _text, cancel)] = terminal.buttons
    # The keyboard goes away before the terminal has shown the edit (the bot was faster).
    await harness.emu.press(terminal.user, message_id, cancel)
    await harness.emu.wait_message(terminal.user.id, lambda r: r.message_id == message_id and not r.inline_keyboard)
    out = await _type(terminal, capsys, "1")
    assert "按钮 [1] 是 已不在了" in out
    out = await _type(terminal, capsys, "1", "/whoami")
    assert "现在没有可按的按钮" in out and ":text 1" in out  # a bare number never goes out as text
    assert "姓名：王特派" in out                             # and the session goes on


async def test_an_edit_that_removes_the_buttons_is_shown(terminal, capsys):
    out = await _type(terminal, capsys, "/check", "1", "5")
    # The company picked: the message is edited into the first question. Cancelled: only its buttons go.
    assert out.count("（已修改 edited）") == 1 and out.count("是否") == 1
    assert out.rstrip().endswith("的按钮已移除 removed）") and terminal.buttons == []


async def test_what_the_emulator_refuses_is_one_line_not_a_crash(terminal, capsys):
    await _type(terminal, capsys, "/check")
    terminal.buttons[0] = (999, "旧按钮", "x")  # a message the chat never had
    out = await _type(terminal, capsys, "1")
    assert "模拟器拒绝了这个操作" in out and "#999" in out
    assert "姓名：王特派" in await _type(terminal, capsys, "/whoami")


async def test_a_defect_of_the_demo_is_logged_and_the_session_goes_on(terminal, capsys, monkeypatch, caplog):
    async def broken(*_args, **_kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(terminal.emu, "send_text", broken)
    assert "演示程序出错" in await _type(terminal, capsys, "/whoami")
    assert "disk on fire" in caplog.text
    monkeypatch.undo()
    assert "姓名：王特派" in await _type(terminal, capsys, "/whoami")


async def test_a_specialist_answers_a_forwarded_question_with_reply(terminal, harness, capsys):
    question = "我们公司明年想在德国申请专利，费用怎么算？"
    out = await _type(terminal, capsys, ":reply 太早了", ":as sme", question)
    assert "机器人还没有发来消息" in out                       # nothing to reply to yet, nothing sent
    assert "已转给您的特派员" in out and ":as specialist 查看" in out
    out = await _type(terminal, capsys, ":as specialist")
    assert question in out and "直接回复（引用）这条消息" in out
    out = await _type(terminal, capsys, ":reply 约 800 欧元起。")
    assert "↩ 回复 replying to: ❓ 企业提问" in out and "已把您的答复转给太仓精工机械有限公司" in out
    out = await _type(terminal, capsys, ":as sme")
    assert "您的特派员答复" in out and "约 800 欧元起。" in out and question in out
    [replied] = [m for m in harness.emu.messages(1001, include_user=True) if m.reply_to_message_id]
    assert replied.text == "约 800 欧元起。"


async def test_a_number_goes_out_as_text_with_a_quote_or_text(terminal, harness, capsys):
    out = await _type(terminal, capsys, ":as sme", "/check")
    for _ in range(12):  # skip questions until one asks for a count or an amount
        if "请点数字，或直接发送数字" in out:
            break
        # skip a question; on the results, ask on about the ended programmes too
        press = next((n for n, (_id, text, _data) in enumerate(terminal.buttons, 1) if "跳过" in text), None)
        press = press or next(n for n, (_id, text, _data) in enumerate(terminal.buttons, 1)
                              if "继续补充信息" in text)
        out = await _type(terminal, capsys, str(press))
    else:
        pytest.fail(f"/check never asked for a number: {out}")
    assert "'12 或 :text 12" in out  # number-labelled buttons come with the hint
    answered = _answered(out)
    pressed = len(harness.emu.callbacks())
    out = await _type(terminal, capsys, "12")
    assert "没有按钮 12" in out and len(harness.emu.callbacks()) == pressed  # nothing was pressed or sent
    out = await _type(terminal, capsys, "'12")
    # 12 reached the bot as text: taken, or refused by name where the company's card rules it out
    assert _answered(out) == answered + 1 or "（12）不能多于" in out
    out = await _type(terminal, capsys, ":text 3")
    assert "🤖" in out and len(harness.emu.callbacks()) == pressed  # answered as a text, not a press
    out = await _type(terminal, capsys, "‘7", "：who")         # as a Chinese input method types them
    assert "你现在是 李总（企业用户 sme）" in out
    texts = [m.text for m in harness.emu.messages(1002, include_user=True) if not m.from_bot]
    assert texts[-3:] == ["12", "3", "7"]                     # the quote is not sent


def _answered(out: str) -> int:
    """The count in the newest "已答 N 项" the terminal printed."""
    return int(re.findall(r"已答 (\d+) 项", out)[-1])


async def test_a_stranger_joins_by_pasting_the_invite_link(terminal, capsys):
    out = await _type(terminal, capsys, ":as supervisor", "/invite", "1")
    [link] = re.findall(r"https://t\.me/\S+", out)
    out = await _type(terminal, capsys, ":as stranger", "/whoami", link)
    assert "仅对受邀用户开放" in out and "打开链接 = 发送 /start" in out
    assert "姓名：陌生人" in await _type(terminal, capsys, "/whoami")


async def test_files_from_the_bot_are_saved_where_the_person_can_open_them(terminal, harness, capsys,
                                                                           tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    bot = harness.running.bot
    await bot.send_document(1001, BufferedInputFile(b"PK-roster", "名册.xlsx"), caption="本周名册")
    await bot.send_photo(1001, BufferedInputFile(b"\xff\xd8chart", "chart.jpg"))
    await harness.emu.wait_message(1001, lambda r: r.photo is not None)
    assert await terminal.show_new() == 2
    out = capsys.readouterr().out
    assert "本周名册\n📎 var/demo-downloads/名册.xlsx" in out
    assert (tmp_path / "var/demo-downloads/名册.xlsx").read_bytes() == b"PK-roster"
    [photo] = [p for p in (tmp_path / "var/demo-downloads").iterdir() if p.suffix == ".jpg"]
    assert photo.read_bytes() == b"\xff\xd8chart" and f"📎 var/demo-downloads/{photo.name}" in out
