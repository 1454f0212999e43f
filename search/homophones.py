"""Input-method typos read as the term meant: "惯标" is 贯标, "商表" is 商标.

A Chinese input method turns typed pinyin into characters, and a hurried pick gives a
homophone: "guanbiao" becomes 惯标 instead of 贯标. Such a question used to miss every
clause, and even looked off topic. :class:`Homophones` reads a stretch of the question as
a term when the two sound the same (``pypinyin``, without tones) and the stretch typed is
not a word itself, so correct text is never changed:

* targets: the policy lexicon (:mod:`search.lexicon`: IP terms, every synonym entry,
  programme words) and the index's own words (the clauses' vocabulary);
* a stretch is a candidate only inside a run of Chinese characters, holding at least one
  character that is not part of a known word (jieba's dictionary or the index's words),
  never cutting a known word in two, and never holding a one-character stop word
  ("是", "了"); a stretch that is itself a known word is never changed;
* tones: an input method drops them, so a lexicon term is read from a stretch of
  unknown characters by its toneless pinyin (商表 shang1 biao3 is 商标 shang1 biao1);
  a stretch holding a known word ("知识" + "产全" for 知识产权), and an index word (read
  only from unknown characters), must match with tones as well. Measured on correct text
  (the labelled questions, the locale strings, the clauses' sentences), the toneless rule
  for index words misread names and abbreviations (苏知 as 素质, 张三 as 长三);
* where several targets sound the same, the one whose tones match too wins; still
  ambiguous, nothing is changed. The longest target wins at a position.

The pinyin -> targets map is built once per index (:class:`search.index.PolicySearch`);
reading a question costs a segmentation and some dictionary look-ups.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from search.lexicon import STOP_WORDS

__all__ = ["Homophones", "syllables"]

_LEXICON, _INDEX = 0, 1  # tiers of a target: lexicon terms are read more freely


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


@lru_cache(maxsize=65536)
def _char_pinyin(ch: str) -> str:
    """The character's first (most common) reading with its tone number ("biao1")."""
    from pypinyin import Style, pinyin

    return pinyin(ch, style=Style.TONE3, errors=lambda _: [""])[0][0]


def syllables(text: str) -> tuple[str, ...]:
    """Toned pinyin of each character, read one by one ("商表" -> shang1, biao3)."""
    return tuple(_char_pinyin(ch) for ch in text)


