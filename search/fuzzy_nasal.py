"""A lexicon term typed with one front/back nasal confused: "创新之心" is 创新之星.

Many people in Jiangsu (and the south generally) do not tell -n from -ng apart in speech,
and their input methods are set to match (the 模糊音 setting: in = ing, en = eng,
an = ang), so "xing" typed as "xin" gives 心 for 星. :mod:`search.homophones` reads a typo
that sounds the same; this reads one that sounds the same but for the nasal, and only
where the risk of misreading correct text is small:

* the term is a lexicon term (:data:`search.reading.LEXICON_TERMS`) of three characters
  or more: a two-character word with a nasal swapped is too often another word;
* the stretch typed differs from it in exactly one character, whose toneless pinyin is
  the term's character's with -n and -ng swapped (xin / xing, ren / reng, an / ang);
* the stretch typed is not itself a word (the segmenter's dictionary, the index's words).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from search.homophones import syllables

__all__ = ["FuzzyNasal", "nasal_swapped"]

_MIN_LENGTH = 3


def nasal_swapped(sound: str) -> str:
    """A toneless syllable with its nasal final swapped ("xin" -> "xing", "xing" -> "xin"),
    or "" when it has none."""
    if sound.endswith("ng"):
        return sound[:-1]
    if sound.endswith("n"):
        return sound + "g"
    return ""


def _plain(ch: str) -> str:
    return syllables(ch)[0].rstrip("012345")


class FuzzyNasal:
    """Reads nasal-confused typos of ``terms``; built once per index, then read-only."""

    def __init__(self, terms: Iterable[str], known: Callable[[str], bool]) -> None:
        self._known = known
        self._masked: dict[str, list[tuple[str, int]]] = {}
        for term in dict.fromkeys(terms):
            if len(term) < _MIN_LENGTH or not all("\u4e00" <= ch <= "\u9fff" for ch in term):
                continue
            for i, ch in enumerate(term):
                if nasal_swapped(_plain(ch)):
                    self._masked.setdefault(term[:i] + "?" + term[i + 1:], []).append((term, i))
        self._shapes = sorted({(len(k), k.index("?")) for k in self._masked})

    def correct(self, text: str) -> tuple[str, tuple[tuple[str, str], ...]]:
        """``text`` with its nasal-confused terms read as the term, and the (typed, term) pairs."""
        if not self._masked:
            return text, ()
        changes: list[tuple[str, str]] = []
        out = text
        for p, ch in enumerate(text):
            if not "\u4e00" <= ch <= "\u9fff":
                continue
            swapped = nasal_swapped(_plain(ch))
            if not swapped:
                continue
            for size, at in self._shapes:
                start, end = p - at, p - at + size
                if start < 0 or end > len(text):
                    continue
                typed = out[start:end]
                for term, i in self._masked.get(typed[:at] + "?" + typed[at + 1:], ()):
                    if term[i] != ch and _plain(term[i]) == swapped and not self._known(typed):
                        out = out[:start] + term + out[end:]
                        changes.append((typed, term))
                        break
        return (out, tuple(changes)) if changes else (text, ())
