"""Chinese text to index tokens: a private jieba tokenizer, sub-words and synonym tokens.

Clauses and questions go through the same steps (:func:`tokenize`), so a word of a
question meets the same word of a clause: NFKC and lower case (:func:`normalise`),
jieba's precise-mode words with every dictionary sub-word (:func:`segment`), stop words
out, and one ``syn:<canonical>`` token per :data:`search.lexicon.SYNONYMS` group present
(:func:`groups_in`), so a question using one name finds a clause using another.
"""

from __future__ import annotations

import logging
import threading
import unicodedata

from search.lexicon import STOP_WORDS, SYNONYMS

__all__ = ["GROUPS", "groups_in", "normalise", "segment", "tokenize"]

_tokenizer = None
_tokenizer_lock = threading.Lock()


def _get_tokenizer():
    """A private jieba Tokenizer, with the SYNONYMS entries added as words.

    It is private so that the words added here do not change jieba's global tokenizer.
    Loading the dictionary takes about 0.5 s, so it is done once per process, on first
    use, under a lock. jieba's logger is set to WARNING so that loading prints nothing.
    """
    global _tokenizer
    if _tokenizer is None:
        with _tokenizer_lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                tok = jieba.Tokenizer()
                tok.initialize()
                for word in sorted({normalise(a) for group in SYNONYMS for a in group}):
                    if not tok.FREQ.get(word):
                        tok.add_word(word)  # jieba picks a frequency that keeps it whole
                _tokenizer = tok
    return _tokenizer


def normalise(text: str) -> str:
    """NFKC and lower case: full-width letters and digits meet their ASCII forms ("ＰＣＴ" is "pct")."""
    return unicodedata.normalize("NFKC", text).lower()


def _is_word(token: str) -> bool:
    return any(unicodedata.category(ch)[0] in "LN" for ch in token)


#: (syn token, normalised entries) for each SYNONYMS group
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    (f"syn:{g[0]}", tuple(normalise(a) for a in g)) for g in SYNONYMS
)


def segment(normalised: str) -> list[tuple[str, list[str]]]:
    """jieba's precise-mode words, each with its dictionary sub-words.

    This is ``lcut_for_search`` made thorough. That function adds only 2- and
    3-character sub-words, so the domain word "首件发明专利" would hide "发明专利". Here
    every dictionary sub-word of 2..n-1 characters is kept.
    """
    tok = _get_tokenizer()
    out: list[tuple[str, list[str]]] = []
    for word in tok.lcut(normalised):
        word = word.strip()
        if not word or not _is_word(word):
            continue
        n = len(word) if len(word) <= 16 else 0  # no sub-words of runs like "aaaa…"
        subs = (word[i : i + size] for size in range(2, n) for i in range(n - size + 1))
        out.append((word, [s for s in subs if tok.FREQ.get(s) and s not in STOP_WORDS]))
    return out


def groups_in(normalised: str) -> list[tuple[str, list[str]]]:
    """(syn token, entries found) for each SYNONYMS group present in the text."""
    found = [(tok, [e for e in entries if e in normalised]) for tok, entries in GROUPS]
    return [(tok, entries) for tok, entries in found if entries]


def tokenize(text: str) -> list[str]:
    """The index tokens of ``text``: words and their dictionary sub-words, without
    punctuation and stop words, plus a ``syn:<canonical>`` token for each
    :data:`SYNONYMS` group present."""
    norm = normalise(text)
    out: list[str] = []
    for word, subs in segment(norm):
        out.extend(subs)
        if word not in STOP_WORDS:
            out.append(word)
    return out + [tok for tok, _ in groups_in(norm)]

