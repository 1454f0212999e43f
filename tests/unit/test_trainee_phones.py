"""A mobile number that belongs to someone else is a question for the organiser, never a rename.

The field test: "张三 13800138000" (the example in the bot's own prompt) answered "✅ 李总 已报名",
because 13800138000 is the demo SME's number and identity is the number.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import phonenumbers
import pytest
from sqlmodel import select

from dialogs.training.handlers import refusal_text
from locales import t
from services import training as tr
from services.errors import Refusal
from services.session import unit_of_work
from services.trainees import PersonDraft, same_name, upsert_trainee
from services.users import Actor, Role
from storage.models import User
from storage.training_tables import Enrolment, Trainee

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)


def person(name: str, mobile: str) -> PersonDraft:
    return PersonDraft.parse(name, mobile, "太仓精工机械有限公司", "总经理", "经营管理人员")


async def _organiser_and_training(db) -> tuple[Actor, int]:
    async with unit_of_work(db) as session:
        user = User(telegram_id=1001, role=Role.specialist, full_name="王特派", region_code="320585")
        session.add(user)
        await session.flush()
        actor = Actor(user.id, 1001, Role.specialist, "王特派", "320585", None, "zh")
        training = await tr.create_session(session, actor, tr.SessionDraft(
            title="知识产权工程师培训", category="知识产权工程师", starts_at=NOW + timedelta(days=3),
            ends_at=NOW + timedelta(days=3, hours=3), capacity=20, location="太仓市科技创业园",
            region_code="320585"), NOW)
        await upsert_trainee(session, person("李总", "13800138000"))
    return actor, training.id


async def test_an_organiser_adding_another_name_on_a_known_number_is_told_whose_it_is(db):
    actor, training_id = await _organiser_and_training(db)
    async with unit_of_work(db) as session:
        with pytest.raises(Refusal) as refused:
            await tr.enrol_person(session, actor, training_id, person("张三", "13800138000"), NOW)
    assert refused.value.code == "mobile_belongs_to_other"
    text = refusal_text(refused.value, "zh")  # what the add-person window shows for that line
    assert text.startswith("手机 138****8000 已登记为“李总”，不是“张三”，所以没有报名。")
    assert "13800138000" not in text  # the number itself stays masked
    assert "registered to “李总”, not “张三”" in refusal_text(refused.value, "en")
    async with db.sessions() as session:
        [trainee] = (await session.exec(select(Trainee))).all()
        assert trainee.name == "李总"  # not renamed
        assert (await session.exec(select(Enrolment))).all() == []  # and nobody enrolled


async def test_the_same_person_written_differently_is_enrolled(db):
    actor, training_id = await _organiser_and_training(db)
    async with unit_of_work(db) as session:
        outcome = await tr.enrol_person(session, actor, training_id, person(" 李 总", "+86 138-0013-8000"), NOW)
    assert outcome.trainee.name == "李总" and outcome.status == "registered"
    assert same_name("Li Wei", "li  wei") and not same_name("张三", "李总")


async def test_a_person_linking_their_own_number_is_not_refused_for_their_telegram_name(db):
    """Self-enrolment goes by the user link (linked_elsewhere), not by how Telegram spells a name."""
    await _organiser_and_training(db)
    async with unit_of_work(db) as session:
        user = User(telegram_id=1002, role=Role.sme, full_name="Li", region_code="320585")
        session.add(user)
        await session.flush()
        trainee = await upsert_trainee(session, person("Li", "13800138000"), user_id=user.id)
    assert trainee.name == "李总" and trainee.user_id == user.id


def test_the_prompts_example_number_is_plainly_fictitious_and_nobody_s():
    for lang in ("zh", "en"):
        text = t("tr_ask_add", lang)
        [number] = re.findall(r"1\d{10}", text)
        assert number == "13800000000" and "13800138000" not in text
        # Typed as shown, the example is accepted (a valid-looking mainland mobile)...
        assert phonenumbers.is_valid_number(phonenumbers.parse(number, "CN"))
    # ...and it is no demo person's number.
    from services import training_demo
    from pathlib import Path
    assert "13800000000" not in Path(training_demo.__file__).read_text(encoding="utf-8")


async def test_an_attendance_row_with_another_name_on_a_known_number_is_reported_and_the_rest_imported(db):
    import io
    from datetime import date
    from zoneinfo import ZoneInfo

    from openpyxl import Workbook

    from services.training_import import import_attendance

    await _organiser_and_training(db)
    book = Workbook()
    book.active.append(["姓名", "手机", "培训名称", "培训日期"])
    book.active.append(["张三", "13800138000", "线下培训", "2026-11-10"])  # row 2: 李总's number
    book.active.append(["王五", "13700137000", "线下培训", "2026-11-10"])  # row 3: a new person
    data = io.BytesIO()
    book.save(data)
    async with unit_of_work(db) as session:
        result = await import_attendance(session, data.getvalue(), ZoneInfo("Asia/Shanghai"), date(2026, 11, 20))
    assert result.imported == 1
    [(row, code, params)] = result.rejected
    assert (row, code, params["name"]) == (2, "mobile_belongs_to_other", "李总")
    async with db.sessions() as session:
        names = sorted(t.name for t in (await session.exec(select(Trainee))).all())
    assert names == ["李总", "王五"]
