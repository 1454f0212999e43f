"""SMEs' free-text questions: answered from the policy texts, or routed to their specialist.

Two halves, both without Telegram:

* :func:`decide` picks the route of a question: the eligibility engine for a programme
  named by any of its names (the packs' ``aliases``, English names, typos read:
  :mod:`policy.question_names`) with facts stated (figures with their unit and time, yes and
  no, in Chinese or English: :mod:`policy.question_facts`), else the policy-text search (the
  context's ``ctx.search``, the pure package :mod:`search`), which says whether the best
  clause answers it; :func:`citation` and :func:`programmes_for_clause` say what a quoted
  clause is. :mod:`services.asking` turns the decision into a reply, for the chat and
  ``ipbot ask`` alike.
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
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from sqlmodel import select

from policy import Catalog, ProgrammeInfo
from policy.clause_links import programmes_citing
from policy.question_facts import QuestionFacts, prepare_text, programme_facts, read_question
from policy.question_flags import SPEAKER
from policy.question_implied import implied_programme
from policy.question_conditions import asks_conditions_told
from policy.question_case import tells_own_case
from policy.question_glosses import without_glossed
from policy.question_unsure import unsure_of_own_level
from policy.question_own import asks_own_eligibility, asks_what
from policy.question_project_level import without_unsaid_level
from policy.question_local_project import local_approval
from policy.question_routes import without_unsaid_route
from policy.question_short_years import full_years
from policy.question_dialect import written
from policy.question_fillers import without_fillers
from policy.question_switch import after_turn
from policy.question_about import approximations, plain
from policy.question_whatif import as_told
from policy.question_spoken_years import spoken_years
from policy.question_behalf import as_asker
from policy.question_names import correct_typos, respelled
from policy.facts import CONFIRM_PREFIX
from policy.question_vocab import vocabulary
from policy.question_names import named_programmes as _named
from search import Answer, Hit
from search.reading import to_simplified
from search.tokens import known_word
from services import audit, regions, textgate
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
    "named_programmes",
    "reading",
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
    return await first_thread(session, threads_with_company().where(
        QuestionThread.specialist_telegram_id == specialist_telegram_id,
        QuestionThread.specialist_message_id == message_id))


def threads_with_company():  # noqa: ANN201 - a SQLModel select of (QuestionThread, company name)
    """Threads with their company's name: what the answering side is shown of a question."""
    return select(QuestionThread, Company.name).join(Company, Company.id == QuestionThread.company_id)


