"""SIGTERM and SIGINT stop `ipbot run` gracefully, in polling and in webhook mode.

A deploy or Ctrl-C must not lose an update nor answer one twice: the bot stops taking
updates (polling: no further getUpdates; webhook: 503, so Telegram sends again), lets
the ones in hand finish within a bound, and exits 0. What was recorded but not finished
is handled at the next start. The bot runs as deployed, `ipbot run` in a child process
(forked from a server that imported the bot once: see tests/e2e/child_bot.py), against
the emulator in this one (loopback only); every wait is bounded.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
from pathlib import Path

import aiohttp
import pytest

from bot.runners import run_webhook
from tests.e2e.child_bot import ChildBot, start_bot
from tests.e2e.harness import TOKEN, assert_newcomers_joined, invited_world  # TOKEN: the emu fixture's token

SECRET = "s3cret-Token_1"
HEADER = "X-Telegram-Bot-Api-Secret-Token"
MEMBERS, STRANGERS, NEWCOMERS = 8, 8, 3


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(log: Path) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-40:])


async def _until(predicate, timeout: float, what: str, bot: ChildBot | None = None,
                 log: Path | None = None) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if bot is not None and bot.returncode is not None:
            raise AssertionError(f"the bot exited ({bot.returncode}) while waiting for {what}:\n{_tail(log)}")
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}" + (f":\n{_tail(log)}" if log else ""))
        await asyncio.sleep(0.01)


async def _stop(bot: ChildBot, signum: int, log: Path) -> None:
    bot.send_signal(signum)
    await _exited(bot, signum, log)


async def _exited(bot: ChildBot, signum: int, log: Path) -> None:
    """The bot was sent `signum`; it must exit 0 within a bound."""
    try:
        code = await asyncio.wait_for(bot.wait(), 25)
    except TimeoutError:
        raise AssertionError(f"the bot did not stop within 25 s of {signal.Signals(signum).name}:\n{_tail(log)}")
    assert code == 0, f"exit {code} after {signal.Signals(signum).name}:\n{_tail(log)}"


@pytest.mark.parametrize(("mode", "signum"), [("polling", signal.SIGTERM), ("polling", signal.SIGINT),
                                              ("webhook", signal.SIGTERM), ("webhook", signal.SIGINT)])
async def test_a_signal_mid_burst_stops_cleanly_and_no_update_is_lost_or_answered_twice(emu, tmp_path, mode, signum):
    url = f"sqlite+aiosqlite:///{tmp_path / 'stop.db'}"
    members = [emu.user(64000 + i, first_name=f"成员{i}") for i in range(MEMBERS)]
    strangers = [emu.user(65000 + i, first_name=f"访客{i}") for i in range(STRANGERS)]
    newcomers = [emu.user(66000 + i, first_name=f"新人{i}") for i in range(NEWCOMERS)]
    tokens = await invited_world(url, members, len(newcomers))

    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE": emu.url, "DATABASE_URL": url,
           "ADMIN_TELEGRAM_IDS": "", "IPBOT_JOBS": "false"}
    for name in ("REDIS_URL", "WEBHOOK_URL", "WEBHOOK_SECRET", "WEBHOOK_HOST", "WEBHOOK_PORT"):
        env.pop(name, None)
    if mode == "webhook":
        port = free_port()
        env.update(WEBHOOK_URL=f"http://127.0.0.1:{port}", WEBHOOK_SECRET=SECRET, WEBHOOK_PORT=str(port))
    ready_method = "deleteWebhook" if mode == "polling" else "setWebhook"  # the last call before serving
    log = tmp_path / "bot.log"
    sent: dict[int, int] = {}

    def replies(user_id: int) -> int:
        return len(emu.messages(user_id))

    def answered() -> int:
        return sum(min(n, replies(uid)) for uid, n in sent.items())

    async def say(user, text: str) -> None:
        await emu.send_text(user, text)
        sent[user.id] = sent.get(user.id, 0) + 1

    def readied() -> int:
        return sum(c.method == ready_method and c.status == 200 for c in emu.calls)

    processes: list[ChildBot] = []

    async def start() -> ChildBot:
        before = readied()
        processes.append(await start_bot(env, log))  # the child's log, read when a test fails
        await _until(lambda: readied() > before, 60, f"the bot to call {ready_method}", processes[-1], log)
        return processes[-1]

    try:
        bot = await start()
        for user, token in zip(newcomers, tokens):
            await say(user, f"/start {token}")
        for m in members:
            await say(m, "/help")
        for s in strangers:
            await say(s, "/start")
        await _until(lambda: answered() >= 1, 20, "a first answer", bot, log)
        bot.send_signal(signum)  # mid-burst: most of it is in hand or still on its way
        first_half = dict(sent)
        # More arrives once the bot no longer takes updates (polling: its loop ended;
        # webhook: calls are answered 503); that is for the next start to handle.
        stopped_taking = "polling stopped" if mode == "polling" else "stopping (updates in hand finish first)"
        await _until(lambda: stopped_taking in log.read_text(errors="replace"), 20, stopped_taking, bot, log)
        for m in members:
            await say(m, "/whoami")
        for s in strangers:
            await say(s, "/start")
        await _exited(bot, signum, log)
        assert all(replies(uid) <= n for uid, n in first_half.items()), "an update came in after the stop"

        bot = await start()  # what was left is handled now, and only that
        await _until(lambda: answered() == sum(sent.values()), 60, "every update to be answered", bot, log)
        await _stop(bot, signal.SIGTERM, log)  # after the exit no late repeat can arrive
    finally:
        for process in processes:
            if process.returncode is None:
                process.kill()
                await process.wait()

    repeated = {uid: replies(uid) - n for uid, n in sent.items() if replies(uid) != n}
    assert repeated == {}, f"updates answered more or less than once: {repeated}"
    await assert_newcomers_joined(emu, url, newcomers)


async def test_a_stopping_webhook_answers_503_and_finishes_the_update_in_hand(emu, settings):
    """While it stops, a webhook call is 503 (Telegram sends it again later); the update in hand
    (its reply held up by a slow Telegram) is still answered before the bot returns."""
    port = free_port()
    webhook = settings.model_copy(update={"webhook_url": f"http://127.0.0.1:{port}", "webhook_secret": SECRET})
    started, stop = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(run_webhook(webhook, "127.0.0.1", port, started, stop=stop))
    try:
        await asyncio.wait_for(started.wait(), 15)
        await _until(lambda: any(c.method == "setWebhook" and c.status == 200 for c in emu.calls), 15,
                     "the webhook to be set")
        user = emu.user(9501)
        emu.inject_fault("sendMessage", "timeout", delay=1.5)  # the reply hangs, the update stays in hand
        await emu.send_text(user, "/start")
        await _until(lambda: emu.pending_updates() == 0, 10, "the webhook call to be answered 200")
        stop.set()
        late = {"update_id": 10**6, "message": {"message_id": 99, "date": 1, "chat": {"id": 9502, "type": "private"},
                                                 "from": {"id": 9502, "is_bot": False, "first_name": "Late"},
                                                 "text": "/start"}}
        async with aiohttp.ClientSession() as http:
            async with http.post(f"http://127.0.0.1:{port}/telegram", json=late, headers={HEADER: SECRET}) as r:
                assert r.status == 503
        await asyncio.wait_for(task, 15)  # returns by itself: the stop is graceful
        assert "仅对受邀用户开放" in emu.messages(user.id)[-1].text
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert emu.rejected == []

