"""Facts stated in an SME's question, read as a person means them.

"我们去年授权发明专利3件，今年5件，能申请发明之星吗" states two figures, and only the second is
this year's; "研发投入只占销售收入2%" states a percentage; "是国家专精特新小巨人" a yes, "没有贯标"
a no; "近三年利税分别是1500万、2200万、2600万" three years' amounts; "能拿五星级创新之星吗" asks
about a star level; "We hold 60 valid invention patents" says it in English. :func:`read_question`
reads all of that against the catalog's fact vocabulary (types, labels: ``policy/vocabulary.yaml``
and the packs' facts) and the words people use for them (``policy/question_words.yaml``, read by
:mod:`policy.question_vocab`), and returns :class:`QuestionFacts`. Numbers, times and clauses are
:mod:`policy.question_numbers`'s, yes/no statements :mod:`policy.question_flags`'s. Pure (no services).

How a figure is read
--------------------
* It belongs to the nearest fact word before it in its clause (in English, the words after it:
  "60 valid invention patents", unless a word is right before it: "granted 6"); where there is
  none, the first one after it in the clause; where the clause names no fact at all, the fact of
  the figure before ("去年授权3件，今年5件": 5 is 授权 too), or a part of it ("有效专利60件，其中
  发明20件": 20 valid invention patents). A word that names facts of several families ("授权": at
  home or via PCT) goes to the one the programmes named in the question use.
* Its time is the time word of its clause (今年/当年, 去年/上一年度, 前年, 近三年, 2025年 as of the
  question's date, 目前); a clause without one carries the time of the one before, softly: a
  fact that has no time (有效发明专利) ignores a carried time, but not its own clause's.
  A figure goes only to the fact its time says: "去年授权3件" is not this year's grants, and
  since the packs have no last year's grants it is ignored and said so. A count kept since the
  company began (累计: ``cumulative``) is not stated by one year's figure ("今年申请了12件").
* A family with several times and a figure without a time word (研发投入 with last year's and
  the three years' facts) goes to the member the named programmes use, when they use one.
* Three yearly amounts (利税, oldest year first) are read from three figures of the last three
  years in order ("分别是…"), from one figure said of each year ("每年都是2500万"), or one by
  one from their years (去年, 前年, 2021年); any other year is left unknown.
* Kinds of a thing counted (``question_words.yaml``: sums; the five kinds of 高价值专利 of 001 三(四))
  said one by one add up: "其中维持超过10年的2件、拿过中国专利奖的1件" is 3 high-value patents,
  "战略性新兴产业的发明专利5件" is 5; a figure given for the whole wins over its parts. A number
  inside a fact word ("超过10年") is no figure. A count stated as none is 0 ("没有PCT", "还没授权"). "不对，是五件"
  corrects (:mod:`policy.question_corrections`); a value refused is a FactProblem, never raised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from typing import Any, Iterable

from .facts import FactError, FactProblem
from .question_flags import NEGATE_CLOSING, english_negation, english_statement, read_flags
from .question_numbers import (COUNT_UNITS, KIND_LINK, MONEY_UNITS, PEOPLE_UNITS, SKIP_UNITS, STAR_UNITS, Figure,
                               clause_of, clauses, figures, prepare_text, times)
from .question_abroad import timeless
from .question_added import with_added
from .question_corrections import corrects
from .question_either import asked_either
from .question_kinds_before import listed, other_kind as _other_kind
from .question_others import OTHER_COMPANY
from .question_past import asks_first, filed_before
from .question_series import untimed_three
from .question_titles import with_implied
from .question_vocab import (LAST_YEAR, NOW, THIS_YEAR, THREE_YEARS, THREE_YEARS_AGO, TWO_YEARS_AGO, WORDS_FILE,
                             Vocabulary, fact_family, fact_time, find_words, vocabulary, words_pattern)  # noqa: F401

__all__ = ["QuestionFacts", "Ignored", "read_question", "prepare_text", "programme_facts", "asks_stars", "WORDS_FILE", "fact_time", "fact_family"]

#: after a time word, a count up to it: "2020年之前", "去年以前", "到2021年为止"
_UNTIL = re.compile(r"\s*(之前|以前|为止|止)")
_EACH_YEAR = re.compile(r"每年|各年|每一年|均|都|each year|every year", re.IGNORECASE)
_HAN = re.compile(r"[\u4e00-\u9fff]")
_OF_SOME = re.compile(r"^[^,，。;；、!！?？]{0,6}的")
#: a figure after these words in its clause is a requirement asked about, not the company's
_REQUIREMENT = re.compile(r"要求|条件|门槛|标准|需要|须|得有|要有|要达到|require|requirement|threshold|need")
_OURS = re.compile(r"我们|我司|本公司|我公司|咱们|我厂|本厂|本企业")
#: "count toward the 50 valid invention patents": a figure the question refers to, a programme's
_THE = re.compile(r"\bthe\s+$", re.IGNORECASE)
_NOT_OURS = re.compile(OTHER_COMPANY.pattern + "|同行", re.IGNORECASE)  # of another company; or unsure ("有没有5件不清楚"):
_UNSURE = re.compile(r"不清楚|不确定|不知道|说不准|不好说|没数|好像|似乎|貌似|not sure|don't know|unsure")  # "好像有一件下证了"
#: after a figure of one, the sum asked for it: "一件奖多少", "一个给多少钱" (how much per one)
_PER_ONE = re.compile(r"\s*[\u4e00-\u9fff]{0,4}?(能|可以|可|会)?(奖|补|给|发|拿)(多少|几)")
#: English: the noun after the number, two words between at most, no "and"; or right after its noun ("sales were 100 million")
_ENGLISH_BEFORE = re.compile(r"^\s*[:=]?\s*((was|were|is|are|of|at|to|totalled|totaled|total|reached|stood|"
                             r"amounted|came|last|this|year|so|far|currently|now|only|just|about)\s+){0,4}$",
                             re.IGNORECASE)
_ENGLISH_NEXT = re.compile(r"^\s*(of\s+(them|these|those|which)\s+(are|were|is)\s+|"  # "5 of them are high-value"
                           r"((?!(?:and|but|or|while|whereas|with|was|were|is|are)\b)[a-z'-]+\s+){0,2})$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Ignored:
    """A figure read but not used, and why (``reason``): ``no_fact_for_time`` (its time has no
    fact: "去年授权3件"), ``time_unclear`` (several times fit), ``not_exact`` ("超过50件"),
    ``unit_missing`` (money without 元/万元), ``no_fact`` (no fact word claims it),
    ``repeated`` (a second, different figure for one fact). ``fact`` is the fact it was
    meant for where known; ``time`` the time word's meaning."""

    text: str
    reason: str
    fact: str | None = None
    time: str | None = None
    options: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "reason": self.reason, "fact": self.fact, "time": self.time,
                "options": list(self.options)}


