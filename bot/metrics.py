"""What one bot process counts, for Prometheus (served at /metrics by bot/health.py).

Each `Metrics` owns its own `CollectorRegistry`, made with the bot (`bot.runners.prepare`)
and reached as `dp["metrics"]`: tests run several bots in one process, and prometheus_client's
global default registry would mix their counts (and refuse the second bot's metrics). The
counting is called from where things happen, each a one-line call:

| metric | kind | labels | counted in |
|---|---|---|---|
| `ipbot_updates_received_total` | counter | | bot/intake.py `Intake.take`: every update fetched or posted, copies included |
| `ipbot_updates_handled_total` | counter | `outcome` ok, failed | bot/intake.py `Intake._handle` |
| `ipbot_update_handling_seconds` | histogram | | the same, around `Dispatcher.feed_update` |
| `ipbot_updates_parked_total` | counter | `reason` failed, unreadable | the same, and `Intake._park` |
| `ipbot_errors_total` | counter | `where` update, job, intake | a handler raised; a job failed; polling or recording failed |
| `ipbot_telegram_requests_total` | counter | `method`, `outcome` ok, 429, 5xx, refused, network, error | `TelegramRequests`, the session's innermost middleware: every HTTP request |
| `ipbot_messages_sent_total` | counter | `method` | the same, for each send/copy/forward Telegram accepted |
| `ipbot_telegram_429_total` | counter | | the same: Telegram's "Too Many Requests" |
| `ipbot_telegram_retries_total` | counter | `by` session, broadcast | bot/retry.py's waits; a broadcast's step sent again (services.broadcast.attempt) |
| `ipbot_job_runs_total` | counter | `job`, `outcome` done, failed | jobs/runner.py `JobRunner._run` (its `on_run`) |
| `ipbot_job_run_seconds` | histogram | `job` | the same |
| `ipbot_inbox_updates` | gauge | `state` pending, done, dead | read from the inbox when scraped |
| `ipbot_dialog_states`, `ipbot_dialog_state_bytes` | gauge | | dialog states stored and the bytes of their data, read when scraped (at most once a minute) |
| `ipbot_scheduler_leader` | gauge | | 1 while this process runs the scheduled jobs |

Beside them, prometheus_client's `process_*` metrics (CPU seconds, memory, open files).
"""

from __future__ import annotations

import time
from typing import Any

from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import (ClientDecodeError, TelegramAPIError, TelegramNetworkError, TelegramRetryAfter,
                                TelegramServerError)
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response
from prometheus_client import (CollectorRegistry, Counter, Gauge, Histogram, ProcessCollector, disable_created_metrics,
                               generate_latest)
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from services.broadcast import attempt, paced

__all__ = ["CONTENT_TYPE_LATEST", "Metrics", "TelegramRequests"]

#: Sends that put a message in a chat (Bot API methods whose names start so).
SENDING = ("send", "copyMessage", "forwardMessage")
#: Handling an update: a cached reply takes milliseconds, a search or an export seconds.
HANDLING_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
JOB_BUCKETS = (0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0)
#: Dialog state is counted by scanning it; scrapes closer together than this reuse the last count.
STATE_REFRESH_SECONDS = 60.0

# A `*_created` timestamp beside every counter doubles the lines Prometheus reads and tells
# nothing here (a process's start is `process_start_time_seconds`'s business).
disable_created_metrics()


