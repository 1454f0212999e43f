"""A question as the index reads it: cleaned of markup, cut short, and parsed into terms.

Questions are free text from Telegram (markup, emoji, formulas, very long pastes), so
:func:`clean_question` makes any input searchable text and never raises, and
:func:`parse_query` says which tokens to score, which words count towards coverage and
evidence, and which strings to look for when picking the sentences to quote.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

from search.lexicon import STOP_WORDS
from search.tokens import GROUPS, groups_in, normalise, segment

__all__ = ["MAX_QUERY_CHARS", "Query", "clean_question", "parse_query"]

#: Questions are cut to this many characters before segmentation.
MAX_QUERY_CHARS = 500

_TAG = re.compile(r"<[^<>]{0,200}>")


def clean_question(question: object) -> str:
    """Markup, control and unassigned characters out; at most MAX_QUERY_CHARS left."""
    if not isinstance(question, str):
        return ""
    q = html.unescape(_TAG.sub(" ", question[: MAX_QUERY_CHARS * 4]))
    q = "".join(ch for ch in q if unicodedata.category(ch)[0] != "C")
    return q.strip()[:MAX_QUERY_CHARS]


@dataclass(frozen=True)
class Query:
    """What a question asks for, in the index's tokens."""

    terms: tuple[str, ...]  # BM25 query: distinct tokens, as tokenize() makes them
    #: what coverage and evidence count: the question's distinct words (precise mode,
    #: no sub-words) and syn tokens
    words: tuple[str, ...]
    #: word -> syn tokens of the matched domain terms that contain it
    subsumed: dict[str, tuple[str, ...]]
    #: (strings to look for, words whose weights they carry), to pick quote sentences
    needles: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]


def parse_query(text: str) -> Query:
    """The query of a cleaned question (see :class:`Query`)."""
    norm = normalise(text)
    segments = segment(norm)
    groups = groups_in(norm)
    syn = [tok for tok, _ in groups]
    plain = list(dict.fromkeys(w for w, _ in segments if w not in STOP_WORDS))
    terms = tuple(dict.fromkeys([t for w, subs in segments for t in (*subs, w) if t not in STOP_WORDS] + syn))
    subsumed: dict[str, tuple[str, ...]] = {}
    for w in plain:
        if owners := tuple(t for t, found in groups if any(w in e for e in found)):
            subsumed[w] = owners
    entries = dict(GROUPS)
    needles = tuple(((w,), (w,)) for w in plain if w not in subsumed) + tuple(
        (entries[t], (t, *(w for w, owners in subsumed.items() if t in owners))) for t in syn
    )
    return Query(terms, tuple(plain + syn), subsumed, needles)