@dataclass(frozen=True)
class QuestionFacts:
    """What a question states: checked facts, the star level asked, what was read and not used.

    ``stars_asked``: the level named ("五星级" -> 5), None when none; ``asks_level``: the
    question asks which level ("几星"). ``spans``: where in ``text`` (the question as read:
    NFKC-normalised, English numbers as digits) the facts were stated, so a caller can tell a
    fact's words from a programme's name.
    """

    facts: dict[str, Any] = field(default_factory=dict)
    stars_asked: int | None = None
    asks_level: bool = False
    ignored: tuple[Ignored, ...] = ()
    problems: tuple[FactProblem, ...] = ()
    spans: tuple[tuple[int, int], ...] = ()
    text: str = ""
    ranges: dict[str, Any] = field(default_factory=dict)  # fact -> a range's upper end (facts: its lower)

    def __bool__(self) -> bool:
        return bool(self.facts)


def asks_stars(catalog: Any, text: str) -> tuple[int | None, bool]:
    """(the star level named, whether the question asks which level) of a prepared text."""
    vocab = vocabulary(catalog)
    lower = text.lower()
    level = None
    for fig in figures(text, []):
        if fig.unit in STAR_UNITS and fig.exact and 1 <= fig.value <= 9 and float(fig.value).is_integer():
            level = int(fig.value)
    return level, bool(vocab.asks_level) and words_pattern(vocab.asks_level).search(lower) is not None


