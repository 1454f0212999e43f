"""What of a clause to quote: the whole clause, or its sentences that answer the question.

A chat answer quotes the policy text word for word, so the reader can trust it and find
it; a long clause is cut to the sentences carrying the question's words, marked with "…".
"""

from __future__ import annotations

import re
from collections.abc import Callable

from search.query import Query
from search.tokens import normalise

__all__ = ["MAX_QUOTE_CHARS", "quote"]

#: A clause longer than this is quoted as its best-matching sentence(s), with "…".
MAX_QUOTE_CHARS = 300

_SENTENCE = re.compile(r"[^。；！？!?;]+[。；！？!?;]*|[。；！？!?;]+")


def quote(text: str, query: Query, weights: dict[str, float]) -> str:
    """The clause text or, if it is longer than MAX_QUOTE_CHARS, its best sentences.

    Starts from the sentence carrying the most question-word weight. Adds neighbouring
    sentences that match at least half as well, then plain context while the quote is
    short. Marks a cut with "…".
    """
    if len(text) <= MAX_QUOTE_CHARS:
        return text
    budget = MAX_QUOTE_CHARS - 2  # room for the ellipses
    sentences = _SENTENCE.findall(text)

    def weight(sentence: str) -> float:
        ns = normalise(sentence)
        matched = (keys for found, keys in query.needles if any(e in ns for e in found))
        return sum(weights.get(w, 0.0) for keys in matched for w in keys)

    sc = [weight(s) for s in sentences]
    best = max(range(len(sentences)), key=lambda i: (sc[i], -i))
    if len(sentences[best]) > budget:  # one long sentence: cut around its first match
        ns = normalise(sentences[best])
        hits = [p for found, _ in query.needles for e in found if (p := ns.find(e)) >= 0]
        start = max(0, min(hits, default=0) - budget // 3)
        start = min(start, len(sentences[best]) - budget)
        cut = sentences[best][start : start + budget]
        return ("…" if best or start else "") + cut + "…"
    lo = hi = best
    length = len(sentences[best])

    def grow(accept: Callable[[int], bool]) -> None:
        nonlocal lo, hi, length
        grew = True
        while grew:
            grew = False
            for j in (hi + 1, lo - 1):
                if 0 <= j < len(sentences) and accept(j) and length + len(sentences[j]) <= budget:
                    lo, hi, length, grew = min(lo, j), max(hi, j), length + len(sentences[j]), True
                    break

    grow(lambda j: sc[best] > 0 and sc[j] >= sc[best] / 2)
    grow(lambda j: length < 80)
    body = "".join(sentences[lo : hi + 1]).strip()
    return ("…" if lo > 0 else "") + body + ("…" if hi < len(sentences) - 1 else "")
