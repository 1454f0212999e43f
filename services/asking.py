"""One use case for an SME's question, for the chat and the command line alike.

:func:`answer_question` decides what a question gets and returns it as data (:class:`Reply`):

* ``fact``: it names a programme and states facts ("我们有效发明专利35件，能拿几星创新之星？"):
  the engine's verdict on the asker's record with the stated facts on top, the star level
  the figures reach, and where a stated figure differs from the record, which one;
* ``answer``: the policy texts answer it: the clause to quote;
* ``forward``: about IP, but the texts do not answer it: the caller hands it to the
  company's specialist (:func:`services.questions.route_to_specialist`), with the clauses
  found as leads;
* ``offtopic``: not about IP at all.

It writes nothing: the chat (handlers/questions.py) renders and sends the reply and routes a
``forward``; ``ipbot ask`` prints it. A stated fact is a what-if, never a crash: the record's
facts that contradict it are left out of this answer and named (:func:`on_record`), and the
asker may send the change to the specialist (:func:`propose_change`), who keeps the record.
"""

from __future__ import annotations

import asyncio
import zlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from locales import t
from locales.programmes.words import plain_value, unit
from policy import Catalog, FactError, ProgrammeResult
from policy.engine import in_force_at
from policy.question_facts import QuestionFacts, read_question
from policy.question_stars import StarLevel, star_level
from search import ANSWER as SEARCH_ANSWER, OFF_TOPIC as SEARCH_OFF_TOPIC, Hit
from services import audit
from services.eligibility import company_contacts, subject_for
from services.errors import Refusal
from services.questions import (ENGINE, Classifier, Route, citation, decide, named_programmes, programmes_for_clause,
                                route_to_specialist)
from services.session import AsyncSession
from services.users import Actor, Role

__all__ = ["ANSWER", "FACT", "FORWARD", "OFFTOPIC", "ROUTES", "Differ", "Reply", "answer_question", "on_record",
           "record_facts", "propose_change", "encode_change", "decode_change", "ChangeRefusal", "may_propose", "shown"]

ANSWER, FACT, FORWARD, OFFTOPIC = "answer", "fact", "forward", "offtopic"
ROUTES = (ANSWER, FACT, FORWARD, OFFTOPIC)
_SEARCH_ROUTES = {SEARCH_ANSWER: ANSWER, SEARCH_OFF_TOPIC: OFFTOPIC}


@dataclass(frozen=True, slots=True)
class Differ:
    """A figure on file this answer does not use: the question states another value
    (``stated``), or states a fact it cannot go with (``because``: that fact; ``code``: the
    consistency rule, e.g. ``valid_over_applied``: 35 valid patents need 35 applications)."""

    fact: str
    on_file: Any
    stated: Any = None
    because: str | None = None
    code: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"fact": self.fact, "on_file": self.on_file, "stated": self.stated, "because": self.because,
                "code": self.code}


@dataclass(frozen=True)
class Reply:
    """What a question gets (see the module docstring); ``to_json`` is the CLI's contract."""

    route: str
    question: str
    as_of: date
    hits: tuple[Hit, ...] = ()  # the answer's clause first; for a forward, leads for the specialist
    quotes: tuple[dict[str, Any], ...] = ()
    results: tuple[ProgrammeResult, ...] = ()
    read: QuestionFacts = field(default_factory=QuestionFacts)
    stated: dict[str, Any] = field(default_factory=dict)  # the stated facts the answer used
    differs: tuple[Differ, ...] = ()
    stars: tuple[StarLevel, ...] = ()
    on_file: bool = False  # the asker's company record was read
    empty: bool = False  # nothing to ask once cleaned ("👍👍")
    change: str = ""  # the change the asker may send to the specialist (encode_change), or ""
    ranges: dict[str, Any] = field(default_factory=dict)  # a stated range's upper end by fact ("五六件": 6)

    def to_json(self) -> dict[str, Any]:
        return {
            "route": self.route,
            "question": self.question,
            "as_of": self.as_of.isoformat(),
            "quotes": [dict(q) for q in self.quotes],
            "results": [{"programme": r.policy, "title": r.title, "status": r.status, "in_force": r.in_force,
                         "stars": r.tier} for r in self.results],
            "facts_read": dict(self.read.facts),
            # a range said ("二十多件", "大概六十件左右"): facts_read holds its lower end, this its upper
            "ranges": dict(self.ranges),
            "differs": [d.to_json() for d in self.differs],
            "ignored": [i.to_json() for i in self.read.ignored],
            "problems": [{"code": p.code, "fields": list(p.fields or (p.field,)), "message": p.message("en")}
                         for p in self.read.problems],
            "stars_asked": self.read.stars_asked,
            "asks_level": self.read.asks_level,
            "stars": [s.to_json() for s in self.stars],
        }


