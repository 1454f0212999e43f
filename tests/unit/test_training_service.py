"""The training use cases on a real database (SQLite and PostgreSQL): people, seats, check-in, progress."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import func, select

from services import training as tr
from services.errors import Refusal
from services.progress import compute_progress
from services.session import unit_of_work
from services.targets import load_targets, target_at
from services.trainees import PersonDraft, mask_mobile, normalise_mobile
from services.users import Actor, Role
from storage.models import AuditEntry, Training, User
from storage.training_tables import Enrolment, Trainee

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)  # Friday 10:00 in Shanghai


async def _user(db, telegram_id: int, role: Role, name: str, region: str = "320585") -> Actor:
    async with unit_of_work(db) as session:
        user = User(telegram_id=telegram_id, role=role, full_name=name, region_code=region)
        session.add(user)
        await session.flush()
        return Actor(user.id, telegram_id, role, name, region, None, "zh")


def _draft(**changes) -> tr.SessionDraft:
    fields = dict(title="贯标内审员培训", category="贯标内审员", starts_at=NOW + timedelta(days=3),
                  ends_at=NOW + timedelta(days=3, hours=3), capacity=2, location="太仓市科技创业园",
                  region_code="320585")
    fields.update(changes)
    return tr.SessionDraft(**fields)


async def _session(db, organiser: Actor, **changes) -> int:
    async with unit_of_work(db) as session:
        return (await tr.create_session(session, organiser, _draft(**changes), NOW)).id


def person(name: str, mobile: str, category: str = "工程师", company: str = "太仓精工机械有限公司") -> PersonDraft:
    return PersonDraft.parse(name, mobile, company, "研发经理", category)


@pytest.mark.parametrize("written", ["+86 138-0013-8000", "13800138000", "１３８００１３８０００", "(+86) 138 0013 8000",
                                     "8613800138000"])
def test_every_common_way_of_writing_a_mobile_is_one_number(written):
    assert normalise_mobile(written) == "+8613800138000"
    assert mask_mobile(normalise_mobile(written)) == "138****8000"


@pytest.mark.parametrize(("written", "code"), [("", "mobile_missing"), ("1380013800", "mobile_too_short"),
                                               ("138001380001", "mobile_too_long"), ("025-5234 5678", "mobile_not_mobile"),
                                               ("+1 650 253 0000", "mobile_not_mainland"), ("=HYPERLINK(1)", "mobile_not_a_number")])
def test_an_invalid_mobile_is_refused_with_its_reason(written, code):
    with pytest.raises(Refusal) as refused:
        normalise_mobile(written)
    assert refused.value.code == code


def test_sessions_that_end_before_they_start_start_in_the_past_or_hold_nobody_are_refused():
    cases = {"ends_before_start": _draft(ends_at=NOW + timedelta(days=2)),
             "starts_in_past": _draft(starts_at=NOW - timedelta(hours=1), ends_at=NOW + timedelta(hours=1)),
             "capacity_range": _draft(capacity=0), "venue_missing": _draft(location=""),
             "link_invalid": _draft(online_link="javascript:alert(1)")}
    for code, draft in cases.items():
        with pytest.raises(Refusal) as refused:
            draft.validate(NOW)
        assert refused.value.code == code


def test_holidays_and_adjusted_working_days_are_flagged():
    assert tr.day_warning(date(2026, 10, 1)) == "holiday"
    assert tr.day_warning(date(2026, 10, 10)) == "adjusted_workday"  # a Saturday worked for National Day
    assert tr.day_warning(date(2026, 11, 20)) is None
    assert tr.day_warning(date(2031, 3, 4)) == "calendar_unpublished"


async def test_one_person_across_sessions_and_spellings_and_a_waitlist_that_moves_up(db):
    organiser = await _user(db, 11, Role.specialist, "王特派")
    first, second = await _session(db, organiser), await _session(db, organiser, title="第二期")
    async with unit_of_work(db) as session:
        a = await tr.enrol_person(session, organiser, first, person("张三", "+86 138-0013-8000"), NOW)
        b = await tr.enrol_person(session, organiser, first, person("李四", "13900139000"), NOW)
        c = await tr.enrol_person(session, organiser, first, person("王五", "13700137000"), NOW)
        again = await tr.enrol_person(session, organiser, first, person("张三", "13800138000"), NOW)
        other = await tr.enrol_person(session, organiser, second,
                                      PersonDraft.parse("张三", "１３８００１３８０００", "太仓精工", "", "工程师"), NOW)
    assert (a.status, b.status, c.status) == ("registered", "registered", "waitlisted")
    assert again.already and again.enrolment.id == a.enrolment.id
    assert other.trainee.id == a.trainee.id and other.trainee.company == "太仓精工机械有限公司"
    async with unit_of_work(db) as session:
        cancelled = await tr.cancel_enrolment(session, organiser, b.enrolment.id, NOW)
        twice = await tr.cancel_enrolment(session, organiser, b.enrolment.id, NOW)
    assert cancelled.promoted_name == "王五" and twice.already
    async with unit_of_work(db) as session:  # 李四 changes their mind: back in, but at the end of the queue
        back = await tr.enrol_person(session, organiser, first, person("李四", "13900139000"), NOW)
    assert back.status == "waitlisted" and back.enrolment.id == b.enrolment.id and not back.already
    async with unit_of_work(db) as session:
        await tr.cancel_enrolment(session, organiser, back.enrolment.id, NOW)
    async with db.sessions() as session:
        training = await session.get(Training, first)
        statuses = dict((await session.exec(select(Enrolment.trainee_id, Enrolment.status)
                                            .where(Enrolment.training_id == first))).all())
        people = (await session.exec(select(func.count()).select_from(Trainee))).one()
    assert training.seats_taken == 2 and sorted(statuses.values()) == ["cancelled", "registered", "registered"]
    assert people == 3


async def test_concurrent_presses_make_one_enrolment_and_never_overfill(db):
    organiser = await _user(db, 12, Role.specialist, "王特派")
    training_id = await _session(db, organiser, capacity=1)
    people = [await _user(db, 100 + i, Role.sme, f"员工{i}") for i in range(4)]

    async def press(actor: Actor, mobile: str):
        async with unit_of_work(db) as session:
            training = await tr.get_session(session, training_id)
            return await tr.enrol_self(session, actor, training, NOW, PersonDraft.parse(actor.full_name, mobile))

    same = await asyncio.gather(*(press(people[0], "13800138000") for _ in range(3)), return_exceptions=True)
    others = await asyncio.gather(*(press(p, f"1390013900{i}") for i, p in enumerate(people[1:])),
                                  return_exceptions=True)
    assert not [r for r in same + others if isinstance(r, BaseException) and not isinstance(r, Refusal)], same + others
    async with db.sessions() as session:
        rows = (await session.exec(select(Enrolment).where(Enrolment.training_id == training_id))).all()
        training = await session.get(Training, training_id)
    assert len(rows) == 4  # one per person, however often they pressed
    assert [r.status for r in rows].count("registered") == 1 == training.seats_taken


async def test_a_check_in_link_works_in_its_minute_and_is_refused_once_rotated(db):
    organiser = await _user(db, 13, Role.specialist, "王特派")
    member = await _user(db, 14, Role.sme, "赵六")
    training_id = await _session(db, organiser)
    start = NOW + timedelta(days=3)
    async with unit_of_work(db) as session:
        training = await tr.get_session(session, training_id)
        await tr.enrol_self(session, member, training, NOW, person("赵六", "13600136000"))
        token = tr.checkin_token(training, start)
    async with unit_of_work(db) as session:
        with pytest.raises(Refusal) as late:
            await tr.check_in_by_link(session, member, token.payload, start + timedelta(minutes=2))
        with pytest.raises(Refusal) as forged:
            await tr.check_in_by_link(session, member, token.payload[:-1] + ("1" if token.payload.endswith("0") else "0"), start)
        with pytest.raises(Refusal) as late_code:
            await tr.check_in_by_code(session, member, token.code, start + timedelta(minutes=3))
    assert (late.value.code, forged.value.code, late_code.value.code) == (
        "checkin_link_expired", "checkin_link_invalid", "checkin_code_expired")
    async with unit_of_work(db) as session:
        done = await tr.check_in_by_link(session, member, token.payload, start + timedelta(seconds=20))
        again = await tr.check_in_by_code(session, member, token.code, start + timedelta(seconds=30))
    assert done.status == "attended" and again.already


async def test_a_specialist_cannot_manage_another_specialists_session_and_it_is_audited(db):
    owner = await _user(db, 15, Role.specialist, "王特派")
    intruder = await _user(db, 16, Role.specialist, "钱特派")
    sme = await _user(db, 17, Role.sme, "李总")
    training_id = await _session(db, owner)
    for actor, call in ((intruder, lambda s: tr.cancel_session(s, intruder, training_id)),
                        (intruder, lambda s: tr.roster(s, intruder, training_id)),
                        (sme, lambda s: tr.create_session(s, sme, _draft(), NOW))):
        async with unit_of_work(db) as session:
            with pytest.raises(Refusal) as refused:
                await call(session)
        assert refused.value.code == "not_allowed"
    async with db.sessions() as session:
        denied = (await session.exec(select(AuditEntry).where(AuditEntry.outcome == "denied"))).all()
        training = await session.get(Training, training_id)
    assert len(denied) == 3 and training.status == "scheduled"


async def test_progress_counts_distinct_people_in_the_target_period(db, tmp_path):
    extra = tmp_path / "targets.yaml"
    extra.write_text("targets:\n  - id: js-2026-2028\n    people: 12\n    from: 2026-01-01\n    to: 2028-12-31\n"
                     "    citation: {document: 苏知发〔2026〕1号, clause: 二(三)}\n", encoding="utf-8")
    targets = load_targets(extra)
    assert target_at(targets, date(2019, 6, 1)).target.people == 30000
    organiser = await _user(db, 18, Role.specialist, "王特派", region="320500")  # both sessions' regions lie in it
    sessions = [await _session(db, organiser, title=f"第{i}期", starts_at=NOW + timedelta(days=i),
                               ends_at=NOW + timedelta(days=i, hours=2), region_code=region)
                for i, region in ((1, "320585"), (8, "320506"))]
    async with unit_of_work(db) as session:
        for training_id in sessions:
            for name, mobile, category in (("张三", "13800138000", "工程师"), ("李四", "13900139000", "总监")):
                outcome = await tr.enrol_person(session, organiser, training_id, person(name, mobile, category), NOW)
                await tr.set_roster_status(session, organiser, outcome.enrolment.id, "registered", NOW)
        await tr.enrol_person(session, organiser, sessions[1], person("王五", "13700137000"), NOW)  # not attended
    async with db.sessions() as session:
        progress = await compute_progress(session, targets, date(2026, 12, 31), TZ)
        old = await compute_progress(session, targets, date(2019, 6, 1), TZ)
        after = await compute_progress(session, targets, date(2029, 6, 1), TZ)
    assert progress.trained == 2 and progress.target.people == 12
    assert progress.by_category == {"知识产权工程师": 1, "知识产权总监": 1}
    assert progress.by_region == {"320585": 2} and progress.by_organiser == {"王特派": 2}
    assert sum(new for _week, new in progress.weekly) == 2
    assert progress.projected_date is not None and progress.projected_date > date(2026, 12, 31)
    body = progress.as_json()
    assert set(body) == {"target", "trained", "by_category", "by_region", "weekly", "projected_date", "period",
                         "citation"}
    assert body["period"] == {"from": "2026-01-01", "to": "2028-12-31"} and body["citation"]["in_force"]
    assert old.trained == 0 and old.target.citation["clause"] == "二(五)" and old.in_force
    assert not after.in_force and after.target.id == "js-2026-2028" and after.trained == 2


def test_malformed_deployment_targets_are_refused_by_name(tmp_path):
    bad = tmp_path / "t.yaml"
    bad.write_text("targets:\n  - id: x\n    people: 0\n    from: 2026-01-01\n    to: 2025-01-01\n", encoding="utf-8")
    with pytest.raises(Refusal) as refused:
        load_targets(bad)
    assert refused.value.code == "targets_malformed" and "x" in refused.value.params["path"]


async def test_demo_data_gives_distinct_people_and_an_upcoming_session(db):
    from services.demo_seed import seed_demo
    from services.targets import Target
    from services.training_demo import seed_training_demo

    from storage.types import utcnow

    async with unit_of_work(db) as session:
        assert await seed_demo(session)  # the demo seed includes the training demo, dated from now
        assert not await seed_training_demo(session, NOW)  # once only
    today = datetime.now(TZ).date()
    demo_target = Target("demo", 100, today - timedelta(days=365), today + timedelta(days=365),
                         {"document": "d", "clause": "c"})
    async with db.sessions() as session:
        progress = await compute_progress(session, [demo_target], today, TZ)
    assert progress.trained == 30  # 40 attendances by 30 people


async def test_an_edit_tells_everyone_enrolled_and_more_seats_let_the_waitlist_in(db):
    organiser = await _user(db, 19, Role.specialist, "王特派")
    members = [await _user(db, 200 + i, Role.sme, f"学员{i}") for i in range(3)]
    training_id = await _session(db, organiser, capacity=1)
    async with unit_of_work(db) as session:
        training = await tr.get_session(session, training_id)
        outcomes = [await tr.enrol_self(session, m, training, NOW, person(m.full_name, f"1350013500{i}"))
                    for i, m in enumerate(members)]
    assert [o.status for o in outcomes] == ["registered", "waitlisted", "waitlisted"]
    later = NOW + timedelta(days=4)
    async with unit_of_work(db) as session:
        with pytest.raises(Refusal) as lower:
            await tr.update_session(session, organiser, training_id, _draft(capacity=0), NOW)
        notice = await tr.update_session(session, organiser, training_id,
                                         _draft(capacity=2, starts_at=later, ends_at=later + timedelta(hours=2)), NOW)
    assert lower.value.code == "capacity_range"
    assert set(notice.changes) == {"capacity", "starts_at", "ends_at"}
    assert sorted(tid for tid, _lang in notice.recipients) == [200, 201, 202]
    async with db.sessions() as session:
        rows = (await session.exec(select(Enrolment).where(Enrolment.training_id == training_id)
                                   .order_by(Enrolment.id))).all()
        training = await session.get(Training, training_id)
    assert [r.status for r in rows] == ["registered", "registered", "waitlisted"] and training.seats_taken == 2
    assert {r.session_starts_at for r in rows} == {later}  # progress reads the moved start
    async with unit_of_work(db) as session:
        cancelled = await tr.cancel_session(session, organiser, training_id)
        with pytest.raises(Refusal) as closed:
            await tr.enrol_self(session, members[0], cancelled.training, NOW)
    assert len(cancelled.recipients) == 3 and closed.value.code == "session_cancelled"


async def test_a_person_enrolled_by_the_organiser_who_later_uses_the_bot_is_linked_not_duplicated(db):
    organiser = await _user(db, 21, Role.specialist, "王特派")
    member = await _user(db, 22, Role.sme, "张三")
    other = await _user(db, 23, Role.sme, "冒名者")
    first, second = await _session(db, organiser), await _session(db, organiser, title="第二期")
    async with unit_of_work(db) as session:
        added = await tr.enrol_person(session, organiser, first, person("张三", "13800138000"), NOW)
    async with unit_of_work(db) as session:
        training = await tr.get_session(session, second)
        mine = await tr.enrol_self(session, member, training, NOW, person("张三", "+86 138 0013 8000"))
    async with unit_of_work(db) as session:
        with pytest.raises(Refusal) as taken:
            await tr.enrol_self(session, other, await tr.get_session(session, second), NOW,
                                person("冒名者", "13800138000"))
    assert mine.trainee.id == added.trainee.id and mine.trainee.user_id == member.user_id
    assert taken.value.code == "mobile_linked_to_other"
    async with db.sessions() as session:
        assert (await session.exec(select(func.count()).select_from(Trainee))).one() == 1