def _toneless(toned: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(s.rstrip("012345") for s in toned)


def _readings(term: str, as_phrase: bool) -> set[tuple[str, ...]]:
    """A term's toned readings: character by character, as a typed stretch is read, and,
    ``as_phrase``, as pypinyin reads the phrase (its phrase dictionary knows 银行 is yin2
    hang2). The phrase reading costs about 40 µs a word, so it is taken for the lexicon's
    terms only, not for the index's thousands of words (the index has to build in well
    under a second for 50 documents: bench/questions.py)."""
    out = {syllables(term)}
    if as_phrase:
        from pypinyin import Style, lazy_pinyin

        phrase = tuple(lazy_pinyin(term, style=Style.TONE3, errors=lambda s: [""] * len(s)))
        if len(phrase) == len(term):
            out.add(phrase)
    return {r for r in out if all(r)}


@dataclass(frozen=True)
class _Target:
    term: str
    tier: int
    toned: frozenset[tuple[str, ...]]


class Homophones:
    """Reads homophone typos of the given terms; built once per index, then read-only.

    ``lexicon`` and ``vocabulary`` are normalised words (lexicon terms first: a word in
    both is a lexicon term); ``known`` says whether a word is in the segmenter's
    dictionary, ``cut`` segments text as the index does.
    """

    def __init__(self, lexicon: Iterable[str], vocabulary: Iterable[str],
                 known: Callable[[str], bool], cut: Callable[[str], list[str]]) -> None:
        self._known = known
        self._cut = cut
        self._vocabulary = frozenset(vocabulary)
        targets: dict[str, int] = {}
        for tier, words in ((_LEXICON, lexicon), (_INDEX, self._vocabulary)):
            for word in words:
                if 2 <= len(word) <= 10 and all(map(_is_han, word)) and word not in STOP_WORDS:
                    targets.setdefault(word, tier)
        self._targets = frozenset(targets)
        self._by_sound: dict[tuple[str, ...], list[_Target]] = {}
        for word, tier in targets.items():
            toned = frozenset(_readings(word, as_phrase=tier == _LEXICON))
            target = _Target(word, tier, toned)
            for key in {_toneless(r) for r in toned}:
                self._by_sound.setdefault(key, []).append(target)
        self._lengths = sorted({len(k) for k in self._by_sound}, reverse=True)

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_sound.values())

    def is_known(self, word: str) -> bool:
        return word in self._vocabulary or self._known(word)

    def correct(self, text: str) -> tuple[str, tuple[tuple[str, str], ...]]:
        """``text`` (normalised) with its homophone typos replaced, and the (typed, term)
        pairs replaced. Text without a typo comes back unchanged."""
        if not self._lengths or not any(map(_is_han, text)):
            return text, ()
        words = self._cut(text)
        if "".join(words) != text:
            return text, ()
        n = len(text)
        blocked = [False] * n  # never in a stretch: not Chinese, or a one-character stop word
        owner = list(range(n))  # start of the known word holding the character, else itself
        locked = [False] * n  # part of a known word of two or more characters
        texts_word = [False] * n  # part of a word of the texts (the index's vocabulary)
        span = [(0, 0)] * n  # (start, end) of the word holding the character
        pos = 0
        for word in words:
            end = pos + len(word)
            for k in range(pos, end):
                span[k] = (pos, end)
            if len(word) >= 2 and self.is_known(word):
                for k in range(pos, end):
                    locked[k], owner[k] = True, pos
            if word in self._vocabulary:
                for k in range(pos, end):
                    texts_word[k] = True
            for k in range(pos, end):
                blocked[k] = not _is_han(text[k]) or (len(word) == 1 and word in STOP_WORDS)
            pos = end
        free_before = [0] * (n + 1)  # prefix counts of characters outside known words
        blocked_before = [0] * (n + 1)
        for k in range(n):
            free_before[k + 1] = free_before[k] + (not locked[k])
            blocked_before[k + 1] = blocked_before[k] + blocked[k]
        toned = syllables(text)
        plain = _toneless(toned)
        out: list[str] = []
        changes: list[tuple[str, str]] = []
        i = 0
        while i < n:
            found = None
            if not blocked[i] and owner[i] == i:
                for size in self._lengths:
                    j = i + size
                    if j > n or blocked_before[j] != blocked_before[i]:
                        continue
                    typed = text[i:j]
                    if typed in self._targets:  # a term as typed: nothing shorter is read here
                        found = typed
                        break
                    if self.is_known(typed):
                        continue
                    sounds = self._by_sound.get(plain[i:j], ())
                    free = free_before[j] - free_before[i]
                    if (j < n and locked[j] and owner[j] != j) or not free:  # cuts a known word, or all known
                        found = self._dictionary_typo(sounds, toned[i:j], typed,
                                                      [texts_word[k] or not i <= span[k][0] < span[k][1] <= j
                                                       for k in range(i, j)])
                    else:
                        found = self._pick(sounds, toned[i:j], free == size)
                    if found is not None:
                        break
            if found is None:
                out.append(text[i])
                i += 1
            else:
                if found != text[i : i + len(found)]:
                    changes.append((text[i : i + len(found)], found))
                out.append(found)
                i += len(found)
        return ("".join(out), tuple(changes)) if changes else (text, ())

    @staticmethod
    def _dictionary_typo(targets: Iterable[_Target], toned: tuple[str, ...], typed: str,
                         kept: list[bool]) -> str | None:
        """The lexicon term a stretch of dictionary words is read as, or None: an input
        method's pick is often a word of its own ("专力导航" for 专利导航, "审察" for 审查,
        "惯标有" cut 惯 / 标有). Read only as a lexicon term of the same tones, exactly one,
        and only where every character changed (``kept`` false) is in a word wholly inside
        the stretch that the texts never use: a word of the texts is taken as meant, and so
        is a word the stretch would cut ("专利代" + 理 is not 专利贷)."""
        exact = [t for t in targets if t.tier == _LEXICON and toned in t.toned]
        if len(exact) != 1:
            return None
        term = exact[0].term
        if any(a != b and keep for a, b, keep in zip(typed, term, kept)):
            return None
        return term

    @staticmethod
    def _pick(targets: Iterable[_Target], toned: tuple[str, ...], all_free: bool) -> str | None:
        """The target a stretch is read as, or None.

        A lexicon term may be read without its tones (an input method drops them: 商表 is
        shang1 biao3, 商标 shang1 biao1) from a stretch of unknown characters alone; from a
        stretch holding a known word ("知识" + "产全"), and for an index word (only from
        unknown characters), the tones must match too. Lexicon terms come first; two
        targets that still sound alike leave the stretch as typed."""
        targets = list(targets)
        for tier in (_LEXICON, _INDEX):
            if tier == _INDEX and not all_free:
                break
            same = [t for t in targets if t.tier == tier]
            exact = [t for t in same if toned in t.toned]
            if len(exact) == 1:
                return exact[0].term
            if exact or (same and (tier == _INDEX or not all_free)):
                return None
            if len(same) == 1:
                return same[0].term
            if same:
                return None  # homophones the tones do not tell apart
        return None
