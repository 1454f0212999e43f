"""Facts stated in an SME's question, read as a person means them.

"我们去年授权发明专利3件，今年5件，能申请发明之星吗" states two figures, and only the second is
this year's; "研发投入只占销售收入2%" states a percentage; "是国家专精特新小巨人" a yes, "没有贯标"
a no; "能拿五星级创新之星吗" asks about a star level. :func:`read_question` reads all of that
against the catalog's fact vocabulary (types, labels: ``policy/vocabulary.yaml`` and the packs'
facts) and the words people use for them (``policy/question_words.yaml``), and returns
:class:`QuestionFacts`. Pure: no services, no Telegram, no database.

How a figure is read
--------------------
* A number is arabic or Chinese (``cn2an``: 三十五, 两千万, 1.2亿), with its unit: 件/个/项 for
  counts, 人 for people, 年 for years, 元/万元/亿元 for money, % (百分之三) for ratios, 星 for a
  star level. A number with a word that makes it inexact ("超过50件", "30多件", "十几件",
  "三四件") is not a figure: it is reported as ignored, never guessed.
* It belongs to the nearest fact word before it in its clause (clauses end at ，。；、!?);
  where there is none, the first one after it in the clause; where the clause names no fact at
  all, the fact of the figure before ("去年授权3件，今年5件": 5 is 授权 too).
* Its time is the time word of its clause (今年/当年, 去年/上一年度, 前年, 近三年, 2025年 as of the
  question's date, 目前); a clause without one carries the time of the one before, softly: a
  fact that has no time (有效发明专利) ignores a carried time, but not its own clause's.
  A figure goes only to the fact its time says: "去年授权3件" is not this year's grants, and
  since the packs have no last year's grants it is ignored and said so.
* A family with several times and a figure without a time word (研发投入 with last year's and
  the three years' facts) goes to the member the named programmes use, when they use one.
* Every value is checked by the catalog; a value it refuses is a :class:`FactProblem` of the
  result, never an exception.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import cn2an
import yaml

from .facts import FactError, FactProblem

__all__ = ["QuestionFacts", "Ignored", "read_question", "programme_facts", "WORDS_FILE", "fact_time", "fact_family"]

WORDS_FILE = Path(__file__).resolve().parent / "question_words.yaml"

#: A fact's time, from its name: invention_grants_this_year -> ("invention_grants", "this_year").
_TIME_SUFFIX = re.compile(r"_(this_year|last_year|3y)$")
NOW, THIS_YEAR, LAST_YEAR, TWO_YEARS_AGO, THREE_YEARS, OTHER = (
    "now", "this_year", "last_year", "two_years_ago", "3y", "other")

_TIME_WORDS = (  # longest first within the alternation
    (THREE_YEARS, r"近三年|近3年|最近三年|最近3年|过去三年|过去3年|这三年|前三年|三年来|3年来|三年内|3年内|近三个年度"),
    (LAST_YEAR, r"上一年度|上一年|上年度|上年|去年|前一年"),
    (TWO_YEARS_AGO, r"前年"),
    (THIS_YEAR, r"今年度|今年|本年度|本年|当年|这一年"),
    (NOW, r"截至目前|目前|现在|现有|至今|迄今"),
)
_TIME = re.compile("|".join(f"(?P<{k.replace('3y', 'y3')}>{v})" for k, v in _TIME_WORDS)
                   + r"|(?P<year>(?:19|20)\d\d)\s*年(?:度)?")
_STARS_ASKED = re.compile(r"几星|几颗星|几个星|哪个星级|哪一星级|哪一级|什么星级|多少星|星级是多少|星级多少|几级")
_CN_DIGITS = "零〇一二两三四五六七八九"
_CN_NUMBER = f"[{_CN_DIGITS}十][{_CN_DIGITS}十百千万亿点]*"
_NUMBER = re.compile(
    rf"(?P<pct_cn>百分之(?P<pct_num>\d+(?:\.\d+)?|{_CN_NUMBER}))"
    rf"|(?P<num>\d+(?:\.\d+)?|{_CN_NUMBER})\s*"
    r"(?P<unit>%|个百分点|千万元|千万|百万元|百万|万元|万块|万|亿元|亿|千元|元|块钱|块|件|个|项|篇|人|名|位|年|"
    r"星级|颗星|星|月|日|号|天|周|岁|次|倍|:|：)?")
_APPROX_AFTER = re.compile(r"\s*(多|余|来|几|左右|上下|以上|以下|以内|出头|不到|开外)")
_APPROX_BEFORE = re.compile(r"(超过|多于|大于|高于|不少于|不低于|至少|最少|不到|少于|低于|不足|约|大约|大概|差不多|将近|接近|近|上|第)\s*$")
_CLAUSE_END = re.compile(r"[,，。;；、!！?？\n]")
_NEGATION = re.compile(r"(没有|没|未|尚未|还没有|还没|不是|并非|不属于|并不是|无)$")
_QUESTION_FORM = re.compile(r"(是不是|是否|有没有|能不能|算不算|属不属于|属于不属于|可不可以)")
_SUBJECT = r"(我们|我司|本公司|我公司|我们公司|公司|本企业|我们企业|企业|咱们|我厂|本厂)?"
_ASSERT_BEFORE = re.compile(
    _SUBJECT + r"(已经|已|刚刚|刚|都|也|今年|去年)?(是|属于|有|拥有|设有|设立了|设了|通过了|通过|获得了|获得|拿到了|"
    r"评上了|评为|被评为|被认定为|认定为|成为|开展了|开展|做了|在做|正在做|完成了|存在)[^,，。;；、!！?？]{0,10}$")
_OURS = re.compile(r"我们|我司|本公司|我公司|咱们|我厂|本厂|本企业|已经|已")
_ASSERT_AFTER = re.compile(r"^[^,，。;；、!！?？]{0,3}(已经通过|已通过|通过了|已做|做了|拿到了|已获得|获得了|认证了|了)")
_NEGATE_AFTER = re.compile(r"^[^,，。;；、!！?？]{0,3}(还没有|还没|没有|没|未|尚未)(通过|做|开展|拿到|获得|下来|认证)")
_GENERAL = re.compile(r"^[^,，。;；、!！?？]{0,2}(的企业|的公司|企业能|企业可以|企业有|企业怎么|能不能|可以吗|需要|要求|是什么)")
_NONE_AFTER = re.compile(r"^.{0,10}?(都|也)(没有|没)")

_COUNT_UNITS = {"件", "个", "项", "篇"}
_PEOPLE_UNITS = {"人", "名", "位"}
_MONEY_UNITS = {"元": 1, "块": 1, "块钱": 1, "千元": 1_000, "万": 10_000, "万元": 10_000, "万块": 10_000,
                "百万": 1_000_000, "百万元": 1_000_000, "千万": 10_000_000, "千万元": 10_000_000,
                "亿": 100_000_000, "亿元": 100_000_000}
_SKIP_UNITS = {"月", "日", "号", "天", "周", "岁", "次", "倍", ":", "："}


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
    question asks which level ("几星"). ``spans``: where in the (NFKC-normalised) text the
    facts were stated, so a caller can tell a fact's words from a programme's name.
    """

    facts: dict[str, Any] = field(default_factory=dict)
    stars_asked: int | None = None
    asks_level: bool = False
    ignored: tuple[Ignored, ...] = ()
    problems: tuple[FactProblem, ...] = ()
    spans: tuple[tuple[int, int], ...] = ()
    text: str = ""

    def __bool__(self) -> bool:
        return bool(self.facts)


