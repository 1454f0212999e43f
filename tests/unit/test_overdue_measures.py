"""The overdue-measures job with a fake clock: each owner is reminded once per measure per
working day, supervisors get their region's list, a weekend run sends nothing."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.client.default import DefaultBotProperties

from emulator import Emulator
from jobs import overdue_measures
from policy import load_catalog
from services.context import AppContext
from services.runs import runs_of
from services.session import unit_of_work
from storage.models import Company, Measure, Role, User

TOKEN = "4343:overdue-job"
TZ = ZoneInfo("Asia/Shanghai")
MONDAY_9 = datetime(2026, 11, 30, 9, 0, tzinfo=TZ)
SATURDAY_9 = datetime(2026, 11, 28, 9, 0, tzinfo=TZ)


@pytest.fixture
async def setup(db):
    async with Emulator(TOKEN, username="job_bot") as emu:
        await emu.start()
        bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(emu.url)),
                  default=DefaultBotProperties(parse_mode=ParseMode.HTML))
        owner, sup, far = emu.user(61, first_name="王特派"), emu.user(62, first_name="张主管"), emu.user(63)
        for user in (owner, sup, far):
            await emu.send_text(user, "/start")  # the chats exist, as after a first message
        async with unit_of_work(db) as s:
            people = {}
            for user, role, region in ((owner, Role.specialist, "320585"), (sup, Role.supervisor, "320500"),
                                       (far, Role.supervisor, "320100")):
                row = User(telegram_id=user.id, role=role, full_name=user.first_name, region_code=region)
                s.add(row)
                await s.flush()
                people[user.id] = row.id
            company = Company(uscc=None, name="太仓精工<机械>有限公司", name_key="精工机械", region_code="320585")
            s.add(company)
            await s.flush()
            for what, due in (("协助撰写首件发明专利申请", date(2026, 11, 27)), ("组织贯标培训", date(2026, 11, 20)),
                              ("未到期的措施", date(2026, 12, 5))):
                s.add(Measure(company_id=company.id, what=what, owner_id=people[owner.id], due_on=due))
        ctx = AppContext(settings=None, catalog=load_catalog(), db=db, tz=TZ,
                         clock=lambda: MONDAY_9.astimezone(timezone.utc), bot=bot)
        try:
            yield emu, ctx, owner, sup, far
        finally:
            await bot.session.close()


def bot_texts(emu, user) -> list[str]:
    return [m.text for m in emu.messages(user.id)]


async def test_reminds_each_owner_once_per_day_and_lists_them_for_the_supervisor(setup):
    emu, ctx, owner, sup, far = setup
    await overdue_measures.SPEC.run(ctx, MONDAY_9)
    await overdue_measures.SPEC.run(ctx, MONDAY_9)  # a repeated or made-up run of the same day
    reminders = bot_texts(emu, owner)
    assert len(reminders) == 1
    assert "2 条" in reminders[0] and "协助撰写首件发明专利申请" in reminders[0] and "未到期" not in reminders[0]
    assert "太仓精工<机械>有限公司" in reminders[0]  # escaped for HTML, else Telegram (the emulator) rejects it
    listed = bot_texts(emu, sup)
    assert len(listed) == 1 and "组织贯标培训" in listed[0]
    assert bot_texts(emu, far) == []  # 南京's supervisor: not their region
    async with ctx.db.sessions() as s:
        runs = await runs_of(s, overdue_measures.NAME, "2026-11-30")
    assert sorted(r.recipient for r in runs)[:2] == ["measure:1", "measure:2"]
    assert all(r.outcome == "sent" for r in runs)
    assert emu.rejected == []


async def test_next_working_day_reminds_again_and_a_weekend_run_sends_nothing(setup):
    emu, ctx, owner, _sup, _far = setup
    await overdue_measures.SPEC.run(ctx, SATURDAY_9)
    assert bot_texts(emu, owner) == []
    await overdue_measures.SPEC.run(ctx, MONDAY_9)
    await overdue_measures.SPEC.run(ctx, datetime(2026, 12, 1, 9, 0, tzinfo=TZ))
    assert len(bot_texts(emu, owner)) == 2


def test_the_spec_runs_at_nine_on_working_days():
    spec = overdue_measures.SPEC
    assert spec.cron == {"hour": 9, "minute": 0} and spec.working_days_only
