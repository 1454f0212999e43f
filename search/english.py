"""English words of a question read in Chinese, from the glossary in ``english.yaml``.

The policy texts are Chinese; an SME may still ask "Is there a subsidy for the first
invention patent?" or "How much does it cost to register a trademark in the US?". Each
glossary phrase of the question is replaced by its Chinese term (longest phrase first,
plurals read as their singular), English function words are dropped, and any other
English word stays as it is: it matches no clause and lowers the question's coverage, so
an English question is answered only where the glossary covers what it asks, and is at
least forwarded when it names a right (``商标`` is an IP term of :mod:`search.routing`).
Works on normalised text (NFKC, lower case); Chinese text around English words is kept.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

__all__ = ["GLOSSARY_FILE", "glossary", "read_english", "singular"]

GLOSSARY_FILE = Path(__file__).with_name("english.yaml")

#: a run of English words (with numbers among them: "gb/t 29490", "r&d"), in normalised
#: text; a full stop ends it, so a phrase never spans two sentences
_RUN = re.compile(r"[a-z0-9]+(?:[\s'’\-/&]+[a-z0-9]+)*")
_WORD = re.compile(r"[a-z0-9]+")
_CONTRACTIONS = (("won't", "will not"), ("can't", "can not"), ("n't", " not"))
#: a thousands separator in English ("per 10,000 people"): the number is one word (10000), so a
#: glossary phrase holding it matches (round 25b)
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def singular(word: str) -> str:
    """A plural read as its singular: subsidies -> subsidy, fees -> fee, taxes -> tax.

    Simple English rules, enough for a glossary of nouns; a word that is not a plural by
    them is returned as it is (us, is, process)."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@lru_cache(maxsize=1)
def glossary() -> tuple[dict[tuple[str, ...], str], frozenset[str], int]:
    """(phrase words -> Chinese term, stop words, longest phrase in words), read once."""
    data = yaml.safe_load(GLOSSARY_FILE.read_text(encoding="utf-8"))
    terms: dict[tuple[str, ...], str] = {}
    for phrase, term in data["terms"].items():
        key = tuple(_WORD.findall(str(phrase).lower()))
        if not key or not isinstance(term, str) or not term.strip():
            raise ValueError(f"{GLOSSARY_FILE.name}: bad entry {phrase!r}: {term!r}")
        terms[key] = term.strip().lower()
    stop = frozenset(str(data["stop_words"]).lower().split())
    return terms, stop, max(len(k) for k in terms)


def _lookup_form(word: str, known: frozenset[str]) -> str:
    return word if word in known else singular(word)


@lru_cache(maxsize=1)
def _known_words() -> frozenset[str]:
    terms, stop, _ = glossary()
    return frozenset(w for key in terms for w in key) | stop


def _read_run(run: str) -> str:
    terms, stop, longest = glossary()
    known = _known_words()
    typed = _WORD.findall(run)
    words = [_lookup_form(w, known) for w in typed]
    pieces: list[tuple[bool, str]] = []  # (is Chinese, text); Chinese pieces run together
    i = 0
    while i < len(words):
        for size in range(min(longest, len(words) - i), 0, -1):
            term = terms.get(tuple(words[i : i + size]))
            if term is not None:
                if pieces and pieces[-1][0]:
                    pieces[-1] = (True, pieces[-1][1] + term)
                else:
                    pieces.append((True, term))
                i += size
                break
        else:
            if words[i] not in stop:
                pieces.append((False, typed[i]))
            i += 1
    return " ".join(text for _, text in pieces)


def read_english(normalised: str) -> str:
    """``normalised`` with its English words read in Chinese (see the module docstring).

    A run of English words with no word of the glossary or of its stop words is left as
    it is, so a Chinese question naming a product ("iphone") is not changed, and a single
    word is read only if it is a glossary term ("a股" stays)."""
    if not any("a" <= ch <= "z" for ch in normalised):
        return normalised
    text = normalised
    for short, long in _CONTRACTIONS:
        text = text.replace(short, long).replace(short.replace("'", "’"), long)
    text = _THOUSANDS.sub("", text)
    known = _known_words()

    def replace(match: re.Match) -> str:
        run = match.group(0)
        words = [_lookup_form(w, known) for w in _WORD.findall(run)]
        if len(words) == 1 and (words[0],) not in glossary()[0]:
            return run  # one word glued to Chinese ("a股") is read only if it is a term
        return _read_run(run) if any(w in known for w in words) else run

    return _RUN.sub(replace, text)
