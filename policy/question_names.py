"""Which programmes a question names, and its input-method typos of the words the reader knows.

* A programme is named by any of its names: the packs' ``aliases`` (发明之星, 工业品牌), the names
  in ``question_words.yaml`` (English ones: "Innovation Star", "industrial brand"; English names
  whose words may stand apart: "first" … "invention patent"), a longer name winning over one
  inside it. A question that names none but asks for a star level ("能拿五星吗", "几星") names
  the one programme with star levels, when the catalog has exactly one.
* :func:`correct_typos` reads a homophone typo of a programme name or a fact word as the word
  ("发明之心" is 发明之星, "发名专利" is 发明专利, "专力" is 专利), character for character so the
  text keeps its length. One character of the word may differ, and only by its sound
  (``pypinyin``, toneless, any reading of the character): the same syllable for a word of three
  characters or more (two, where the caller can say the typed stretch is no word of the
  dictionary: "应收" stays 应收, not 营收), or a syllable an input method confuses (in/ing, en/eng,
  an/ang, z/zh, c/ch, s/sh, n/l, f/h) for a word of four or more. A stretch that overlaps a word
  of the reader's written correctly is never changed.

Pure: no services, no database.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from itertools import accumulate
from typing import Any

from .question_facts import asks_stars
from .question_vocab import find_words, per_catalog, vocabulary, words_pattern

__all__ = ["named_programmes", "correct_typos", "respelled", "programme_names", "starred_programmes"]

_HAN = re.compile(r"[\u4e00-\u9fff]")
_HYPHEN = re.compile(r"(?<=[a-z])-(?=[a-z])")
#: a question asking for a star level in so many words ("几星", "哪个星级", "how many stars"), not
#: any level ("几级")
_STARS = re.compile(r"几(颗|个)?星|星级|多少星|how many stars|star level", re.IGNORECASE)


@per_catalog
def programme_names(catalog: Any) -> tuple[tuple[str, str], ...]:
    """(name, programme id), longest first: the packs' aliases and question_words.yaml's names."""
    names: dict[str, str] = {}
    for lp in catalog.packs:
        for prog in lp.pack.programmes:
            for alias in prog.aliases:
                names.setdefault(_lower(alias), prog.id)
    for name, pid in vocabulary(catalog).names:
        names.setdefault(name, pid)
    return tuple(sorted(names.items(), key=lambda kv: -len(kv[0])))


def _lower(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def starred_programmes(catalog: Any) -> tuple[str, ...]:
    """The programmes with star levels (tiers)."""
    return tuple(pid for pid in catalog.programme_ids if catalog.programme(pid).tier_labels)


def named_programmes(catalog: Any, text: str) -> tuple[str, ...]:
    """The programmes ``text`` (as :func:`policy.question_facts.prepare_text` gives it) names,
    in the order they appear."""
    lower = _lower(text)
    names = dict(programme_names(catalog))
    out: list[str] = []
    # English joins a name's words by a hyphen as often as by a space ("project-lead reward")
    for form in dict.fromkeys((lower, _HYPHEN.sub(" ", lower))):
        for _s, _e, name in find_words(form, tuple(names)):
            if name in names and names[name] not in out:
                out.append(names[name])
    for words, pid in vocabulary(catalog).names_all_of:
        if pid not in out and all(words_pattern((w,)).search(lower) for w in words):
            out.append(pid)
    if not out:
        level, _asks = asks_stars(catalog, text)
        starred = starred_programmes(catalog)
        if (level is not None or _STARS.search(lower)) and len(starred) == 1:
            out.append(starred[0])
    return tuple(out)


# --------------------------------------------------------------------------- typos


@lru_cache(maxsize=4096)
def _typed_sound(ch: str) -> str:
    """A typed character's everyday reading (a rare one, 税 tuō, 和 huò, would hear too much)."""
    from pypinyin import Style, pinyin

    return pinyin(ch, style=Style.NORMAL, errors=lambda _: [""])[0][0]


@lru_cache(maxsize=4096)
def _word_sounds(word: str) -> tuple[str, ...]:
    """A word's reading, character by character, as pypinyin reads the phrase (行业 is hang)."""
    from pypinyin import Style, lazy_pinyin

    sounds = lazy_pinyin(word, style=Style.NORMAL, errors=lambda s: [""] * len(s))
    return tuple(sounds) if len(sounds) == len(word) else ("",) * len(word)


def _fuzzy(syllable: str) -> str:
    """A syllable as an input method's fuzzy setting hears it: zh=z, ing=in, n=l, h=f …"""
    s = re.sub(r"^([zcs])h", r"\1", syllable)
    s = re.sub(r"^n", "l", s)
    s = re.sub(r"^h", "f", s)
    return re.sub(r"(?<=[aei])ng$", "n", s)


