"""The Monday digest: every supervisor gets last week's digest for their region, once,
with the roster attached; regions with a work-chat robot get it there too.

Schedule: setting `digest_schedule` (env `IPBOT_DIGEST_SCHEDULE`), default "mon 09:00",
in the context's zone; read with getattr so the job works before the setting exists.
Exactly once: each send claims (weekly_digest, ISO week, recipient) right before it goes
(`services.runs.claim`), so a restart, a made-up run after downtime or a second process
finds the claim and skips. A crash between a claim and its send leaves the claim
without an outcome: never sent twice, and reported by the next run.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import BufferedInputFile

from jobs.digest_render import markdown_text, telegram_text
from jobs.schedule import parse_schedule
from jobs.spec import JobSpec
from locales import t
from services import digest_delivery, runs
from services.broadcast import DONE, TELEGRAM, Limits, Outcome, Outgoing, Permanent, RetryLater, Transient, broadcast
from services.channels import Post
from services.channels.kinds import adapter
from services.context import AppContext
from services.digest import Digest, build_digest
from services.digest_plan import audiences, channel_key, supervisor_key
from services.errors import Refusal
from services.export import export_roster
from services.progress import Progress
from services.progress_chart import progress_png
from services.sheets import RowProvider, Week, default_sources, week_of
from services.roster import default_sheets
from services.targets import Target, load_targets

if TYPE_CHECKING:
    from storage.digest_tables import RegionChannel
    from storage.models import User

log = logging.getLogger(__name__)

JOB = "weekly_digest"
DEFAULT_SCHEDULE = "mon 09:00"
def job_spec(settings: object = None) -> JobSpec:
    """The job, scheduled by `settings.digest_schedule` when set."""
    return JobSpec(JOB, run, cron=parse_schedule(getattr(settings, "digest_schedule", None) or DEFAULT_SCHEDULE))


def week_for(due: datetime, tz: Any) -> Week:
    """The digest sent on a Monday covers the ISO week that ended the day before."""
    return week_of(due.astimezone(tz).date() - timedelta(days=7), tz)


def row_sources(ctx: AppContext) -> Mapping[str, RowProvider]:
    return ctx.row_sources if ctx.row_sources is not None else default_sources(training_targets(ctx))


def training_targets(ctx: AppContext) -> list[Target]:
    """The deployment's training targets (setting IPBOT_TRAINING_TARGETS) with the built-in
    ones; a file that cannot be read is logged and the built-in targets are used, so one
    bad file does not stop every supervisor's digest."""
    try:
        return load_targets(getattr(ctx.settings, "training_targets", None))
    except Refusal as exc:
        log.error("training targets file refused (%s %s); the digest uses the built-in targets", exc.code, exc.params)
        return load_targets()


def chart_of(plans: dict) -> Progress | None:
    """The progress the chart shows (the province's, the same in every region's digest),
    when there is something to draw: a target in force, or people trained."""
    for p in plans.values():
        progress = p.digest.trainees.progress
        if progress is not None and (progress.in_force or progress.counted):
            return progress
    return None


# --------------------------------------------------------------------------- planning


@dataclass
class RegionPlan:
    """One region's digest, its roster, and who gets them (services.digest_plan)."""

    region: str | None
    digest: Digest
    roster: Path | None = None
    supervisors: list[User] = field(default_factory=list)
    channels: list[RegionChannel] = field(default_factory=list)


@dataclass
class Report:
    week: Week
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def sent(self) -> int:
        return sum(1 for o in self.outcomes if o.delivered and o.reason != "skipped")

    @property
    def skipped(self) -> int:
        return sum(1 for o in self.outcomes if o.reason == "skipped")

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.delivered]


async def plan(ctx: AppContext, week: Week, region: str | None = None, roster_dir: Path | None = None,
               done: frozenset[str] = frozenset()) -> dict[str | None, RegionPlan]:
    """Each region's digest for its recipients (services.digest_plan.audiences: supervisors by
    their region, and configured robots).

    `region` narrows to recipients within it; recipients in `done` (keys already claimed)
    are left out, so a repeated run builds nothing. The roster is written only when
    `roster_dir` is given.
    """
    plans: dict[str | None, RegionPlan] = {}
    async with ctx.db.sessions() as session:
        targets, sources = training_targets(ctx), row_sources(ctx)
        for code, audience in (await audiences(session, region, done)).items():
            plans[code] = RegionPlan(code, await build_digest(session, week, code, ctx.catalog, sources, targets),
                                     supervisors=audience.supervisors, channels=audience.channels)
            if roster_dir is not None:
                result = await export_roster(session, None, week, code, default_sheets(ctx.catalog, sources),
                                             roster_dir, ctx.tz, show_phones=False, by=JOB, now=ctx.now())
                plans[code].roster = result.path
                await session.commit()
    return plans