def programme_facts(catalog: Any, programmes: Iterable[str]) -> frozenset[str]:
    """The facts the conditions of these programmes use (every edition), e.g. for a figure
    without a time word: "研发投入占销售收入2%" about 工业品牌 is last year's ratio."""
    from .references import _node_facts
    from .schema import iter_nodes

    wanted = set(programmes)
    out: set[str] = set()
    for lp in catalog.packs:
        for prog in lp.pack.programmes:
            if prog.id in wanted:
                for node in iter_nodes(prog.when):
                    out.update(f for f, _type in _node_facts(node))
    return frozenset(out)


def _cues(text: str, vocab: Vocabulary) -> list[tuple[int, int, tuple[str, ...]]]:
    """The fact words of ``text``, left to right, the longest at a position."""
    families = dict(vocab.figure_cues)
    return [(s, e, families[w]) for s, e, w in find_words(text, tuple(families)) if w in families]


def _pick(families: tuple[str, ...], vocab: Vocabulary, used: set[str], others: Iterable[tuple[str, ...]] = ()) -> str:
    """Of the families a word names, the one another word of its clause names alone ("两件PCT
    进了国家阶段": the applications, not the grants), else the one the named programmes use,
    else the first."""
    if len(families) > 1:
        alone = {fs[0] for fs in others if len(fs) == 1 and fs[0] in families}
        if len(alone) == 1:
            return alone.pop()
        for family in families:
            if any(f in used for f in vocab.figures[family].values()):
                return family
    return families[0]