async def answer_question(session: AsyncSession, catalog: Catalog, search: Any, actor: Actor, text: str,
                          as_of: date, *, classify: Classifier | None = None) -> Reply:
    """The reply to ``text`` from ``actor`` at ``as_of`` (``search``: the context's SearchIndex).

    Reads the asker's company record (only one the actor may see) and writes nothing. Never
    raises on what a person may type: a fact the catalog refuses is reported in ``read``.
    """
    text = (text or "").strip()
    decision = decide(text, catalog, classify, as_of)
    if decision.kind == ENGINE:
        return await _fact_reply(session, catalog, actor, text, as_of, decision)
    read = read_question(catalog, text, as_of)
    if decision.kind != "search":  # a classifier's verdict
        return Reply(OFFTOPIC if decision.kind == "off_topic" else FORWARD, text, as_of, read=read)
    # The first question builds the index (jieba, ~0.7 s): keep the event loop free meanwhile.
    routing = await asyncio.to_thread(search.route, text)
    found = routing.answer
    if found.reason == "empty":
        return Reply(OFFTOPIC, text, as_of, read=read, empty=True)
    route = _SEARCH_ROUTES.get(routing.kind, FORWARD)
    if route == OFFTOPIC and named_programmes(catalog, text):
        route = FORWARD  # a programme named ("项目引领奖励…") is about IP policy, whatever the search found
    quotes = (_quote(catalog, found.hits[0], as_of),) if route == ANSWER else ()
    return Reply(route, text, as_of, tuple(found.hits), quotes, read=read)


def _quote(catalog: Catalog, hit: Hit, as_of: date) -> dict[str, Any]:
    """A quoted clause: document (文号, else title), clause, text, and whether a programme
    resting on it is in force (None: the clause belongs to no programme of the packs)."""
    infos = programmes_for_clause(catalog, hit, as_of)
    in_force = any(in_force_at(info, as_of)[0] for info in infos) if infos else None
    return {"document": hit.number or hit.title, "clause": hit.clause_label, "text": hit.quote,
            "citation": citation(hit), "in_force": in_force}


async def _fact_reply(session: AsyncSession, catalog: Catalog, actor: Actor, text: str, as_of: date,
                      decision: Any) -> Reply:
    record = await record_facts(session, catalog, actor)
    facts, differs = on_record(catalog, record, decision.facts)
    read = decision.read
    results = _evaluate(catalog, facts, as_of, decision.programmes, read)
    ranges = _stated_ranges(read, facts)
    stars: tuple[StarLevel, ...] = ()
    if read.asks_level or read.stars_asked is not None:
        stars = tuple(s for s in (star_level(r, read.stars_asked) for r in results) if s is not None)
    change = (encode_change(catalog, _proposal(differs, record, decision.facts), ranges=ranges)
              if differs and may_propose(actor) else "")
    return Reply(FACT, text, as_of, results=results, read=read, stated=dict(decision.facts),
                 differs=tuple(differs), stars=stars, on_file=bool(record), change=change, ranges=ranges)


def _stated_ranges(read: QuestionFacts, facts: dict[str, Any]) -> dict[str, Any]:
    """A range stated ("五六件") is in ``facts`` at its lower end: its upper end, by fact, for the
    figures the answer uses as the asker said them."""
    return {f: high for f, high in read.ranges.items() if f in facts and facts[f] == read.facts.get(f)}


