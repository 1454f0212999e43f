"""A question read as a person means it: traditional characters, English words, typos.

Before a question is searched and routed, :class:`Reader` makes it the Chinese the texts
are written in, in three steps, each leaving correct simplified Chinese unchanged:

1. traditional characters to simplified (:func:`to_simplified`, OpenCC's ``t2s``): "商標
   被搶註了" is "商标被抢注了". It changes no character of the shipped texts or of the
   labelled questions (tests/unit/test_question_reading.py). A question that had
   traditional characters then has its Taiwan and Hong Kong words read as the mainland
   ones (``regional.yaml``: 智慧財產權 is 知识产权, 專案 is 项目).
2. English words to Chinese terms (:mod:`search.english`, the glossary ``english.yaml``).
3. input-method typos to the term they sound like (:mod:`search.homophones`): "惯标" is
   贯标, "商表" is 商标; only where the typed word is not a word itself; and a term typed
   with -n for -ng or back (:mod:`search.fuzzy_nasal`: "创新之心" is 创新之星).

A :class:`Reader` is built per index (its homophone targets include the index's words);
the converter and the dictionaries are loaded once per process.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from search.english import glossary, read_english
from search.fuzzy_nasal import FuzzyNasal
from search.homophones import Homophones
from search.look_alike import read_look_alike
from search.lexicon import IP_TERMS, PROGRAMME_WORDS, SYNONYMS
from search.tokens import _get_tokenizer, normalise

__all__ = ["LEXICON_TERMS", "Reader", "Reading", "regional_words", "to_simplified"]

#: the lexicon's words, as homophone targets: IP terms, every synonym entry, programme words
LEXICON_TERMS: tuple[str, ...] = tuple(
    dict.fromkeys(normalise(t) for t in (*IP_TERMS, *(e for g in SYNONYMS for e in g), *PROGRAMME_WORDS))
)

_converter = None
_converter_lock = threading.Lock()


def to_simplified(text: str) -> str:
    """Traditional Chinese characters as simplified ones, by OpenCC's ``t2s`` configuration
    (loaded once per process). Only the script changes: 軟體 becomes 软体, and
    :func:`regional_words` reads it as 软件."""
    global _converter
    if _converter is None:
        with _converter_lock:
            if _converter is None:
                import opencc

                _converter = opencc.OpenCC("t2s")
    return _converter.convert(text)


@lru_cache(maxsize=1)
def _regional() -> tuple[re.Pattern[str], dict[str, str]]:
    words = yaml.safe_load(Path(__file__).with_name("regional.yaml").read_text(encoding="utf-8"))
    words = {str(k): str(v) for k, v in words.items()}
    return re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True)))), words


def regional_words(simplified: str) -> str:
    """Taiwan and Hong Kong words (already in simplified characters) as the mainland ones.

    A word already inside its mainland form stays: 新型专利 in 实用新型专利."""
    pattern, words = _regional()

    def mainland(match: re.Match) -> str:
        typed, start = match.group(0), match.start()
        word = words[typed]
        at = word.find(typed)
        if 0 <= at <= start and simplified[start - at : start - at + len(word)] == word:
            return typed
        return word

    return pattern.sub(mainland, simplified)


@dataclass(frozen=True)
class Reading:
    """The question as searched (normalised) and what was read differently.

    ``changes`` are (step, typed, read) with step ``"traditional"``, ``"english"`` or
    ``"typo"``; empty when the question was searched as typed."""

    text: str
    changes: tuple[tuple[str, str, str], ...] = ()


class Reader:
    """The three reading steps for one index (see the module docstring)."""

    def __init__(self, vocabulary: Iterable[str]) -> None:
        segmenter = _get_tokenizer()
        vocabulary = frozenset(vocabulary)
        self._homophones = Homophones(LEXICON_TERMS, vocabulary, segmenter.known, segmenter.cut)
        self._nasal = FuzzyNasal(LEXICON_TERMS, lambda w: w in vocabulary or segmenter.known(w))
        self._vocabulary, self._known = vocabulary, segmenter.known
        glossary(), _regional(), to_simplified("")  # loaded now, not by the first question

    def read(self, cleaned: str) -> Reading:
        """Read a cleaned question (:func:`search.query.clean_question`). Never raises."""
        text = normalise(cleaned)
        changes: list[tuple[str, str, str]] = []
        simplified = to_simplified(text)
        if simplified != text:
            simplified = regional_words(simplified)
            changes.append(("traditional", text, simplified))
            text = simplified
        english = read_english(text)
        if english != text:
            changes.append(("english", text, english))
            text = english
        text, typos = self._homophones.correct(text)
        changes.extend(("typo", typed, term) for typed, term in typos)
        text, typos = self._nasal.correct(text)  # "创新之心": -n for -ng (round 25b)
        changes.extend(("typo", typed, term) for typed, term in typos)
        text, typos = read_look_alike(text, self._vocabulary.__contains__, self._known)  # "证卷化" (round 26a)
        changes.extend(("typo", typed, term) for typed, term in typos)
        return Reading(text, tuple(changes))