def read_question(catalog: Any, text: str, as_of: date | None = None,
                  programme_facts: Iterable[str] = ()) -> QuestionFacts:
    """The facts ``text`` states, checked by ``catalog``, at the date ``as_of`` (for "2025年";
    without it a year named is no time the packs have).

    ``programme_facts``: the facts the programmes named in the question use (a figure with no
    time word goes to the member of its family they use). Never raises on any text.
    """
    norm = prepare_text(text)
    vocab = vocabulary(catalog)
    used = set(programme_facts)
    bounds = clauses(norm)
    time_words = times(norm, as_of, vocab)
    figs = figures(norm, [(s, e) for s, e, _ in time_words])
    cues = _cues(norm, vocab)
    spans: list[tuple[int, int]] = []
    facts: dict[str, Any] = {}
    ignored: list[Ignored] = []
    problems: list[FactProblem] = []
    ranges: dict[str, Any] = {}

    def keep(fact: str, value: Any, said: str, span: tuple[int, int]) -> None:
        try:
            catalog.parse_facts({fact: value})
        except FactError as exc:
            problems.extend(exc.problems)
            return
        if fact in facts and not (facts[fact] != value and corrects(norm, span[0])):  # "不对，是五件"
            if facts[fact] != value:
                ignored.append(Ignored(said, "repeated", fact))
            return
        facts[fact] = value
        spans.append(span)

    def keep_flag(fact: str, value: Any, where: tuple[tuple[int, int], ...]) -> None:
        if fact in facts and not (facts[fact] != value and where and corrects(norm, where[0][0], flag=True)):
            return  # "没批 哦不对是批了": a yes or no said again after a correction replaces the first
        try:
            catalog.parse_facts({fact: value})
        except FactError as exc:
            problems.extend(exc.problems)
            return
        facts[fact] = value
        spans.extend(where)

    series: list[tuple[str, Figure, str | None, str]] = []
    kinds_of = dict(vocab.sums)
    by_kind: dict[str, dict[str, tuple[Any, str, tuple[int, int]]]] = {}  # fact -> kind word -> (value, said, span)
    carried_family: str | None = None
    carried_time: str | None = None
    previous_end = 0
    for i, fig in enumerate(figs):
        c_start, c_end = clause_of(bounds, fig.start)
        said = norm[max(c_start, fig.start - 16):fig.end].strip()  # what to quote back: "去年授权发明专利3件"
        if fig.unit in STAR_UNITS or fig.unit in SKIP_UNITS:
            previous_end = fig.end
            continue
        if any(s <= fig.start and fig.end <= e for s, e, _ in cues):
            continue  # a number inside a fact word: "维持超过10年的2件"
        if fig.value == 1 and _PER_ONE.match(norm, fig.end):
            continue  # "PCT授权一件奖多少": a rate asked, per one, not the company's count
        # the time: this clause's word before the figure (else any in the clause), else carried
        own = [k for s, e, k in time_words if c_start <= s and e <= c_end]
        before = [k for s, e, k in time_words if c_start <= s and e <= fig.start]
        time = (before[-1] if before else own[0]) if own else None
        # "2020年之前已经申请过三件": a count up to a time is one since the company began, so far
        so_far = any(c_start <= s and e <= fig.start and _UNTIL.match(norm, e) for s, e, _k in time_words)
        hard = time is not None
        if time is None:
            time = carried_time
        since = max(previous_end, c_start)
        until = next((f.start for f in figs[i + 1:] if not any(s <= f.start and f.end <= e for s, e, _ in cues)), c_end)  # "维持超过10年": no next figure
        if _other_kind(norm[since:fig.start], vocab, c_start < previous_end == since) or _of_other_kind(norm[fig.end:c_end], vocab):
            previous_end = fig.end
            carried_family = None
            ignored.append(Ignored(said, "no_fact"))
            continue
        since = c_start if c_start < previous_end == since and listed(norm[since:fig.start], vocab) else since  # "3件外观和2件发明"
        part = _part(norm[since:fig.start], carried_family, vocab) if carried_family is not None else None
        family = part or _none_verb(norm, fig, cues, vocab, used, min(until, c_end)) \
            or _family_for(norm, fig, cues, vocab, used, c_start, c_end, since, until)
        clause_has_cue = any(c_start <= s < c_end for s, _, _ in cues)
        if family is None and not clause_has_cue:
            family = _people(norm, fig, vocab)
        if family is None and carried_family is not None and _fits(carried_family, fig, vocab, catalog):
            family = None if clause_has_cue else carried_family
        if family is None and c_start > 0 and norm[c_start:c_end].strip() == fig.text and previous_end <= c_start:
            # "拿到了美国的发明专利授权，一件": a count alone in its clause counts what the clause before named
            p_start = clause_of(bounds, c_start - 1)[0]
            said_then = [k for s_, e_, k in time_words if p_start <= s_ and e_ <= c_start]
            time, hard = (said_then[-1], True) if said_then else (time, hard)
            since = max(previous_end, p_start)
            family = _family_for(norm, fig, cues, vocab, used, p_start, c_end, since, c_end)
        if family is not None and hard and time not in vocab.figures[family] and not timeless(family, vocab.any_time, norm, fig.end):
            # "今年授权了发明专利5件": the nearest word has no count of that time, a word before (or its own, of a PCT grant not told abroad) does
            timed = [fs for s_, e_, fs in cues if since <= s_ and e_ <= fig.start and (family not in fs or family in vocab.any_time)]
            family = next((f for fs in reversed(timed) for f in fs if time in vocab.figures[f]), family)
        if family is not None:
            family = _granted(norm, family, fig, min(until, c_end), vocab)
            family = _of_kind(norm, family, fig, cues, kinds_of, since)
        previous_end = fig.end
        if hard:
            carried_time = time
        if family is None or _REQUIREMENT.search(norm[c_start:fig.start]) or _THE.search(norm[c_start:fig.start]) \
                or _NOT_OURS.search(norm[c_start:fig.start]):
            ignored.append(Ignored(said, "no_fact"))  # another firm's figure: the next may count the same thing
            carried_family = family if family is not None and _NOT_OURS.search(norm[c_start:fig.start]) else carried_family
            continue
        carried_family = family
        if not fig.exact or _UNSURE.search(norm[c_start:c_end]):
            ignored.append(Ignored(said, "not_exact", _any_member(vocab, family)))
            continue
        if family in vocab.series:
            series.append((family, fig, time, norm[c_start:c_end], hard))
            continue
        members = vocab.figures[family]
        if family in vocab.cumulative and (so_far or (past := filed_before(  # only for the programmes that count it
                fig, time, hard and (not used.isdisjoint(members.values()) or asks_first(norm)), norm[c_start:fig.start]))):
            time, hard, fig = NOW, True, fig if so_far else past
        if family in vocab.cumulative and hard and time != NOW:
            ignored.append(Ignored(said, "no_fact_for_time", _any_member(vocab, family), time))
            continue
        fact, why = _member(members, NOW if timeless(family, vocab.any_time, norm, fig.end) else time, hard, used)
        if fact is None:
            ignored.append(Ignored(said, why, _any_member(vocab, family), time, tuple(sorted(members.values()))))
            continue
        value = _value(catalog.registry.specs[fact].type, fact, fig)
        if value is None:
            ignored.append(Ignored(said, "unit_missing" if not fig.unit else "no_fact", fact, time))
            continue
        kind = _kind(norm, fig, cues, kinds_of.get(family, ()), since, min(until, c_end))
        if kind is not None:
            by_kind.setdefault(fact, {}).setdefault(kind, (value, said, (fig.start, fig.end)))
            continue
        keep(fact, value, said, (fig.start, fig.end))
        if fig.high is not None and facts.get(fact) == value:
            ranges[fact] = _value(catalog.registry.specs[fact].type, fact, replace(fig, value=fig.high))

    for fact, kinds in by_kind.items():  # "其中海外同族3件，战略性新兴产业的4件": 7, unless the whole is given
        if fact not in facts:
            keep(fact, sum(v for v, _said, _span in kinds.values()), "、".join(s for _v, s, _sp in kinds.values()),
                 next(iter(kinds.values()))[2])
    for family in sorted(vocab.series):
        _series([item[1:] for item in series if item[0] == family], vocab.figures[family], ignored, keep)
    _none_stated(norm, cues, figs, vocab, time_words, bounds, used, keep)
    read_flags(norm, vocab, time_words, bounds, keep_flag, used)
    stars_asked, asks_level = asks_stars(catalog, norm)
    facts, more = _together(catalog, with_implied(with_added(norm, facts, spans), used))  # a 小巨人 is an SME
    return QuestionFacts(facts, stars_asked, asks_level, tuple(ignored), tuple(problems) + more,
                         tuple(sorted(set(spans))), norm, {f: v for f, v in ranges.items() if f in facts})


