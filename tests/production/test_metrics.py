"""Prometheus metrics (bot/metrics.py), scraped from /metrics of a real bot against the emulator.

Each test makes something happen (a message, a 429, a poisoned row, a failing handler, a
job run, a broadcast's retry) and reads the count back from what Prometheus would read.
"""

from __future__ import annotations

from datetime import timedelta
from unittest.mock import patch

from aiogram import Router
from aiogram.exceptions import TelegramRetryAfter
from aiogram.filters import Command
from aiogram.fsm.storage.base import StorageKey
from aiogram.types import Message
from prometheus_client.parser import text_string_to_metric_families

from bot import runners
from bot.app import create_bot, create_dispatcher
from bot.features import FEATURES, Feature
from bot.health import Health
from bot.metrics import Metrics
from jobs.runner import JobRunner
from jobs.spec import JobSpec
from services import inbox
from services.broadcast import Limits, Outgoing, RetryLater, attempt, broadcast
from services.session import Database
from emulator import Emulator
from tests.e2e.harness import ADMIN_ID, BOT_USERNAME, TOKEN, FrozenClock, Harness, bot_settings
from tests.production.kit import free_port, sample, scrape, value

STRANGER_REPLY = "仅对受邀用户开放"


def with_health(settings):
    port = free_port()
    return settings.model_copy(update={"health_port": port}), f"http://127.0.0.1:{port}/metrics"


async def test_updates_messages_429s_and_retries_are_counted(emu, settings):
    settings, url = with_health(settings)
    async with Harness(emu, settings) as h:
        first = emu.user(9701)
        await h.say(first, "/start", STRANGER_REPLY)
        await h.settled()
        before = await scrape(url)
        assert value(before, "ipbot_updates_received_total") == 1
        assert value(before, "ipbot_updates_handled_total", outcome="ok") == 1
        assert value(before, "ipbot_update_handling_seconds_count") == 1
        assert value(before, "ipbot_messages_sent_total", method="sendMessage") == 1
        assert value(before, "ipbot_telegram_requests_total", method="getUpdates", outcome="ok") >= 1
        assert value(before, "ipbot_inbox_updates", state="done") == 1
        assert value(before, "ipbot_telegram_429_total") == 0

        emu.inject_fault("sendMessage", "429", retry_after=1)  # the reply waits 1 s and is sent again
        second = emu.user(9702)
        await h.say(second, "/start", STRANGER_REPLY)
        await h.settled()
        after = await scrape(url)
    assert value(after, "ipbot_updates_received_total") == 2
    assert value(after, "ipbot_telegram_429_total") == 1
    assert value(after, "ipbot_telegram_requests_total", method="sendMessage", outcome="429") == 1
    assert value(after, "ipbot_telegram_retries_total", by="session") == 1
    assert value(after, "ipbot_messages_sent_total", method="sendMessage") == 2
    assert value(after, "ipbot_updates_handled_total", outcome="failed") == 0


def _boom() -> Router:
    router = Router(name="boom")

    @router.message(Command("boom"))
    async def boom(_message: Message) -> None:
        raise RuntimeError("the handler broke")

    return router


async def test_a_failing_handler_and_an_unreadable_row_are_errors_and_parked(emu, settings):
    settings, url = with_health(settings)

    def dispatcher(settings, db, bot=None, **kwargs):
        return create_dispatcher(settings, db, bot, features=(Feature("boom", _boom, None), *FEATURES), **kwargs)

    with patch.object(runners, "create_dispatcher", dispatcher):
        async with Harness(emu, settings) as h:
            admin = emu.user(ADMIN_ID)
            await h.say(admin, "/boom", "出错了")
            await inbox.record(h.db, [(990001, '{"update_id": 990001, "message": ')])  # not JSON
            await h.running.intake.resume()
            await h.settled()
            samples = await scrape(url)
    assert value(samples, "ipbot_updates_handled_total", outcome="failed") == 1
    assert value(samples, "ipbot_errors_total", where="update") == 1
    assert value(samples, "ipbot_updates_parked_total", reason="failed") == 1
    assert value(samples, "ipbot_updates_parked_total", reason="unreadable") == 1
    assert value(samples, "ipbot_inbox_updates", state="dead") == 2