@per_catalog
def _typo_targets(catalog: Any) -> tuple[tuple[str, ...], dict[Any, list[tuple[str, int]]], tuple[int, ...], frozenset[str]]:
    """The words typos are read against, and a map to (word, where) from each word with its first or
    last character left out ("?明之星", "发明之?") and from its two ends and length (a character
    left out inside: ("发", "星", 4)), so a stretch finds the words one character away in three looks."""
    vocab = vocabulary(catalog)
    words = {n for n, _ in programme_names(catalog)} | {w for w, _ in vocab.figure_cues} | {f.word for f in vocab.flags}
    # the words of names that may stand apart ("PCT讲励" is the PCT 奖励)
    words |= {w for ws, _pid in vocab.names_all_of for w in ws}
    words = {w for w in words if len(w) >= 2 and all(_HAN.match(c) for c in w)}
    holes: dict[Any, list[tuple[str, int]]] = {}
    for w in sorted(words):
        holes.setdefault("?" + w[1:], []).append((w, 0))
        holes.setdefault(w[:-1] + "?", []).append((w, len(w) - 1))
        if len(w) > 2:
            holes.setdefault((w[0], w[-1], len(w)), []).append((w, -1))
    lengths = tuple(sorted({len(w) for w in words}, reverse=True))
    return tuple(sorted(words)), holes, lengths, frozenset(c for w in words for c in w)


def correct_typos(catalog: Any, text: str, known: Callable[[str], bool] | None = None) -> str:
    """``text`` with homophone typos of programme names and fact words read as the words (the
    same length: one character for one). ``known`` says whether a stretch is a word of a
    dictionary: a stretch that is a word, or whose mistyped character makes a word with the
    character beside it ("专利项目" holds no typo of 立项), is left alone; without it only
    words of three characters or more are read."""
    if not _HAN.search(text):
        return text
    words, holes, lengths, chars = _typo_targets(catalog)
    lower = text.lower()
    out = list(text)
    taken = [(s, e) for s, e, _w in find_words(lower, words)]
    han_run = _han_runs(lower)
    foreign = list(accumulate((c not in chars for c in lower), initial=0))  # characters of no word, so far
    for i in range(len(text)):
        for n in lengths:
            if han_run[i] < n or foreign[i + n] - foreign[i] > 1:
                continue  # past the text, not all Chinese, or two characters of no word (speed only)
            near = _near(lower[i:i + n], holes)
            if not near:
                continue  # no word one character away: most stretches, so checked first (speed only)
            if any(i < e and s < i + n and not (i <= s and e <= i + n) for s, e in taken):
                continue  # a word read already, unless within the stretch ("发明" in "发明之心")
            found = _match(lower, i, n, near, known)
            if found is not None:
                out[i:i + n] = list(found)
                taken.append((i, i + n))
                break
    return "".join(out)


def _han_runs(text: str) -> list[int]:
    """For each position, how many Chinese characters follow in a row from it."""
    runs = [0] * (len(text) + 1)
    for i in range(len(text) - 1, -1, -1):
        runs[i] = runs[i + 1] + 1 if _HAN.match(text[i]) else 0
    return runs


def _near(window: str, holes: dict[Any, list[tuple[str, int]]]) -> list[tuple[str, int]]:
    """The words one character away from ``window``, with the place of that character (first, then
    inside in order, then last)."""
    n = len(window)
    inside = []
    for word, _ in holes.get((window[0], window[-1], n), ()) if n > 2 else ():
        differ = [k for k in range(1, n - 1) if word[k] != window[k]]
        if len(differ) == 1:  # none: the word itself, no typo
            inside.append((word, differ[0]))
    return [*holes.get("?" + window[1:], ()), *sorted(inside, key=lambda hit: hit[1]), *holes.get(window[:-1] + "?", ())]


def _match(lower: str, i: int, n: int, near: list[tuple[str, int]],
           known: Callable[[str], bool] | None) -> str | None:
    window = lower[i:i + n]
    if known is not None and known(window):
        return None  # a word of its own
    for word, at in near:
        typed, meant = window[at], word[at]
        if typed == meant or (n < 3 and known is None):
            continue
        if known is not None and _in_a_word(lower, i + at, i, i + n, known):
            continue
        heard, said = _typed_sound(typed), _word_sounds(word)[at]
        if heard and heard == said:
            return word
        if n >= 4 and heard and _fuzzy(heard) == _fuzzy(said):
            return word
    return None


def _in_a_word(lower: str, pos: int, start: int, end: int, known: Callable[[str], bool]) -> bool:
    """Whether the character at ``pos`` makes a word with its neighbour outside [start, end), or,
    opening a stretch of four or more, with the one after it ("省级项目" is no typo of 升级项目)."""
    pairs = []
    if pos == start and pos > 0:
        pairs.append(lower[pos - 1:pos + 1])
    if pos == end - 1 and pos + 1 < len(lower):
        pairs.append(lower[pos:pos + 2])
    if pos == start and end - start >= 4:
        pairs.append(lower[pos:pos + 2])
    return any(len(p) == 2 and all(_HAN.match(c) for c in p) and known(p) for p in pairs)


def respelled(catalog: Any, text: str) -> str:
    """``text`` with its misspelled acronyms and short forms (``misspelled`` of policy/question_words.yaml)
    as meant: Latin words whole, Chinese ones wherever they stand."""
    for typed, meant in vocabulary(catalog).misspelled:
        text = re.sub(rf"(?<![A-Za-z]){re.escape(typed)}(?![A-Za-z])", meant, text, flags=re.IGNORECASE) \
            if typed.isascii() else text.replace(typed, meant)
    return text
