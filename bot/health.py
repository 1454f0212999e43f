"""Is this instance alive, may it take traffic, and what has it done: /healthz, /readyz, /metrics.

* `/healthz`: 200 while the process serves HTTP at all (a liveness probe restarts it otherwise).
* `/readyz`: 200 when the database answers, Redis answers (when `REDIS_URL` is set), the
  database is at this code's newest migration and the instance is not stopping; else 503
  with the failing parts named in `failing`. Whether this instance runs the scheduled
  jobs (`leader`) is reported, not required: every instance but one is a follower.
* `/metrics`: Prometheus' text format of this process's registry (bot/metrics.py).

Webhook mode serves them on the webhook listener (`WEBHOOK_HOST:WEBHOOK_PORT`; the reverse
proxy forwards only `/telegram` from outside). Polling mode has no listener of its own, so
they are served on `HEALTH_HOST:HEALTH_PORT` when `HEALTH_PORT` is set (`health_server`);
unset, nothing listens. `HEALTH_HOST` defaults to 127.0.0.1: the metrics say how busy the
bot is and should reach the monitoring, not the internet.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import orjson
from aiogram import Dispatcher
from aiohttp import web
from sqlalchemy import LargeBinary, String, cast, func, select, text

from bot.logs import redact
from bot.metrics import CONTENT_TYPE_LATEST, Metrics
from services import inbox
from services.session import Database
from storage.models import DialogState

__all__ = ["Health", "health_server"]

log = logging.getLogger(__name__)

#: One check (a query, a ping) taking longer than this counts as failing.
CHECK_SECONDS = 3.0
#: Redis keys of dialog data (aiogram's DefaultKeyBuilder: fsm:<chat>[:<thread>]:<user>:<destiny>:data).
REDIS_DATA_KEYS = "fsm:*:data"


class Health:
    """The three endpoints for one bot: its dispatcher (storage, metrics, job runner) and database."""

    def __init__(self, dp: Dispatcher, db: Database, stop: asyncio.Event | None = None) -> None:
        self.dp, self.db, self.stop = dp, db, stop
        self._revisions: tuple[frozenset[str], frozenset[str]] | None = None  # this code's heads, all it knows

    @property
    def metrics(self) -> Metrics:
        return self.dp["metrics"]

    def add_to(self, app: web.Application) -> None:
        app.router.add_get("/healthz", self.healthz)
        app.router.add_get("/readyz", self.readyz)
        app.router.add_get("/metrics", self.scrape)

    # ------------------------------------------------------------------ endpoints

    async def healthz(self, _request: web.Request) -> web.Response:
        return _json({"alive": True})

    async def readyz(self, _request: web.Request) -> web.Response:
        report = await self.report()
        return _json(report, status=200 if report["ready"] else 503)

    async def scrape(self, _request: web.Request) -> web.Response:
        await self.refresh()
        return web.Response(body=self.metrics.exposition(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    # ------------------------------------------------------------------ readiness

    async def report(self) -> dict[str, Any]:
        """Each part "ok" or what is wrong with it, `failing` the parts that are not ok."""
        redis = getattr(self.dp.storage, "redis", None)
        database, redis_state, migrations = await asyncio.gather(  # at the same time: one slow part, one wait
            _check(self._database()), _check(redis.ping()) if redis is not None else _constant("not configured"),
            _check(self._migrations()))
        parts: dict[str, Any] = {"database": database, "redis": redis_state, "migrations": migrations}
        if self.stop is not None and self.stop.is_set():
            parts["stopping"] = "stopping: no new updates taken"
        failing = [name for name, state in parts.items() if state not in ("ok", "not configured")]
        runner = self.dp.workflow_data.get("job_runner")
        return {"ready": not failing, "failing": failing, **parts,
                "leader": runner.is_leader if runner is not None else None}

    async def _database(self) -> None:
        async with self.db.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def _migrations(self) -> str | None:
        if self._revisions is None:
            self._revisions = await asyncio.to_thread(_code_revisions)
        heads, known = self._revisions
        async with self.db.engine.connect() as connection:
            found = frozenset((await connection.execute(text("SELECT version_num FROM alembic_version"))).scalars())
        if found == heads:
            return None
        where = (f"the database is at {', '.join(sorted(found)) or 'no revision'}, "
                 f"this code at {', '.join(sorted(heads))}")
        if found <= known:
            return f"{where}: run `ipbot db upgrade`"
        return f"{where}: the database is newer than this code; deploy the newer code here"

    # ------------------------------------------------------------------ metrics read when scraped

    async def refresh(self) -> None:
        """Gauges that are read rather than counted: leader, inbox rows, dialog state (a minute apart)."""
        metrics = self.metrics
        runner = self.dp.workflow_data.get("job_runner")
        metrics.leader.set(1 if runner is not None and runner.is_leader else 0)
        try:
            for state, count in (await asyncio.wait_for(inbox.counts(self.db), CHECK_SECONDS)).items():
                metrics.inbox.labels(state).set(count)
            if metrics.states_due():
                metrics.states_read(*await asyncio.wait_for(self._dialog_states(), CHECK_SECONDS))
        except Exception as exc:  # noqa: BLE001 - the counters are still worth serving
            log.warning("metrics: could not read the inbox or dialog state: %s", redact(f"{type(exc).__name__}: {exc}"))

    async def _dialog_states(self) -> tuple[int, int]:
        redis = getattr(self.dp.storage, "redis", None)
        if redis is not None:
            count = size = 0
            async for key in redis.scan_iter(match=REDIS_DATA_KEYS, count=1000):
                count += 1
                size += await redis.strlen(key)
            return count, size
        table = DialogState.__table__
        as_text = cast(table.c.data, String)
        size = func.octet_length(as_text) if self.db.engine.dialect.name == "postgresql" \
            else func.length(cast(as_text, LargeBinary))  # SQLite: a BLOB's length is in bytes
        query = select(func.count(), func.coalesce(func.sum(size), 0))
        async with self.db.engine.connect() as connection:
            count, size = (await connection.execute(query)).one()
        return int(count), int(size)


async def _check(work: Any) -> str:
    """ "ok", or what went wrong (a work that returns a string returns what is wrong)."""
    try:
        problem = await asyncio.wait_for(work, CHECK_SECONDS)
    except TimeoutError:
        return f"no answer within {CHECK_SECONDS:.0f} s"
    except Exception as exc:  # noqa: BLE001 - named in the report, with secrets masked
        return redact(f"{type(exc).__name__}: {exc}")[:300]
    return problem if isinstance(problem, str) else "ok"


async def _constant(value: str) -> str:
    return value


def _code_revisions() -> tuple[frozenset[str], frozenset[str]]:
    """The migrations this code ships: its heads, and every revision it knows."""
    from alembic.script import ScriptDirectory

    from storage.migrate import alembic_config

    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return frozenset(scripts.get_heads()), frozenset(r.revision for r in scripts.walk_revisions())


def _json(value: dict[str, Any], status: int = 200) -> web.Response:
    return web.Response(body=orjson.dumps(value), status=status, content_type="application/json")


@asynccontextmanager
async def health_server(health: Health, host: str, port: int) -> AsyncIterator[None]:
    """The endpoints on a listener of their own (polling mode, HEALTH_PORT), for the block."""
    app = web.Application()
    health.add_to(app)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        log.info("health and metrics on http://%s:%s (/healthz, /readyz, /metrics)", host, port)
        yield
    finally:
        await runner.cleanup()
