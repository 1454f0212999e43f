"""/healthz, /readyz and /metrics (bot/health.py): on HEALTH_PORT in polling mode, on the
webhook listener in webhook mode; /readyz is 503 naming what fails."""

from __future__ import annotations

import asyncio
from uuid import uuid4

import aiohttp
import orjson
import pytest
from sqlalchemy import text

from bot.app import create_dispatcher
from bot.health import Health, health_server
from bot.runners import run_webhook
from services.session import Database
from tests.e2e.harness import Harness
from tests.production.kit import free_port, get, scrape, value

REDIS_URL = "redis://127.0.0.1:6379/0"
SECRET = "health-test-secret"


async def ready(url: str) -> tuple[int, dict]:
    status, body = await get(url)
    return status, orjson.loads(body)


async def test_polling_mode_serves_health_on_its_own_port(emu, settings):
    port = free_port()
    async with Harness(emu, settings.model_copy(update={"health_port": port})) as h:
        base = f"http://127.0.0.1:{port}"
        assert await get(f"{base}/healthz") == (200, '{"alive":true}')
        status, report = await ready(f"{base}/readyz")
        assert status == 200, report
        assert report == {"ready": True, "failing": [], "database": "ok", "redis": "not configured",
                          "migrations": "ok", "leader": None}  # IPBOT_JOBS off in the tests: no scheduler
        # A revision this code does not know: another instance ran newer code's migrations.
        async with h.db.engine.begin() as connection:
            await connection.execute(text("UPDATE alembic_version SET version_num = 'an_old_one'"))
        status, report = await ready(f"{base}/readyz")
        assert status == 503 and report["ready"] is False
        assert report["failing"] == ["migrations"] and report["database"] == "ok"
        assert "an_old_one" in report["migrations"] and "newer than this code" in report["migrations"]
        # Behind this code (as after deploying new code without `ipbot db upgrade`).
        async with h.db.engine.begin() as connection:
            await connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))
        status, report = await ready(f"{base}/readyz")
        assert status == 503 and report["failing"] == ["migrations"]
        assert "at 0001" in report["migrations"] and "run `ipbot db upgrade`" in report["migrations"]
    with pytest.raises(aiohttp.ClientConnectionError):  # closed with the bot
        await get(f"{base}/healthz")


async def test_an_unreachable_database_is_named_without_its_password(settings):
    """PostgreSQL that does not answer (nothing listens on port 1): database and migrations fail."""
    url = "postgresql+asyncpg://ipbot:db-pass-778@127.0.0.1:1/ipbot"
    db = Database(url)
    port = free_port()
    try:
        dp = create_dispatcher(settings.model_copy(update={"database_url": url}), db)
        async with health_server(Health(dp, db), "127.0.0.1", port):
            status, report = await ready(f"http://127.0.0.1:{port}/readyz")
            assert await get(f"http://127.0.0.1:{port}/healthz") == (200, '{"alive":true}')
    finally:
        await db.close()
    assert status == 503
    assert report["failing"] == ["database", "migrations"]
    assert "Connect" in report["database"] or "refused" in report["database"].lower()
    assert "db-pass-778" not in orjson.dumps(report).decode()


async def test_redis_is_checked_when_configured(settings):
    from redis.asyncio import Redis
    from redis.exceptions import RedisError

    probe = Redis.from_url(REDIS_URL, socket_timeout=2)
    try:
        await probe.ping()
    except (RedisError, OSError) as exc:
        pytest.skip(f"no Redis reachable at {REDIS_URL}: {exc}")
    finally:
        await probe.aclose()
    db = Database(settings.database_url)
    try:
        up = create_dispatcher(settings.model_copy(update={"redis_url": REDIS_URL}), db)
        down = create_dispatcher(settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"}), db)
        try:
            report_up = await Health(up, db).report()
            report_down = await Health(down, db).report()
            # The dialog state is counted in Redis too: one dialog of a chat no other test uses.
            from aiogram.fsm.storage.base import StorageKey

            key = StorageKey(bot_id=1, chat_id=-int(uuid4().int % 10**12), user_id=1, destiny="default")
            await up.storage.set_data(key, {"visit": 1})
            health = Health(up, db)
            await health.refresh()
            await up.storage.set_data(key, {})
        finally:
            await up.storage.close()
            await down.storage.close()
    finally:
        await db.close()
    assert report_up["ready"] and report_up["redis"] == "ok"
    assert not report_down["ready"] and report_down["failing"] == ["redis"]
    assert "Connect" in report_down["redis"] or "refused" in report_down["redis"].lower()
    assert health.metrics.registry.get_sample_value("ipbot_dialog_states") >= 1
    assert health.metrics.registry.get_sample_value("ipbot_dialog_state_bytes") >= len('{"visit": 1}')


async def test_a_stopping_instance_is_not_ready(settings):
    db = Database(settings.database_url)
    stop = asyncio.Event()
    try:
        health = Health(create_dispatcher(settings, db), db, stop)
        assert (await health.report())["ready"]
        stop.set()
        report = await health.report()
    finally:
        await db.close()
    assert not report["ready"] and report["failing"] == ["stopping"]


async def test_webhook_mode_serves_them_beside_telegram_and_says_who_leads(emu, settings):
    """With the scheduler on (SQLite: this one process leads), /readyz and /metrics say so."""
    port = free_port()
    hooked = settings.model_copy(update={"webhook_url": f"http://127.0.0.1:{port}", "webhook_secret": SECRET,
                                         "jobs_enabled": True})
    started = asyncio.Event()
    task = asyncio.create_task(run_webhook(hooked, "127.0.0.1", port, started))
    try:
        await asyncio.wait_for(started.wait(), 10)
        base = f"http://127.0.0.1:{port}"
        assert await get(f"{base}/healthz") == (200, '{"alive":true}')
        status, report = await ready(f"{base}/readyz")
        assert status == 200 and report["leader"] is True, report
        user = emu.user(9501)
        await emu.send_text(user, "/start")  # delivered to /telegram by the emulator's webhook
        await emu.wait_message(user.id, "仅对受邀用户开放", timeout=5)
        samples = await scrape(f"{base}/metrics")
        assert value(samples, "ipbot_scheduler_leader") == 1
        assert value(samples, "ipbot_updates_received_total") == 1
        assert value(samples, "ipbot_messages_sent_total", method="sendMessage") == 1
        async with aiohttp.ClientSession() as http, http.post(f"{base}/telegram", data=b"{}") as r:
            assert r.status == 401  # the door still wants Telegram's secret
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