# --------------------------------------------------------------------------- sending


def _telegram_error(exc: Exception) -> Exception:
    """aiogram's errors in the broadcast's terms (see services.broadcast)."""
    if isinstance(exc, TelegramRetryAfter):
        return RetryLater(exc.retry_after)
    if isinstance(exc, (TelegramServerError, ClientDecodeError)):
        return Transient(str(exc)[:120])
    if isinstance(exc, TelegramNetworkError):
        if "timeout" in str(exc).lower():
            return Permanent("timed out; the message may have arrived")
        return Transient(str(exc)[:120])
    if isinstance(exc, TelegramForbiddenError):
        return Permanent(f"blocked or forbidden: {exc.message}"[:200])
    if isinstance(exc, (TelegramBadRequest, TelegramUnauthorizedError)):
        return Permanent(exc.message[:200])
    return exc


class TelegramSends:
    """The steps per supervisor: claim + digest text, the progress chart (when there is
    one), then the roster; the chart and each region's roster are uploaded once and then
    sent by file id."""

    def __init__(self, ctx: AppContext, week: Week, chart: bytes | None = None) -> None:
        self.ctx, self.week, self.file_ids, self.chart = ctx, week, {}, chart
        self.chart_id: str | None = None

    async def _call(self, coro: Any) -> Any:
        try:
            return await coro
        except Exception as exc:  # noqa: BLE001 - mapped, not swallowed
            mapped = _telegram_error(exc)
            if mapped is exc:
                raise
            raise mapped from exc

    def outgoing(self, plan_: RegionPlan, user: User) -> Outgoing:
        key = supervisor_key(user)
        lang = user.language if user.language in ("zh", "en") else "zh"
        roster_name = plan_.roster.name if plan_.roster else ""
        text = telegram_text(plan_.digest, lang, roster_name)
        claimed = False

        async def digest_step() -> object:
            nonlocal claimed
            if not claimed:
                async with self.ctx.db.sessions() as session:
                    if not await runs.claim(session, JOB, self.week.label, key):
                        return DONE
                claimed = True
            await self._call(self.ctx.bot.send_message(user.telegram_id, text))
            return None

        async def roster_step() -> object:
            cached = self.file_ids.get(plan_.region)
            document = cached or BufferedInputFile(plan_.roster.read_bytes(), filename=roster_name)
            message = await self._call(self.ctx.bot.send_document(user.telegram_id, document,
                                                                  caption=roster_name))
            if cached is None and message.document is not None:
                self.file_ids[plan_.region] = message.document.file_id
            return None

        async def chart_step() -> object:
            photo = self.chart_id or BufferedInputFile(self.chart, filename=f"progress_{self.week.label}.png")
            message = await self._call(self.ctx.bot.send_photo(user.telegram_id, photo,
                                                               caption=t("pr_chart_caption", lang)))
            if self.chart_id is None and message.photo:
                self.chart_id = message.photo[-1].file_id
            return None

        steps = [digest_step] + ([chart_step] if self.chart else []) + ([roster_step] if plan_.roster else [])
        return Outgoing(key, user.telegram_id, steps, user.full_name or str(user.telegram_id))


