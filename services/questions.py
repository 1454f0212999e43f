"""SMEs' free-text questions: answered from the policy texts, or routed to their specialist.

Two halves, both without Telegram:

* :func:`decide` picks the route of a question: the eligibility engine for a named
  programme with stated figures, else the policy-text search (the context's
  ``ctx.search``, the pure package :mod:`search`), which says whether the best clause
  answers it; :func:`citation` and :func:`programmes_for_clause` say what a quoted clause is.
* When it does not, :func:`route_to_specialist` records a :class:`QuestionThread` for the
  company's specialist; the caller sends the question and stores the sent message's id
  with :func:`record_forward`. The specialist answers by replying to that message:
  :func:`find_thread_by_specialist_message` finds the thread, :func:`record_answer`
  keeps the answer and says whom to relay it to.

Questions and replies are free text through the one gate (services.textgate: QUESTION,
ANSWER, of the ``text`` kind): lines and emoji stay, no control, bidi or invisible separator
is stored or relayed, and one over its limit is refused with the limit named, never cut
(:class:`QuestionRefusal`, said by the bot's error handler).

A thread is answered once: the first reply is the thread's answer. Later replies to the
same message are follow-ups: they are relayed to the SME too, but the stored answer and
its time stay those of the first reply (the table has one answer column; follow-ups
are counted in the audit log).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from sqlmodel import select

from policy import Catalog, FactError, ProgrammeInfo, ProgrammeResult
from search import Answer, Hit
from services import audit, regions, textgate
from services.eligibility import read_counts, subject_for
from services.errors import Refusal
from services.session import AsyncSession
from services.users import Actor
from storage.models import Company, QuestionThread, Role, User
from storage.types import utcnow

__all__ = [
    "MAX_QUESTION_CHARS",
    "MAX_ANSWER_CHARS",
    "QuestionRefusal",
    "Answer",
    "Hit",
    "Route",
    "Routed",
    "Relay",
    "Thread",
    "citation",
    "find_thread_by_specialist_message",
    "record_answer",
    "record_forward",
    "route_to_specialist",
    "Classifier",
    "Decision",
    "decide",
    "engine_answer",
    "named_programmes",
    "programmes_for_clause",
    "ENGINE",
    "SEARCH",
]

#: Longer questions are refused with a sentence naming the limit: a question that long
#: is a letter, better sent to the specialist in parts (textgate.QUESTION).
MAX_QUESTION_CHARS = textgate.QUESTION.limit
#: A specialist's reply is relayed inside a message with a header, their name and the
#: question's first characters; this keeps the whole within Telegram's 4096 characters
#: (textgate.ANSWER). Longer replies are refused.
MAX_ANSWER_CHARS = textgate.ANSWER.limit


class QuestionRefusal(Refusal):
    """A question or a reply that cannot be passed on: too long (``too_long_question``,
    ``too_long_answer``: field, limit, got) or nothing left once cleaned (``qa_question_empty``,
    ``answer_empty``). Nothing was stored; the sentences are in locales/*.textgate.yaml."""


def _gate(text: str, spec: textgate.Field, empty: str) -> str:
    try:
        text = textgate.gate(text, spec)
    except textgate.TextTooLong as exc:
        raise QuestionRefusal(exc.code, **exc.params) from None
    if not text:
        raise QuestionRefusal(empty)
    return text


# --------------------------------------------------------------------------- citing a clause


def citation(hit: Hit) -> str:
    """文号 + clause label, e.g. "苏知发〔2018〕86号 二（一）1"; the title where there is no 文号."""
    return f"{hit.number or hit.title} {hit.clause_label}"


# --------------------------------------------------------------------------- routing


class Routed(StrEnum):
    ok = "ok"
    no_company = "no_company"  # the asker's account is linked to no company
    no_specialist = "no_specialist"  # the company has no (active) specialist


@dataclass(frozen=True, slots=True)
class Route:
    """Where a question went. ``thread_id`` and the specialist fields are set when ``ok``.

    ``contacts`` names the supervisors (else admins) to ask for a specialist when there
    is none.
    """

    outcome: Routed
    company_name: str = ""
    thread_id: int | None = None
    specialist_telegram_id: int | None = None
    specialist_name: str = ""
    specialist_language: str = "zh"
    contacts: tuple[str, ...] = ()
    question: str = ""  # as stored: through the gate, what the specialist is shown


async def route_to_specialist(session: AsyncSession, actor: Actor, question: str) -> Route:
    """Record the question for the asker's company specialist (flushed, not committed).

    The question goes through the gate first (textgate.QUESTION): one over the limit, or of
    nothing but invisible characters, raises `QuestionRefusal` and nothing is stored."""
    question = _gate(question, textgate.QUESTION, "qa_question_empty")
    company = await session.get(Company, actor.company_id) if actor.company_id is not None else None
    if company is None:
        return Route(Routed.no_company, contacts=await _contacts(session, None))
    specialist = await session.get(User, company.specialist_id) if company.specialist_id is not None else None
    if specialist is None or not specialist.active:
        return Route(Routed.no_specialist, company.name, contacts=await _contacts(session, company.region_code))
    thread = QuestionThread(
        company_id=company.id,
        asker_telegram_id=actor.telegram_id,
        specialist_telegram_id=specialist.telegram_id,
        question=question,
    )
    session.add(thread)
    await session.flush()
    return Route(Routed.ok, company.name, thread.id, specialist.telegram_id,
                 specialist.full_name or str(specialist.telegram_id), specialist.language, question=question)


async def _contacts(session: AsyncSession, region_code: str | None, limit: int = 3) -> tuple[str, ...]:
    """Supervisors whose region contains the company's (services.regions.contains; any
    supervisor with a region, if the company's is unknown), else admins."""
    for role in (Role.supervisor, Role.admin):
        rows = await session.exec(select(User).where(User.role == role, User.active).order_by(User.id))
        names = [
            u.full_name or str(u.telegram_id) for u in rows.all()
            if role == Role.admin or (regions.lookup(u.region_code) is not None
                                      and (region_code is None or regions.contains(u.region_code, region_code)))
        ]
        if names:
            return tuple(names[:limit])
    return ()


async def record_forward(session: AsyncSession, thread_id: int, specialist_message_id: int) -> None:
    """Remember which message in the specialist's chat carries the question."""
    thread = await session.get(QuestionThread, thread_id)
    if thread is None:
        raise LookupError(f"question thread {thread_id} does not exist")
    thread.specialist_message_id = specialist_message_id
    session.add(thread)
    await session.flush()


# --------------------------------------------------------------------------- answers


@dataclass(frozen=True, slots=True)
class Thread:
    """A routed question as the answering side sees it."""

    id: int
    company_name: str
    asker_telegram_id: int
    question: str
    answered: bool


@dataclass(frozen=True, slots=True)
class Relay:
    """What to send to whom after a specialist's reply. ``follow_up``: not the first reply."""

    asker_telegram_id: int
    asker_language: str
    question: str
    answer: str
    follow_up: bool


async def find_thread_by_specialist_message(
    session: AsyncSession, specialist_telegram_id: int, message_id: int
) -> Thread | None:
    """The question forwarded as ``message_id`` into this specialist's chat, if any.

    Message ids are per chat, so the specialist's id is part of the key: nobody can answer
    a question by replying to a message with the same number in another chat.
    """
    row = (await session.exec(
        select(QuestionThread, Company.name)
        .join(Company, Company.id == QuestionThread.company_id)
        .where(QuestionThread.specialist_telegram_id == specialist_telegram_id,
               QuestionThread.specialist_message_id == message_id)
    )).first()
    if row is None:
        return None
    thread, company_name = row
    return Thread(thread.id, company_name, thread.asker_telegram_id, thread.question, thread.answered_at is not None)


async def record_answer(session: AsyncSession, thread: Thread | int, answer_text: str) -> Relay:
    """Keep the first reply as the thread's answer; later replies are follow-ups.

    Both are relayed (the caller sends :class:`Relay`, which carries the reply as gated:
    textgate.ANSWER); a follow-up leaves the stored answer unchanged and is counted in the
    audit log. A reply longer than :data:`MAX_ANSWER_CHARS` once cleaned, or of nothing but
    invisible characters, raises `QuestionRefusal` (a ValueError): nothing is stored.
    """
    answer_text = _gate(answer_text, textgate.ANSWER, "answer_empty")
    row = await session.get(QuestionThread, thread if isinstance(thread, int) else thread.id)
    if row is None:
        raise LookupError("question thread does not exist")
    follow_up = row.answered_at is not None
    if follow_up:
        await audit.record(session, "question.follow_up", "ok", row.specialist_telegram_id, thread_id=row.id,
                           length=len(answer_text))
    else:
        row.answer, row.answered_at = answer_text, utcnow()
        session.add(row)
    await session.flush()
    asker = (await session.exec(select(User).where(User.telegram_id == row.asker_telegram_id))).first()
    language = asker.language if asker is not None else "zh"
    return Relay(row.asker_telegram_id, language, row.question, answer_text, follow_up)


# --------------------------------------------------------------------------- which way a question goes

#: A classifier's verdict on a question, or None for "no opinion": e.g. "off_topic" for a
#: question outside IP policy. The off-topic classifier plugs in here (see `decide`).
Classifier = Callable[[str], "str | None"]

ENGINE, SEARCH = "engine", "search"


@dataclass(frozen=True, slots=True)
class Decision:
    """How to answer: the engine for named programmes with stated facts, else the text search
    (or whatever a classifier said, e.g. "off_topic")."""

    kind: str
    programmes: tuple[str, ...] = ()
    facts: dict = field(default_factory=dict)


#: Short names people use that the titles do not quote.
SHORT_NAMES = {
    "first-invention-subsidy": ("首件发明专利补贴", "专利清零"),
    "ip-standard-reward": ("贯标奖励",),
    "pct-grant-reward": ("PCT奖励", "PCT 奖励"),
    "high-value-cultivation-2022": ("高价值专利培育",),
    "industrial-brand-2022": ("商标品牌培育",),
}


def programme_names(catalog: Catalog) -> dict[str, tuple[str, ...]]:
    """Names people use for each programme: its title, each quoted name in it (“发明之星”), short names."""
    names = {}
    for pid in catalog.programme_ids:
        info = catalog.programme(pid)
        quoted = tuple(q for q in re.findall(r"“([^”]{2,12})”", info.title))
        names[pid] = (info.title, *quoted, *SHORT_NAMES.get(pid, ()))
    return names


def named_programmes(catalog: Catalog, question: str) -> tuple[str, ...]:
    return tuple(pid for pid, names in programme_names(catalog).items() if any(n in question for n in names))


def decide(question: str, catalog: Catalog, classify: Classifier | None = None) -> Decision:
    """The one place that picks the route of an SME's question.

    A classifier, when given, speaks first (an off-topic question is not searched);
    a question that names a programme and states a figure ("我们今年授权了6件发明专利，
    能评发明之星吗") gets the engine's answer; everything else is searched in the texts.
    """
    if classify is not None:
        verdict = classify(question)
        if verdict:
            return Decision(verdict)
    programmes = named_programmes(catalog, question)
    if programmes:
        try:
            facts = read_counts(catalog, question[:MAX_QUESTION_CHARS])
        except FactError:
            facts = {}
        if facts:
            return Decision(ENGINE, programmes, facts)
    return Decision(SEARCH)


async def engine_answer(session: AsyncSession, catalog: Catalog, actor: Actor, decision: Decision,
                        as_of: date) -> list[ProgrammeResult]:
    """The named programmes evaluated on the asker's company's facts, with the stated ones on top."""
    facts: dict = {}
    if actor.company_id is not None:
        try:
            facts = (await subject_for(session, catalog, actor, actor.company_id)).facts
        except Refusal:
            facts = {}
    return catalog.evaluate({**facts, **decision.facts}, as_of, decision.programmes)


def _clause_key(text: str) -> str:
    return text.replace("（", "(").replace("）", ")").replace(" ", "")


def programmes_for_clause(catalog: Catalog, hit: Hit, as_of: date) -> list[ProgrammeInfo]:
    """The programmes a quoted clause belongs to (same document, clause within), for saying
    whether they are in force; the document's programmes when no clause matches."""
    infos = [catalog.programme(pid, as_of) for pid in catalog.programme_ids]
    same_doc = [i for i in infos if i.citation.document in (hit.number, hit.title) or
                (not hit.number and i.citation.document.split("（")[0] in hit.title)]
    clause = _clause_key(hit.clause_label)
    within = [i for i in same_doc if clause and (_clause_key(i.citation.clause).startswith(clause)
                                                 or clause.startswith(_clause_key(i.citation.clause)))]
    return within or same_doc