# --------------------------------------------------------------------------- vocabulary


def fact_family(name: str) -> str:
    return _TIME_SUFFIX.sub("", name)


def fact_time(name: str) -> str:
    m = _TIME_SUFFIX.search(name)
    return m.group(1) if m else NOW


@dataclass(frozen=True)
class _Words:
    figures: dict[str, dict[str, str]]  # family -> time -> fact
    figure_cues: tuple[tuple[str, str], ...]  # (word, family), longest first
    ratios: dict[str, tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]]  # family -> (any, both)
    flags: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]  # (word, yes facts, no facts), longest first


def _label_word(label: str) -> str:
    """A label as a word people may use: "当年发明专利授权件数" -> "发明专利授权"."""
    word = re.sub(r"^(当年|上一年度|近三年)", "", label)
    word = re.sub(r"（[^）]*）$", "", word)
    return re.sub(r"(件数|人数|合计|比例)$", "", word)


@lru_cache(maxsize=8)
def _load_words(path: Path = WORDS_FILE) -> dict:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _words(catalog: Any) -> _Words:
    """The catalog's words: question_words.yaml for the facts this catalog knows, plus labels."""
    cached = getattr(catalog, "_question_words", None)
    if cached is not None:
        return cached
    data = _load_words()
    specs = catalog.registry.specs
    figures: dict[str, dict[str, str]] = {}
    for name, spec in specs.items():
        if spec.type in ("count", "money", "ratio"):
            figures.setdefault(fact_family(name), {})[fact_time(name)] = name
    cues: dict[str, str] = {}
    for family, words in (data.get("figures") or {}).items():
        if family in figures:
            for w in words:
                cues.setdefault(unicodedata.normalize("NFKC", w), family)
    for name, spec in specs.items():
        family = fact_family(name)
        if family in figures and spec.type != "ratio":
            word = unicodedata.normalize("NFKC", _label_word(spec.label_zh))
            if len(word) >= 2:
                cues.setdefault(word, family)
    ratios = {}
    for family, spec in (data.get("ratios") or {}).items():
        if family in figures:
            ratios[family] = (tuple(spec.get("any", ())), tuple(tuple(side) for side in spec.get("both", ())))
    flags: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = []
    for entry in data.get("flags") or ():
        yes = tuple(f for f in entry.get("when_yes", ()) if f in specs and specs[f].type == "bool")
        no = tuple(f for f in entry.get("when_no", ()) if f in specs and specs[f].type == "bool")
        if yes or no:
            flags += [(unicodedata.normalize("NFKC", w), yes, no) for w in entry["words"]]
    words = _Words(figures, tuple(sorted(cues.items(), key=lambda kv: -len(kv[0]))), ratios,
                   tuple(sorted(flags, key=lambda f: -len(f[0]))))
    try:
        object.__setattr__(catalog, "_question_words", words)  # a catalog's words never change
    except (AttributeError, TypeError):
        pass
    return words


