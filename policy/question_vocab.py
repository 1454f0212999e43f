"""The words of a catalog's facts and programmes, as a question reader needs them.

``policy/question_words.yaml`` holds the words people use (Chinese and English) for the facts of
the vocabulary and the packs, the negation and time words, and programme names besides the
packs' aliases; the facts' own labels are words too. :func:`vocabulary` keeps only what the
given catalog knows (a fact or a confirmation it lacks is dropped, so a deployment's packs
decide) and orders the words longest first. Pure data handling: no services, no database.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, wraps
from pathlib import Path
from typing import Any, TypeVar

import yaml

from .facts import CONFIRM_PREFIX

T = TypeVar("T")

__all__ = ["WORDS_FILE", "Flag", "Vocabulary", "vocabulary", "per_catalog", "fact_family", "fact_time", "latin", "word_pattern",
           "words_pattern", "find_words",
           "NOW", "THIS_YEAR", "LAST_YEAR", "TWO_YEARS_AGO", "THREE_YEARS_AGO", "THREE_YEARS", "OTHER"]

WORDS_FILE = Path(__file__).resolve().parent / "question_words.yaml"

#: A fact's time, from its name: invention_grants_this_year -> ("invention_grants", "this_year").
_TIME_SUFFIX = re.compile(r"_(this_year|last_year|3y)$")
NOW, THIS_YEAR, LAST_YEAR, TWO_YEARS_AGO, THREE_YEARS_AGO, THREE_YEARS, OTHER = (
    "now", "this_year", "last_year", "two_years_ago", "three_years_ago", "3y", "other")
_LATIN = re.compile(r"[a-z]", re.IGNORECASE)


def fact_family(name: str) -> str:
    return _TIME_SUFFIX.sub("", name)


def fact_time(name: str) -> str:
    m = _TIME_SUFFIX.search(name)
    return m.group(1) if m else NOW


def latin(word: str) -> bool:
    """A word in Latin letters (English): matched as whole words."""
    return bool(_LATIN.search(word))


def word_pattern(word: str) -> str:
    """A regular expression for a word: Latin words whole ("ip staff" not in "vip staff"), in the
    plural too ("ip expenses")."""
    body = re.escape(word).replace(r"\ ", r"\s+")
    return rf"(?<![a-z]){body}(?:s|es)?(?![a-z])" if latin(word) else body


@lru_cache(maxsize=64)
def words_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for many words, the longest at a position (one compiled pattern: a question is
    matched against hundreds of words, and re's own cache holds 512). The Chinese words go in as a
    prefix tree ("发明(?:专利(?:申请)?)?"), not as hundreds of alternatives each tried at every
    character. Latin words (whole words, plurals too, as :func:`word_pattern`) are a tree of their
    own, tried first: none begins with a Chinese word."""
    unique = list(dict.fromkeys(words))
    english = [w for w in unique if latin(w)]
    chinese = [w for w in unique if not latin(w)]
    parts = ([rf"(?<![a-z]){_tree(english)}(?:s|es)?(?![a-z])"] if english else []) + ([_tree(chinese)] if chinese else [])
    return re.compile("|".join(parts) or "(?!)", re.IGNORECASE)


