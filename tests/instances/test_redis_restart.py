"""Redis restarted in the middle of a dialog: the user goes on where they were.

The shared Redis of the machine cannot be restarted by a test, so this one starts a Redis
of its own on a free loopback port (append-only file on, as the README's production section
asks for dialog state), and stops and starts that one. The bot (in this process, polling)
keeps its dialog state and per-user queues there. A press made while Redis is down is not
recorded (the intake cannot queue it, bot/ordering.py), so Telegram keeps it; once Redis is
back it is recorded and handled, and the visit dialog goes on from the step it was at.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.e2e.harness import Harness, assert_nothing_refused, bot_settings
from tests.instances.cluster import free_port

pytestmark = pytest.mark.fault

USCC = "91320585MA1W8K7Q3G"


class PrivateRedis:
    """redis-server on 127.0.0.1:<port>, its data in `folder`, restartable, bounded waits."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.port = folder, free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    async def start(self) -> None:
        self.process = subprocess.Popen(
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "yes", "--appendfsync", "always", "--dir", str(self.folder), "--daemonize", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        await self._until(True)

    async def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: Redis finishes its append-only file and exits
            try:
                await asyncio.wait_for(asyncio.to_thread(self.process.wait), 10)
            except TimeoutError:
                self.process.kill()
                self.process.wait()

    async def _until(self, up: bool, timeout: float = 10.0) -> None:
        from redis.asyncio import Redis

        client = Redis.from_url(self.url, socket_connect_timeout=0.5)
        deadline = asyncio.get_running_loop().time() + timeout
        try:
            while True:
                try:
                    answered = await client.ping()
                except Exception:  # noqa: BLE001 - not up yet
                    answered = False
                if answered == up:
                    return
                assert asyncio.get_running_loop().time() < deadline, f"redis-server on {self.port} did not start"
                await asyncio.sleep(0.02)
        finally:
            await client.aclose()


@pytest.fixture
async def private_redis(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.skip("no redis-server binary on this machine to start a Redis of the test's own")
    redis = PrivateRedis(tmp_path)
    await redis.start()
    try:
        yield redis
    finally:
        await redis.stop()


async def test_a_dialog_goes_on_across_a_redis_restart_with_a_press_made_while_it_was_down(
        emu, tmp_path, private_redis):
    settings = (await bot_settings(emu, tmp_path)).model_copy(update={"redis_url": private_redis.url})
    async with Harness(emu, settings) as harness:
        assert type(harness.running.dp.storage).__name__ == "RedisStorage"
        assert harness.running.intake.order is not None
        specialist = emu.user(3201, first_name="王特派")
        await harness.join(specialist, "specialist", region_code="320585")
        await harness.add_company(USCC, "太仓精工机械有限公司", specialist=specialist)
        await harness.say(specialist, "/visit", "走访哪家企业")
        await emu.press_button(specialist, "太仓精工")
        await emu.wait_message(specialist.id, "走访方式")
        await emu.press_button(specialist, "电话")
        await emu.wait_message(specialist.id, "谈到了哪些内容")

        await private_redis.stop()
        await emu.press_button(specialist, "贯标")  # made while Redis is down
        with pytest.raises(TimeoutError):
            await emu.wait_message(specialist.id, timeout=1.0)  # not handled: it could not be recorded
        assert emu.pending_updates() == 1  # Telegram still holds it
        await private_redis.start()

        await emu.wait_message(specialist.id, timeout=15)  # the press, handled once Redis is back
        await harness.say(specialist, "Redis 重启后继续记录", "发送照片")
        await emu.press_button(specialist, "下一步")
        await emu.wait_message(specialist.id, "一企一策措施")
        await emu.press_button(specialist, "完成")
        summary = await emu.wait_message(specialist.id, "走访记录")
        await harness.settled()
    assert "Redis 重启后继续记录" in summary.text and "贯标" in summary.text and "电话" in summary.text
    assert_nothing_refused(emu)