async def test_job_runs_are_counted_by_job_and_outcome(settings):
    db = Database(settings.database_url)
    metrics = Metrics()
    clock = FrozenClock()

    async def fine(_ctx, _due):
        return None

    async def broken(_ctx, _due):
        raise RuntimeError("the job broke")

    every_minute = {"minute": "*"}
    jobs = [JobSpec("fine", fine, cron=every_minute, grace=timedelta(minutes=5)),
            JobSpec("broken", broken, cron=every_minute, grace=timedelta(minutes=5))]
    try:
        from bot.app import build_context

        ctx = build_context(settings, db, clock=clock)
        async with JobRunner(ctx, jobs, poll_interval=60, on_run=metrics.job_ran) as runner:
            await runner.wait_idle()  # taking the lead makes up this minute's runs
    finally:
        await db.close()
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value  # as Prometheus reads them
               for f in text_string_to_metric_families(metrics.exposition().decode()) for s in f.samples}
    assert value(samples, "ipbot_job_runs_total", job="fine", outcome="done") == 1
    assert value(samples, "ipbot_job_runs_total", job="broken", outcome="failed") == 1
    assert value(samples, "ipbot_job_runs_total", job="broken", outcome="done") == 0
    assert value(samples, "ipbot_errors_total", where="job") == 1
    assert value(samples, "ipbot_job_run_seconds_count", job="fine") == 1


async def test_a_broadcasts_retries_and_429s_are_counted(emu):
    """The digest's fan-out paces itself (services.broadcast): the session does not retry
    inside it, the broadcast does, and both the 429 and the send again are counted."""
    metrics = Metrics()
    bot = create_bot(settings_for(emu), metrics=metrics)
    tries: list[int] = []
    user = emu.user(9801)
    emu.open_chat(user)

    async def step():
        tries.append(attempt())
        try:
            await bot.send_message(user.id, "周报")
        except TelegramRetryAfter as exc:
            raise RetryLater(exc.retry_after) from None

    emu.inject_fault("sendMessage", "429", retry_after=1)
    try:
        outcomes = await broadcast([Outgoing("k", user.id, [step])], Limits(per_chat_interval=0.01))
    finally:
        await bot.session.close()
    assert [o.delivered for o in outcomes] == [True] and tries == [1, 2]
    assert sample(metrics, "ipbot_telegram_429_total") == 1
    assert sample(metrics, "ipbot_telegram_retries_total", by="broadcast") == 1
    # The session left the 429 to the broadcast (bot/retry.py does not retry inside one).
    assert sample(metrics, "ipbot_telegram_retries_total", by="session") == 0
    assert sample(metrics, "ipbot_messages_sent_total", method="sendMessage") == 1


def settings_for(emu):
    from bot.settings import Settings

    return Settings(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE=emu.url)


async def test_dialog_state_size_is_read_from_the_store(settings):
    db = Database(settings.database_url)
    try:
        dp = create_dispatcher(settings, db)
        key = StorageKey(bot_id=424242, chat_id=5, user_id=5, destiny="default")
        data = {"company_id": 12, "note": "在车上记录"}
        await dp.storage.set_data(key, data)
        await dp.storage.set_state(key, "Visit:way")
        health = Health(dp, db)
        await health.refresh()
        metrics = dp["metrics"]
        assert sample(metrics, "ipbot_dialog_states") == 1
        stored = len((await _stored_data(db)).encode())
        assert sample(metrics, "ipbot_dialog_state_bytes") == stored > len('{"company_id": 12}')
    finally:
        await db.close()


async def _stored_data(db: Database) -> str:
    from sqlalchemy import String, cast, select

    from storage.models import DialogState

    table = DialogState.__table__
    async with db.engine.connect() as connection:
        return (await connection.execute(select(cast(table.c.data, String)))).scalar_one()


async def test_each_bot_in_one_process_has_its_own_registry(emu, settings, tmp_path):
    """Tests (and a demo beside a bot) run several bots in one process: neither sees the
    other's counts, and the second does not clash with the first's metric names."""
    async with Emulator(TOKEN, username=BOT_USERNAME) as other:
        (tmp_path / "two").mkdir()
        two = await bot_settings(other, tmp_path / "two")
        async with Harness(emu, settings) as a, Harness(other, two) as b:
            assert a.running.dp["metrics"].registry is not b.running.dp["metrics"].registry
            await a.say(emu.user(9901), "/start", STRANGER_REPLY)
            await a.settled()
            assert sample(a.running.dp["metrics"], "ipbot_messages_sent_total", method="sendMessage") == 1
            assert sample(a.running.dp["metrics"], "ipbot_updates_received_total") == 1
            assert sample(b.running.dp["metrics"], "ipbot_messages_sent_total", method="sendMessage") == 0
            assert sample(b.running.dp["metrics"], "ipbot_updates_received_total") == 0
