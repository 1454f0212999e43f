"""What the search returns: ranked clauses (:class:`Hit`), the verdict on them
(:class:`Answer`) and where a question goes (:class:`Routing`). Plain frozen data, so
callers (services.questions, the chat handlers) depend on these and not on the index."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["ANSWER", "FORWARD", "OFF_TOPIC", "Answer", "Hit", "Routing"]


@dataclass(frozen=True)
class Hit:
    """A ranked clause.

    ``quote`` is the clause text, or, if the clause is longer than
    :data:`search.quotes.MAX_QUOTE_CHARS`, its best-matching sentence(s) marked with "…".
    ``score`` is the ranking score (BM25 × coverage). ``coverage`` is the share of the
    question's words the clause contains (IDF-weighted, 0..1). ``evidence`` is their
    summed IDF. ``clause_path`` is :attr:`search.clauses.Clause.readable`.
    """

    doc_id: str
    number: str
    title: str
    clause_label: str
    quote: str
    score: float
    clause_path: str = ""
    coverage: float = 0.0
    evidence: float = 0.0


@dataclass(frozen=True)
class Answer:
    """``reason``: "ok", "empty", "no_match", "low_score" or "low_coverage"."""

    confident: bool
    hits: list[Hit] = field(default_factory=list)
    reason: str = "ok"


ANSWER = "answer"
FORWARD = "forward"
OFF_TOPIC = "off_topic"


@dataclass(frozen=True)
class Routing:
    """Where a question goes: ``kind`` is ANSWER, FORWARD or OFF_TOPIC.

    ``answer`` is the search's :class:`Answer` (hits to quote, or to show the specialist);
    ``terms`` the IP words found (empty for an off-topic question); ``how_to`` whether it
    asks how to do something with a right (see :data:`search.lexicon.HOW_TO`).
    ``read_as`` is the question as searched, when it was read otherwise than typed, and
    ``changes`` what was read so: (step, typed, read), step ``"traditional"``, ``"english"``
    or ``"typo"`` (:class:`search.reading.Reading`); both empty for a question searched as typed.
    """

    kind: str
    answer: Answer
    terms: tuple[str, ...] = ()
    how_to: bool = False
    read_as: str = ""
    changes: tuple[tuple[str, str, str], ...] = ()

