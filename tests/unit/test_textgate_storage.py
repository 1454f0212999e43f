"""Text typed with a NUL byte (and a bidi override, and a zero-width space) in every field saves cleanly,
through the real services, on SQLite and on PostgreSQL (which refuses 0x00 in text outright)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlmodel import select

from services import companies, plans, training, visits
from services.company_import import Report, Row, import_rows
from services.session import unit_of_work
from services.trainees import PersonDraft, upsert_trainee
from services.users import Actor
from storage.models import Company, Measure, Role, Training, User, Visit
from storage.training_tables import Trainee

TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 3, 0, tzinfo=timezone.utc)
TRICKS = ("\x00", "\u202e", "\u200b")


def typed(text: str) -> str:
    """The text as a forged client might send it: a NUL, a right-to-left override and a zero-width space inside."""
    return text[:1] + "".join(TRICKS) + text[1:]


async def _specialist(s) -> Actor:  # noqa: ANN001 - a session
    """王特派, a specialist of 320585, saved and as the services see him."""
    user = User(telegram_id=1, role=Role.specialist, full_name="王特派", region_code="320585")
    s.add(user)
    await s.flush()
    return Actor(user.id, 1, Role.specialist, "王特派", "320585", None, "zh")


async def test_every_text_field_typed_with_a_nul_saves_cleanly(db):
    async with unit_of_work(db) as s:
        spec = await _specialist(s)

    async with unit_of_work(db) as s:
        company = await companies.register_company(s, spec, typed("太仓未来机器人有限公司"), None, "太仓", as_of=TODAY)
        company_id = company.id
    async with unit_of_work(db) as s:
        report = await import_rows(s, [Row(2, typed("太仓新材料科技有限公司"), typed("91320585MA1W8K7Q3G"), typed("太仓"),
                                           typed("新材料"))], Report(), source="import:t.xlsx", as_of=TODAY)
        assert report.rejected == [] and report.imported == 1
    async with unit_of_work(db) as s:
        draft = {"key": "k1", "company_id": company_id, "way": "phone", "topics": [],
                 "findings": typed("需求：质押融资\n参加：张三"), "photos": [], "voices": [], "facts": {},
                 "measures": [{"what": typed("介绍评估机构"), "owner_id": spec.user_id, "due": "2026-12-01"}]}
        await visits.save_visit(s, spec, draft, now=NOW, today=TODAY)
        await plans.add_measure(s, spec, company_id, typed("安排贯标培训"), spec.user_id, TODAY + timedelta(days=7),
                                today=TODAY)
    async with unit_of_work(db) as s:
        await upsert_trainee(s, PersonDraft.parse(typed("张三"), typed("13800138000"), typed("太仓精工"), typed("研发经理"),
                                                  typed("工程师")))
        await training.create_session(s, spec, training.SessionDraft(
            title=typed("贯标内审员培训"), category="贯标内审员", starts_at=NOW + timedelta(days=3),
            ends_at=NOW + timedelta(days=3, hours=3), capacity=20, location=typed("太仓市科技创业园"),
            region_code=typed("320585")), NOW)

    async with db.sessions() as s:
        names = sorted((await s.exec(select(Company.name))).all())
        visit = (await s.exec(select(Visit))).one()
        measures = sorted((await s.exec(select(Measure.what))).all())
        trainee = (await s.exec(select(Trainee))).one()
        session = (await s.exec(select(Training))).one()
        imported = (await s.exec(select(Company).where(Company.uscc.is_not(None)))).one()
    assert names == ["太仓新材料科技有限公司", "太仓未来机器人有限公司"]
    assert (imported.uscc, imported.region_code, imported.industry) == ("91320585MA1W8K7Q3G", "320585", "新材料")
    # free text keeps no NUL or override; the zero-width space is no separator a reader sees either
    assert visit.findings == "需求：质押融资\n参加：张三"
    assert visit.needs == ["质押融资"] and visit.participants == "张三"
    assert measures == ["介绍评估机构", "安排贯标培训"]
    assert (trainee.name, trainee.mobile, trainee.company, trainee.position, trainee.category) == \
        ("张三", "+8613800138000", "太仓精工", "研发经理", "知识产权工程师")
    assert (session.title, session.location, session.region_code) == ("贯标内审员培训", "太仓市科技创业园", "320585")


async def test_a_zero_width_space_does_not_hide_a_duplicate_name(db):
    async with unit_of_work(db) as s:
        spec = await _specialist(s)
        await companies.register_company(s, spec, "太仓精工机械有限公司", None, "太仓", as_of=TODAY)
    async with unit_of_work(db) as s:
        found = await companies.likely_duplicates(s, spec, "太仓精\u200b工机械\u2060有限公司")
        assert [c.name for c in found] == ["太仓精工机械有限公司"]
        try:
            await companies.register_company(s, spec, "精\u200b工机械（太仓）有限公司", None, "太仓", as_of=TODAY)
        except companies.CompanyError as exc:
            assert exc.code == "likely_duplicate"
        else:
            raise AssertionError("registered a second 精工机械 past the duplicate check")
