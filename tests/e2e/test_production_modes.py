"""Production shapes: dialog state in a real Redis, webhook mode with its secret checked, PostgreSQL."""

import asyncio
import socket
from datetime import datetime, timezone

import aiohttp
import pytest
from sqlmodel import select

from bot.runners import run_webhook
from storage.models import Company
from tests.databases import emptied_redis
from tests.e2e.harness import FrozenClock, inbox_counts

REDIS_URL = "redis://127.0.0.1:6379/15"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
async def redis_url():
    """A real Redis (database 15, emptied); skipped only when none answers on 127.0.0.1:6379."""
    async with emptied_redis(REDIS_URL) as url:
        yield url


async def test_a_dialog_survives_a_restart_when_state_is_in_redis(emu, settings, redis_url, harness_class):
    async with harness_class(emu, settings.model_copy(update={"redis_url": redis_url})) as harness:
        user = emu.user(5001)
        await harness.join(user, "specialist", region_code="320585")
        await harness.add_company("91320585MA1W8K7Q3G", "太仓精工机械有限公司", specialist=user)
        await harness.say(user, "/check", "请选择")
        await harness.restart()  # a new process: memory is gone, Redis is not
        await emu.press_button(user, "太仓精工")
        question = await emu.wait_message(user.id, "资格自查")
        assert "太仓精工机械有限公司" in question.text
    assert emu.rejected == []


async def test_webhook_mode_checks_the_secret(emu, settings):
    port = free_port()
    webhook = settings.model_copy(update={"webhook_url": f"http://127.0.0.1:{port}", "webhook_secret": "s3cret-Token_1"})
    started = asyncio.Event()
    task = asyncio.create_task(run_webhook(webhook, "127.0.0.1", port, started))
    try:
        await asyncio.wait_for(started.wait(), 10)
        user = emu.user(5002)
        async with aiohttp.ClientSession() as http:
            forged = await http.post(f"http://127.0.0.1:{port}/telegram", json={"update_id": 1},
                                     headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"})
            assert forged.status == 401
            not_an_update = await http.post(f"http://127.0.0.1:{port}/telegram", data=b"[1, 2]",
                                            headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-Token_1"})
            assert not_an_update.status == 400
        assert (await inbox_counts(webhook.database_url)) == {"pending": 0, "done": 0, "dead": 0}
        await emu.send_text(user, "/start")
        await emu.wait_message(user.id, "仅对受邀用户开放", timeout=10)
        # Answered 200 only once recorded: the update is in the inbox, handled.
        assert await inbox_counts(webhook.database_url, settled=True) == {"pending": 0, "done": 1, "dead": 0}
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert emu.rejected == []


async def test_the_bot_on_postgresql(emu, settings, pg_url, harness_class):
    """Invites, the exactly-once record, audit and a /check save, with PostgreSQL as the database."""
    # a date when 发明之星 is in force (the county plan), whatever day the suite runs
    in_force = FrozenClock(datetime(2023, 6, 30, 2, tzinfo=timezone.utc))
    async with harness_class(emu, settings.model_copy(update={"database_url": pg_url}), clock=in_force) as harness:
        user = emu.user(5003)
        await harness.join(user, "specialist", region_code="320585")
        await harness.add_company("91320585MA1W8K7Q3G", "太仓精工机械有限公司", specialist=user,
                                  facts={"invention_grants_this_year": 5})
        await harness.say(user, "/check", "请选择")
        await emu.press_button(user, "太仓精工")
        await emu.wait_message(user.id, "资格自查")
        await emu.press_button(user, "直接看结果")
        summary = await emu.wait_message(user.id, "资格自查结果")
        assert "✅" in summary.text
        await emu.press_button(user, "保存到企业档案")
        await emu.wait_message(user.id, "已保存")
        async with harness.db.sessions() as session:
            saved = (await session.exec(select(Company))).one()
        assert saved.facts["invention_grants_this_year"] == 5 and saved.updated_at.tzinfo is not None
    assert emu.rejected == []
