"""Demo data for training: call `seed_training_demo(session)` from the demo seed, after the people exist.

Adds, for the first specialist: an upcoming session (in 7 days, capacity 3) with the demo
SME user enrolled through a linked trainee, so /training, the roster, the QR code and the
reminders have something to show; and two past sessions with 40 attendances by 30 people
(some came twice), so /progress and `ipbot progress` show distinct counts. Nothing is
added when the database already has trainees.
"""

from __future__ import annotations

import secrets
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select

from services.session import AsyncSession
from services.trainees import CATEGORIES
from storage.models import Role, Training, User
from storage.training_tables import Enrolment, Trainee
from storage.types import utcnow

#: The demo's zone when the caller gives none (the demo runs with the default IPBOT_TIMEZONE).
DEMO_TZ = ZoneInfo("Asia/Shanghai")
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许"
GIVEN = ("伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军")


async def seed_training_demo(session: AsyncSession, now: datetime | None = None, tz: ZoneInfo = DEMO_TZ) -> bool:
    """Fill in the training demo; False when there is no specialist or trainees exist already."""
    now = now or utcnow()
    if (await session.exec(select(Trainee).limit(1))).first() is not None:
        return False
    organiser = (await session.exec(select(User).where(User.role == Role.specialist).order_by(User.id))).first()
    if organiser is None:
        return False
    region = organiser.region_code or "320585"
    today = now.astimezone(tz).date()

    def session_on(days: int, title: str, category: str, capacity: int) -> Training:
        start = datetime.combine(today + timedelta(days=days), time(9, 30), tz)
        return Training(title=title, category=category, starts_at=start, ends_at=start + timedelta(hours=3),
                        location="太仓市科技创业园报告厅", region_code=region, capacity=capacity,
                        organiser_id=organiser.id, checkin_secret=secrets.token_hex(16))

    upcoming = session_on(7, "知识产权工程师实务培训（第三期）", "知识产权工程师", 3)
    past = [session_on(-28, "企业知识产权总监研修班", "知识产权总监", 40),
            session_on(-14, "贯标内审员培训（第二期）", "贯标内审员", 40)]
    session.add_all([upcoming, *past])
    await session.flush()

    people = [Trainee(name=SURNAMES[i % 20] + GIVEN[i % 10], mobile=f"+86139{i:08d}", company="太仓精工机械有限公司",
                      category=CATEGORIES[i % 4]) for i in range(30)]
    sme = (await session.exec(select(User).where(User.role == Role.sme).order_by(User.id))).first()
    if sme is not None:
        people.append(Trainee(name=sme.full_name or "企业用户", mobile="+8613800138000", company="太仓精工机械有限公司",
                              category="经营管理人员", user_id=sme.id))
    session.add_all(people)
    await session.flush()
    attended = [(past[0], p) for p in people[:20]] + [(past[1], p) for p in people[10:30]]
    for training, person in attended:
        session.add(Enrolment(training_id=training.id, trainee_id=person.id, status="attended", source="demo",
                              session_starts_at=training.starts_at, checked_in_at=training.starts_at,
                              enrolled_at=training.starts_at - timedelta(days=3)))
    for training in past:
        training.seats_taken = sum(1 for t, _p in attended if t is training)
    if sme is not None:
        session.add(Enrolment(training_id=upcoming.id, trainee_id=people[-1].id, status="registered", source="demo",
                              session_starts_at=upcoming.starts_at, enrolled_at=now))
        upcoming.seats_taken = 1
    session.add_all([upcoming, *past])
    await session.flush()
    return True
