"""A small world of people for the privacy and retention tests, written as rows (fast).

- an admin, an SME user (李总, of 太仓精工) who is also a trainee and asked questions, a
  specialist, and a person with no role linked to a trainee record by Telegram id;
- a past session that 李总, the linked person and `OTHERS` more people attended, and a
  future session with one seat: 李总 holds it, 周候补 waits for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from services.progress import compute_progress
from services.session import Database, unit_of_work
from services.targets import load_targets
from services.users import Actor
from storage.models import Company, DialogState, QuestionThread, Role, Training, User
from storage.training_tables import Enrolment, Trainee

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)  # Friday 10:00 in Shanghai
PAST = NOW - timedelta(days=150)
FUTURE = NOW + timedelta(days=10)
ADMIN, SME, SPECIALIST, LINKED, WAITING = 7000, 8101, 8103, 8102, 8104
SME_MOBILE, LINKED_MOBILE = "+8613800138000", "+8613900139000"
OTHERS = 12


@dataclass
class World:
    admin: Actor
    sme: Actor
    specialist: Actor
    sme_trainee: int
    linked_trainee: int
    waiting_trainee: int
    past: int
    future: int


def _actor(user: User) -> Actor:
    return Actor(user.id, user.telegram_id, user.role, user.full_name, user.region_code, user.company_id,
                 user.language)


async def build_world(db: Database, *, now: datetime = NOW, asked_at: datetime | None = None) -> World:
    async with unit_of_work(db) as s:
        company = Company(uscc="91320585MA1W8K7Q3G", name="太仓精工机械有限公司", region_code="320585")
        s.add(company)
        await s.flush()
        admin = User(telegram_id=ADMIN, role=Role.admin, full_name="管理员")
        sme = User(telegram_id=SME, role=Role.sme, full_name="李总", username="li_zong", company_id=company.id,
                   language="zh")
        specialist = User(telegram_id=SPECIALIST, role=Role.specialist, full_name="王特派", region_code="320585")
        s.add_all([admin, sme, specialist])
        await s.flush()
        past = Training(title="专利挖掘实务", category="知识产权工程师", starts_at=PAST, ends_at=PAST + timedelta(hours=3),
                        region_code="320585", organiser_id=specialist.id, capacity=0, seats_taken=OTHERS + 2)
        future = Training(title="贯标内审员培训", category="贯标内审员", starts_at=FUTURE,
                          ends_at=FUTURE + timedelta(hours=3), region_code="320585", organiser_id=specialist.id,
                          capacity=1, seats_taken=1)
        s.add_all([past, future])
        await s.flush()
        sme_trainee = Trainee(name="李总", mobile=SME_MOBILE, company="太仓精工机械有限公司", position="总经理",
                              category="经营管理人员", user_id=sme.id)
        linked = Trainee(name="赵学员", mobile=LINKED_MOBILE, company="某公司", category="知识产权工程师",
                         telegram_id=LINKED)
        waiting = Trainee(name="周候补", mobile="+8613700137000", telegram_id=WAITING)
        others = [Trainee(name=f"学员{i}", mobile=f"+86136001{i:05d}", category="贯标内审员") for i in range(OTHERS)]
        for trainee in (sme_trainee, linked, waiting, *others):  # recorded a day before the past session
            trainee.created_at = trainee.updated_at = PAST - timedelta(days=1)
        s.add_all([sme_trainee, linked, waiting, *others])
        await s.flush()
        for trainee in (sme_trainee, linked, *others):
            s.add(Enrolment(training_id=past.id, trainee_id=trainee.id, status="attended", session_starts_at=PAST,
                            checked_in_at=PAST))
        s.add(Enrolment(training_id=future.id, trainee_id=sme_trainee.id, status="registered",
                        session_starts_at=FUTURE))
        s.add(Enrolment(training_id=future.id, trainee_id=waiting.id, status="waitlisted", session_starts_at=FUTURE))
        asked = asked_at or now - timedelta(days=3)
        s.add(QuestionThread(company_id=company.id, asker_telegram_id=SME, specialist_telegram_id=SPECIALIST,
                             specialist_message_id=55, question="我们能申请首件发明专利资助吗？", answer="可以，见苏知发〔2018〕86号",
                             asked_at=asked, answered_at=asked + timedelta(hours=2)))
        s.add(QuestionThread(company_id=company.id, asker_telegram_id=SME, question="高企认定需要几件专利？",
                             asked_at=asked))
        s.add(DialogState(key=f"fsm:{SME}:{SME}:default", state="CheckSG:ask", data={"draft": "李总的草稿"}))
        await s.flush()
        return World(_actor(admin), _actor(sme), _actor(specialist), sme_trainee.id, linked.id, waiting.id, past.id,
                     future.id)


async def progress_json(db: Database, as_of=NOW) -> dict:
    """The training figures every view shows (services.progress), as `ipbot progress --json` prints them."""
    async with db.sessions() as session:
        progress = await compute_progress(session, load_targets(), as_of.astimezone(TZ).date(), TZ)
    return progress.as_json()
