"""Telegram away, or refusing a call that is not essential, is waited out; start-up goes on.

Start-up calls Telegram for the command menu (setMyCommands), the bot's name (getMe) and
the webhook (deleteWebhook, setWebhook). None of them may stop the bot: it warns, tries
again in the background and serves meanwhile. A /start whose per-chat menu fails still
gets its welcome, and the invite it redeemed stays redeemed.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from contextlib import asynccontextmanager

from sqlalchemy import select

from bot.runners import run_webhook
from emulator import Emulator
from services import inbox
from services.users import load_actor
from storage.models import InboxEntry

TOKEN = "424242:TEST-token-for-the-emulator-only"
USERNAME = "ipbot_test_bot"
SECRET = "s3cret-Token_1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def _until(predicate, timeout: float, what: str, note=lambda: "") -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}{note()}")
        await asyncio.sleep(0.02)


@asynccontextmanager
async def _emulator_on(port: int):
    """Telegram coming back: the emulator on the address the bot was given."""
    emu = Emulator(TOKEN, username=USERNAME)
    await emu.start(port=port)
    try:
        yield emu
    finally:
        await emu.stop()


async def test_ipbot_run_waits_for_telegram_to_come_up_and_then_answers(tmp_path):
    """`ipbot run` (long polling) with nothing listening at the Bot API address: it keeps
    running, warns without the token, and answers once the API is there; SIGTERM, exit 0."""
    port = free_port()
    log = tmp_path / "bot.log"
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE": f"http://127.0.0.1:{port}",
           "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'away.db'}", "ADMIN_TELEGRAM_IDS": "",
           "IPBOT_JOBS": "false"}
    for name in ("REDIS_URL", "WEBHOOK_URL", "WEBHOOK_SECRET", "WEBHOOK_HOST", "WEBHOOK_PORT"):
        env.pop(name, None)
    with log.open("ab") as sink:
        bot = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", "run", env=env,
                                                   stdout=asyncio.subprocess.DEVNULL, stderr=sink)
    text = lambda: log.read_text(errors="replace")  # noqa: E731
    try:
        # Telegram unreachable: the bot says so and stays up (it used to exit 1 here).
        await _until(lambda: "polling: TelegramNetworkError" in text() or bot.returncode is not None, 60,
                     "the bot to report Telegram unreachable", lambda: f":\n{text()[-3000:]}")
        assert bot.returncode is None, f"the bot exited {bot.returncode}:\n{text()[-3000:]}"
        async with _emulator_on(port) as emu:
            user = emu.user(9601)
            await emu.send_text(user, "/start")
            await emu.wait_message(user.id, "仅对受邀用户开放", timeout=30)
            # The menu the start-up could not set is set once Telegram is back.
            await _until(lambda: emu.commands(scope="all_private_chats") != [], 30, "the default menu")
            bot.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(bot.wait(), 25) == 0
            assert emu.rejected == []
    finally:
        if bot.returncode is None:
            bot.kill()
            await bot.wait()
    assert TOKEN.split(":")[1] not in text(), "the token must never be logged"
    assert "WARNING" in text()


async def test_webhook_mode_listens_while_telegram_is_away_and_sets_the_webhook_later(settings, tmp_path):
    api_port, port = free_port(), free_port()
    away = settings.model_copy(update={"telegram_api_base": f"http://127.0.0.1:{api_port}",
                                       "webhook_url": f"http://127.0.0.1:{port}", "webhook_secret": SECRET})
    started = asyncio.Event()
    task = asyncio.create_task(run_webhook(away, "127.0.0.1", port, started))
    try:
        await asyncio.wait_for(asyncio.shield(started.wait()), 15)
        assert not task.done()
        async with _emulator_on(api_port) as emu:
            await _until(lambda: emu.bot_state().webhook is not None, 30, "setWebhook to be retried")
            user = emu.user(9602)
            await emu.send_text(user, "/start")
            await emu.wait_message(user.id, "仅对受邀用户开放", timeout=15)
            assert emu.rejected == []
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_the_bot_starts_and_answers_while_setmycommands_fails(emu, settings, harness_class):
    emu.inject_fault("setMyCommands", "500", count=1000)
    async with harness_class(emu, settings) as harness:
        user = emu.user(9603)
        await harness.say(user, "/start", "仅对受邀用户开放", timeout=10)
        assert emu.commands(scope="all_private_chats") == []  # still refused
        emu.clear_faults()
        await _until(lambda: emu.commands(scope="all_private_chats") != [], 30, "the menu to be set once allowed")
    assert emu.rejected == []


async def test_a_start_whose_menu_call_fails_still_welcomes_and_redeems(harness):
    emu = harness.emu
    await _until(lambda: emu.commands(scope="all_private_chats") != [], 15, "the default menu at start")
    user = emu.user(9604, first_name="李特派")
    token = await harness.invite("specialist", region_code="320585")
    # A 429 asking for a minute: the bot's retry gives up at once, the call fails.
    emu.inject_fault("setMyCommands", "429", retry_after=60)
    await emu.send_text(user, f"/start {token}")
    await emu.wait_message(user.id, "欢迎", timeout=10)

    intake = harness.running.intake
    await _until(lambda: any(c.method == "setMyCommands" and c.fault == "429" for c in emu.calls)
                 and not intake.in_hand, 10, "the /start update to finish after its menu call failed")
    async with harness.db.engine.connect() as connection:
        state = (await connection.execute(select(InboxEntry.__table__.c.state).order_by(
            InboxEntry.__table__.c.id.desc()).limit(1))).scalar()
    assert state == "done"  # not parked as a failure
    assert [m.text for m in emu.messages(user.id) if "出错" in (m.text or "")] == []
    async with harness.db.sessions() as session:
        actor = await load_actor(session, user.id)
    assert actor is not None and actor.role.value == "specialist"
    assert (await inbox.counts(harness.db))["dead"] == 0
