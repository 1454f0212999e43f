"""Eligibility checks for a company: its saved facts, answers typed in chat, and what changed.

The rules live in `policy/`; this module connects them to companies and people:
who may check which company, turning "120万" or "是" into a typed fact, saving
facts, and telling what a change newly qualifies for or brings within one step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from policy import ELIGIBLE, Catalog, FactError, ProgrammeResult, load_catalog
from services.companies import Company, CompanyError, can_see, visible_companies
from services.errors import Refusal
from services.session import AsyncSession
from services.users import Actor, Role
from storage.types import utcnow

__all__ = [
    "AnswerError", "Catalog", "FactError", "Subject", "News", "catalog", "today", "subject_for", "choices_for",
    "parse_answer", "save_facts", "news_between", "may_save", "known_facts", "company_contacts", "parse_whatif",
]

_YES = {"是", "有", "对", "y", "yes", "true", "1", "√", "✓"}
_NO = {"否", "没有", "无", "不是", "n", "no", "false", "0", "×", "✗"}
_MONEY = re.compile(r"^\s*([0-9][0-9,，]*(?:\.[0-9]+)?)\s*(亿|万|千|元)?\s*元?\s*$")
_UNITS = {"亿": 100_000_000, "万": 10_000, "千": 1_000, "元": 1, None: 1}


class AnswerError(Refusal):
    """A typed answer could not be read."""


@dataclass(frozen=True)
class Subject:
    """The company being checked and what is known about it."""

    company_id: int
    name: str
    facts: dict


@dataclass(frozen=True)
class News:
    """What a change of facts brought: newly eligible, and newly one condition away."""

    eligible: list[ProgrammeResult]
    one_step: list[ProgrammeResult]

    def __bool__(self) -> bool:
        return bool(self.eligible or self.one_step)


@lru_cache(maxsize=4)
def catalog(policy_dir: str | None = None) -> Catalog:
    return load_catalog(policy_dir)


def today(tz: str = "Asia/Shanghai") -> date:
    """The as-of date is the calendar day in Asia/Shanghai, not the server's."""
    return datetime.now(ZoneInfo(tz)).date()


async def choices_for(session: AsyncSession, actor: Actor) -> list[tuple[int, str]]:
    return [(c.id, c.name) for c in await visible_companies(session, actor)]


async def subject_for(session: AsyncSession, actor: Actor, company_id: int) -> Subject:
    company = await session.get(Company, company_id)
    if company is None or not can_see(actor, company):
        raise CompanyError("not_visible")
    return Subject(company.id, company.name, known_facts(catalog(), company.facts or {}))


def known_facts(cat: Catalog, facts: dict) -> dict:
    """Saved facts the current packs still know; a retired fact must not block a check."""
    return {name: value for name, value in facts.items() if name in cat.registry}


def may_save(actor: Actor) -> bool:
    return actor.role in (Role.specialist, Role.admin, Role.sme)


def parse_answer(catalog: Catalog, fact: str, text: str) -> object:
    """A person's typed answer as the fact's JSON value; validated by the catalog."""
    kind = "bool" if fact.startswith("confirmed:") else catalog.registry.specs[fact].type
    text = text.strip().replace("％", "%")
    if len(text) > 64:
        raise AnswerError("too_long")
    value: object
    if kind == "bool":
        low = text.lower()
        if low in _YES:
            value = True
        elif low in _NO:
            value = False
        else:
            raise AnswerError("want_yes_no")
    elif kind == "count":
        if not re.fullmatch(r"\d{1,7}", text):
            raise AnswerError("want_count")
        value = int(text)
    elif kind == "money":
        value = _money(text)
    elif kind == "ratio":
        value = text if text.endswith("%") else _ratio(text)
    elif kind == "money3":
        parts = [p for p in re.split(r"[,，、;；\s]+", text) if p]
        if len(parts) != 3:
            raise AnswerError("want_three")
        value = [_money(p) for p in parts]
    elif kind == "date":
        value = text
    else:
        raise AnswerError("not_in_chat")
    catalog.parse_facts({fact: value})  # raises FactError naming the field
    return value


