"""Which way a question goes once it is searched: answer it, forward it, or say it is off topic.

Three kinds (:mod:`search.results`): ``"answer"`` (answer with the quote), ``"forward"``
(about IP, but the texts do not answer it: hand it to the specialist) and ``"off_topic"``
(not about IP at all: say politely that the bot only handles IP policy, and do not
forward it). The rule is on :func:`routing_for`; the words it reads are in
:mod:`search.lexicon` (``IP_TERMS``, ``HOW_TO``, ``PROGRAMME_GROUPS``).
"""

from __future__ import annotations

from search.installments import read_installments
from search.lexicon import (HOW_TO, IP_TERMS, NOT_IN_TEXTS, NOT_IP, OFFICE_RULES, OTHER_SUBJECTS, PROGRAMME_GROUPS,
                            PROGRAMME_WORDS, RECOGNISED_OTHERWISE, RECOGNITION, STATED, STATUS_TERMS)
from search.query import clean_question
from search.results import ANSWER, FORWARD, OFF_TOPIC, Answer, Routing
from search.tokens import GROUPS, normalise

__all__ = ["routing_for"]

_MONEY_GROUP = "syn:补贴"
_TOPIC_ENTRIES: tuple[str, ...] = tuple(dict.fromkeys(
    [normalise(t) for t in IP_TERMS] + [e for tok, entries in GROUPS if tok != _MONEY_GROUP for e in entries]
))
_PROGRAMME_ENTRIES: tuple[str, ...] = tuple(
    [e for tok, entries in GROUPS if tok.removeprefix("syn:") in PROGRAMME_GROUPS for e in entries]
    + list(PROGRAMME_WORDS)
)


_STATUS = frozenset(normalise(t) for t in STATUS_TERMS)
_OTHERWISE = frozenset(normalise(t) for t in RECOGNISED_OTHERWISE)


def _ip_terms(normalised: str) -> tuple[str, ...]:
    """The IP words of a question, a permit's 许可 (NOT_IP) not among them."""
    normalised = NOT_IP.sub("|", normalised)
    return tuple(t for t in _TOPIC_ENTRIES if t in normalised)


def _names_programme(normalised: str) -> bool:
    return any(t in normalised for t in _PROGRAMME_ENTRIES)


def routing_for(question: object, answer: Answer) -> Routing:
    """Sort a question, given the search's :class:`Answer` to it, into ANSWER, FORWARD or
    OFF_TOPIC. Never raises.

    * ANSWER: the answer is confident, and the question is not a how-to about a right
      that names no programme (``HOW_TO``): "商业秘密怎么保护" finds a clause that
      mentions 商业秘密 in passing, but the texts do not say how; nor does it ask for
      what the quoted clause does not state (``STATED``: a sum of money, whom to call):
      "发明之星奖多少钱" finds the clause of the award, which says no amount; nor is it a
      request, a trouble or a payment date (``NOT_IN_TEXTS``: "能不能请特派员来"); nor the
      conditions of an office's own procedure asked with no kind of company named (``OFFICE_RULES``).
    * FORWARD: otherwise, when the question has an IP word (``IP_TERMS``, or a
      SYNONYMS entry other than the money words).
    * OFF_TOPIC: no IP word at all ("今天苏州天气怎么样？", "你好"), or only a kind of company
      (``STATUS_TERMS``) in a question about another subject (``OTHER_SUBJECTS``: taxes,
      payroll): "高新技术企业所得税税率是多少", or how a company gets a status recognised on other
      grounds than IP (``RECOGNITION``, ``RECOGNISED_OTHERWISE``): "专精特新企业认定要什么条件".
    """
    norm = read_installments(normalise(clean_question(question)))  # "一次给还是分两次": how paid
    terms = _ip_terms(norm)
    if terms and set(terms) <= _OTHERWISE and RECOGNITION.search(norm):
        return Routing(OFF_TOPIC, answer, (), False)
    how_to = bool(HOW_TO.search(norm))
    quote = answer.hits[0].quote if answer.hits else ""
    unstated = any(asks.search(norm) and not held.search(quote) for asks, held in STATED)
    office = bool(OFFICE_RULES.search(norm)) and not any(t in norm for t in _STATUS)
    beyond = unstated or office or bool(NOT_IN_TEXTS.search(norm))
    if answer.confident and not (how_to and not _names_programme(norm)) and not beyond:
        return Routing(ANSWER, answer, terms, how_to)
    if terms and not (set(terms) <= _STATUS and OTHER_SUBJECTS.search(norm)):
        return Routing(FORWARD, answer, terms, how_to)
    return Routing(OFF_TOPIC, answer, (), how_to)
