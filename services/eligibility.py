"""Eligibility checks for a company: its saved facts, answers typed in chat, and what changed.

The rules live in `policy/`; this module connects them to companies and people:
who may check which company, turning "120万" or "是" into a typed fact, saving
facts, and telling what a change newly qualifies for or brings within one step.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from policy import ELIGIBLE, NEEDS_INFO, Catalog, FactError, ProgrammeResult, rank_missing_facts
from services import audit
from services.companies import Company, can_see, visible_companies
from services.errors import Refusal
from services.session import AsyncSession
from services.users import Actor, Role
from storage.types import utcnow

__all__ = [
    "AnswerError", "CheckRefusal", "Catalog", "FactError", "Subject", "News", "subject_for", "choices_for",
    "parse_answer", "save_facts", "news_between", "may_save", "may_send", "known_facts", "company_contacts",
    "recipients_for_send", "keep_sent_facts", "Contact", "parse_whatif", "next_question", "askable", "fact_kind",
    "read_counts", "parse_answers",
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


class CheckRefusal(Refusal):
    """An actor may not do this to this company; `code` picks the sentence (check_refused_<code>)."""


#: Who may do what in /check. Every action below checks it here, whatever buttons were shown.
SAVERS = frozenset({Role.specialist, Role.admin, Role.sme})
SENDERS = frozenset({Role.specialist, Role.admin})


def may_save(actor: Actor) -> bool:
    return actor.role in SAVERS


def may_send(actor: Actor) -> bool:
    return actor.role in SENDERS


async def _refuse(session: AsyncSession, actor: Actor, action: str, code: str, company_id: int | None) -> None:
    """Audit the refusal (the caller's commit keeps it) and raise it; nothing else changed."""
    await audit.record(session, f"check.{action}", "denied", actor.telegram_id, role=actor.role.value,
                       company_id=company_id, code=code)
    raise CheckRefusal(code, action=action)


async def _company(session: AsyncSession, actor: Actor, company_id: int, action: str) -> Company:
    company = await session.get(Company, company_id) if isinstance(company_id, int) else None
    if company is None or not can_see(actor, company):
        await _refuse(session, actor, action, "not_visible", company_id)
    return company


async def choices_for(session: AsyncSession, actor: Actor) -> list[tuple[int, str]]:
    return [(c.id, c.name) for c in await visible_companies(session, actor)]


async def subject_for(session: AsyncSession, catalog: Catalog, actor: Actor, company_id: int) -> Subject:
    """Load a company for a check: only one the actor may see, with the facts `catalog` knows."""
    company = await _company(session, actor, company_id, "load")
    return Subject(company.id, company.name, known_facts(catalog, company.facts or {}))


def known_facts(cat: Catalog, facts: dict) -> dict:
    """Saved facts the current packs still know and that agree with each other.

    A retired fact must not block a check, and facts saved before the consistency rules
    (5 valid invention patents, 0 applications) are left out, to be asked again.
    """
    known = {name: value for name, value in facts.items() if name in cat.registry}
    _usable, problems = cat.parse_usable_facts(known)
    doubtful = {f.split("[", 1)[0] for p in problems for f in (p.field, *p.fields)}
    return {name: value for name, value in known.items() if name not in doubtful}


def parse_answer(catalog: Catalog, fact: str, text: str) -> object:
    """A person's typed answer as the fact's JSON value; validated by the catalog."""
    kind = fact_kind(catalog, fact)
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


async def save_facts(session: AsyncSession, catalog: Catalog, actor: Actor, company_id: int, facts: dict,
                     as_of: date) -> News:
    """Validate and store the company's facts; return what the change brought.

    Saved facts `catalog` does not know (a pack no longer loaded) are kept, not erased.
    """
    company = await _company(session, actor, company_id, "save")
    if not may_save(actor):
        await _refuse(session, actor, "save", "may_not_save", company_id)
    new = catalog.parse_facts(facts)  # raises FactError: nothing saved
    saved = company.facts or {}
    before = catalog.evaluate(catalog.parse_facts(known_facts(catalog, saved)), as_of)
    unknown = {k: v for k, v in saved.items() if k not in catalog.registry}
    company.facts = {**unknown, **new.to_dict()}
    company.updated_at = utcnow()
    session.add(company)
    return news_between(before, catalog.evaluate(new, as_of))


@dataclass(frozen=True)
class Contact:
    """Someone to tell about a company's check, in their own language."""

    telegram_id: int
    language: str


async def recipients_for_send(session: AsyncSession, actor: Actor, company_id: int) -> list[Contact]:
    """The company's SME users, for an actor who may send them a result."""
    await _company(session, actor, company_id, "send")
    if not may_send(actor):
        await _refuse(session, actor, "send", "may_not_send", company_id)
    return (await company_contacts(session, company_id))[1]


async def keep_sent_facts(session: AsyncSession, catalog: Catalog, actor: Actor, company_id: int, facts: dict,
                          as_of: date) -> bool:
    """Store the facts a result was sent on, so the company's own /check starts from them.

    Sending a result tells the company what is on file; an SME who then opens /check must
    be asked only what is still missing, not re-answer from nothing. Refused like a send
    (and like a save). Returns whether the company record changed.
    """
    await _company(session, actor, company_id, "send")
    if not may_send(actor):
        await _refuse(session, actor, "send", "may_not_send", company_id)
    company = await session.get(Company, company_id)
    before = known_facts(catalog, company.facts or {})
    await save_facts(session, catalog, actor, company_id, facts, as_of)
    return known_facts(catalog, company.facts or {}) != before


async def company_contacts(session: AsyncSession, company_id: int) -> tuple[Contact | None, list[Contact]]:
    """The company's specialist (if active) and its active SME users, for notices."""
    from sqlmodel import select

    from storage.models import User

    company = await session.get(Company, company_id)
    specialist = await session.get(User, company.specialist_id) if company and company.specialist_id else None
    smes = await session.exec(select(User).where(User.company_id == company_id, User.role == Role.sme, User.active)
                              .order_by(User.id))
    return (Contact(specialist.telegram_id, specialist.language) if specialist and specialist.active else None,
            [Contact(u.telegram_id, u.language) for u in smes.all()])


_WHATIF = re.compile(r"^(?P<what>.+?)\s*(?P<value>[+\-−]?\s*[0-9][0-9,，.]*\s*(?:亿|万|千)?元?%?|是|否)$")


def parse_whatif(catalog: Catalog, text: str, lang: str = "zh") -> tuple[dict, date | None, str] | None:
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
        if fact_kind(catalog, fact) not in ("count", "money"):
            return None
        amount = _money(raw[1:]) if fact_kind(catalog, fact) == "money" else raw[1:]
        value: object = f"{raw[0]}{amount}"
    else:
        try:
            value = parse_answer(catalog, fact, raw)
        except (AnswerError, FactError):
            return None
    return {fact: value}, None, f"{catalog.label(fact, lang)} {raw}"


def _find_fact(catalog: Catalog, words: str) -> str | None:
    """A fact by its name, or the one whose Chinese label contains (or is contained in) the words."""
    if words in catalog.registry.specs:
        return words
    low = words.lower()
    candidates = [(len(label), name) for name, spec in catalog.registry.specs.items()
                  for label in (spec.label_zh, spec.label_en.lower())
                  if spec.type != "patent_list" and words and label and (low in label or label in low)]
    return min(candidates)[1] if candidates else None


# --------------------------------------------------------------------------- which question next

#: Values tried for a fact to see whether any answer would settle a programme: the ends of
#: its range (every threshold of the packs is monotone in its fact).
_PROBES = {
    "bool": (True, False),
    "count": (0, 10**7),
    "money": (0, 10**13),
    "ratio": (0.0, 1.0),
    "money3": ([0, 0, 0], [10**13] * 3),
}


def fact_kind(catalog: Catalog, fact: str) -> str:
    return "bool" if fact.startswith("confirmed:") else catalog.registry.specs[fact].type


def askable(catalog: Catalog, actor: Actor, fact: str) -> bool:
    """Patent lists are not typed in chat; confirmations are a specialist's, not the company's own."""
    if fact.startswith("confirmed:"):
        return actor.role != Role.sme
    return fact_kind(catalog, fact) != "patent_list"


def open_programmes(results: list[ProgrammeResult], include_ended: bool) -> list[str]:
    """Undecided programmes a question may settle: those in force (ended ones only on request)."""
    return [r.policy for r in results if r.status == NEEDS_INFO and (r.in_force or include_ended)]


def settles(catalog: Catalog, facts: dict, fact: str, as_of: date, policy_ids: list[str]) -> int:
    """How many of `policy_ids` some answer to `fact` would decide (0: not worth asking)."""
    probes = _PROBES.get(fact_kind(catalog, fact), (as_of.isoformat(), "1980-01-01"))
    decided: set[str] = set()
    for value in probes:
        try:
            results = catalog.evaluate({**facts, fact: value}, as_of, policy_ids)
        except FactError:  # an answer that contradicts what is known cannot be given
            continue
        decided.update(r.policy for r in results if r.status != NEEDS_INFO)
    return len(decided)


def next_question(catalog: Catalog, actor: Actor, facts: dict, as_of: date, *, skipped: Iterable[str] = (),
                  include_ended: bool = False) -> str | None:
    """The fact to ask next, or None: the one that settles the most open programmes.

    A fact already on file is never missing, so never asked again; a fact no answer of
    which would settle an open programme is not asked at all.
    """
    results = catalog.evaluate(facts, as_of)
    ids = open_programmes(results, include_ended)
    if not ids:
        return None
    skipped = set(skipped)
    best, best_score = None, 0
    for fact in rank_missing_facts([r for r in results if r.policy in ids]):
        if fact in skipped or not askable(catalog, actor, fact):
            continue
        score = settles(catalog, facts, fact, as_of, ids)
        if score > best_score:
            best, best_score = fact, score
    return best


# --------------------------------------------------------------------------- several numbers in one message

#: Words that name a patent count in free text, most specific first ("有效" alone means
#: valid invention patents, as the question asks).
COUNT_WORDS: tuple[tuple[str, str], ...] = (
    ("高价值", "high_value_patents"),
    ("PCT", "pct_foreign_invention_grants"),
    ("有效专利", "valid_patents_total"),
    ("有效", "valid_invention_patents"),
    ("授权", "invention_grants_this_year"),
    ("申请", "invention_applications_total"),
)
_NUMBER = re.compile(r"(?<![\d.])(-?\d{1,7})(?![\d.%])")


def read_counts(catalog: Catalog, text: str) -> dict[str, int]:
    """Counts stated in words: "申请 15 件，授权 5 件，有效 12 件" -> three facts.

    Each number belongs to the words just before it (since the previous number); a
    number no word claims is left out. Values are checked by the catalog.
    """
    found: dict[str, int] = {}
    start = 0
    for match in _NUMBER.finditer(text):
        words = text[start:match.start()].upper()
        start = match.end()
        fact = next((f for w, f in COUNT_WORDS if w.upper() in words and f in catalog.registry), None)
        if fact is None:
            fact = next((n for n, s in catalog.registry.specs.items() if s.type == "count" and s.label_zh in words),
                        None)
        if fact is not None and fact not in found:
            found[fact] = int(match.group(1))
    if found:
        catalog.parse_facts(found)
    return found


def parse_answers(catalog: Catalog, fact: str, text: str) -> dict[str, object]:
    """A typed reply to the question for `fact`: its value, or several related counts at once."""
    if fact_kind(catalog, fact) == "count" and not re.fullmatch(r"\s*\d+\s*", text):
        several = read_counts(catalog, text[:200])
        if several:
            return several
    return {fact: parse_answer(catalog, fact, text)}