def _any_member(vocab: Vocabulary, family: str) -> str:
    members = vocab.figures[family]
    return members.get(THIS_YEAR) or members.get(NOW) or next(iter(members.values()))


def _family_for(text: str, fig: Figure, cues: list, vocab: Vocabulary, used: set[str], c_start: int, c_end: int,
                since: int, until: int) -> str | None:
    """The fact family a figure belongs to: a ratio's by both its sides in the clause, else the
    nearest fact word before it (since the previous figure), else the first one after it; in
    English the first one after it, unless a word is right before it ("granted 6")."""
    if fig.unit == "%":
        clause = text[c_start:c_end].lower()
        for family, (any_words, both) in vocab.ratios.items():
            if any(w in clause for w in any_words) or (both and all(any(w in clause for w in side) for side in both)):
                return family
        return None
    before = [(e, p) for s, e, p in cues if since <= s and e <= fig.start]
    following = [(s, e, p) for s, e, p in cues if fig.end <= s and e <= min(until, c_end)]
    run = 1
    while run < len(following) and _SIDE_BY_SIDE.fullmatch(text[following[run - 1][1]:following[run][0]]):
        run += 1  # words side by side: the last is the head ("5件发明下证", "3件发明今年授权的": grants)
    english = not _HAN.search(text[max(c_start, fig.start - 24):min(c_end, fig.end + 24)])  # around the figure
    after = [(s, p) for s, _e, p in (following if english else following[run - 1:])]
    others = [p for s, e, p in cues if c_start <= s and e <= c_end]
    if english:
        if before and _ENGLISH_BEFORE.match(text[before[-1][0]:fig.start]):
            return _pick(before[-1][1], vocab, used, others)  # "granted 6", "IP staff: 3", "sales were 100 million"
        if after and _ENGLISH_NEXT.match(text[fig.end:after[0][0]]):
            return _pick(after[0][1], vocab, used, others)  # "60 valid invention patents", "2 part-time IP staff"
    if before:
        return _pick(before[-1][1], vocab, used, others)
    return _pick(after[0][1], vocab, used, others) if after else None


