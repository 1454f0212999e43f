"""Trainees are people: one row per mobile number, whatever way the number was written.

`normalise_mobile` turns "+86 138-0013-8000", "13800138000" and full-width digits into
the same E.164 string with `phonenumbers`, and refuses a number that is not a mainland
mobile with a reason a person can act on. `upsert_trainee` finds or creates the person
by that number, safe when two requests create the same person at once. A number that
belongs to a person of another name is never taken as a rename: an organiser who types
"张三 13800138000" where 13800138000 is 李总's number is told so (`mobile_belongs_to_other`,
naming 李总 and the masked number), and nothing is enrolled; the organiser decides.

Digests read `Trainee` rows directly (see storage.training_tables); `mask_mobile` is the
form to show anyone who may not see full numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType, ValidationResult
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from services import textgate
from services.errors import Refusal
from services.session import AsyncSession
from storage.training_tables import Trainee
from storage.types import utcnow

__all__ = ["CATEGORIES", "PersonDraft", "Trainee", "category_of", "clean_text", "mask_mobile", "normalise_mobile",
           "linked_elsewhere", "same_name", "trainee_for_user", "upsert_trainee"]

#: The kinds of people 苏知发〔2018〕86号 二(五) counts toward its target, plus 其他.
CATEGORIES = ("知识产权总监", "知识产权工程师", "贯标内审员", "经营管理人员", "其他")

#: Short forms people type or write in spreadsheets.
_CATEGORY_ALIASES = {
    "总监": "知识产权总监", "知识产权总监": "知识产权总监",
    "工程师": "知识产权工程师", "知识产权工程师": "知识产权工程师",
    "内审员": "贯标内审员", "贯标内审员": "贯标内审员", "企业贯标内审员": "贯标内审员",
    "经营管理人员": "经营管理人员", "经营管理": "经营管理人员", "管理人员": "经营管理人员",
    "其他": "其他", "其它": "其他",
}

#: Labels for the "please fill in" sentence (tr_err_field_missing), by field.
_REQUIRED_LABELS = {"person_name": "姓名", "training_title": "培训名称", "category": "类别"}


def clean_text(value: object, field: textgate.Field | str, limit: int | None = None, *,
               required: bool = False) -> str:
    """The field's text through the one gate (services.textgate: no control, bidi or, in names,
    zero-width character; NFKC; spaces collapsed); refuse it empty (if required) or too long.

    `field` is a `textgate.Field` or its key ("training_title", "location"); an old caller's
    label and limit ("标题", 128) still work, as a one-line field of their own.
    """
    spec = textgate.field(field, limit)
    text = textgate.gate(value, spec)
    if required and not text:
        raise Refusal("field_missing", field=spec.fixed_label or _REQUIRED_LABELS.get(spec.key, spec.key))
    return text


def category_of(value: object) -> str:
    """The canonical category for a typed or spreadsheet value; refuse an unknown one."""
    text = clean_text(value, textgate.CATEGORY, required=True).replace(" ", "")
    found = _CATEGORY_ALIASES.get(text)
    if found is None:
        raise Refusal("category_unknown", value=text, choices="、".join(CATEGORIES))
    return found


def normalise_mobile(raw: object) -> str:
    """E.164 of a mainland China mobile number, or a Refusal saying what is wrong with it."""
    if isinstance(raw, float) and raw.is_integer():  # a spreadsheet number cell: 13800138000.0
        raw = int(raw)
    text = textgate.gate(raw, textgate.MOBILE)  # NFKC, no invisible characters, at most 32 refused by name
    if not text:
        raise Refusal("mobile_missing")
    if not re.fullmatch(r"[0-9+()\-. ]+", text):
        raise Refusal("mobile_not_a_number", value=text[:32])
    try:
        number = phonenumbers.parse(text, "CN")
    except NumberParseException:
        raise Refusal("mobile_not_a_number", value=text) from None
    possible = phonenumbers.is_possible_number_with_reason(number)
    if possible == ValidationResult.TOO_SHORT:
        raise Refusal("mobile_too_short", value=text)
    if possible in (ValidationResult.TOO_LONG, ValidationResult.INVALID_LENGTH):
        raise Refusal("mobile_too_long", value=text)
    if number.country_code != 86:
        raise Refusal("mobile_not_mainland", value=text)
    digits = phonenumbers.national_significant_number(number)
    if digits.startswith("1") and len(digits) != 11:  # mainland mobiles have 11 digits, landlines fewer
        raise Refusal("mobile_too_short" if len(digits) < 11 else "mobile_too_long", value=text)
    if not phonenumbers.is_valid_number(number):
        raise Refusal("mobile_invalid", value=text)
    if phonenumbers.number_type(number) not in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE):
        raise Refusal("mobile_not_mobile", value=text)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask_mobile(e164: str) -> str:
    """138****8000: enough to tell people apart on a roster, not enough to call them."""
    national = e164[3:] if e164.startswith("+86") else e164
    return f"{national[:3]}****{national[-4:]}" if len(national) >= 7 else "****"


@dataclass(frozen=True)
class PersonDraft:
    """A person as typed or read from a spreadsheet, already validated."""

    name: str
    mobile: str  # E.164
    company: str = ""
    position: str = ""
    category: str = "其他"

    @classmethod
    def parse(cls, name: object, mobile: object, company: object = "", position: object = "",
              category: object = None) -> "PersonDraft":
        """Validate every field; the first problem is raised as a Refusal."""
        return cls(
            name=clean_text(name, textgate.PERSON_NAME, required=True),
            mobile=normalise_mobile(mobile),
            company=clean_text(company, textgate.EMPLOYER),
            position=clean_text(position, textgate.POSITION),
            category=category_of(category) if category not in (None, "") else "其他",
        )


def same_name(a: str, b: str) -> bool:
    """Two spellings of one person's name: "张 三" and "张三", "Li Wei" and "li wei"."""
    def key(name: str) -> str:
        return textgate.clean(name, textgate.Kind.name, fold=True).replace(" ", "").casefold()
    return key(a) == key(b)


