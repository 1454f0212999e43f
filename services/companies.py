"""Companies served under 一企一策: who may see them, the registry, and their profile.

**The access rule lives here, and only here** (`can_see` for one company, `visible_clause`
for a query): every list the bot shows (companies, visits, plans, the /check picker, the
overdue list) filters through it, and tests/unit/test_access_matrix.py holds the matrix.

- admin: every company;
- supervisor and specialist: the companies whose region lies within theirs; with no region,
  none (deny by default), so a specialist and a supervisor of one region see the same;
- SME: only its own company;
- a company with no region is seen by admins only.

Assignment (the one responsible specialist) decides "my companies" and coverage, not
visibility. Visits have one more rule (a specialist sees their own), in services.visits.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import false, or_, true
from sqlmodel import col, select
from stdnum.cn import uscc as uscc_number
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength, ValidationError

from services import audit, regions
from services import textgate
from services.errors import Refusal
from services.session import AsyncSession
from services.users import Actor
from storage.models import Company, CompanyHistory, Role, User
from storage.types import utcnow

__all__ = [
    "Company", "CompanyError", "ProfileConflict", "TITLES", "clean_uscc", "normalise_uscc", "name_key",
    "find_by_uscc", "lacks_region", "visible_companies", "visible_clause", "within_region", "can_see", "may_edit", "may_assign", "add_company",
    "register_company", "likely_duplicates", "complete_uscc", "search_companies", "get_visible", "assign",
    "set_profile", "history", "company_name", "region_name", "refuse",
]

MAX_NAME = 128
#: 高新技术企业, 专精特新, 专精特新"小巨人", 单项冠军, 贯标认证 (GB/T 29490); labels in locales.
TITLES = ("high_tech", "specialized", "little_giant", "champion", "ip_standard")
PROFILE_FIELDS = ("name", "industry", "region_code")
REGISTRAR_ROLES = (Role.specialist, Role.supervisor, Role.admin)


class CompanyError(Refusal):
    """A company cannot be found, seen or registered."""


class ProfileConflict(CompanyError):
    """Someone else changed the same fields since this person loaded them.

    ``params["changes"]`` lists (field, value now stored, value this person wanted).
    """


# ---------------------------------------------------------------- USCC


def clean_uscc(text: str) -> str:
    """Full-width to half-width, invisible characters, spaces and dashes out, upper case: what
    the person meant. A code of services.textgate (the length is normalise_uscc's to name)."""
    return re.sub(r"[\-_]+", "", textgate.clean(text, textgate.Kind.code)).upper()


def normalise_uscc(text: str) -> str:
    """The 18-character code, check character verified (GB 32100-2015), or a refusal saying
    what is wrong: ``reason`` is length (``got``), char (``char``, ``position``) or check
    (``expected``, ``got``)."""
    code = clean_uscc(text)
    try:
        return uscc_number.validate(code)
    except InvalidLength:
        raise CompanyError("bad_uscc", reason="length", got=len(code)) from None
    except InvalidChecksum:
        raise CompanyError("bad_uscc", reason="check", expected=uscc_number.calc_check_digit(code),
                           got=code[-1]) from None
    except (InvalidFormat, ValidationError):
        position, char = _first_bad_char(code)
        raise CompanyError("bad_uscc", reason="char", char=char, position=position) from None


def _first_bad_char(code: str) -> tuple[int, str]:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    for i, c in enumerate(code):
        if (i < 8 and not c.isdigit()) or c not in alphabet:
            return i + 1, c
    return 0, ""


# ---------------------------------------------------------------- names

_BRACKETS = str.maketrans({"（": "(", "）": ")", "【": "(", "】": ")", "[": "(", "]": ")", "〔": "(", "〕": ")",
                           "「": "(", "」": ")", "《": "(", "》": ")", "{": "(", "}": ")"})
_LEGAL_FORMS = ("股份有限公司", "有限责任公司", "有限公司", "股份公司", "集团公司", "公司")


def name_key(name: str) -> str:
    """What two spellings of one company's name share: width, spaces, brackets, the legal
    form (有限公司/有限责任公司/股份有限公司) and place names in front or in brackets dropped.

    Runs on the gated name (services.textgate), so a zero-width space or a bidi control
    inside a name does not make it another company's."""
    text = textgate.clean(name, textgate.Kind.name, fold=True).translate(_BRACKETS).lower()
    text = re.sub(r"\s+", "", text)
    places = regions.place_names()
    text = re.sub(r"\(([^()]*)\)", lambda m: "" if m.group(1) in places or not m.group(1) else m.group(1), text)
    text = text.replace("(", "").replace(")", "")
    for form in _LEGAL_FORMS:
        if text.endswith(form) and len(text) > len(form):
            text = text[: -len(form)]
            break
    while (place := regions.leading_place(text)) and len(text) - len(place) >= 2:
        text = text[len(place):]
    return text[:MAX_NAME]


def clean_name(name: str) -> str:
    """The name as stored: through the gate (services.textgate.COMPANY_NAME: NFKC, no control,
    bidi or zero-width character, spaces collapsed; over 128 characters refused, naming the
    limit), then brackets written the Chinese way; a name of under 2 characters or one that
    starts like a spreadsheet formula is refused."""
    try:
        name = textgate.gate(name, textgate.COMPANY_NAME)
    except textgate.TextTooLong as exc:
        raise CompanyError(exc.code, **exc.params) from None
    # NFKC turns full-width brackets into ASCII ones; Chinese names are written with （）.
    name = name.replace("(", "（").replace(")", "）")
    if not 2 <= len(name) <= MAX_NAME:
        raise CompanyError("bad_name", limit=MAX_NAME, got=len(name))
    if name[0] in "=+-@":
        raise CompanyError("bad_name_start")
    return name


# ---------------------------------------------------------------- the access rule


def _scope(actor: Actor) -> str | None:
    return actor.region_code if actor.region_code and regions.lookup(actor.region_code) else None


def can_see(actor: Actor, company: Company) -> bool:
    """The one rule: admin all; supervisor/specialist their region's; SME its own; else none."""
    if actor.role == Role.admin:
        return True
    if actor.role == Role.sme:
        return actor.company_id is not None and company.id == actor.company_id
    if actor.role in (Role.specialist, Role.supervisor):
        return regions.contains(_scope(actor), company.region_code)
    return False


def lacks_region(actor: Actor) -> bool:
    """A supervisor or specialist with no (known) region: they reach nothing, and are told so."""
    return actor.role in (Role.specialist, Role.supervisor) and _scope(actor) is None


def visible_clause(actor: Actor) -> Any:
    """`can_see` as a SQL condition on Company, for every list query."""
    if actor.role == Role.admin:
        return true()
    if actor.role == Role.sme:
        return Company.id == actor.company_id if actor.company_id is not None else false()
    scope = _scope(actor)
    if actor.role in (Role.specialist, Role.supervisor) and scope:
        return within_region(Company.region_code, scope)
    return false()


def within_region(column: Any, region: str) -> Any:
    """`regions.contains(region, column)` as SQL: the column's code lies within `region`
    (32, 3205/320500 or 320585 by its significant prefix); a code not in the division
    list contains nothing. The rule `visible_clause` applies, for queries by region
    (the roster's and the digest's row providers)."""
    return col(column).startswith(regions.prefix(region)) if regions.lookup(region) else false()


def may_edit(actor: Actor, company: Company) -> bool:
    """Staff who see a company may change its profile; SMEs may not."""
    return actor.role in REGISTRAR_ROLES and can_see(actor, company)


def may_assign(actor: Actor, company: Company) -> bool:
    return actor.role in (Role.supervisor, Role.admin) and can_see(actor, company)


async def refuse(session: AsyncSession, actor: Actor, action: str, code: str = "not_visible", **detail: Any) -> None:
    """Audit a refused request and raise the refusal the person reads."""
    await audit.record(session, action, "denied", actor.telegram_id, role=actor.role.value, **detail)
    raise CompanyError(code)


async def visible_companies(session: AsyncSession, actor: Actor, limit: int = 200) -> list[Company]:
    query = select(Company).where(visible_clause(actor)).order_by(Company.name).limit(limit)
    return list((await session.exec(query)).all())


async def get_visible(session: AsyncSession, actor: Actor, company_id: int, action: str = "company.open") -> Company:
    """The company if the actor may see it; otherwise audited and refused."""
    company = await session.get(Company, company_id)
    if company is None or not can_see(actor, company):
        await refuse(session, actor, action, company_id=company_id)
    return company


# ---------------------------------------------------------------- registry


async def find_by_uscc(session: AsyncSession, text: str) -> Company | None:
    code = normalise_uscc(text)
    return (await session.exec(select(Company).where(Company.uscc == code))).first()


async def add_company(
    session: AsyncSession, uscc: str | None, name: str, region_code: str | None = None,
    specialist_id: int | None = None, industry: str | None = None,
) -> Company:
    """Register a company with no actor (the command line, imports, fixtures)."""
    code = normalise_uscc(uscc) if uscc else None
    name = clean_name(name)
    if code and (await session.exec(select(Company).where(Company.uscc == code))).first():
        raise CompanyError("exists")
    if region_code is None and code:
        region = regions.from_uscc(code)
        region_code = region.code if region else None
    company = Company(uscc=code, name=name, name_key=name_key(name), region_code=region_code,
                      specialist_id=specialist_id, industry=industry)
    session.add(company)
    await session.flush()
    return company


async def likely_duplicates(session: AsyncSession, actor: Actor, name: str) -> list[Company]:
    """Companies the actor sees whose name is the same once spelling is set aside."""
    key = name_key(name)
    if not key:
        return []
    query = select(Company).where(Company.name_key == key, visible_clause(actor)).limit(5)
    return list((await session.exec(query)).all())


def resolve_region(text: str | None) -> regions.Region:
    region = regions.resolve(text or "")
    if region is None:
        raise CompanyError("unknown_region", value=(text or "")[:30])
    return region


async def register_company(
    session: AsyncSession, actor: Actor, name: str, uscc: str | None = None, region: str | None = None,
    *, industry: str | None = None, force: bool = False, as_of: date,
) -> Company:
    """Register a company in the actor's region; the USCC may come later (`complete_uscc`).

    Raises CompanyError: ``exists`` (same USCC), ``likely_duplicate`` (a company of the
    same name, unless ``force``), ``unknown_region``, ``region_outside`` (not in the
    actor's region), ``bad_uscc``, ``bad_name``; and refuses SMEs.
    """
    if actor.role not in REGISTRAR_ROLES:
        await refuse(session, actor, "company.register", "not_allowed")
    name = clean_name(name)
    code = normalise_uscc(uscc) if uscc else None
    if code:
        existing = (await session.exec(select(Company).where(Company.uscc == code))).first()
        if existing is not None:
            raise CompanyError("exists", company_id=existing.id if can_see(actor, existing) else None)
    found = resolve_region(region) if region else regions.from_uscc(code) if code else None
    if found is None:
        raise CompanyError("unknown_region", value="")
    if actor.role != Role.admin and not regions.contains(_scope(actor), found.code):
        raise CompanyError("region_outside", region=found.full_name)
    if not force and await likely_duplicates(session, actor, name):
        raise CompanyError("likely_duplicate")
    company = Company(uscc=code, name=name, name_key=name_key(name), region_code=found.code, industry=industry,
                      specialist_id=actor.user_id if actor.role == Role.specialist else None)
    session.add(company)
    await session.flush()
    source = _source(actor, "register")
    for field, value in (("name", name), ("uscc", code), ("region_code", found.code), ("industry", industry),
                         ("specialist_id", company.specialist_id)):
        if value is not None:
            session.add(CompanyHistory(company_id=company.id, field=field, value=value, source=source, as_of=as_of,
                                       recorded_by=actor.user_id))
    await audit.record(session, "company.register", "ok", actor.telegram_id, company_id=company.id)
    return company


async def complete_uscc(session: AsyncSession, actor: Actor, company_id: int, uscc: str, *, as_of: date) -> Company:
    """Give a company registered without a USCC its code, once; a code already taken is refused."""
    company = await get_visible(session, actor, company_id, "company.uscc")
    if not may_edit(actor, company):
        await refuse(session, actor, "company.uscc", "not_allowed", company_id=company_id)
    code = normalise_uscc(uscc)
    if company.uscc == code:
        return company
    if company.uscc is not None:
        raise CompanyError("uscc_already_set", uscc=company.uscc)
    other = (await session.exec(select(Company).where(Company.uscc == code))).first()
    if other is not None:
        raise CompanyError("exists", company_id=other.id if can_see(actor, other) else None)
    company.uscc, company.updated_at = code, utcnow()
    session.add(company)
    session.add(CompanyHistory(company_id=company.id, field="uscc", value=code, source=_source(actor, "uscc"),
                               as_of=as_of, recorded_by=actor.user_id))
    await session.flush()
    return company


async def search_companies(session: AsyncSession, actor: Actor, text: str, limit: int = 20) -> list[Company]:
    """By any part of the name (spelling set aside) or of the USCC, among those the actor sees.

    The words go through the gate as one line (textgate.SEARCH_WORDS: NFKC, no control, bidi or
    invisible separator; not stored, so a long search is cut to 64, not refused)."""
    words = textgate.gate(text, textgate.SEARCH_WORDS)
    if not words:
        return []
    code, key = clean_uscc(words), name_key(words) or words.lower()
    like = [col(Company.name).contains(words), col(Company.name_key).contains(key)]
    if re.fullmatch(r"[0-9A-Z]{4,18}", code):
        like.append(col(Company.uscc).contains(code))
    query = select(Company).where(visible_clause(actor), or_(*like)).order_by(Company.name).limit(limit)
    return list((await session.exec(query)).all())


async def assign(session: AsyncSession, actor: Actor, company_id: int, specialist_user_id: int, *,
                 as_of: date) -> Company:
    """A supervisor (or admin) makes a specialist of the company's region responsible for it."""
    company = await get_visible(session, actor, company_id, "company.assign")
    if not may_assign(actor, company):
        await refuse(session, actor, "company.assign", "not_allowed", company_id=company_id)
    specialist = await session.get(User, specialist_user_id)
    if (specialist is None or specialist.role != Role.specialist or not specialist.active
            or not regions.contains(specialist.region_code, company.region_code)):
        raise CompanyError("bad_specialist")
    company.specialist_id, company.updated_at = specialist.id, utcnow()
    session.add(company)
    session.add(CompanyHistory(company_id=company.id, field="specialist_id", value=specialist.id,
                               source=_source(actor, "assign"), as_of=as_of, recorded_by=actor.user_id))
    await audit.record(session, "company.assign", "ok", actor.telegram_id, company_id=company.id,
                       specialist_id=specialist.id)
    await session.flush()
    return company


async def specialists_for(session: AsyncSession, company: Company) -> list[User]:
    """Active specialists whose region contains the company's: who it may be assigned to."""
    rows = await session.exec(select(User).where(User.role == Role.specialist, User.active).order_by(User.full_name))
    return [u for u in rows.all() if regions.contains(u.region_code, company.region_code)]


# ---------------------------------------------------------------- profile and history


def current_value(company: Company, field: str) -> Any:
    if field.startswith("title:"):
        return (company.titles or {}).get(field[6:])
    if field.startswith("fact:"):
        return (company.facts or {}).get(field[5:])
    return getattr(company, field)


async def set_profile(
    session: AsyncSession, actor: Actor, company_id: int, changes: dict[str, Any], *, source: str, as_of: date,
    base: dict[str, Any] | None = None, catalog: Any = None,
) -> Company:
    """Change profile fields (``name``, ``industry``, ``region_code``, ``title:<code>``,
    ``fact:<name>``), each kept in the history with its source and as-of date.

    ``base`` holds the values the person saw when they began; if another person changed
    one of those fields since, nothing is written and `ProfileConflict` lists the
    difference. Facts are validated by the catalog (FactError names the fact).
    """
    company = await get_visible(session, actor, company_id, "company.edit")
    if not may_edit(actor, company):
        await refuse(session, actor, "company.edit", "not_allowed", company_id=company_id)
    conflicts = [(f, current_value(company, f), v) for f, v in changes.items()
                 if base is not None and f in base and current_value(company, f) != base[f]
                 and current_value(company, f) != v]
    if conflicts:
        raise ProfileConflict("conflict", changes=conflicts)
    facts, titles = dict(company.facts or {}), dict(company.titles or {})
    for field, value in changes.items():
        if field.startswith("fact:"):
            facts[field[5:]] = value
        elif field.startswith("title:") and field[6:] in TITLES:
            titles[field[6:]] = value
        elif field == "name":
            company.name = clean_name(value)
            company.name_key = name_key(company.name)
        elif field == "industry":
            try:  # one line (textgate.INDUSTRY); over the column's 64 refused, naming the limit
                company.industry = (textgate.gate(value, textgate.INDUSTRY) or None) if value is not None else None
            except textgate.TextTooLong as exc:
                raise CompanyError(exc.code, **exc.params) from None
        elif field == "region_code":
            region = resolve_region(value)
            if actor.role != Role.admin and not regions.contains(_scope(actor), region.code):
                raise CompanyError("region_outside", region=region.full_name)
            company.region_code = region.code
        else:
            raise CompanyError("unknown_field", field=field[:40])
    if catalog is not None and facts != (company.facts or {}):
        facts = catalog.parse_facts(facts).to_dict()  # raises FactError: nothing written
    company.facts, company.titles, company.updated_at = facts, titles, utcnow()
    session.add(company)
    for field, value in changes.items():
        session.add(CompanyHistory(company_id=company.id, field=field, value=current_value(company, field),
                                   source=source[:128], as_of=as_of, recorded_by=actor.user_id))
    await session.flush()
    return company


async def history(session: AsyncSession, actor: Actor, company_id: int, field: str | None = None) -> list[CompanyHistory]:
    await get_visible(session, actor, company_id, "company.history")
    query = select(CompanyHistory).where(CompanyHistory.company_id == company_id)
    if field:
        query = query.where(CompanyHistory.field == field)
    return list((await session.exec(query.order_by(col(CompanyHistory.id).desc()))).all())


@dataclass(frozen=True)
class Sourced:
    """A profile value with where it came from and the day it was true."""

    value: Any
    source: str
    as_of: date


async def sourced_values(session: AsyncSession, company_id: int) -> dict[str, Sourced]:
    """The newest history row per field: each current value with its source and as-of date."""
    rows = await session.exec(select(CompanyHistory).where(CompanyHistory.company_id == company_id)
                              .order_by(col(CompanyHistory.id)))
    return {r.field: Sourced(r.value, r.source, r.as_of) for r in rows.all()}


def _source(actor: Actor, what: str) -> str:
    return f"{what}:{actor.role.value}:{actor.user_id}"


async def company_name(session: AsyncSession, company_id: int) -> str | None:
    company = await session.get(Company, company_id)
    return company.name if company else None


def region_name(code: str | None) -> str:
    region = regions.lookup(code)
    return region.full_name if region else (code or "")
