"""The fact registry: what we may know about a company, typed, labelled, and askable.

A fact that is absent (or ``null``) is *unknown* -- never 0 and never false.  Parsing is
strict: every problem names the field, in Chinese first and then English, and unknown
names are an error that lists them.  The built-in facts' labels, questions and units are
data (``policy/vocabulary.yaml``, loaded like the packs); a pack may add facts of its own.

Types
    bool         true / false
    count        whole number >= 0                     (件, 人, 年)
    money        amount in CNY >= 0                    (元)
    ratio        fraction 0..1, or a string like "3.5%" (at most 100%)
    money3       list of exactly three amounts (oldest year first); an entry may be null
    date         "YYYY-MM-DD" between 1980-01-01 and 2100-12-31
    patent_list  list of invention patents with the county plan's high-value attributes

Manual confirmations are facts named ``confirmed:<name>`` (bool); the catalog knows
which names exist (see :meth:`policy.catalog.Catalog.parse_facts`).  The value checks
themselves are in :mod:`policy.fact_values`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from .fact_values import (
    CHECKS,
    DATE_MAX,
    DATE_MIN,
    PROBLEM_CODES,
    FactError,
    FactProblem,
    PatentItem,
    _Bad,
    cap,
    check_patent_list,
    join_label,
    parse_date,
)

__all__ = [
    "FACT_TYPES",
    "CONFIRM_PREFIX",
    "DATE_MIN",
    "DATE_MAX",
    "FactSpec",
    "FactProblem",
    "FactError",
    "PatentItem",
    "Facts",
    "FactRegistry",
    "FACTS",
    "REGISTRY",
    "VOCABULARY_FILE",
    "load_vocabulary",
    "parse_facts",
    "parse_date",
    "loads_facts",
    "PROBLEM_CODES",
    "CONSISTENCY",
    "WARNINGS",
    "LEGACY_FACTS",
]

FACT_TYPES = ("bool", "count", "money", "ratio", "money3", "date", "patent_list")
CONFIRM_PREFIX = "confirmed:"
VOCABULARY_FILE = Path(__file__).resolve().parent / "vocabulary.yaml"

_CONFIRM_NAME = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")


@dataclass(frozen=True, slots=True)
class FactSpec:
    name: str
    type: str
    label_zh: str
    label_en: str
    question_zh: str
    question_en: str
    unit_zh: str = ""
    unit_en: str = ""

    def __post_init__(self) -> None:
        if self.type not in FACT_TYPES:
            raise ValueError(f"{self.name}: unknown fact type {self.type!r}")


CONSISTENCY: tuple[tuple[str, str, str, str, str], ...] = (
    ("high_value_patents", "valid_invention_patents", "high_value_over_valid",
     "五类高价值专利都是有效发明专利", "all five kinds of high-value patent are valid invention patents"),
    ("valid_invention_patents", "invention_applications_total", "valid_over_applied",
     "每件授权的发明专利都曾提出申请", "every granted invention patent was applied for"),
    ("rd_expense_last_year", "rd_expense_3y", "year_over_three_years",
     "近三年合计包含上一年度", "the three-year total includes last year"),
    ("sales_revenue_last_year", "sales_revenue_3y", "year_over_three_years",
     "近三年合计包含上一年度", "the three-year total includes last year"),
)
#: like CONSISTENCY, but only a warning shown with the answer (patents can be transferred away)
WARNINGS: tuple[tuple[str, str, str, str, str], ...] = (
    ("invention_grants_this_year", "valid_invention_patents", "grants_over_valid",
     "可能已有专利转让或失效，请核对", "some may have been transferred or have lapsed; please check"),
)
#: fact names of the first version, now a person's confirmation (read as confirmed:<name>)
LEGACY_FACTS: dict[str, tuple[str, ...]] = {
    "industry_chain_leader": ("industry_chain_leader",),
    # the old question asked both halves of 附件3 三(一)1(1) at once
    "leading_rd_project": ("leading_rd_project", "industry_leading"),
}


# --------------------------------------------------------------------------- facts


class Facts(Mapping[str, Any]):
    """Parsed, typed facts.  Only known facts are present; ``get`` returns None for unknown."""

    __slots__ = ("values", "warnings")

    def __init__(self, values: dict[str, Any] | None = None, warnings: Iterable[FactProblem] = ()):
        self.values: dict[str, Any] = dict(values or {})
        #: things that look wrong but may be right (shown with the answer, not refused)
        self.warnings: tuple[FactProblem, ...] = tuple(warnings)

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)

    def __contains__(self, key: object) -> bool:
        return key in self.values

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Facts):
            return self.values == other.values
        return NotImplemented

    def __hash__(self) -> int:  # pragma: no cover - Facts are not meant as keys
        raise TypeError("Facts is unhashable")

    def __repr__(self) -> str:
        return f"Facts({self.to_dict()!r})"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: dates as ISO strings, the patent list as objects, money3 as a list."""
        out: dict[str, Any] = {}
        for k, v in self.values.items():
            if isinstance(v, date):
                out[k] = v.isoformat()
            elif isinstance(v, tuple) and v and isinstance(v[0], PatentItem):
                out[k] = [p.to_dict() for p in v]
            elif isinstance(v, tuple):
                out[k] = list(v)
            else:
                out[k] = v
        return out