def _find_all(text: str, cues: Iterable[tuple[str, Any]]) -> list[tuple[int, int, Any]]:
    """Non-overlapping occurrences, the longer word first where two overlap, by position."""
    taken: list[tuple[int, int, Any]] = []
    for word, payload in cues:
        for m in re.finditer(re.escape(word), text, flags=re.IGNORECASE):
            s, e = m.start(), m.end()
            if not any(s < te and ts < e for ts, te, _ in taken):
                taken.append((s, e, payload))
    return sorted(taken, key=lambda x: x[0])


# --------------------------------------------------------------------------- numbers and times


@dataclass
class _Figure:
    start: int
    end: int
    text: str
    value: float
    unit: str
    exact: bool


def _number(raw: str) -> float | None:
    if re.fullmatch(r"\d+(?:\.\d+)?", raw):
        return float(raw)
    if re.fullmatch(f"[{_CN_DIGITS}]{{2,}}", raw) and not re.fullmatch("[零〇].*", raw):
        return None  # "三四件": a range, not a number
    try:
        return float(cn2an.cn2an(raw, "smart"))
    except (ValueError, KeyError, TypeError, IndexError):
        return None


def _figures(text: str, masked: list[tuple[int, int]]) -> list[_Figure]:
    out = []
    for m in _NUMBER.finditer(text):
        s, e = m.span()
        if any(ms <= s < me for ms, me in masked):
            continue
        if m.group("pct_cn"):
            value, unit, num_end = _number(m.group("pct_num")), "%", e
        else:
            raw = m.group("num")
            if raw[0] not in "0123456789" and not m.group("unit") and not re.search("[万亿]$", raw):
                if _APPROX_AFTER.match(text[m.end("num"):]):  # "十几件", "二十多件"
                    out.append(_Figure(s, e, text[s:e], 0, "", False))
                continue  # a Chinese numeral with no unit: 一企一策, 一定数量
            value, unit = _number(raw), m.group("unit") or ""
            if unit == "个百分点":
                unit = "%"
            if not unit and re.search("[万亿]$", raw):
                unit = "元"  # 两千万: cn2an has taken the 万
            num_end = m.end("num")
        if value is None:
            out.append(_Figure(s, e, text[s:e], 0, unit, False))
            continue
        exact = not (_APPROX_BEFORE.search(text[max(0, s - 4):s]) or _APPROX_AFTER.match(text[num_end:])
                     or _APPROX_AFTER.match(text[e:]))
        if value == 1 and _NONE_AFTER.match(text[e:_clause_end(text, e)]):
            value = 0.0  # "一件发明专利都没有"
        out.append(_Figure(s, e, text[s:e].strip(), value, unit, exact))
    return out


