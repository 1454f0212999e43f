"""The Monday job against the emulator: each supervisor gets one digest and one roster,
once, across a restart and through a 429 storm; failures are recorded and reported."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from bot.app import build_context, create_bot
from bot.settings import Settings
from jobs.weekly_digest import SPEC, job_spec, parse_schedule, week_for
from services import runs
from services.invites import create_invite, redeem
from services.session import unit_of_work
from services.sheets import from_rows
from storage.digest_tables import DeliveryFailure
from tests.digest.conftest import TOKEN, measure_row, visit_row

TZ = ZoneInfo("Asia/Shanghai")
DUE = datetime(2026, 11, 23, 9, 0, tzinfo=TZ)  # Monday 09:00: the digest of 2026-W47
FIRST_ID = 8100


async def supervisors(emu, db, count: int, region: str = "320585", chats: bool = True) -> list[int]:
    ids = []
    async with unit_of_work(db) as s:
        for i in range(count):
            tid = FIRST_ID + len(emu.users) + i
            await redeem(s, (await create_invite(s, "supervisor", region_code=region)).token, tid, f"主管{tid}",
                         None, "zh")
            ids.append(tid)
    for tid in ids:
        emu.user(tid)
        if chats:  # Telegram knows a private chat only once its user wrote to the bot
            await emu.send_text(emu.users[tid], "/start")
    return ids


def context(emu, db, **extras):
    settings = Settings(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE=emu.url, DATABASE_URL=db.url)
    bot = create_bot(settings)
    return build_context(settings, db, bot, clock=lambda: DUE.astimezone(timezone.utc), **extras), bot


async def run_digest(emu, db, **extras):
    """The Monday run by a freshly started bot, its HTTP session closed after; the context it ran with."""
    ctx, bot = context(emu, db, **extras)
    try:
        await SPEC.run(ctx, DUE)
    finally:
        await bot.session.close()
    return ctx


def delivered(emu, tid: int) -> tuple[list[str], list[str]]:
    messages = emu.messages(tid)
    return ([m.text for m in messages if m.text], [m.document.file_name for m in messages if m.document])


def test_the_schedule_is_monday_nine_and_configurable():
    assert SPEC.cron == {"day_of_week": "mon", "hour": 9, "minute": 0}
    assert job_spec(type("S", (), {"digest_schedule": "tue 08:30"})()).cron == {"day_of_week": "tue", "hour": 8,
                                                                                "minute": 30}
    assert week_for(DUE, TZ).label == "2026-W47"
    for bad in ("monday 9", "mon 25:00", ""):
        try:
            parse_schedule(bad)
        except ValueError as exc:
            assert "mon 09:00" in str(exc) or "HH:MM" in str(exc)
        else:
            raise AssertionError(bad)


async def test_each_supervisor_gets_one_digest_once_across_a_restart(emu, db):
    ids = await supervisors(emu, db, 3)
    rows = {"visits": from_rows([visit_row(1), visit_row(2)], when="visited_at"),
            "measures": from_rows([measure_row(1)])}
    await run_digest(emu, db, row_sources=rows)
    await run_digest(emu, db, row_sources=rows)  # a restart: new bot, same database
    for tid in ids:
        texts, files = delivered(emu, tid)
        assert len(texts) == 1 and files == ["周报_2026-W47_320585.xlsx"], (tid, texts, files)
        text = texts[0]
        assert "2026-W47" in text and "苏知发〔2018〕86号 二（五）" in text and "/ 500" in text
        assert "走访企业次数：2（+2）" in text and "逾期的一企一策措施（共 1 项）" in text
        assert "申请首件发明专利" in text
    async with db.sessions() as s:
        assert sorted(r.recipient for r in await runs.runs_of(s, "weekly_digest", "2026-W47")) == \
            sorted(f"tg:{tid}" for tid in ids)
    assert emu.rejected == []


async def test_an_empty_week_is_an_honest_digest(emu, db):
    (tid,) = await supervisors(emu, db, 1)
    await run_digest(emu, db)
    text = delivered(emu, tid)[0][0]
    # every source is connected: an empty week is zeros, not dashes
    assert "本周没有记录到走访、培训或新的资格发现。" in text and "走访企业次数：0（±0）" in text
    assert "新培训人数：0（±0）" in text and "没有逾期的措施。" in text
    # the built-in target (苏知发〔2018〕86号 二(五), 2018-05-30..2020-12-31) is not in force in 2026, and it says so
    assert "培训目标（苏知发〔2018〕86号 二(五)，2018-05-30 至 2020-12-31）" in text
    assert "2026-11-22 没有正在执行的培训目标" in text and "已培训 0 / 30,000 人" in text
    assert [m for m in emu.messages(tid) if m.photo] == []  # nothing to draw: no chart sent
    assert "没有待答复的提问。" in text


async def test_a_429_storm_delays_but_loses_nothing(emu, db):
    ids = await supervisors(emu, db, 6)
    emu.inject_fault("sendMessage", "429", count=4, retry_after=1)  # each 429 pauses every send for 1 s
    emu.inject_fault("sendDocument", "429", count=2, retry_after=1)
    emu.inject_fault(None, "500", count=3)
    await run_digest(emu, db)
    for tid in ids:
        texts, files = delivered(emu, tid)
        assert len(texts) == 1 and len(files) == 1, (tid, texts, files)
    faulted = [c for c in emu.calls if c.fault]
    assert len(faulted) == 9 and emu.rejected == []


async def test_a_supervisor_telegram_cannot_reach_is_recorded_and_reported_next_week(emu, db):
    reachable = await supervisors(emu, db, 1)
    (lost,) = await supervisors(emu, db, 1, chats=False)
    ctx, bot = context(emu, db)
    try:
        await SPEC.run(ctx, DUE)
        async with db.sessions() as s:
            failure = (await s.exec(DeliveryFailure.__table__.select())).all()
        assert [(f.recipient, f.period) for f in failure] == [(f"tg:{lost}", "2026-W47")]
        await SPEC.run(ctx, datetime(2026, 11, 30, 9, 0, tzinfo=TZ))
    finally:
        await bot.session.close()
    texts = delivered(emu, reachable[0])[0]
    assert len(texts) == 2 and "上次周报未送达" not in texts[0]
    assert "上次周报未送达" in texts[1] and f"主管{lost}（2026-W47）" in texts[1] and "chat not found" in texts[1]
    assert [r.method for r in emu.rejected] == ["sendMessage", "sendMessage"]  # the unreachable chat, each week


async def test_user_text_in_the_digest_is_shown_as_typed_in_html_and_in_markdown(emu, db):
    from services.companies import add_company
    from storage.models import QuestionThread
    from tests.digest.conftest import make_uscc

    (tid,) = await supervisors(emu, db, 1)
    async with unit_of_work(db) as s:
        company = await add_company(s, make_uscc(3), "<b>太仓</b>&精工", "320585")
        s.add(QuestionThread(company_id=company.id, asker_telegram_id=1, question="**急** <i>补贴</i> =SUM(A1)",
                             asked_at=datetime(2026, 11, 18, 2, 0, tzinfo=timezone.utc)))
    rows = {"measures": from_rows([measure_row(1, company_name="[链接](http://x) _下划线_")])}
    ctx = await run_digest(emu, db, row_sources=rows)
    text = delivered(emu, tid)[0][0]
    assert "<b>太仓</b>&精工（已等待 4 天）：**急** <i>补贴</i> =SUM(A1)" in text
    assert emu.rejected == []  # the HTML Telegram received was valid: user text escaped

    from jobs.digest_render import markdown_text
    from services.digest import build_digest

    async with db.sessions() as s:
        digest = await build_digest(s, week_for(DUE, TZ), "320585", ctx.catalog, rows)
    md = markdown_text(digest, "zh", 4096)
    assert "＜b＞太仓＜/b＞&精工" in md and "＊＊急＊＊ ＜i＞补贴＜/i＞" in md and "［链接］(http://x) ＿下划线＿" in md


async def test_a_supervisor_without_a_region_is_sent_nothing(emu, db):
    """Deny by default: no region was read as "every region" and sent the province's rows."""
    (regional,) = await supervisors(emu, db, 1)
    (regionless,) = await supervisors(emu, db, 1, region=None)
    rows = {"visits": from_rows([visit_row(1), visit_row(2, region_code="320102")], when="visited_at")}
    await run_digest(emu, db, row_sources=rows)
    texts, files = delivered(emu, regional)
    assert files == ["周报_2026-W47_320585.xlsx"] and "走访企业次数：1（+1）" in texts[0]
    assert delivered(emu, regionless) == ([], [])


