"""/privacy's use cases on a real database (SQLite and PostgreSQL): what is kept, a request, an
admin's confirmation (and nobody else's), once; attendance stays counted."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from services import privacy
from services.errors import Refusal
from services.session import unit_of_work
from services.users import Actor, Role
from storage.models import AuditEntry, DialogState, QuestionThread, Training, User
from storage.privacy_tables import PrivacyRequest
from storage.training_tables import Enrolment, Trainee
from tests.privacy.world import LINKED, LINKED_MOBILE, NOW, OTHERS, SME, SME_MOBILE, build_world, progress_json


async def test_a_person_sees_their_role_name_phone_trainings_and_questions(db):
    await build_world(db)
    async with db.sessions() as session:
        kept = await privacy.kept(session, SME)
    assert (kept.role, kept.full_name, kept.username, kept.company) == (Role.sme, "李总", "li_zong", "太仓精工机械有限公司")
    [trainee] = kept.trainees
    assert (trainee.name, trainee.mobile, trainee.position) == ("李总", SME_MOBILE, "总经理")
    assert [(s.title, s.status) for s in trainee.sessions] == [("专利挖掘实务", "attended"), ("贯标内审员培训", "registered")]
    assert kept.questions == 2 and {q for _at, q in kept.recent_questions} == {"我们能申请首件发明专利资助吗？", "高企认定需要几件专利？"}
    assert not kept.nothing


async def test_a_person_with_no_role_sees_their_trainee_record_and_a_stranger_nothing(db):
    await build_world(db)
    async with db.sessions() as session:
        linked = await privacy.kept(session, LINKED)
        stranger = await privacy.kept(session, 999_999)
    assert linked.role is None and [t.mobile for t in linked.trainees] == [LINKED_MOBILE] and not linked.nothing
    assert stranger.nothing and stranger.trainees == () and stranger.questions == 0


async def test_a_request_is_made_once_and_names_the_admins(db):
    world = await build_world(db)
    async with unit_of_work(db) as session:
        first = await privacy.request_deletion(session, SME, "zh", NOW)
    async with unit_of_work(db) as session:
        again = await privacy.request_deletion(session, SME, "zh", NOW)
    assert not first.already and first.admins == ((world.admin.telegram_id, "zh"),)
    assert again.already and again.request_id == first.request_id and again.admins == ()
    async with db.sessions() as session:
        assert (await session.exec(select(func.count()).select_from(PrivacyRequest))).one() == 1


async def test_a_stranger_with_nothing_kept_cannot_send_admins_a_request(db):
    await build_world(db)
    with pytest.raises(Refusal) as refused:
        async with unit_of_work(db) as session:
            await privacy.request_deletion(session, 999_999, "zh", NOW)
    assert refused.value.code == "privacy_nothing_to_delete"


async def _snapshot(db) -> dict:
    """Every row a confirmation could touch, as plain values."""
    async with db.sessions() as s:
        return {
            "users": [tuple(r) for r in (await s.exec(select(User.telegram_id, User.full_name, User.active)
                                                      .order_by(User.id))).all()],
            "trainees": [tuple(r) for r in (await s.exec(select(Trainee.name, Trainee.mobile, Trainee.user_id,
                                                                Trainee.telegram_id).order_by(Trainee.id))).all()],
            "enrolments": [tuple(r) for r in (await s.exec(select(Enrolment.trainee_id, Enrolment.status)
                                                           .order_by(Enrolment.id))).all()],
            "questions": [tuple(r) for r in (await s.exec(select(QuestionThread.question, QuestionThread.asker_telegram_id)
                                                          .order_by(QuestionThread.id))).all()],
            "requests": [tuple(r) for r in (await s.exec(select(PrivacyRequest.status, PrivacyRequest.telegram_id))).all()],
        }


@pytest.mark.parametrize("presser", ["sme", "specialist", "stranger"])
async def test_only_an_admin_may_confirm_and_a_refused_press_changes_nothing(db, presser):
    world = await build_world(db)
    async with unit_of_work(db) as session:
        request = await privacy.request_deletion(session, SME, "zh", NOW)
    before = await _snapshot(db)
    actor = {"sme": world.sme, "specialist": world.specialist, "stranger": None}[presser]
    with pytest.raises(Refusal) as refused:
        async with unit_of_work(db) as session:
            await privacy.confirm_deletion(session, actor, request.request_id, NOW)
    assert refused.value.code == "privacy_not_admin"
    assert await _snapshot(db) == before


async def test_an_admin_confirms_once_the_person_is_gone_and_the_training_figures_stay(db):
    world = await build_world(db)
    figures = await progress_json(db)
    assert figures["citation"]["this_year"] == OTHERS + 2  # the world's attendance is counted at all
    async with unit_of_work(db) as session:
        request = await privacy.request_deletion(session, SME, "en", NOW)
    async with unit_of_work(db) as session:
        done = await privacy.confirm_deletion(session, world.admin, request.request_id, NOW)
    assert not done.already and done.notify == (SME, "en")
    assert done.counts == {"users": 1, "trainees": 1, "places_cancelled": 1, "questions": 2, "dialog_states": 1}
    async with db.sessions() as s:
        user = await s.get(User, world.sme.user_id)
        trainee = await s.get(Trainee, world.sme_trainee)
        threads = (await s.exec(select(QuestionThread).order_by(QuestionThread.id))).all()
        places = dict((await s.exec(select(Enrolment.trainee_id, Enrolment.status)
                                    .where(Enrolment.training_id == world.future))).all())
        future = await s.get(Training, world.future)
        states = (await s.exec(select(func.count()).select_from(DialogState))).one()
        row = await s.get(PrivacyRequest, request.request_id)
        erased = (await s.exec(select(AuditEntry).where(AuditEntry.action == "privacy.erased"))).all()
    assert (user.full_name, user.username, user.active, user.telegram_id) == ("", None, False, -world.sme.user_id)
    assert (trainee.name, trainee.company, trainee.position, trainee.user_id) == ("", "", "", None)
    assert trainee.mobile == f"anon:{trainee.id}" and trainee.category == "经营管理人员"
    assert [(t.question, t.answer, t.asker_telegram_id) for t in threads] == [("", "", 0), ("", None, 0)]
    # 李总's place in the session to come went to the person waiting for it
    assert places == {world.sme_trainee: "cancelled", world.waiting_trainee: "registered"} and future.seats_taken == 1
    assert states == 0
    assert (row.status, row.telegram_id, row.decided_by) == ("done", None, world.admin.user_id)
    assert [(e.telegram_id, e.detail["request_id"], e.detail["trainees"]) for e in erased] == \
        [(world.admin.telegram_id, request.request_id, 1)]
    async with db.sessions() as session:
        assert (await privacy.kept(session, SME)).nothing
        assert (await privacy.kept(session, LINKED)).trainees  # someone else's data is untouched
    assert await progress_json(db) == figures

    before = await _snapshot(db)
    async with unit_of_work(db) as session:
        again = await privacy.confirm_deletion(session, world.admin, request.request_id, NOW)
    assert again.already and again.notify is None
    assert await _snapshot(db) == before


async def test_a_person_with_no_role_is_erased_by_their_telegram_id(db):
    world = await build_world(db)
    figures = await progress_json(db)
    async with unit_of_work(db) as session:
        request = await privacy.request_deletion(session, LINKED, "zh", NOW)
        done = await privacy.confirm_deletion(session, world.admin, request.request_id, NOW)
    assert done.counts["trainees"] == 1 and done.counts["users"] == 0
    async with db.sessions() as s:
        trainee = await s.get(Trainee, world.linked_trainee)
    assert (trainee.name, trainee.telegram_id, trainee.mobile) == ("", None, f"anon:{trainee.id}")
    assert await progress_json(db) == figures


async def test_an_unknown_request_is_refused(db):
    world = await build_world(db)
    with pytest.raises(Refusal) as refused:
        async with unit_of_work(db) as session:
            await privacy.confirm_deletion(session, world.admin, 4242, NOW)
    assert refused.value.code == "privacy_request_unknown"


async def test_pending_requests_are_listed_for_admins_only(db):
    world = await build_world(db)
    async with unit_of_work(db) as session:
        request = await privacy.request_deletion(session, LINKED, "zh", NOW)
    async with db.sessions() as session:
        assert [i for i, _at in await privacy.pending_requests(session, world.admin)] == [request.request_id]
        with pytest.raises(Refusal):
            await privacy.pending_requests(session, world.specialist)
        with pytest.raises(Refusal):
            await privacy.pending_requests(session, Actor(0, 1, Role.supervisor, "", None, None, "zh"))