def _evaluate(catalog: Catalog, facts: dict[str, Any], as_of: date, programmes: tuple[str, ...],
              read: QuestionFacts) -> tuple[Any, ...]:
    """The engine's answer on the stated facts. A range stated ("五六件") is read at its lower end;
    where its upper end changes a verdict or a star level, the answer is what the facts without
    it give (the engine then says what it needs), never one end taken for the truth."""
    results = tuple(catalog.evaluate(facts, as_of, programmes))
    ranged = _stated_ranges(read, facts)
    if not ranged:
        return results
    high = tuple(catalog.evaluate({**facts, **ranged}, as_of, programmes))
    if [(r.policy, r.status, r.tier) for r in results] == [(r.policy, r.status, r.tier) for r in high]:
        return results
    return tuple(catalog.evaluate({f: v for f, v in facts.items() if f not in ranged}, as_of, programmes))


def _proposal(differs: list[Differ], record: dict[str, Any], stated: dict[str, Any]) -> list[Differ]:
    """What the specialist is asked to change: the stated figures a difference is about (a new
    one too: "有效发明专利35件" where the record has none), then the figures on file to check."""
    named = [d.because for d in differs if d.because and d.because not in record]
    new = [Differ(f, None, stated[f]) for f in dict.fromkeys(named) if f in stated]
    return [*[d for d in differs if d.stated is not None], *new, *[d for d in differs if d.stated is None]]


async def record_facts(session: AsyncSession, catalog: Catalog, actor: Actor) -> dict[str, Any]:
    """The facts on file for the asker's company (none for an asker without one)."""
    if actor.company_id is None:
        return {}
    try:
        return dict((await subject_for(session, catalog, actor, actor.company_id)).facts)
    except Refusal:
        return {}


def on_record(catalog: Catalog, record: dict[str, Any], stated: dict[str, Any]) -> tuple[dict[str, Any], list[Differ]]:
    """The record's facts with the stated ones on top, and the figures on file not used.

    A stated figure always wins. A figure on file that differs is named; one that cannot go
    with a stated fact (0 applications on file, "有效发明专利35件" stated) is left out of this
    answer and named with the stated fact it contradicts. Never raises for facts the catalog
    accepted one by one (what :func:`policy.question_facts.read_question` returns).
    """
    differs = [Differ(f, record[f], v) for f, v in stated.items() if f in record and not _same(catalog, f, record[f], v)]
    combined = {**record, **stated}
    for _ in range(len(combined) + 1):
        try:
            catalog.parse_facts(combined)
            return combined, differs
        except FactError as exc:
            drop: set[str] = set()
            for p in exc.problems:
                involved = [f.split("[", 1)[0] for f in dict.fromkeys((p.field, *p.fields))]
                filed = [f for f in involved if f in record and f not in stated]
                told = [f for f in involved if f in stated]
                for f in filed:
                    if f not in drop:
                        differs.append(Differ(f, record[f], None, told[0] if told else None, p.code))
                drop.update(filed or involved)
            combined = {k: v for k, v in combined.items() if k not in drop}
    return {}, differs  # cannot happen: every round drops a fact


def _same(catalog: Catalog, fact: str, a: Any, b: Any) -> bool:
    try:
        return catalog.parse_facts({fact: a}).values == catalog.parse_facts({fact: b}).values
    except FactError:
        return False


# --------------------------------------------------------------------------- the change, to the specialist


class ChangeRefusal(Refusal):
    """The change cannot be sent: not an SME of a company (``qa_change_refused``), or the button's
    data names no fact this catalog knows (``qa_change_stale``)."""


def may_propose(actor: Actor) -> bool:
    """Only a company's own people send it a change: the specialist keeps the record."""
    return actor.role == Role.sme and actor.company_id is not None


def _code(fact: str) -> str:
    """A short, stable name of a fact for a button's 64 bytes (not an index: packs change)."""
    n, out = zlib.crc32(fact.encode()) % 36**4, ""
    for _ in range(4):
        n, r = divmod(n, 36)
        out = "0123456789abcdefghijklmnopqrstuvwxyz"[r] + out
    return out


def encode_change(catalog: Catalog, differs: list[Differ] | tuple[Differ, ...], limit: int = 52,
                  ranges: dict[str, Any] | None = None) -> str:
    """``code=value`` pairs ("?" for a figure on file to check, ``low~high`` for a range stated:
    "二十多件" goes to the specialist as 21–29, never as 21), as many as fit in ``limit``."""
    parts: list[str] = []
    for d in differs:
        value = "?" if d.stated is None else _encoded(d.stated)
        high = (ranges or {}).get(d.fact)
        if d.stated is not None and high is not None and high != d.stated and not isinstance(d.stated, bool):
            value += "~" + _encoded(high)
        item = f"{_code(d.fact)}={value}"
        if len(",".join([*parts, item])) > limit:
            break
        parts.append(item)
    return ",".join(parts)


