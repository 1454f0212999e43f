"""The retention job on a real database (SQLite and PostgreSQL): each kind past its period is masked
or deleted, nothing younger is, attendance stays counted, the run is audited, a second run does nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlmodel import select

from bot.settings import SettingsError, load_settings
from jobs import retention as retention_job
from services import inbox, retention
from services.session import unit_of_work
from storage.models import AuditEntry, InboxEntry, QuestionThread
from storage.training_tables import Trainee
from tests.privacy.world import NOW, OTHERS, PAST, build_world, progress_json

PERIODS = retention.Periods(trainee_contacts=100, questions=30, audit=184, inbox=30)


async def _age(db, *, audit_days: int, inbox_days: int) -> None:
    """An audit entry and a parked and a handled update of that age, plus fresh ones."""
    async with unit_of_work(db) as s:
        for days in (audit_days, 1):
            s.add(AuditEntry(at=NOW - timedelta(days=days), telegram_id=8101, action="access.denied", outcome="denied"))
        for i, (days, state) in enumerate([(inbox_days, "dead"), (1, "dead"), (2, "done"), (0, "done")]):
            s.add(InboxEntry(update_id=i, digest=f"d{i}", payload="{}", state=state,
                             received_at=NOW - timedelta(days=days, minutes=1)))


async def _trainees(db) -> dict[str, str]:
    async with db.sessions() as s:
        return {t.mobile: t.name for t in (await s.exec(select(Trainee))).all()}


async def test_each_kind_past_its_period_goes_and_the_training_figures_stay(db):
    world = await build_world(db, asked_at=NOW - timedelta(days=40))
    await _age(db, audit_days=185, inbox_days=31)
    figures = await progress_json(db)
    # The past session was 150 days ago: everyone who attended only that is past 100 days;
    # 李总 (a session in 10 days) and 周候补 (waiting for it) are not.
    removed = await retention.apply(db, PERIODS, NOW)
    assert removed == retention.Removed(trainees_masked=OTHERS + 1, questions_masked=2, audit_deleted=1,
                                        inbox_deleted=2)
    people = await _trainees(db)
    assert people["+8613800138000"] == "李总" and people["+8613700137000"] == "周候补"
    assert sum(1 for mobile, name in people.items() if mobile.startswith("anon:") and name == "") == OTHERS + 1
    async with db.sessions() as s:
        threads = (await s.exec(select(QuestionThread.question, QuestionThread.asker_telegram_id))).all()
        audits = (await s.exec(select(AuditEntry.action, AuditEntry.detail).order_by(AuditEntry.id))).all()
    assert {tuple(t) for t in threads} == {("", 0)}
    assert [a for a, _d in audits] == ["access.denied", "retention.run"]
    assert audits[-1][1]["trainees_masked"] == OTHERS + 1 and audits[-1][1]["periods_days"]["audit"] == 184
    assert (await inbox.counts(db)) == {"pending": 0, "done": 1, "dead": 1}
    assert await progress_json(db) == figures

    again = await retention.apply(db, PERIODS, NOW)
    assert again == retention.Removed()


async def test_nothing_younger_than_its_period_goes(db):
    await build_world(db, asked_at=NOW - timedelta(days=20))
    await _age(db, audit_days=183, inbox_days=29)
    before = await _trainees(db)
    removed = await retention.apply(db, retention.Periods(trainee_contacts=200, questions=30, audit=184, inbox=30), NOW)
    assert removed == retention.Removed(inbox_deleted=1)  # only the handled update older than 24 hours
    assert await _trainees(db) == before
    async with db.sessions() as s:
        assert "" not in set((await s.exec(select(QuestionThread.question))).all())


async def test_a_period_of_zero_keeps_that_kind_and_a_dry_run_changes_nothing(db):
    await build_world(db, asked_at=NOW - timedelta(days=400))
    await _age(db, audit_days=400, inbox_days=400)
    dry = await retention.apply(db, retention.Periods(0, 30, 0, 30), NOW, dry_run=True)
    assert dry == retention.Removed(trainees_masked=0, questions_masked=2, audit_deleted=0, inbox_deleted=2)
    async with db.sessions() as s:
        assert (await s.exec(select(AuditEntry.action).where(AuditEntry.action == "retention.run"))).all() == []
    assert await retention.apply(db, retention.Periods(0, 30, 0, 30), NOW) == dry


async def test_the_daily_job_reads_its_periods_from_the_settings_and_runs_twice_harmlessly(db):
    from tests.jobs.jobkit import make_context

    class Clock:
        def __call__(self) -> datetime:
            return NOW

    await build_world(db)
    ctx = make_context(db, clock=Clock(), IPBOT_RETENTION_TRAINEE_CONTACT_DAYS="120")
    assert retention_job.SPEC.name == "retention" and retention_job.SPEC.cron == {"hour": 3, "minute": 30}
    due = NOW.astimezone(ctx.tz).replace(hour=3, minute=30)
    await retention_job.run(ctx, due)
    await retention_job.run(ctx, due)
    async with db.sessions() as s:
        runs = (await s.exec(select(AuditEntry.detail).where(AuditEntry.action == "retention.run")
                             .order_by(AuditEntry.id))).all()
    assert [r["trainees_masked"] for r in runs] == [OTHERS + 1, 0]
    assert runs[0]["periods_days"]["trainee_contacts"] == 120 and PAST < NOW - timedelta(days=120)


def test_the_defaults_and_the_floor_of_the_audit_period():
    settings = load_settings(_env_file=None)
    assert retention.Periods.of(settings) == retention.Periods(trainee_contacts=365, questions=365, audit=184, inbox=30)
    assert load_settings(IPBOT_RETENTION_AUDIT_DAYS="0", _env_file=None).retention_audit_days == 0
    with pytest.raises(SettingsError, match="IPBOT_RETENTION_AUDIT_DAYS.*网络安全法"):
        load_settings(IPBOT_RETENTION_AUDIT_DAYS="90", _env_file=None)
    with pytest.raises(SettingsError, match="IPBOT_RETENTION_INBOX_DAYS"):
        load_settings(IPBOT_RETENTION_INBOX_DAYS="-1", _env_file=None)