#: between two fact words, what keeps them one phrase: nothing, or a time or an adverb ("发明今年授权")
_SIDE_BY_SIDE = re.compile(r"(今年|去年|前年|已经|已|都|也|刚|才|又)*")
_HAS = re.compile(r"((就|也|都)?有|共有|一共有|一共|共|(就)?是)?")  # between the thing counted and its figure: "维持超过10年的发明(就)有5件"
_NONE_VERB = re.compile(r"^\s*(都|也)(还)?(没有|没|未)")


def _of_kind(text: str, family: str, fig: Figure, cues: list, kinds_of: dict[str, tuple[str, ...]],
             since: int) -> str:
    """The family of a kind named as an attribute of the thing counted: "战略性新兴产业的发明专利5件"
    counts high-value patents, not valid ones (the kind, 的, then only fact words before the figure)."""
    before = [(s, e) for s, e, _p in cues if since <= s and e <= fig.start]
    for k, (s, e) in enumerate(before):
        word = text[s:e]
        owner = next((f for f, kinds in kinds_of.items() if word in kinds), None)
        rest = before[k + 1:]
        if owner is None or owner == family or not rest or not KIND_LINK.fullmatch(text[e:rest[0][0]].strip()):
            continue
        if all(text[a:b] for a, b in rest) and all(rest[i][1] == rest[i + 1][0] for i in range(len(rest) - 1)) \
                and _HAS.fullmatch(text[rest[-1][1]:fig.start].strip()):
            return owner
    return family


def _kind(text: str, fig: Figure, cues: list, kinds: tuple[str, ...], since: int, until: int) -> str | None:
    """The kind a figure is said of (a word of ``kinds``: "维持超过10年的2件", "海外同族3件"): the
    nearest fact word before it since the figure before, else the first after it; None when
    that word is no kind (the family's own word: "高价值专利5件")."""
    if not kinds:
        return None
    before = [text[s:e] for s, e, _p in cues if since <= s and e <= fig.start]
    after = [text[s:e] for s, e, _p in cues if fig.end <= s and e <= until]
    word = before[-1] if before else after[0] if after else None
    if word not in kinds:  # "战略性新兴产业的发明专利5件": the kind before the thing counted
        word = next((w for w in reversed(before) if w in kinds), None)
    return word


def _none_verb(text: str, fig: Figure, cues: list, vocab: Vocabulary, used: set[str], until: int) -> str | None:
    """A none said by its verb after the figure: "发明专利一件都没申请过" is no application,
    "一件都还没授权" no grant, "一件发明专利都没申请过" too (the fact word before the verb only
    names the kind)."""
    if fig.value != 0:
        return None
    pos = fig.end
    for s, e, _p in cues:
        if s == pos and e <= until:
            pos = e  # the kind named between the figure and the verb
    if not _NONE_VERB.match(text[pos:until]):
        return None
    after = [p for s, e, p in cues if pos <= s and e <= until]
    return _pick(after[0], vocab, used) if after else None


def _people(text: str, fig: Figure, vocab: Vocabulary) -> str | None:
    """A count of people in a clause that names no fact ("有知识产权部，3个人"): the one family
    counted in people (its fact ends in ``_staff``), when the sentence is about IP work."""
    if not (fig.unit in PEOPLE_UNITS or fig.unit == "个" and text[fig.end:fig.end + 1] == "人"):
        return None
    start = max((m.end() for m in re.finditer(r"[。！？!?\n]", text[:fig.start])), default=0)
    if not re.search(r"知识产权|专利|ip(?![a-z])", text[start:fig.start], re.IGNORECASE):  # "IP部门独立，6个人"
        return None
    staff = [f for f, members in vocab.figures.items() if any(m.endswith("_staff") for m in members.values())]
    return staff[0] if len(staff) == 1 else None


def _of_other_kind(after: str, vocab: Vocabulary) -> bool:
    """A count whose thing follows it and is counted by no fact: "4件PCT国际申请", "20件实用新型"."""
    m = words_pattern(vocab.other_kinds).search(after.lower()) if vocab.other_kinds else None
    return m is not None and m.start() <= 1