def _encoded(value: Any) -> str:
    return "1" if value is True else "0" if value is False else str(int(value)) if float(value).is_integer() \
        else repr(float(value))


def decode_change(catalog: Catalog, encoded: str) -> list[tuple[str, Any]]:
    """The (fact, value or None) pairs of :func:`encode_change`; ChangeRefusal when unreadable."""
    by_code: dict[str, list[str]] = {}
    for name in catalog.registry.specs:
        by_code.setdefault(_code(name), []).append(name)
    out: list[tuple[str, Any]] = []
    for item in filter(None, (encoded or "").split(",")):
        code, _, raw = item.partition("=")
        names = by_code.get(code, [])
        if len(names) != 1 or not raw:
            raise ChangeRefusal("qa_change_stale")
        fact = names[0]
        if raw == "?":
            out.append((fact, None))
            continue
        kind = catalog.registry.specs[fact].type
        try:
            ends = [_decoded(catalog, fact, kind, part) for part in raw.split("~")]
        except (ValueError, FactError):
            raise ChangeRefusal("qa_change_stale") from None
        if len(ends) > 2 or (len(ends) == 2 and (kind == "bool" or not ends[0] < ends[1])):
            raise ChangeRefusal("qa_change_stale")
        out.append((fact, ends[0] if len(ends) == 1 else tuple(ends)))
    if not out:
        raise ChangeRefusal("qa_change_stale")
    return out


def _decoded(catalog: Catalog, fact: str, kind: str, raw: str) -> Any:
    value: Any = (raw == "1") if kind == "bool" else int(raw) if kind == "count" else float(raw)
    if isinstance(value, float) and value.is_integer() and kind == "money":
        value = int(value)
    catalog.parse_facts({fact: value})
    return value


async def propose_change(session: AsyncSession, catalog: Catalog, actor: Actor, encoded: str) -> Route:
    """Send the change a reply offered (:attr:`Reply.change`) to the company's specialist as a
    question thread (flushed, not committed); the caller delivers it as any routed question.
    Refused (and audited) for anyone but an SME of a company, whatever button they pressed."""
    if not may_propose(actor):
        await audit.record(session, "question.change", "denied", actor.telegram_id, role=actor.role.value)
        raise ChangeRefusal("qa_change_refused")
    items = decode_change(catalog, encoded)
    record = await record_facts(session, catalog, actor)
    specialist, _smes = await company_contacts(session, actor.company_id)
    note = change_note(catalog, items, record, specialist.language if specialist else actor.language)
    route = await route_to_specialist(session, actor, note)
    await audit.record(session, "question.change", "ok", actor.telegram_id, thread_id=route.thread_id,
                       facts=[f for f, _ in items])
    return route


def change_note(catalog: Catalog, items: list[tuple[str, Any]], record: dict[str, Any], lang: str) -> str:
    """The change as the specialist reads it (plain text: the forward escapes it)."""
    lines = [t("qa_change_note_head", lang)]
    for fact, value in items:
        filed = shown(catalog, fact, record.get(fact), lang)
        if value is None:
            lines.append(t("qa_change_note_check", lang, label=catalog.label(fact, lang), on_file=filed))
        else:
            said = "–".join(shown(catalog, fact, v, lang) for v in value) if isinstance(value, tuple) \
                else shown(catalog, fact, value, lang)
            lines.append(t("qa_change_note_item", lang, label=catalog.label(fact, lang), on_file=filed, stated=said))
    return "\n".join(lines)


def shown(catalog: Catalog, fact: str, value: Any, lang: str) -> str:
    """A fact's value in plain text with its unit: "35 件", "2%", "是", "未知"."""
    spec = catalog.registry.specs.get(fact)
    if spec is not None and spec.type == "ratio" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value * 100:g}%"
    return plain_value(value, lang, unit(catalog, fact, lang) if value is not None else "")