class FactRegistry:
    """Fact specs plus the manual confirmations a catalog knows (name -> (question_zh, question_en))."""

    def __init__(self, specs: Iterable[FactSpec], confirmations: Mapping[str, tuple[str, str]] | None = None,
                 *, strict_confirmations: bool = True):
        self.specs: dict[str, FactSpec] = {}
        for s in specs:
            if s.name in self.specs:
                raise ValueError(f"duplicate fact {s.name}")
            self.specs[s.name] = s
        self.confirmations: dict[str, tuple[str, str]] = dict(confirmations or {})
        self.strict_confirmations = strict_confirmations

    def with_extra(self, specs: Iterable[FactSpec] = (), confirmations: Mapping[str, tuple[str, str]] | None = None,
                   *, strict_confirmations: bool = True,
                   shows: Mapping[str, tuple[str, ...]] | None = None) -> "FactRegistry":
        merged = dict(self.confirmations)
        merged.update(confirmations or {})
        out = FactRegistry([*self.specs.values(), *specs], merged, strict_confirmations=strict_confirmations)
        out.shows = {**self.shows, **(shows or {})}
        return out

    #: manual confirmation (short name) -> the facts whose figures are shown with its question
    shows: dict[str, tuple[str, ...]] = {}

    def figures(self, name: str, values: Mapping[str, Any]) -> list[tuple[str, Any]]:
        """The company's figures to show with a confirmation's question: (fact, value or None)."""
        if not name.startswith(CONFIRM_PREFIX):
            return []
        if isinstance(values, Facts):
            values = values.values
        return [(f, values.get(f)) for f in self.shows.get(name[len(CONFIRM_PREFIX):], ())]

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        if name.startswith(CONFIRM_PREFIX):
            return self._confirm_known(name[len(CONFIRM_PREFIX):])
        return name in self.specs or bool(self._legacy(name))

    def _legacy(self, name: str) -> tuple[str, ...]:
        """The confirmations an old fact name stands for (those this registry knows)."""
        if name in self.specs:
            return ()
        return tuple(CONFIRM_PREFIX + c for c in LEGACY_FACTS.get(name, ()) if self._confirm_known(c))

    def _confirm_known(self, short: str) -> bool:
        if self.strict_confirmations:
            return short in self.confirmations
        return bool(_CONFIRM_NAME.match(short))

    def names(self) -> list[str]:
        return [*self.specs, *(CONFIRM_PREFIX + c for c in self.confirmations)]

    def order(self, name: str) -> int:
        """A stable rank for sorting fact names (registry order; confirmations last)."""
        try:
            return list(self.specs).index(name)
        except ValueError:
            return len(self.specs) + 1

    def label(self, name: str, lang: str = "zh") -> str:
        spec = self.specs.get(name)
        if spec is not None:
            return spec.label_zh if lang == "zh" else spec.label_en
        if name.startswith(CONFIRM_PREFIX):
            q = self.confirmations.get(name[len(CONFIRM_PREFIX):])
            if q:
                return q[0] if lang == "zh" else q[1]
        return name

    def question(self, name: str, lang: str = "zh") -> str:
        """The question to ask a user for this fact (manual confirmations included); the
        renderer (``locales.programmes.question``) may put the company's figures before it."""
        spec = self.specs.get(name)
        if spec is not None:
            return spec.question_zh if lang == "zh" else spec.question_en
        if name.startswith(CONFIRM_PREFIX):
            q = self.confirmations.get(name[len(CONFIRM_PREFIX):])
            if q:
                return q[0] if lang == "zh" else q[1]
        raise KeyError(name)

    def parse(self, data: Any) -> Facts:
        """Validate raw facts (a JSON object).  Raises FactError listing every problem."""
        if isinstance(data, Facts):
            data = data.to_dict()
        if not isinstance(data, Mapping):
            raise FactError([FactProblem("facts", "应为 JSON 对象（名称: 值）", "must be a JSON object (name: value)",
                                         "not_object", (), None, "事实应为 JSON 对象（名称: 值）",
                                         "The facts must be a JSON object (name: value)")])
        problems: list[FactProblem] = []
        specs = self.specs
        unknown = [str(k) for k in data if not (isinstance(k, str) and (k in specs or k in self))]
        if unknown:
            problems.append(self._unknown_problem(unknown))
        if LEGACY_FACTS.keys() & data.keys():
            data = self._renamed(data)
        values: dict[str, Any] = {}
        checks = CHECKS
        for name, raw in data.items():
            if raw is None:
                continue
            spec = specs.get(name) if isinstance(name, str) else None
            if spec is not None:
                kind = spec.type
            elif isinstance(name, str) and name.startswith(CONFIRM_PREFIX) and name in self:
                kind = "bool"
            else:
                continue
            if kind == "patent_list":
                parsed = check_patent_list(raw, name, problems, (self.label(name, "zh"), self.label(name, "en")))
                if parsed is not None:
                    values[name] = parsed
                continue
            try:
                values[name] = checks[kind](raw)
            except _Bad as exc:
                problems.append(FactProblem(name, exc.zh, exc.en, exc.code, (name,), None,
                                            join_label(self.label(name, "zh"), exc.zh),
                                            cap(f"{self.label(name, 'en')}: {exc.en}")))
        if not problems:
            problems = self._contradictions(values, CONSISTENCY)
        if problems:
            raise FactError(problems)
        return Facts(values, self._contradictions(values, WARNINGS))

    def parse_usable(self, data: Any) -> tuple[Facts, list[FactProblem]]:
        """Like :meth:`parse`, but never raises: the facts that are fine, and the problems.

        Every fact a problem involves is left out (both sides of a contradiction), so a
        caller loading saved facts (a company card written before a check existed) can go
        on with the rest and ask those again.
        """
        try:
            return self.parse(data), []
        except FactError as exc:
            if not isinstance(data, Mapping):
                return Facts(), exc.problems
            involved = {f.split("[", 1)[0] for p in exc.problems for f in (p.field, *p.fields)}
            rest = {k: v for k, v in data.items() if k not in involved and not (
                isinstance(k, str) and any(n in involved for n in self._legacy(k)))}
            if len(rest) == len(data):  # nothing to leave out (cannot happen; never loop)
                return Facts(), exc.problems
            facts, more = self.parse_usable(rest)
            return facts, exc.problems + more

    def _renamed(self, data: Mapping) -> dict:
        """Old fact names as the confirmations they stand for; a confirmation given as well wins."""
        out = {}
        for k, v in data.items():
            for new in (self._legacy(k) if isinstance(k, str) else ()) or (k,):
                if new == k or new not in data:
                    out[new] = v
        return out

    def _contradictions(self, values: dict, rules: tuple) -> list[FactProblem]:
        out = []
        for small, large, code, why_zh, why_en in rules:
            a, b = values.get(small), values.get(large)
            if a is None or b is None or a <= b:
                continue
            sz, lz_ = self.label(small), self.label(large)
            se, le = self.label(small, "en"), self.label(large, "en")
            out.append(FactProblem(
                small, f"（{_fmt_n(a)}）不能多于{lz_}（{_fmt_n(b)}）", f"({_fmt_n(a)}) cannot exceed {le} ({_fmt_n(b)})",
                code, (small, large), {"value": a, "other": b},
                f"{sz}（{_fmt_n(a)}）多于{lz_}（{_fmt_n(b)}）：{why_zh}" if rules is WARNINGS else
                f"{sz}（{_fmt_n(a)}）不能多于{lz_}（{_fmt_n(b)}）：{why_zh}，请核对这两项",
                cap(f"{se} ({_fmt_n(a)}) exceeds {le} ({_fmt_n(b)}): {why_en}") if rules is WARNINGS else
                cap(f"{se} ({_fmt_n(a)}) cannot exceed {le} ({_fmt_n(b)}): {why_en}; please check both")))
        items = values.get("invention_patent_list")
        valid = values.get("valid_invention_patents")
        if rules is CONSISTENCY and items is not None and valid is not None and len(items) > valid:
            out.append(FactProblem(
                "invention_patent_list", f"列了 {len(items)} 件，多于有效发明专利件数（{valid}）",
                f"lists {len(items)} patents, more than the valid invention patents ({valid})", "list_over_valid",
                ("invention_patent_list", "valid_invention_patents"), {"value": len(items), "other": valid},
                f"有效发明专利清单列了 {len(items)} 件，多于有效发明专利件数（{valid}），请核对这两项",
                f"The list of valid invention patents has {len(items)} entries, more than the valid invention patents "
                f"({valid}); please check both"))
        return out

    def _unknown_problem(self, unknown: list[str]) -> FactProblem:
        hints = []
        for u in unknown:
            close = difflib.get_close_matches(u, self.names(), n=1, cutoff=0.75)
            if close:
                hints.append(f"{u}（是否指 {close[0]}？）")
            else:
                hints.append(u)
        hints_en = [h.replace("（是否指 ", " (did you mean ").replace("？）", "?)") for h in hints]
        field_name = unknown[0] if len(unknown) == 1 else ", ".join(unknown)
        zh = f"未知的事实名称：{'、'.join(hints)}"
        en = f"unknown fact name{'s' if len(unknown) > 1 else ''}: {', '.join(hints_en)}"
        return FactProblem(field_name, zh, en, "unknown_fact", tuple(unknown), {"names": unknown}, zh, cap(en))