def _granted(text: str, family: str, fig: Figure, until: int, vocab: Vocabulary) -> str:
    """An application said to be granted is a grant: "Two of our PCT applications were granted
    in Germany" (the grant word after the figure, before the next figure, not negated)."""
    grant = dict(vocab.granted_as).get(family)
    if grant is None or not vocab.granted_words:
        return family
    for m in words_pattern(vocab.granted_words).finditer(text, fig.end, until):
        if not _near(tuple(n for n in vocab.negations if len(n) >= 1), 4).search(text[fig.end:m.start()]) \
                and not english_negation(vocab).search(text[fig.end:m.start()]):
            return grant
    return family


def _fits(family: str, fig: Figure, vocab: Vocabulary, catalog: Any) -> bool:
    """Whether a figure's unit fits a family carried from before ("利税3100万、3400万" yes; "利税3900万，专兼职5个人" no)."""
    if not fig.unit:
        return True
    fact = _any_member(vocab, family)
    return _value(catalog.registry.specs[fact].type, fact, fig) is not None


def _part(clause: str, family: str, vocab: Vocabulary) -> str | None:
    """The part family a clause states of the figure before: "其中发明20件" after 有效专利."""
    if family not in vocab.parts:
        return None
    openers, words = vocab.parts[family]
    lower = clause.strip().lower()
    if not lower.startswith(openers):
        return None
    return next((part for word, part in words if word in lower), None)


def _member(members: dict[str, str], time: str | None, hard: bool, used: set[str]) -> tuple[str | None, str]:
    """The fact of a family for a figure's time, or (None, why not)."""
    if NOW in members and len(members) == 1:  # a stock (有效发明专利): now, this year, or a carried time
        if time in (None, NOW, THIS_YEAR) or not hard:
            return members[NOW], ""
        return None, "no_fact_for_time"
    if time is not None and time != NOW:
        return (members[time], "") if time in members else (None, "no_fact_for_time")
    if len(members) == 1:
        return next(iter(members.values())), ""
    wanted = [f for f in members.values() if f in used]
    if len(wanted) == 1:
        return wanted[0], ""
    return None, "time_unclear"


def _value(kind: str, fact: str, fig: Figure) -> Any:
    """The figure in the fact's type and unit, or None when its unit does not fit the fact."""
    unit, v = fig.unit, fig.value
    if kind == "count":
        years = fact.endswith("_years")
        staff = fact.endswith("_staff")
        if unit == "" or (unit in COUNT_UNITS and not years and not staff) or (unit in PEOPLE_UNITS and staff) \
                or (unit == "年" and years) or (unit == "个" and staff):
            return int(v) if v.is_integer() else v
        return None
    if kind in ("money", "money3"):
        if unit in MONEY_UNITS:
            amount = v * MONEY_UNITS[unit]
            return int(amount) if float(amount).is_integer() else round(amount, 2)
        return None
    if kind == "ratio":
        return round(v / 100, 6) if unit == "%" else None
    return None


_SLOT = {THREE_YEARS_AGO: 0, TWO_YEARS_AGO: 1, LAST_YEAR: 2}


def _series(items: list[Any], members: dict[str, str], ignored: list[Ignored],
            keep: Any) -> None:
    """Three yearly amounts, oldest first: "近三年利税分别是1500万、2200万、2600万", "每年都是2500万",
    "去年利税3000万" (the other years unknown)."""
    fact, items = next(iter(members.values())), untimed_three(items, THREE_YEARS)  # "利税2100万 2300万 2600万"
    slots: list[Any] = [None, None, None]
    spans: list[tuple[int, int]] = []
    three = [(fig, clause) for fig, time, clause in items if time == THREE_YEARS]
    for fig, time, clause in items:
        said = fig.text
        value = _value("money3", fact, fig)
        if value is None:
            ignored.append(Ignored(said, "unit_missing", fact, time))
        elif time in _SLOT:
            slots[_SLOT[time]] = value
            spans.append((fig.start, fig.end))
        elif time == THREE_YEARS and len(three) == 3:
            slots[[f for f, _ in three].index(fig)] = value
            spans.append((fig.start, fig.end))
        elif time == THREE_YEARS and len(three) == 1 and _EACH_YEAR.search(clause):
            slots = [value, value, value]
            spans.append((fig.start, fig.end))
        else:
            ignored.append(Ignored(said, "time_unclear", fact, time))
    if any(v is not None for v in slots):
        keep(fact, slots, "", spans[0])