def channel_outgoing(ctx: AppContext, week: Week, plan_: RegionPlan, channel: RegionChannel,
                     http: aiohttp.ClientSession) -> Outgoing:
    robot = adapter(channel.kind)
    key = channel_key(channel)
    roster = plan_.roster if robot.takes_files else None
    line = (t("digest_roster_attached", "zh", file=roster.name) if roster is not None
            else t("digest_roster_elsewhere", "zh"))
    post = Post(t("digest_title", "zh", week=week.label, start=f"{week.start:%m-%d}",
                  end=f"{week.end:%m-%d}").replace("<b>", "").replace("</b>", ""),
                markdown_text(plan_.digest, "zh", robot.limit_bytes, line),
                roster.name if roster else None, roster.read_bytes() if roster else None)
    steps = robot.steps(http, channel.webhook_url, channel.secret, post, time.time)

    claimed = False

    async def claim_then_first() -> object:
        nonlocal claimed
        if not claimed:  # a retried step must not find its own claim and stop
            async with ctx.db.sessions() as session:
                if not await runs.claim(session, JOB, week.label, key):
                    return DONE
            claimed = True
        return await steps[0]()

    return Outgoing(key, key, [claim_then_first, *steps[1:]], key)


async def _record(ctx: AppContext, week: Week, items: dict[str, tuple[Outgoing, str | None]],
                  outcome: Outcome) -> None:
    if outcome.reason == "skipped":
        return
    item, region = items[outcome.key]
    async with ctx.db.sessions() as session:
        await digest_delivery.finish_send(session, JOB, week.label, outcome.key, name=item.name, region=region,
                                          failure=None if outcome.delivered else outcome.reason)


async def send_week(ctx: AppContext, week: Week, region: str | None = None,
                    telegram_limits: Limits = TELEGRAM) -> Report:
    """Build, send and record the week's digests (safe to call again: claims skip repeats)."""
    report = Report(week)
    await _report_interrupted(ctx, week)
    async with ctx.db.sessions() as session:
        done = frozenset(r.recipient for r in await runs.runs_of(session, JOB, week.label))
    with tempfile.TemporaryDirectory(prefix="ipbot-digest-") as tmp:
        plans = await plan(ctx, week, region, Path(tmp), done)
        items: dict[str, tuple[Outgoing, str | None]] = {}
        if ctx.bot is not None:
            progress = chart_of(plans) if any(p.supervisors for p in plans.values()) else None
            title = t("pr_chart_title", "zh", document=progress.target.citation.get("document", "")) if progress else ""
            chart = await asyncio.to_thread(progress_png, progress, title) if progress else None
            sends = TelegramSends(ctx, week, chart)
            for p in plans.values():
                for user in p.supervisors:
                    out = sends.outgoing(p, user)
                    items[out.key] = (out, p.region)
        elif any(p.supervisors for p in plans.values()):
            log.warning("no bot in the context: Telegram digests not sent")

        async def record(outcome: Outcome) -> None:
            await _record(ctx, week, items, outcome)

        telegram = [out for out, _ in items.values()]
        report.outcomes += await broadcast(telegram, telegram_limits, record)
        async with aiohttp.ClientSession() as http:
            by_kind: dict[str, list[Outgoing]] = {}
            for p in plans.values():
                for channel in p.channels:
                    out = channel_outgoing(ctx, week, p, channel, http)
                    items[out.key] = (out, p.region)
                    by_kind.setdefault(channel.kind, []).append(out)
            for kind, outs in by_kind.items():
                report.outcomes += await broadcast(outs, adapter(kind).limits, record)
        await _mark_reported(ctx, plans, report)
    log.info("weekly digest %s: %d sent, %d already sent, %d failed", week.label, report.sent, report.skipped,
             len(report.failed))
    return report


async def _mark_reported(ctx: AppContext, plans: dict[str | None, RegionPlan], report: Report) -> None:
    """Failures listed in a digest that reached someone are not listed again."""
    delivered = {o.key for o in report.outcomes if o.delivered and o.reason != "skipped"}
    ids = {f.id for p in plans.values() for f in p.digest.failures
           if any(supervisor_key(u) in delivered for u in p.supervisors)
           or any(channel_key(c) in delivered for c in p.channels)}
    if ids:
        async with ctx.db.sessions() as session:
            await digest_delivery.mark_reported(session, ids)


async def _report_interrupted(ctx: AppContext, week: Week, after: timedelta = timedelta(minutes=15)) -> None:
    """Claims of this week left without an outcome (a crash mid-send) are recorded as
    possibly undelivered; they are not sent again, since they may have arrived."""
    async with ctx.db.sessions() as session:
        await digest_delivery.record_interrupted(session, JOB, week.label, ctx.now() - after)


async def run(ctx: AppContext, due: datetime) -> None:
    await send_week(ctx, week_for(due, ctx.tz))


SPEC = job_spec()
