"""No update is lost when the bot process is killed right after it fetched a batch.

The bot runs as deployed (`ipbot run`, long polling, SQLite) in a child process against
the emulator in this one (forked from a server that imported the bot once: see
tests/e2e/child_bot.py). Ten waves of 25 updates; a few milliseconds after the bot
fetched each wave it gets SIGKILL and is started again. Bounded: ten kills, each wait
capped, the whole test well under a minute.
"""

from __future__ import annotations

import asyncio
import os
import signal


from tests.e2e.child_bot import start_bot
from tests.e2e.harness import TOKEN, assert_newcomers_joined, invited_world  # TOKEN: the emu fixture's token


WAVES, PER_WAVE, INVITED = 10, 25, 12


async def _until(predicate, timeout: float, what: str) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.002)


async def test_ten_kills_lose_no_update_and_no_invite(emu, tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'kill.db'}"
    members = [emu.user(61000 + i, first_name=f"成员{i}") for i in range(INVITED)]
    newcomers = [emu.user(62000 + i, first_name=f"新人{i}") for i in range(WAVES)]
    strangers = [emu.user(63000 + i, first_name=f"访客{i}") for i in range(PER_WAVE - INVITED - 1)]
    tokens = await invited_world(url, members, len(newcomers))

    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE": emu.url, "DATABASE_URL": url,
           "ADMIN_TELEGRAM_IDS": "", "IPBOT_JOBS": "false"}
    queue = emu.bot_state(TOKEN).queue
    sent: dict[int, int] = {}
    try:
        for wave in range(WAVES):
            polls_before = queue.poll_generation  # counts getUpdates calls as they come in, not as they end
            bot = await start_bot(env, tmp_path / "bot.log")  # the child's log, read when this test fails
            await _until(lambda: queue.poll_generation > polls_before, 30, "the bot to poll")
            await emu.send_text(newcomers[wave], f"/start {tokens[wave]}")
            for m in members:
                await emu.send_text(m, "/help")
            for s in strangers:
                await emu.send_text(s, "/start")
            for user in (newcomers[wave], *members, *strangers):
                sent[user.id] = sent.get(user.id, 0) + 1
            await _until(lambda: queue.handed_out() >= 1, 15, "the bot to fetch the wave")
            await asyncio.sleep(0.003)
            bot.send_signal(signal.SIGKILL)
            await bot.wait()
        bot = await start_bot(env, tmp_path / "bot.log")

        def replies(user_id: int) -> int:
            return len(emu.messages(user_id))

        def missing() -> int:
            return sum(max(0, n - replies(uid)) for uid, n in sent.items())

        try:  # the last start resumes ten waves' leftovers on a loaded machine: give it time, bounded
            await _until(lambda: missing() == 0, 120, "every update to be answered")
        except AssertionError:
            log = (tmp_path / "bot.log").read_text(errors="replace")
            raise AssertionError(f"{missing()} of {sum(sent.values())} updates unanswered; bot log tail:\n"
                                 + "\n".join(l for l in log.splitlines() if "ERROR" in l or "Traceback" in l)[-3000:])
        bot.send_signal(signal.SIGTERM)  # a graceful stop finishes what is in hand: a late repeat
        assert await asyncio.wait_for(bot.wait(), 15) == 0  # would be sent before the bot exits
    finally:
        if bot.returncode is None:
            bot.kill()
            await bot.wait()

    lost = sum(max(0, n - replies(uid)) for uid, n in sent.items())
    repeated = sum(max(0, replies(uid) - n) for uid, n in sent.items())
    print(f"\n{WAVES} kills, {sum(sent.values())} updates: lost {lost}, repeated replies {repeated}")
    assert lost == 0
    assert repeated <= WAVES, f"{repeated} repeated replies for {WAVES} kills"
    await assert_newcomers_joined(emu, url, newcomers)