def _none_stated(text: str, cues: list, figs: list[Figure], vocab: Vocabulary, time_words: list, bounds: list,
                 used: set[str], keep: Any) -> None:
    """Counts stated as none: "还没授权" / "没申请过发明专利" / "没有PCT" / "never filed" -> 0 (and
    "还没有注册商标": no trademark in use for any years)."""
    negations = tuple(n for n in vocab.negations if not n.startswith("不"))
    flag_words = find_words(text, vocab.flag_words)
    previous_end = 0
    for i, (s, e, families) in enumerate(cues):
        c_start, c_end = clause_of(bounds, s)
        window, previous_end = max(c_start, previous_end), e
        next_cue = min([c[0] for c in cues[i + 1:i + 2]] + [f[0] for f in flag_words if f[0] >= e] + [c_end])
        if any(c_start <= f.start < c_end for f in figs if f.unit not in SKIP_UNITS):
            continue
        if any(fs < e and s < fe and fe - fs > e - s or window <= fs and s - 4 <= fe <= s for fs, fe, _w in flag_words):
            continue  # part of a yes/no word ("没有非正常申请"), or the negation is a verb's ("没牵头过高价值项目")
        if used and not any(f in used for f in vocab.figures[_pick(families, vocab, used)].values()):
            continue  # "没拿证" about the 贯标 reward is no count of grants
        if not _HAN.search(text[max(window, s - 16):min(c_end, e + 4)]):  # "We have never filed an invention patent." ("PCT一件没有": Chinese)
            negated = english_statement(text, s) and bool(english_negation(vocab).search(text[window:s]))
        else:  # "没有PCT", "还没授权", "没有专职的知识产权人员"
            before = text[window:s]
            negated = before.endswith(negations) or _near(tuple(n for n in negations if len(n) >= 2), 4).search(before) \
                or _NEVER_DONE.search(before) or NEGATE_CLOSING.match(text[e:c_end])  # "授权的还没有"
        some = None if NEGATE_CLOSING.match(text[e:c_end]) else _OF_SOME.match(text[e:c_end])
        if some and any(cs == e + some.end() and set(fs) & set(families) for cs, _ce, fs in cues):
            some = None  # "没有专职的知识产权人员": a kind of the thing counted, then the thing
        if not negated or asked_either(text, s - 3, s) or some and not _OURS.search(text[c_start:s]):
            continue  # "没有发明专利的企业…" is said of some, not of the company
        family = _pick(families, vocab, used)
        if family in vocab.series:
            continue
        # the clause's time words up to the next thing named ("no PCT … and no awards in the last 3 years")
        own = [k for ts, te, k in time_words if c_start <= ts and te <= c_end and ts < next_cue]
        if family in vocab.cumulative and own and own[0] != NOW:
            continue
        fact, _why = _member(vocab.figures[family], own[0] if own else None, bool(own), used)
        if fact is None or not fact.endswith(("_total", "_patents", "_this_year", "_grants", "_apps", "_staff",
                                                   "_years")):
            continue
        keep(fact, 0, text[s:e], (s, e))


#: a thing never done, said right before it: "没走过PCT", "从没申请过发明专利", "未提交过PCT"
_NEVER_DONE = re.compile(r"(没|未|从没|从未|没有)[\u4e00-\u9fff]{1,2}过(任何)?$")  # "未提交过任何"


@lru_cache(maxsize=16)
def _near(words: tuple[str, ...], gap: int) -> re.Pattern[str]:
    """One of ``words`` at most ``gap`` characters before the end, within the clause."""
    return re.compile("(" + "|".join(map(re.escape, words)) + rf")[^,，。;；、!！?？]{{0,{gap}}}$" if words else "(?!)")


def _together(catalog: Any, facts: dict[str, Any]) -> tuple[dict[str, Any], tuple[FactProblem, ...]]:
    """The facts that hold together; those a contradiction involves are left out and reported
    ("有效发明专利35件，申请过10件" cannot both be so)."""
    if not facts:
        return facts, ()
    usable, problems = catalog.parse_usable_facts(facts)
    kept = {k: v for k, v in facts.items() if k in usable}
    return kept, tuple(problems)