async def test_the_plan_is_supervisors_by_region_and_robots_less_those_already_claimed(emu, db):
    """services.digest_plan: whom the job sends to, by region, without the keys already claimed."""
    from services.digest_plan import audiences
    from storage.digest_tables import RegionChannel

    (taicang,) = await supervisors(emu, db, 1, chats=False)
    (nanjing,) = await supervisors(emu, db, 1, region="320102", chats=False)
    await supervisors(emu, db, 1, region=None, chats=False)  # no region: in no plan
    async with unit_of_work(db) as s:
        s.add(RegionChannel(region_code="320585", kind="wecom", webhook_url="https://qyapi.weixin.qq.com/x"))
    async with db.sessions() as s:
        every = await audiences(s)
        suzhou = await audiences(s, "320500")
        rest = await audiences(s, None, frozenset({f"tg:{taicang}", "wecom:320585"}))
    assert {code: ([u.telegram_id for u in a.supervisors], [c.kind for c in a.channels])
            for code, a in every.items()} == {"320585": ([taicang], ["wecom"]), "320102": ([nanjing], [])}
    assert list(suzhou) == ["320585"] and list(rest) == ["320102"]


def test_the_digest_has_a_feature_row_of_its_own():
    from bot.features import FEATURES
    from jobs import weekly_digest

    assert [f.name for f in FEATURES if weekly_digest.job_spec in f.jobs] == ["digest"]