def _tree(words: list[str]) -> str:
    """A regular expression matching exactly ``words`` (a space as any run of spaces), the longest
    first: a prefix tree whose branches after a whole word are optional and greedy."""
    root: dict = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        branches = [(r"\s+" if char.isspace() else re.escape(char)) + pattern(child) for char, child in node.items() if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return pattern(root)


@lru_cache(maxsize=64)
def _word_set(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(words)


#: id(words) -> (words, pattern, set): the vocabulary's tuples are the same objects question after
#: question, and hashing a tuple of a thousand words for the lru caches cost more than the match
_BY_ID: dict[int, tuple[tuple[str, ...], re.Pattern[str], frozenset[str]]] = {}


def _compiled(words: tuple[str, ...]) -> tuple[re.Pattern[str], frozenset[str]]:
    hit = _BY_ID.get(id(words))
    if hit is not None and hit[0] is words:  # the entry holds ``words``, so its id is not reused
        return hit[1], hit[2]
    entry = (words, words_pattern(words), _word_set(words))
    if len(_BY_ID) < 256:
        _BY_ID[id(words)] = entry
    return entry[1], entry[2]


def find_words(text: str, words: tuple[str, ...]) -> list[tuple[int, int, str]]:
    """(start, end, word) of each word of ``words`` in ``text``, left to right, none overlapping,
    the longest at a position; ``word`` as listed (lower case, single spaces)."""
    pattern, known = _compiled(words)
    out = []
    for m in pattern.finditer(text):
        word = re.sub(r"\s+", " ", m.group().lower())
        if word not in known:  # a plural: the word listed
            word = next((w for w in (word[:-1], word[:-2]) if w in known), word)
        out.append((m.start(), m.end(), word))
    return out


def _norm(word: str) -> str:
    return unicodedata.normalize("NFKC", str(word)).lower()


@dataclass(frozen=True, slots=True)
class Flag:
    """A yes/no word: ``yes`` are the (fact, value) a statement sets, ``no`` those its negation
    sets; ``with_`` one of them must be in the clause; ``verb``: the word is its own predicate;
    ``recent``: a year outside the last three does not state it; ``before_year``: a yes needs a
    year earlier than this one right before the word."""

    word: str
    yes: tuple[tuple[str, bool], ...]
    no: tuple[tuple[str, bool], ...]
    with_: tuple[str, ...] = ()
    verb: bool = False
    recent: bool = False
    before_year: int | None = None
    sentence: bool = False  # ``with_`` may stand anywhere in the sentence ("报了省项目，还在评审")
    if_used: bool = False  # only when a programme named uses one of its facts ("拿证": 贯标 or a patent)


@dataclass(frozen=True)
class Vocabulary:
    figures: dict[str, dict[str, str]]  # family -> time -> fact
    figure_cues: tuple[tuple[str, tuple[str, ...]], ...]  # (word, families), longest first
    ratios: dict[str, tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]]  # family -> (any, both)
    flags: tuple[Flag, ...]  # longest word first
    parts: dict[str, tuple[tuple[str, ...], tuple[tuple[str, str], ...]]]  # family -> (openers, (word, part))
    cumulative: frozenset[str]
    series: frozenset[str]  # families of three yearly amounts (money3)
    negations: tuple[str, ...]  # right before a word, longest first
    negations_near: tuple[str, ...]  # a few characters before
    negations_en: tuple[str, ...]
    times: tuple[tuple[str, str], ...]  # (word, kind), longest first
    asks_level: tuple[str, ...]
    names: tuple[tuple[str, str], ...]  # (name, programme id), besides the packs' aliases
    names_all_of: tuple[tuple[tuple[str, ...], str], ...]  # (words, programme id)
    other_kinds: tuple[str, ...] = ()  # things no fact counts: 实用新型, utility models
    counted_kinds: tuple[str, ...] = ()  # the kinds the facts count, named after one of those: 发明
    granted_words: tuple[str, ...] = ()  # an application said to be granted ...
    granted_as: tuple[tuple[str, str], ...] = ()  # ... is a grant: (application family, grant family)
    asks_what: tuple[str, ...] = ()  # "是干嘛的", "what is": a question about a programme, not a verdict
    sums: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (family, its kinds' words): figures of kinds add up
    asks_own: tuple[str, ...] = ()  # "我们能拿吗": the asker's own eligibility, a verdict even with no fact stated
    misspelled: tuple[tuple[str, str], ...] = ()  # (typed, meant): Latin letters mistyped ("PTC" for PCT)
    any_time: frozenset[str] = frozenset()  # things obtained whose count has no year: a past year's are some of them
    flag_words: tuple[str, ...] = ()  # the words of ``flags``, each once, longest first (looked up per question)


@lru_cache(maxsize=8)
def _load(path: Path = WORDS_FILE) -> dict:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _label_word(label: str) -> str:
    """A label as a word people may use: "当年发明专利授权件数" -> "发明专利授权"."""
    word = re.sub(r"^(当年|上一年度|近三年)", "", label)
    word = re.sub(r"（[^）]*）$", "", word)
    return re.sub(r"(件数|人数|合计|比例)$", "", word)


def _longest_first(pairs: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted(pairs.items(), key=lambda kv: -len(kv[0])))


def per_catalog(build: Callable[[Any], T]) -> Callable[[Any], T]:
    """``build(catalog)`` worked out once per catalog and kept on it (a catalog's packs and
    words never change while it lives): the question readers' tables are built on first use."""
    name = f"_question_{build.__name__.lstrip('_')}"

    @wraps(build)
    def cached(catalog: Any) -> T:
        value = getattr(catalog, name, None)
        if value is None:
            value = build(catalog)
            try:
                object.__setattr__(catalog, name, value)
            except (AttributeError, TypeError):  # a catalog that takes no attribute: built each time
                pass
        return value

    return cached


@per_catalog
def vocabulary(catalog: Any) -> Vocabulary:
    """The words for ``catalog``."""
    data = _load()
    specs = catalog.registry.specs
    figures: dict[str, dict[str, str]] = {}
    series: set[str] = set()
    for name, spec in specs.items():
        if spec.type in ("count", "money", "ratio", "money3"):
            figures.setdefault(fact_family(name), {})[fact_time(name)] = name
            if spec.type == "money3":
                series.add(fact_family(name))
    cues: dict[str, list[str]] = {}
    for family, words in (data.get("figures") or {}).items():
        if family in figures:
            for w in words:
                entry = cues.setdefault(_norm(w), [])
                if family not in entry:
                    entry.append(family)
    sums = {family: tuple(map(_norm, words)) for family, words in (data.get("sums") or {}).items() if family in figures}
    for family, words in sums.items():
        for w in words:
            entry = cues.setdefault(w, [])
            if family not in entry:
                entry.append(family)
    for name, spec in specs.items():
        family = fact_family(name)
        if family in figures and spec.type not in ("ratio", "money3"):
            word = _norm(_label_word(spec.label_zh))
            if len(word) >= 2 and word not in cues:
                cues[word] = [family]
    ratios = {}
    for family, spec in (data.get("ratios") or {}).items():
        if family in figures:
            ratios[family] = (tuple(map(_norm, spec.get("any", ()))),
                              tuple(tuple(map(_norm, side)) for side in spec.get("both", ())))
    parts = {}
    for family, spec in (data.get("parts") or {}).items():
        words = tuple((_norm(w), p) for w, p in (spec.get("words") or {}).items() if p in figures)
        if family in figures and words:
            parts[family] = (tuple(map(_norm, spec.get("openers", ()))), words)
    flags = [flag for entry in data.get("flags") or () for flag in _flags(entry, catalog)]
    negations = data.get("negations") or {}
    times = {_norm(w): kind for kind, words in (data.get("times") or {}).items() for w in words}
    stars = data.get("stars") or {}
    known_ids = set(catalog.programme_ids)
    names: dict[str, str] = {}
    all_of: list[tuple[tuple[str, ...], str]] = []
    for pid, spec in (data.get("programmes") or {}).items():
        if pid in known_ids:
            for n in spec.get("names", ()):
                names.setdefault(_norm(n), pid)
            all_of += [(tuple(map(_norm, words)), pid) for words in spec.get("all_of", ())]
    vocab = Vocabulary(
        figures,
        _longest_first({w: tuple(f) for w, f in cues.items()}),
        ratios,
        tuple(sorted(flags, key=lambda f: -len(f.word))),
        parts,
        frozenset(f for f in data.get("cumulative", ()) if f in figures),
        frozenset(series),
        tuple(sorted(map(_norm, negations.get("zh", ())), key=len, reverse=True)),
        tuple(sorted(map(_norm, negations.get("zh_near", ())), key=len, reverse=True)),
        tuple(map(_norm, negations.get("en", ()))),
        _longest_first(times),
        tuple(sorted(map(_norm, stars.get("asks_level", ())), key=len, reverse=True)),
        _longest_first(names),
        tuple(all_of),
        tuple(sorted(map(_norm, data.get("other_kinds", ())), key=len, reverse=True)),
        tuple(map(_norm, data.get("counted_kinds", ()))),
        tuple(map(_norm, (data.get("granted") or {}).get("words", ()))),
        tuple((a, g) for a, g in ((data.get("granted") or {}).get("as") or {}).items()
              if a in figures and g in figures),
        tuple(map(_norm, data.get("asks_what", ()))),
        tuple(sums.items()),
        tuple(sorted(map(_norm, data.get("asks_own", ())), key=len, reverse=True)),
        tuple((str(k), str(v)) for k, v in (data.get("misspelled") or {}).items()),
        frozenset(f for f in data.get("any_time", ()) if f in figures),
        tuple(dict.fromkeys(f.word for f in sorted(flags, key=lambda f: -len(f.word)))),
    )
    return vocab


def _targets(names: Any, catalog: Any) -> tuple[tuple[str, bool], ...]:
    """(fact, inverted) for the names this catalog knows ("!fact": set to the opposite)."""
    out = []
    for raw in names or ():
        invert = raw.startswith("!")
        name = raw[1:] if invert else raw
        if name.startswith(CONFIRM_PREFIX):
            known = name[len(CONFIRM_PREFIX):] in catalog.registry.confirmations
        else:
            spec = catalog.registry.specs.get(name)
            known = spec is not None and spec.type == "bool"
        if known:
            out.append((name, invert))
    return tuple(out)


def _counts(names: Any, catalog: Any) -> tuple[tuple[str, int], ...]:
    """(fact, value) for the "fact=N" names of a count fact this catalog knows: "第一次申请发明专利"
    states invention_applications_total=1."""
    out = []
    for raw in names or ():
        name, sep, value = str(raw).partition("=")
        spec = catalog.registry.specs.get(name) if sep else None
        if spec is not None and spec.type == "count" and value.isdigit():
            out.append((name, int(value)))
    return tuple(out)


def _flags(entry: dict, catalog: Any) -> list[Flag]:
    """One Flag per word of an entry (none when the catalog knows none of its facts). A
    ``when_yes`` or ``when_no`` name "fact=N" sets a count fact to N ("没走PCT": no PCT grant)."""
    yes = tuple((f, not inverted) for f, inverted in _targets(entry.get("when_yes"), catalog)) \
        + _counts(entry.get("when_yes"), catalog)
    no = tuple((f, inverted) for f, inverted in _targets(entry.get("when_no"), catalog)) \
        + _counts(entry.get("when_no"), catalog)
    if not (yes or no):
        return []
    with_ = tuple(map(_norm, entry.get("with", ())))
    before_year = int(entry["before_year"]) if entry.get("before_year") else None
    return [Flag(_norm(w), yes, no, with_, bool(entry.get("verb")), bool(entry.get("recent")), before_year,
                 entry.get("with_in") == "sentence", bool(entry.get("if_used")))
            for w in entry["words"]]