# --------------------------------------------------------------------------- the registry


def load_vocabulary(path: Path = VOCABULARY_FILE) -> list[FactSpec]:
    """The fact specs of a vocabulary file (``facts:``, a list in the shape of a pack's facts)."""
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    return [FactSpec(**entry) for entry in data["facts"]]


_SPECS: list[FactSpec] = load_vocabulary()

FACTS: dict[str, FactSpec] = {s.name: s for s in _SPECS}

#: the built-in registry; accepts any well-formed ``confirmed:<name>`` (a catalog is stricter)
REGISTRY = FactRegistry(_SPECS, strict_confirmations=False)


def _fmt_n(x: Any) -> str:
    if isinstance(x, float) and x.is_integer():
        x = int(x)
    return f"{x:,}" if isinstance(x, (int, float)) and abs(x) >= 10000 else str(x)


def loads_facts(text: str) -> Any:
    """JSON facts from text, refusing a key given twice in one object (JSON would keep the last).

    Raises FactError (code ``duplicate_key``) naming the key, or ValueError for text that is
    not JSON at all (json.JSONDecodeError).
    """
    import json

    duplicates: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict:
        out: dict = {}
        for k, v in items:
            if k in out and k not in duplicates:
                duplicates.append(k)
            out[k] = v
        return out

    data = json.loads(text, object_pairs_hook=pairs)
    if duplicates:
        problems = []
        for k in duplicates:
            label = REGISTRY.label(k)
            problems.append(FactProblem(k, "重复出现", "is given twice", "duplicate_key", (k,), {"key": k},
                                        f"“{label}”出现了两次，请只保留一个值" if label != k else f"{k} 出现了两次，请只保留一个值",
                                        cap(f"{REGISTRY.label(k, 'en')} is given twice; keep one value")))
        raise FactError(problems)
    return data


def parse_facts(data: Any, registry: FactRegistry | None = None) -> Facts:
    """Validate a JSON-like mapping of facts.  Missing key or null = unknown.

    Raises FactError whose message names each field in Chinese and English, e.g.
    ``invention_grants_this_year: 不能为负数 / must not be negative``.
    """
    return (registry or REGISTRY).parse(data)
