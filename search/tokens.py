"""Chinese text to index tokens: jieba's words (through jieba-rs), sub-words and synonym tokens.

Clauses and questions go through the same steps (:func:`tokenize`), so a word of a
question meets the same word of a clause: NFKC and lower case (:func:`normalise`),
jieba's precise-mode words with every dictionary sub-word (:func:`segment`), stop words
out, and one ``syn:<canonical>`` token per :data:`search.lexicon.SYNONYMS` group present
(:func:`groups_in`), so a question using one name finds a clause using another.
"""

from __future__ import annotations

import re
import threading
import unicodedata

from search.lexicon import FUNCTION_TAGS, IP_TERMS, PROGRAMME_WORDS, STOP_WORDS, SYNONYMS

__all__ = ["GROUPS", "cut", "function_word", "groups_in", "known_word", "normalise", "segment", "tokenize"]

_segmenter: _Segmenter | None = None
_segmenter_lock = threading.Lock()

# How jieba (finalseg) splits a run of ASCII it does not know: "2018-2020" -> 2018 / - / 2020
_ASCII_PIECE = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")
_HAN = re.compile("[\u4e00-\u9fd5]")


class _Segmenter:
    """jieba's precise mode (dictionary, HMM and all) through jieba-rs (``rjieba``).

    jieba-rs is jieba's algorithm and dictionary in Rust, about ten times as fast as the
    Python ``jieba`` here; the index over 50 documents has to build in under a second
    (bench/questions.py). Its words are jieba's, except that it keeps an unknown ASCII run
    such as "2018-2020" or "pm.jsipp.cn" whole, where jieba cuts it at the punctuation:
    :meth:`cut` cuts it as jieba does, so clause and question tokens are jieba's
    (tests/unit/test_search_tokens.py holds them equal to the Python ``jieba``'s on the
    shipped texts, the labelled questions and the locale strings). Where two cuts of a run
    of repeated characters ("星星星") have exactly the same probability, the two may
    break the tie differently; both the index and the question use this one.
    """

    def __init__(self) -> None:
        import rjieba

        self._jieba = rjieba.Jieba()
        for word in sorted({normalise(a) for group in SYNONYMS for a in group}):
            if not self._jieba.has_word(word):
                self._jieba.add_word(word, None, None)  # a frequency that keeps it whole
        self.known = self._jieba.has_word
        self.tag = self._jieba.tag

    def cut(self, text: str) -> list[str]:
        out: list[str] = []
        for word in self._jieba.cut(text):
            if (len(word) > 1 and not "\u4e00" <= word[0] <= "\u9fd5" and not _HAN.search(word)
                    and not _ASCII_PIECE.fullmatch(word) and not self.known(word)):
                out.extend(piece for piece in _ASCII_PIECE.split(word) if piece)
            else:
                out.append(word)
        return out


def _get_tokenizer() -> _Segmenter:
    """The process's segmenter, with the SYNONYMS entries added as words.

    Loading jieba-rs's dictionary takes about 0.3 s, so it is done once per process, on
    first use, under a lock. It prints nothing.
    """
    global _segmenter
    if _segmenter is None:
        with _segmenter_lock:
            if _segmenter is None:
                _segmenter = _Segmenter()
    return _segmenter


def cut(normalised: str) -> list[str]:
    """The segmenter's pieces of the text, punctuation and spaces included: joined, they
    give the text back."""
    return _get_tokenizer().cut(normalised)


def known_word(word: str) -> bool:
    """Whether ``word`` (normalised) is a word of the segmenter's dictionary."""
    return _get_tokenizer().known(word)


def normalise(text: str) -> str:
    """NFKC and lower case: full-width letters and digits meet their ASCII forms ("ＰＣＴ" is "pct")."""
    return unicodedata.normalize("NFKC", text).lower()


def _is_word(token: str) -> bool:
    """Whether the token has a letter or a number (Unicode categories L*, N*: exactly the
    characters for which ``str.isalnum`` holds), i.e. is not punctuation or symbols."""
    return token[:1].isalnum() or any(ch.isalnum() for ch in token)


#: (syn token, normalised entries) for each SYNONYMS group
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    (f"syn:{g[0]}", tuple(normalise(a) for a in g)) for g in SYNONYMS
)


_ASKING = ("哪家", "找谁", "谁")
#: the lexicon's own words: never function words, whatever their tag
_DOMAIN_WORDS = frozenset(normalise(w) for w in (*(a for g in SYNONYMS for a in g), *IP_TERMS, *PROGRAMME_WORDS))


def function_word(word: str) -> bool:
    """Whether a question word carries no topic by its part of speech: the segmenter's
    dictionary tags it as one of :data:`search.lexicon.FUNCTION_TAGS` (那边: pronoun, 到底:
    adverb, 要是: conjunction). Never one: a domain word of the lexicon, a word asking for a
    provider or a person (哪家, 找谁, 谁: the texts name none), or a word the dictionary tags in pieces."""
    if word in _DOMAIN_WORDS or word.startswith(_ASKING):
        return False
    tagged = _get_tokenizer().tag(word)
    return len(tagged) == 1 and tagged[0][0] == word and tagged[0][1] in FUNCTION_TAGS


def segment(normalised: str, words: list[str] | None = None) -> list[tuple[str, list[str]]]:
    """jieba's precise-mode words, each with its dictionary sub-words.

    This is ``lcut_for_search`` made thorough. That function adds only 2- and
    3-character sub-words, so the domain word "首件发明专利" would hide "发明专利". Here
    every dictionary sub-word of 2..n-1 characters is kept. ``words``: the text already
    cut (:func:`cut`), e.g. with some words read otherwise (search.query.colloquial).
    """
    tok = _get_tokenizer()
    known = tok.known
    out: list[tuple[str, list[str]]] = []
    for word in tok.cut(normalised) if words is None else words:
        if len(word) > 1:
            word = word.strip()
        if not word or not (word[0].isalnum() or _is_word(word)):
            continue
        n = len(word)
        if n < 3 or n > 16:  # no sub-words of runs like "aaaa…"
            out.append((word, []))
            continue
        subs = (word[i : i + size] for size in range(2, n) for i in range(n - size + 1))
        out.append((word, [s for s in subs if known(s) and s not in STOP_WORDS]))
    return out


def groups_in(normalised: str) -> list[tuple[str, list[str]]]:
    """(syn token, entries found) for each SYNONYMS group present in the text."""
    found = [(tok, [e for e in entries if e in normalised]) for tok, entries in GROUPS]
    return [(tok, entries) for tok, entries in found if entries]


def tokenize(text: str, *, normalised: bool = False) -> list[str]:
    """The index tokens of ``text``: words and their dictionary sub-words, without
    punctuation and stop words, plus a ``syn:<canonical>`` token for each
    :data:`SYNONYMS` group present. ``normalised``: the text is :func:`normalise`'d already."""
    norm = text if normalised else normalise(text)
    out: list[str] = []
    for word, subs in segment(norm):
        out.extend(subs)
        if word not in STOP_WORDS:
            out.append(word)
    return out + [tok for tok, _ in groups_in(norm)]