async def first_thread(session: AsyncSession, query) -> Thread | None:  # noqa: ANN001 - threads_with_company()
    """The first thread a query of :func:`threads_with_company` finds, as the answering side sees it."""
    row = (await session.exec(query)).first()
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
    (or whatever a classifier said, e.g. "off_topic"). ``read``: what the question states."""

    kind: str
    programmes: tuple[str, ...] = ()
    facts: dict = field(default_factory=dict)
    read: QuestionFacts | None = None


#: a WeChat message's pause: a space between two Chinese words is a comma ("项目批下来了 县里的还没批"), and
#: one before an acronym glued to Chinese ("还在国际阶段 PCT授权奖励…")
_RUN_ON = re.compile(r"(?<=[\u4e00-\u9fff])[ \t\u3000]+(?=[\u4e00-\u9fff]|(?:19|20)\d\d\s*年|[A-Za-z]+[\u4e00-\u9fff])")


def reading(catalog: Catalog, question: str) -> str:
    """The question as the fact reader reads it: simplified characters (OpenCC, through the
    search's reading), English numbers as digits, homophone typos of programme names and fact
    words read as the words ("发明之心" is 发明之星; jieba's dictionary says which two-character
    stretches are words of their own); a chat's ways too: two-digit years in full ("21年" is 2021年),
    a space between Chinese words as a pause, swapped acronyms and short forms ("PTC", "知产"), spoken
    regional words written out ("俺们木有" is 我们没有: policy.question_dialect); voice input's hesitations
    ("嗯", "呃": policy.question_fillers) read as pauses; voice input's years in
    Chinese digits ("二零一九年"); an agent's client (客户, 他们) read as the asker; and an opening
    supposition of the company's own case, or a denied negation, read as told (policy.question_whatif)."""
    text = question
    for step in _REWRITES:
        text = step(text)
    return correct_typos(catalog, respelled(catalog, _RUN_ON.sub("，", text)), lambda w: known_word(w.lower()))


#: the rewrites of reading(), in the order they apply: each reads the text the one before left
_REWRITES: tuple[Callable[[str], str], ...] = (to_simplified, without_fillers, written, as_told, as_asker, spoken_years,
                                               full_years, prepare_text)


def named_programmes(catalog: Catalog, question: str) -> tuple[str, ...]:
    """The programmes a question names by any of their names (the packs' ``aliases``, the
    English and other names of policy/question_words.yaml, typos read), or, asking for a star
    level without a name, the one programme with star levels."""
    return _named(catalog, reading(catalog, question))


#: Figures read but not used that still deserve the engine's answer, to say why ("去年授权3件"
#: about 发明之星, which counts this year's grants only; "有效发明30多件": no exact figure).
_SAY_WHY = frozenset({"no_fact_for_time", "time_unclear", "repeated", "not_exact"})
#: "第一件发明专利": an ordinal, no count stated
_ORDINAL = re.compile(r"第\s*[\d一二两三四五六七八九十]")


def _says_why(read: QuestionFacts) -> bool:
    return any(i.reason in _SAY_WHY and not (i.reason == "not_exact" and _ORDINAL.search(i.text)) for i in read.ignored)


def decide(question: str, catalog: Catalog, classify: Classifier | None = None,
           as_of: date | None = None) -> Decision:
    """The one place that picks the route of an SME's question.

    A classifier, when given, speaks first (an off-topic question is not searched);
    a question that names a programme and states a fact ("我们今年授权了6件发明专利，
    能评发明之星吗", "是国家专精特新小巨人，能申请高价值专利培育吗"), read by
    :func:`policy.question_facts.read_question`, gets the engine's answer; everything else is
    searched in the texts. ``as_of`` places a year named ("2025年") in time. Both read the
    question as :func:`reading` gives it (simplified, typos read).
    """
    if classify is not None:
        verdict = classify(question)
        if verdict:
            return Decision(verdict)
    text = reading(catalog, question[:MAX_QUESTION_CHARS])
    programmes = after_turn(text, _named(catalog, text), lambda rest: _named(catalog, rest))
    programmes = without_glossed(text, programmes, lambda rest: _named(catalog, rest))  # "(a high-value … centre)"
    if programmes:
        used = programme_facts(catalog, programmes)
        told = read_question(catalog, text, as_of, used)
        # a grant abroad, its route unsaid, is told but no PCT grant; an approval of a level the asker does not know,
        # or of a county's or city's project ("县里批了"), is no national or provincial project approved
        read = local_approval(without_unsaid_level(without_unsaid_route(told)))
        if (told.facts or _says_why(read)) and _about_the_company(catalog, told, used) and not _asks_rule(text):
            return _engine(catalog, text, as_of, used, _named_besides_facts(catalog, told, programmes), read)
        # "我们是高新企业 今年的数字还在统计 能报吗": none of its facts stated; "我们是高企，具体要满足啥": the conditions asked
        # "项目引领这块，我们公司有个知识产权项目，级别我不太清楚", "PCT奖怎么拿？我们有国外专利": the case told
        # "也算专精特新企业，具体哪一级我不太清楚": the company's level told unknown (policy.question_unsure)
        if asks_own_eligibility(catalog, text) or asks_conditions_told(text, told.facts) or tells_own_case(text) \
                or unsure_of_own_level(text):
            return _engine(catalog, text, as_of, used, programmes, read)
        return Decision(SEARCH)
    read = read_question(catalog, text, as_of, frozenset())
    implied = implied_programme(catalog, text, read.facts)
    if implied is not None:
        # read again as for the programme named: a word of two facts goes to the one it uses
        used = programme_facts(catalog, (implied,))
        again = read_question(catalog, text, as_of, used)
        read = again if again.facts else read
        if _about_the_company(catalog, read, used):
            return _engine(catalog, text, as_of, used, (implied,), read)
    return Decision(SEARCH)


def _engine(catalog: Catalog, text: str, as_of: date | None, used: frozenset[str], programmes: tuple[str, ...],
             read: QuestionFacts) -> Decision:
    """The engine's decision. An approximate figure ("大概六十件左右", policy.question_about) is read as
    the narrow range it stands for, like a range said ("五六件"): its lower end in the facts, its upper
    in ``ranges``, so the answer holds only where both ends agree and the card shows what was said as
    a range, never one end as if the asker had said it."""
    if any(i.reason == "not_exact" for i in read.ignored) and plain(text) != text:
        plainly = read_question(catalog, plain(text), as_of, used)
        approx = approximations(read.facts, plainly.facts, plainly.ranges)
        if approx:
            read = replace(read, facts={**read.facts, **{f: low for f, (low, _) in approx.items()}},
                           ranges={**read.ranges, **{f: high for f, (_, high) in approx.items()}},
                           ignored=tuple(i for i in read.ignored if not (i.reason == "not_exact" and i.fact in approx)))
    return Decision(ENGINE, programmes, read.facts, read)


#: a question about how the rule reads, its figures the rule's: "是当年授权五件就行还是有效的五件",
#: "超过二十件包不包括刚好二十件"
_RULE_ASKED = re.compile(r"(就行|就可以|就够了?)还是|包不包括|包括不包括|含不含|算不算在内")


def _asks_rule(text: str) -> bool:
    """Whether a question that names no company of the asker's asks how the rule reads (round 14)."""
    return _RULE_ASKED.search(text) is not None and SPEAKER.search(text) is None


def _about_the_company(catalog: Catalog, read: QuestionFacts, used: frozenset[str]) -> bool:
    """Whether the facts stated are the question's point: a figure is; yes/no facts are, unless
    the question asks what a programme is ("专利清零行动是干嘛的？跟我们小厂有关系吗") or none of
    them is one the programmes named use ("我们中小企业碰到纠纷，政府有维权援助吗": the aid asks
    for a high-tech enterprise, the question is about the aid)."""
    specs = catalog.registry.specs
    if any(name in specs and specs[name].type != "bool" for name in read.facts):
        return True
    if _says_why(read):
        return True
    if asks_what(vocabulary(catalog), read.text.lower()):
        return False
    return any(name in used or name.startswith(CONFIRM_PREFIX) for name in read.facts)


def _named_besides_facts(catalog: Catalog, read: QuestionFacts, programmes: tuple[str, ...]) -> tuple[str, ...]:
    """The programmes named outside the words that stated a fact: in "没有贯标，能申请工业品牌吗"
    贯标 is a fact, not the 贯标 reward (kept when nothing else is named)."""
    if len(programmes) < 2 or not read.spans:
        return programmes
    text = list(read.text)
    for start, end in read.spans:
        text[start:end] = "　" * (end - start)
    rest = tuple(pid for pid in _named(catalog, "".join(text)) if pid in programmes)
    return rest or programmes


def programmes_for_clause(catalog: Catalog, hit: Hit, as_of: date) -> list[ProgrammeInfo]:
    """The programmes a quoted clause belongs to, for saying whether they are in force: those
    whose pack cites that clause of that library document, a clause within it or one
    containing it (policy.clause_links); none when no programme cites it, so a clause never
    shows the deadline of another programme of its document."""
    return programmes_citing(catalog, hit.doc_id, hit.clause_label, hit.quote, as_of)