async def upsert_trainee(session: AsyncSession, person: PersonDraft, user_id: int | None = None) -> Trainee:
    """The one trainee with this mobile, created if new; blanks are filled, nothing else overwritten.

    Identity is the mobile number, so "太仓精工机械有限公司" and "太仓精工" for the same number
    stay one person (the first spelling is kept). But when someone else writes the number
    down (an organiser, a spreadsheet: no `user_id`) under another person's name, it is a
    mistake or a shared phone, never a rename: refused with `mobile_belongs_to_other`, naming
    who has the number. A person enrolling themselves (`user_id`) is not refused for how
    Telegram spells their name; whose number it is they answer by `linked_elsewhere`.
    The insert runs in a savepoint:
    if another request created the person meanwhile, the unique mobile makes it fail and
    the existing row is returned, without undoing the caller's transaction.
    """
    trainee = await _by_mobile(session, person.mobile)
    if trainee is None:
        trainee = Trainee(name=person.name, mobile=person.mobile, company=person.company, position=person.position,
                          category=person.category, user_id=user_id)
        try:
            async with session.begin_nested():
                session.add(trainee)
        except IntegrityError:
            trainee = await _by_mobile(session, person.mobile)
            if trainee is None:  # the user link collided, not the mobile
                raise Refusal("user_already_linked") from None
        else:
            return trainee
    if user_id is None and not same_name(trainee.name, person.name):
        raise Refusal("mobile_belongs_to_other", mobile=mask_mobile(trainee.mobile), name=trainee.name,
                      typed=person.name)
    changed = False
    for field in ("company", "position"):
        if not getattr(trainee, field) and getattr(person, field):
            setattr(trainee, field, getattr(person, field))
            changed = True
    if trainee.category == "其他" and person.category != "其他":
        trainee.category, changed = person.category, True
    if user_id is not None and trainee.user_id is None:
        await _unlink_user(session, user_id)
        trainee.user_id, changed = user_id, True
    if changed:
        trainee.updated_at = utcnow()
        session.add(trainee)
        await session.flush()
    return trainee


async def trainee_for_user(session: AsyncSession, user_id: int) -> Trainee | None:
    return (await session.exec(select(Trainee).where(Trainee.user_id == user_id))).first()


async def linked_elsewhere(session: AsyncSession, mobile: str, user_id: int) -> bool:
    """True when this number belongs to a person linked to another bot user."""
    trainee = await _by_mobile(session, mobile)
    return trainee is not None and trainee.user_id not in (None, user_id)


async def _by_mobile(session: AsyncSession, mobile: str) -> Trainee | None:
    return (await session.exec(select(Trainee).where(Trainee.mobile == mobile))).first()


async def _unlink_user(session: AsyncSession, user_id: int) -> None:
    """A bot user is one person: a new number for them moves the link, it does not duplicate it."""
    other = await trainee_for_user(session, user_id)
    if other is not None:
        other.user_id = None
        session.add(other)
        await session.flush()