class Metrics:
    """The counters of one bot process, in a registry of its own."""

    def __init__(self) -> None:
        self.registry = registry = CollectorRegistry()
        ProcessCollector(registry=registry)  # process_cpu_seconds_total, memory, open files (Linux)
        self.received = Counter("ipbot_updates_received", "Updates fetched or posted to the bot, copies included",
                                registry=registry)
        self.handled = Counter("ipbot_updates_handled", "Updates handled, by outcome", ["outcome"], registry=registry)
        self.handling = Histogram("ipbot_update_handling_seconds", "Time to handle one update",
                                  buckets=HANDLING_BUCKETS, registry=registry)
        self.parked = Counter("ipbot_updates_parked", "Updates set aside as dead letters, by reason", ["reason"],
                              registry=registry)
        self.errors = Counter("ipbot_errors", "Errors: a handler raised, a job failed, polling or recording failed",
                              ["where"], registry=registry)
        self.requests = Counter("ipbot_telegram_requests", "Bot API requests, by method and outcome",
                                ["method", "outcome"], registry=registry)
        self.sent = Counter("ipbot_messages_sent", "Messages Telegram accepted, by method", ["method"],
                            registry=registry)
        self.too_many = Counter("ipbot_telegram_429", "Telegram answered 429 Too Many Requests", registry=registry)
        self.retries = Counter("ipbot_telegram_retries", "Bot API requests sent again, by who retried", ["by"],
                               registry=registry)
        self.job_runs = Counter("ipbot_job_runs", "Scheduled job runs, by job and outcome", ["job", "outcome"],
                                registry=registry)
        self.job_seconds = Histogram("ipbot_job_run_seconds", "Time one run of a scheduled job took", ["job"],
                                     buckets=JOB_BUCKETS, registry=registry)
        self.inbox = Gauge("ipbot_inbox_updates", "Inbox rows by state (read when scraped)", ["state"],
                           registry=registry)
        self.dialog_states = Gauge("ipbot_dialog_states", "Dialog states stored (read when scraped)",
                                   registry=registry)
        self.dialog_bytes = Gauge("ipbot_dialog_state_bytes", "Bytes of stored dialog data (read when scraped)",
                                  registry=registry)
        self.leader = Gauge("ipbot_scheduler_leader", "1 while this process runs the scheduled jobs",
                            registry=registry)
        for outcome in ("ok", "failed"):
            self.handled.labels(outcome)
        for reason in ("failed", "unreadable"):
            self.parked.labels(reason)
        for where in ("update", "job", "intake"):
            self.errors.labels(where)
        for by in ("session", "broadcast"):
            self.retries.labels(by)
        self.states_read_at: float | None = None

    # ------------------------------------------------------------------ the counting calls

    def update_handled(self, seconds: float, error: str | None) -> None:
        self.handling.observe(seconds)
        self.handled.labels("failed" if error else "ok").inc()
        if error:
            self.errors.labels("update").inc()
            self.parked.labels("failed").inc()

    def job_ran(self, job: str, outcome: str, seconds: float) -> None:
        """`jobs.runner.JobRunner`'s `on_run`: the outcome is "done" or "failed: …"."""
        kind = "done" if outcome == "done" else "failed"
        self.job_runs.labels(job, kind).inc()
        self.job_seconds.labels(job).observe(seconds)
        if kind == "failed":
            self.errors.labels("job").inc()

    def retried(self) -> None:
        """bot/retry.py waits and sends a request again."""
        self.retries.labels("session").inc()

    # ------------------------------------------------------------------ read when scraped

    def exposition(self) -> bytes:
        return generate_latest(self.registry)

    def states_due(self, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        return self.states_read_at is None or now - self.states_read_at >= STATE_REFRESH_SECONDS

    def states_read(self, count: int, size: int, now: float | None = None) -> None:
        self.dialog_states.set(count)
        self.dialog_bytes.set(size)
        self.states_read_at = time.monotonic() if now is None else now


class TelegramRequests(BaseRequestMiddleware):
    """The bot session's innermost request middleware: sees every HTTP request to the Bot API
    (a retry is a request of its own; an edit `bot.edits` answers itself is none)."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    async def __call__(self, make_request: NextRequestMiddlewareType[Any], bot: Any,
                       method: TelegramMethod[Any]) -> Response[Any]:
        name = method.__api_method__
        if paced() and attempt() > 1:
            self.metrics.retries.labels("broadcast").inc()
        try:
            result = await make_request(bot, method)
        except TelegramRetryAfter:
            self.metrics.too_many.inc()
            self.metrics.requests.labels(name, "429").inc()
            raise
        except (TelegramServerError, ClientDecodeError):
            self.metrics.requests.labels(name, "5xx").inc()
            raise
        except TelegramNetworkError:
            self.metrics.requests.labels(name, "network").inc()
            raise
        except TelegramAPIError:
            self.metrics.requests.labels(name, "refused").inc()
            raise
        except Exception:
            self.metrics.requests.labels(name, "error").inc()
            raise
        self.metrics.requests.labels(name, "ok").inc()
        if name.startswith(SENDING):
            self.metrics.sent.labels(name).inc()
        return result