def _times(text: str, as_of: date | None) -> list[tuple[int, int, str]]:
    out = []
    for m in _TIME.finditer(text):
        if m.group("year"):
            year = int(m.group("year"))
            years = {} if as_of is None else {as_of.year: THIS_YEAR, as_of.year - 1: LAST_YEAR,
                                                as_of.year - 2: TWO_YEARS_AGO}
            kind = years.get(year, OTHER)
        else:
            kind = next(k for k, v in m.groupdict().items() if v and k != "year").replace("y3", THREE_YEARS)
        out.append((m.start(), m.end(), kind))
    return out


def _clauses(text: str) -> list[tuple[int, int]]:
    bounds, start = [], 0
    for m in _CLAUSE_END.finditer(text):
        if m.group() in ",." and 0 < m.start() < len(text) - 1 and text[m.start() - 1].isdigit() \
                and text[m.start() + 1].isdigit():
            continue  # 1,200 or 3.5
        bounds.append((start, m.start()))
        start = m.end()
    bounds.append((start, len(text)))
    return bounds


def _clause_end(text: str, pos: int) -> int:
    m = _CLAUSE_END.search(text, pos)
    return m.start() if m else len(text)


def _clause_of(clauses: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    return next((c for c in clauses if c[0] <= pos <= c[1]), clauses[-1])


# --------------------------------------------------------------------------- reading a question


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


def read_question(catalog: Any, text: str, as_of: date | None = None,
                  programme_facts: Iterable[str] = ()) -> QuestionFacts:
    """The facts ``text`` states, checked by ``catalog``, at the date ``as_of`` (for "2025年";
    without it a year named is no time the packs have).

    ``programme_facts``: the facts the programmes named in the question use (a figure with no
    time word goes to the member of its family they use). Never raises on any text.
    """
    norm = unicodedata.normalize("NFKC", text or "")
    norm = re.sub(r"(?<=\d)[,，](?=\d{3}(?!\d))", "", norm)  # 1,200万 -> 1200万 (same length kept below)
    words = _words(catalog)
    used_facts = set(programme_facts)
    clauses = _clauses(norm)
    times = _times(norm, as_of)
    figures = _figures(norm, [(s, e) for s, e, _ in times])
    cues = _find_all(norm, words.figure_cues)
    spans: list[tuple[int, int]] = []
    facts: dict[str, Any] = {}
    ignored: list[Ignored] = []
    problems: list[FactProblem] = []
    stars_asked: int | None = None

    def keep(fact: str, value: Any, fig_text: str, span: tuple[int, int]) -> None:
        try:
            catalog.parse_facts({fact: value})
        except FactError as exc:
            problems.extend(exc.problems)
            return
        if fact in facts:
            if facts[fact] != value:
                ignored.append(Ignored(fig_text, "repeated", fact))
            return
        facts[fact] = value
        spans.append(span)

    carried_family: str | None = None
    carried_time: str | None = None
    previous_end = 0
    for i, fig in enumerate(figures):
        c_start, c_end = _clause_of(clauses, fig.start)
        said = norm[max(c_start, fig.start - 16):fig.end].strip()  # what to quote back: "去年授权发明专利3件"
        if fig.unit in ("星", "星级", "颗星"):
            if fig.exact and 1 <= fig.value <= 9 and fig.value.is_integer():
                stars_asked = int(fig.value)
            previous_end = fig.end
            continue
        if fig.unit in _SKIP_UNITS:
            previous_end = fig.end
            continue
        # the time: this clause's word before the figure (else any in the clause), else carried
        own = [k for s, e, k in times if c_start <= s and e <= c_end]
        before = [k for s, e, k in times if c_start <= s and e <= fig.start]
        time = (before[-1] if before else own[0]) if own else None
        hard = time is not None
        if time is None:
            time = carried_time
        family = _family_for(norm, fig, cues, words, c_start, c_end, max(previous_end, c_start),
                             figures[i + 1].start if i + 1 < len(figures) else c_end)
        clause_has_cue = any(c_start <= s < c_end for s, _, _ in cues)
        if family is None and not clause_has_cue:
            family = carried_family
        previous_end = fig.end
        if hard:
            carried_time = time
        if family is None:
            ignored.append(Ignored(said, "no_fact"))
            continue
        carried_family = family
        if not fig.exact:
            ignored.append(Ignored(said, "not_exact", _any_member(words, family)))
            continue
        members = words.figures[family]
        fact, why = _member(members, time, hard, used_facts)
        if fact is None:
            ignored.append(Ignored(said, why, _any_member(words, family), time,
                                   tuple(sorted(members.values()))))
            continue
        value = _value(catalog.registry.specs[fact].type, fact, fig)
        if value is None:
            ignored.append(Ignored(said, "unit_missing" if not fig.unit else "no_fact", fact, time))
            continue
        keep(fact, value, said, (fig.start, fig.end))

    _none_stated(norm, cues, figures, words, times, clauses, used_facts, keep)
    _flags(norm, words, facts, spans)
    asks_level = bool(_STARS_ASKED.search(norm))
    facts, more = _together(catalog, facts)
    return QuestionFacts(facts, stars_asked, asks_level, tuple(ignored), tuple(problems) + more,
                         tuple(sorted(spans)), norm)


def _any_member(words: _Words, family: str) -> str:
    members = words.figures[family]
    return members.get(THIS_YEAR) or members.get(NOW) or next(iter(members.values()))


def _family_for(text: str, fig: _Figure, cues: list, words: _Words, c_start: int, c_end: int, since: int,
                until: int) -> str | None:
    """The fact family a figure belongs to: a ratio's by both its sides in the clause, else the
    nearest fact word before it (since the previous figure), else the first one after it."""
    if fig.unit == "%":
        clause = text[c_start:c_end]
        for family, (any_words, both) in words.ratios.items():
            if any(w in clause for w in any_words) or (both and all(any(w in clause for w in side) for side in both)):
                return family
        return None
    before = [p for s, e, p in cues if since <= s and e <= fig.start]
    if before:
        return before[-1]
    after = [p for s, e, p in cues if fig.end <= s and e <= min(until, c_end)]
    return after[0] if after else None


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


def _value(kind: str, fact: str, fig: _Figure) -> Any:
    """The figure in the fact's type and unit, or None when its unit does not fit the fact."""
    unit, v = fig.unit, fig.value
    if kind == "count":
        years = fact.endswith("_years")
        staff = fact.endswith("_staff")
        if unit == "" or (unit in _COUNT_UNITS and not years and not staff) or (unit in _PEOPLE_UNITS and staff) \
                or (unit == "年" and years) or (unit == "个" and staff):
            return int(v) if v.is_integer() else v
        return None
    if kind == "money":
        if unit in _MONEY_UNITS:
            amount = v * _MONEY_UNITS[unit]
            return int(amount) if float(amount).is_integer() else round(amount, 2)
        return None
    if kind == "ratio":
        return round(v / 100, 6) if unit == "%" else None
    return None


def _none_stated(text: str, cues: list, figures: list[_Figure], words: _Words, times: list, clauses: list,
                 used: set[str], keep: Any) -> None:
    """Counts stated as none: "还没授权" / "没申请过发明专利" / "一件发明专利都没有" -> 0."""
    for s, e, family in cues:
        c_start, c_end = _clause_of(clauses, s)
        if any(c_start <= f.start < c_end for f in figures if f.unit not in _SKIP_UNITS):
            continue
        if not _NEGATION.search(text[max(c_start, s - 4):s]):
            continue
        members = words.figures[family]
        own = [k for ts, te, k in times if c_start <= ts and te <= c_end]
        fact, _why = _member(members, own[0] if own else None, bool(own), used)
        if fact is None or not fact.endswith(("_total", "_patents", "_this_year", "_grants", "_apps", "_staff")):
            continue
        keep(fact, 0, text[s:e], (s, e))


def _flags(text: str, words: _Words, facts: dict[str, Any], spans: list[tuple[int, int]]) -> None:
    """Yes/no facts stated: "是国家专精特新小巨人", "已通过贯标认证", "没有贯标", "不是高企"."""
    for s, e, (yes, no) in _find_all(text, ((w, (y, n)) for w, y, n in words.flags)):
        clause_start = max((m.end() for m in _CLAUSE_END.finditer(text, 0, s)), default=0)
        before, after = text[clause_start:s], text[e:]
        if _QUESTION_FORM.search(before[-8:]) or _GENERAL.match(after) and not _ASSERT_AFTER.match(after):
            continue
        negated = _NEGATION.search(before[-6:].rstrip("过了的")) or re.search(
            r"(没有|没|未|尚未|还没有|还没|不是|并非|不属于)[^,，。;；、!！?？]{0,6}$", before) \
            or _NEGATE_AFTER.match(after)
        # a statement about the company: its subject (我们), 已, or a clause opening with 是 (the
        # subject left out: "是国家专精特新小巨人"); "通过贯标认证能拿到奖励吗" asks about anyone
        ours = bool(_OURS.search(before)) or before.lstrip().startswith(("是", "属于", "被"))
        if negated:
            value, targets = False, no
        elif ours and (_ASSERT_BEFORE.search(before) or _ASSERT_AFTER.match(after)) \
                or _ASSERT_BEFORE.search(before) and re.search(r"了[^,，。;；、!！?？]{0,10}$", before):
            value, targets = True, yes
        else:
            continue
        for fact in targets:
            if fact not in facts:
                facts[fact] = value
                spans.append((s, e))


def _together(catalog: Any, facts: dict[str, Any]) -> tuple[dict[str, Any], tuple[FactProblem, ...]]:
    """The facts that hold together; those a contradiction involves are left out and reported
    ("有效发明专利35件，申请过10件" cannot both be so)."""
    if not facts:
        return facts, ()
    usable, problems = catalog.parse_usable_facts(facts)
    kept = {k: v for k, v in facts.items() if k in usable}
    return kept, tuple(problems)