def _money(text: str) -> int | float:
    match = _MONEY.match(text)
    if not match:
        raise AnswerError("want_money")
    amount = float(match.group(1).replace(",", "").replace("，", "")) * _UNITS[match.group(2)]
    return int(amount) if amount.is_integer() else round(amount, 2)


def _ratio(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise AnswerError("want_ratio") from None


def news_between(before: list[ProgrammeResult], after: list[ProgrammeResult]) -> News:
    was = {r.policy: r for r in before}
    eligible, one_step = [], []
    for r in after:
        old = was.get(r.policy)
        if r.status == ELIGIBLE and (old is None or old.status != ELIGIBLE):
            eligible.append(r)
        elif _one_step(r) and not (old is not None and _one_step(old)):
            one_step.append(r)
    return News(eligible, one_step)


def _one_step(r: ProgrammeResult) -> bool:
    """Exactly one measurable condition short, nothing unknown."""
    return r.status != ELIGIBLE and not r.missing and len(r.gaps) == 1 and r.gaps[0].short_by is not None


async def save_facts(session: AsyncSession, actor: Actor, company_id: int, facts: dict, as_of: date,
                     policy_dir: str | None = None) -> News:
    """Validate and store the company's facts; return what the change brought."""
    company = await session.get(Company, company_id)
    if company is None or not can_see(actor, company) or not may_save(actor):
        raise CompanyError("not_visible")
    cat = catalog(policy_dir)
    new = cat.parse_facts(facts)  # raises FactError: nothing saved
    before = cat.evaluate(cat.parse_facts(known_facts(cat, company.facts or {})), as_of)
    company.facts = new.to_dict()
    company.updated_at = utcnow()
    session.add(company)
    return news_between(before, cat.evaluate(new, as_of))


async def company_contacts(session: AsyncSession, company_id: int) -> tuple[int | None, list[int]]:
    """Telegram ids of the company's specialist and of its SME users, for notices."""
    from sqlmodel import select

    from storage.models import User

    company = await session.get(Company, company_id)
    specialist = await session.get(User, company.specialist_id) if company and company.specialist_id else None
    smes = await session.exec(select(User.telegram_id).where(User.company_id == company_id, User.role == Role.sme,
                                                             User.active))
    return (specialist.telegram_id if specialist and specialist.active else None), list(smes.all())


_WHATIF = re.compile(r"^(?P<what>.+?)\s*(?P<value>[+\-−]?\s*[0-9][0-9,，.]*\s*(?:亿|万|千)?元?%?|是|否)$")


def parse_whatif(catalog: Catalog, text: str) -> tuple[dict, date | None, str] | None:
    """'当年发明专利授权 +2', 'valid_invention_patents 25' or a date '2024-06-30'.

    Returns (changes, another as-of date, what to show) or None when unreadable.
    A relative change stays a string ("+2") for the engine to apply.
    """
    text = " ".join(text.split())[:100]
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return {}, date.fromisoformat(text), text
        except ValueError:
            return None
    match = _WHATIF.match(text)
    if not match:
        return None
    fact = _find_fact(catalog, match.group("what").strip())
    raw = match.group("value").replace("−", "-").replace(" ", "")
    if fact is None:
        return None
    if raw[0] in "+-":
        if _kind(catalog, fact) not in ("count", "money"):
            return None
        amount = _money(raw[1:]) if _kind(catalog, fact) == "money" else raw[1:]
        value: object = f"{raw[0]}{amount}"
    else:
        try:
            value = parse_answer(catalog, fact, raw)
        except (AnswerError, FactError):
            return None
    return {fact: value}, None, f"{catalog.label(fact)} {raw}"


def _kind(catalog: Catalog, fact: str) -> str:
    return "bool" if fact.startswith("confirmed:") else catalog.registry.specs[fact].type


def _find_fact(catalog: Catalog, words: str) -> str | None:
    """A fact by its name, or the one whose Chinese label contains (or is contained in) the words."""
    if words in catalog.registry.specs:
        return words
    candidates = [name for name, spec in catalog.registry.specs.items()
                  if words and (words in spec.label_zh or spec.label_zh in words)]
    return min(candidates, key=lambda n: len(catalog.registry.specs[n].label_zh)) if candidates else None
