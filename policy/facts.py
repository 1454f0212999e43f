"""The fact registry: what we may know about a company, typed, labelled, and askable.

A fact that is absent (or ``null``) is *unknown* -- never 0 and never false.  Parsing is
strict: every problem names the field, in Chinese first and then English, and unknown
names are an error that lists them.

Types
    bool         true / false
    count        whole number >= 0                     (件, 人, 年)
    money        amount in CNY >= 0                    (元)
    ratio        fraction 0..1, or a string like "3.5%" (at most 100%)
    money3       list of exactly three amounts (oldest year first); an entry may be null
    date         "YYYY-MM-DD" between 1980-01-01 and 2100-12-31
    patent_list  list of invention patents with the county plan's high-value attributes

Manual confirmations are facts named ``confirmed:<name>`` (bool); the catalog knows
which names exist (see :meth:`policy.catalog.Catalog.parse_facts`).
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

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
#: sanity range for dates (facts and as-of dates); an engineering bound, not a policy figure
DATE_MIN = date(1980, 1, 1)
DATE_MAX = date(2100, 12, 31)

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


@dataclass(frozen=True, slots=True)
class FactProblem:
    """One problem with the facts.

    ``field`` is where (a fact name, or ``invention_patent_list[2].pledge_amount``); ``zh`` /
    ``en`` say what is wrong without the field (``不能为负数``).  ``code`` is a machine code
    (see :data:`PROBLEM_CODES`), ``fields`` every fact involved (two for a contradiction),
    ``params`` the figures, and ``message_zh`` / ``message_en`` a whole sentence that names the
    fields by their labels, never by identifier (``有效发明专利件数不能为负数``).
    """

    field: str
    zh: str
    en: str
    code: str = "invalid"
    fields: tuple[str, ...] = ()
    params: dict | None = None
    message_zh: str = ""
    message_en: str = ""

    def __str__(self) -> str:
        return f"{self.field}: {self.zh} / {self.en}"

    def message(self, lang: str = "zh") -> str:
        text = self.message_en if lang == "en" else self.message_zh
        return text or (self.en if lang == "en" else self.zh)


#: every FactProblem.code: what went wrong, for a caller that words it itself
PROBLEM_CODES = (
    "not_object", "unknown_fact", "duplicate_key", "not_number", "not_finite", "negative", "not_whole", "not_bool",
    "not_ratio", "ratio_over_100", "not_three_amounts", "bad_date", "date_out_of_range", "not_patent_list",
    "not_patent", "unknown_patent_attribute", "not_text", "duplicate_patent_id", "pledge_confirmed_without_pledge",
    "high_value_over_valid", "valid_over_applied", "list_over_valid", "year_over_three_years",
    "bad_change", "change_of_unknown",  # what-if changes (policy.whatif.apply_changes)
    # warnings (Facts.warnings), not refusals
    "grants_over_valid",
)


class FactError(ValueError):
    """Bad facts.  ``problems`` lists every problem; ``fields`` every fact concerned;
    ``code`` the first problem's code; ``message(lang)`` the problems as sentences naming
    the fields by their labels."""

    def __init__(self, problems: list[FactProblem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def fields(self) -> list[str]:
        out = [p.field for p in self.problems]
        for p in self.problems:  # the other facts of a contradiction
            out += [f for f in p.fields if not any(o == f or o.startswith(f + "[") for o in out)]
        return out

    @property
    def code(self) -> str:
        return self.problems[0].code if self.problems else "invalid"

    @property
    def codes(self) -> list[str]:
        return [p.code for p in self.problems]

    def message(self, lang: str = "zh") -> str:
        sep = "；" if lang != "en" else "; "
        end = "。" if lang != "en" else "."
        return sep.join(p.message(lang).rstrip("。.") for p in self.problems) + end


class _Bad(Exception):
    def __init__(self, zh: str, en: str, code: str = "invalid"):
        self.zh, self.en, self.code = zh, en, code


@dataclass(frozen=True, slots=True)
class PatentItem:
    """One valid invention patent in ``invention_patent_list`` (unknown attributes are None)."""

    id: str | None = None
    strategic_emerging_industry: bool | None = None
    overseas_family: bool | None = None
    maintained_years: int | None = None
    pledge_amount: float | int | None = None
    high_pledge: bool | None = None  # a person's confirmation that the pledge amount counts as 较高
    national_award: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__ if getattr(self, k) is not None}


_PATENT_FIELDS = {
    "id": "str",
    "strategic_emerging_industry": "bool",
    "overseas_family": "bool",
    "maintained_years": "count",
    "pledge_amount": "money",
    "high_pledge": "bool",
    "national_award": "bool",
}


# --------------------------------------------------------------------------- value checks


def _describe(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f"“{value}”"
    return text if len(text) <= 40 else text[:37] + "..."


def _number(value: Any) -> float | int:
    if isinstance(value, bool):
        raise _Bad(f"应为数字，收到 {str(value).lower()}", f"must be a number, got {str(value).lower()}", "not_number")
    if isinstance(value, str):
        raise _Bad(f"应为数字，收到文本 {_describe(value)}", f"must be a number, got text {_describe(value)}", "not_number")
    if not isinstance(value, (int, float)):
        raise _Bad(f"应为数字，收到 {type(value).__name__}", f"must be a number, got {type(value).__name__}", "not_number")
    if isinstance(value, float) and not math.isfinite(value):
        raise _Bad("应为有限数值", "must be a finite number", "not_finite")
    if value < 0:
        raise _Bad("不能为负数", "must not be negative", "negative")
    return value


def _check_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise _Bad(f"应为 true 或 false，收到 {_describe(value)}", f"must be true or false, got {_describe(value)}", "not_bool")


def _check_count(value: Any) -> int:
    if isinstance(value, str):
        raise _Bad(f"应为整数，收到文本 {_describe(value)}", f"must be a whole number, got text {_describe(value)}", "not_whole")
    v = _number(value)
    if isinstance(v, float):
        if not v.is_integer():
            raise _Bad(f"应为整数，收到 {v}", f"must be a whole number, got {v}", "not_whole")
        v = int(v)
    return v


def _check_money(value: Any) -> float | int:
    v = _number(value)
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return v


def _check_ratio(value: Any) -> float:
    if isinstance(value, str):
        s = value.strip()
        if s.endswith("%"):
            try:
                value = float(s[:-1]) / 100.0
            except ValueError:
                raise _Bad(f"应为比例，收到文本 {_describe(value)}", f"must be a ratio, got text {_describe(value)}", "not_ratio") from None
        else:
            raise _Bad(
                f"应为比例（小数，如 0.035，或“3.5%”），收到文本 {_describe(value)}",
                f"must be a ratio (a fraction such as 0.035, or \"3.5%\"), got text {_describe(value)}",
                "not_ratio",
            )
    v = float(_number(value))
    if v > 1.0:
        raise _Bad(
            "比例不能超过100%（请用小数，如 3.5% 写作 0.035）",
            "ratio must not exceed 100% (use a fraction, e.g. 0.035 for 3.5%)",
            "ratio_over_100",
        )
    return v


def _check_money3(value: Any) -> tuple:
    if not isinstance(value, (list, tuple)):
        raise _Bad(
            f"应为三个年度金额组成的列表（从早到晚），收到 {_describe(value)}",
            f"must be a list of three yearly amounts (oldest first), got {_describe(value)}",
            "not_three_amounts",
        )
    if len(value) != 3:
        raise _Bad(f"应正好有 3 个年度金额，收到 {len(value)} 个", f"must have exactly 3 yearly amounts, got {len(value)}", "not_three_amounts")
    out = []
    for i, item in enumerate(value):
        if item is None:
            out.append(None)
            continue
        try:
            out.append(_check_money(item))
        except _Bad as exc:
            raise _Bad(f"第 {i + 1} 个金额{exc.zh}", f"amount #{i + 1} {exc.en}", exc.code) from None
    return tuple(out)


def parse_date(value: Any) -> date:
    """A date from 'YYYY-MM-DD' (or a date), within DATE_MIN..DATE_MAX; raises ValueError with zh / en text."""
    try:
        return _check_date(value)
    except _Bad as exc:
        raise ValueError(f"{exc.zh} / {exc.en}") from None


def _check_date(value: Any) -> date:
    if isinstance(value, date) and not hasattr(value, "hour"):
        d = value
    elif isinstance(value, str):
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            raise _Bad(f"日期格式应为 YYYY-MM-DD，收到 {_describe(value)}", f"date must be YYYY-MM-DD, got {_describe(value)}", "bad_date")
        try:
            d = date.fromisoformat(value.strip())
        except ValueError:
            raise _Bad(f"不是有效日期：{_describe(value)}", f"not a valid date: {_describe(value)}", "bad_date") from None
    else:
        raise _Bad(f"日期格式应为 YYYY-MM-DD，收到 {_describe(value)}", f"date must be YYYY-MM-DD, got {_describe(value)}", "bad_date")
    if not (DATE_MIN <= d <= DATE_MAX):
        raise _Bad(
            f"日期超出范围（{DATE_MIN.isoformat()} 至 {DATE_MAX.isoformat()}）：{d.isoformat()}",
            f"date out of range ({DATE_MIN.isoformat()} to {DATE_MAX.isoformat()}): {d.isoformat()}",
            "date_out_of_range",
        )
    return d


_PATENT_LABELS = {
    "id": ("编号", "id"),
    "strategic_emerging_industry": ("是否属于战略性新兴产业", "strategic emerging industry"),
    "overseas_family": ("海外同族专利", "overseas family"),
    "maintained_years": ("维持年限", "years maintained"),
    "pledge_amount": ("质押融资金额", "pledge amount"),
    "high_pledge": ("“较高质押融资金额”的确认", "confirmation of a high pledge"),
    "national_award": ("国家科学技术奖或中国专利奖", "national award"),
}


def _patent_name(i: int, pid: Any, lang: str) -> str:
    if lang == "en":
        return f"patent #{i + 1}" + (f" ({pid})" if pid else "")
    return f"第 {i + 1} 件专利" + (f"（{pid}）" if pid else "")


def _check_patent_list(value: Any, name: str, problems: list[FactProblem], label: tuple[str, str] = ("", "")) -> tuple | None:
    lz, le = label
    if not isinstance(value, (list, tuple)):
        zh, en = f"应为专利清单（列表），收到 {_describe(value)}", f"must be a list of patents, got {_describe(value)}"
        problems.append(FactProblem(name, zh, en, "not_patent_list", (name,), None, f"{lz}{zh}", _cap(f"{le} {en}")))
        return None
    items = []
    seen_ids: dict[str, int] = {}
    for i, raw in enumerate(value):
        where = f"{name}[{i}]"
        pid = raw.get("id") if isinstance(raw, Mapping) and isinstance(raw.get("id"), (str, int)) else None
        pz, pe = f"{lz}{_patent_name(i, pid, 'zh')}", f"{le}: {_patent_name(i, pid, 'en')}"
        if not isinstance(raw, Mapping):
            problems.append(FactProblem(where, "每件专利应为一个对象", "each patent must be an object", "not_patent", (name,),
                                        None, f"{pz}应为一个对象", f"{pe} must be an object"))
            continue
        unknown = [k for k in raw if k not in _PATENT_FIELDS]
        if unknown:
            zh = f"未知的专利属性：{', '.join(map(str, unknown))}（可用：{', '.join(_PATENT_FIELDS)}）"
            en = f"unknown patent attributes: {', '.join(map(str, unknown))} (known: {', '.join(_PATENT_FIELDS)})"
            problems.append(FactProblem(where, zh, en, "unknown_patent_attribute", (name,), {"attributes": unknown},
                                        f"{pz}有{zh}", f"{pe}: {en}"))
            continue
        kwargs: dict[str, Any] = {}
        ok = True
        for k, v in raw.items():
            if v is None:
                continue
            kind = _PATENT_FIELDS[k]
            try:
                if kind == "str":
                    if not isinstance(v, (str, int)) or isinstance(v, bool):
                        raise _Bad("应为文本", "must be text", "not_text")
                    kwargs[k] = str(v)
                else:
                    kwargs[k] = _CHECKS[kind](v)
            except _Bad as exc:
                az, ae = _PATENT_LABELS[k]
                problems.append(FactProblem(f"{where}.{k}", exc.zh, exc.en, exc.code, (name,), None,
                                            f"{pz}的{az}{exc.zh}", f"{pe}: {ae} {exc.en}"))
                ok = False
        if not ok:
            continue
        item = PatentItem(**kwargs)
        if item.id is not None:
            if item.id in seen_ids:
                first = seen_ids[item.id]
                problems.append(FactProblem(
                    f"{where}.id", f"编号 {item.id} 与第 {first + 1} 件重复", f"id {item.id} repeats patent #{first + 1}",
                    "duplicate_patent_id", (name,), {"id": item.id, "items": [first, i]},
                    f"{lz}中编号 {item.id} 出现了两次（第 {first + 1} 件和第 {i + 1} 件），同一件专利只能列一次",
                    f"{le}: id {item.id} appears twice (patents #{first + 1} and #{i + 1}); list each patent once"))
                continue
            seen_ids[item.id] = i
        if item.high_pledge is True and item.pledge_amount == 0:
            problems.append(FactProblem(
                f"{where}.high_pledge", "质押融资金额为 0，不能确认为“较高质押融资金额”",
                "the pledge amount is 0, so it cannot be confirmed as a high pledge",
                "pledge_confirmed_without_pledge", (name,), {"item": i, "id": item.id},
                f"{pz}的质押融资金额为 0，却被确认为“实现较高质押融资金额”：没有质押的专利不属于此类，请更正其中一项",
                f"{pe} has a pledge amount of 0 but is confirmed as a high pledge: an unpledged patent is not of this kind; "
                f"correct one of the two"))
            continue
        items.append(item)
    return tuple(items)


def _join_label(label: str, text: str) -> str:
    """"有效发明专利件数" + "不能为负数"; "…比例" + "比例不能超过100%" without saying 比例 twice."""
    for n in (2, 1):
        if label.endswith(text[:n]) and text[:n] in ("比例", "日期"):
            return label + text[n:]
    return label + text


def _cap(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:]


#: (smaller, larger, code, why in Chinese, why in English): the smaller may never exceed the larger
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


_CHECKS = {
    "bool": _check_bool,
    "count": _check_count,
    "money": _check_money,
    "ratio": _check_ratio,
    "money3": _check_money3,
    "date": _check_date,
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

    def question(self, name: str, lang: str = "zh", values: Mapping[str, Any] | None = None) -> str:
        """The question to ask a user for this fact (manual confirmations included).

        With ``values``, a confirmation's question starts with the company's figures it is
        about: "（有效发明专利件数：3 件）企业的有效发明专利是否达到“一定数量”？".
        """
        spec = self.specs.get(name)
        if spec is not None:
            return spec.question_zh if lang == "zh" else spec.question_en
        if name.startswith(CONFIRM_PREFIX):
            q = self.confirmations.get(name[len(CONFIRM_PREFIX):])
            if q:
                text = q[0] if lang == "zh" else q[1]
                figures = self.figures(name, values) if values is not None else []
                if figures:
                    text = self._figures_prefix(figures, lang) + text
                return text
        raise KeyError(name)

    def _figures_prefix(self, figures: list[tuple[str, Any]], lang: str) -> str:
        parts = []
        for fact, value in figures:
            spec = self.specs.get(fact)
            if value is None:
                shown = "未知" if lang == "zh" else "unknown"
            elif isinstance(value, tuple):
                shown = ("、" if lang == "zh" else ", ").join("?" if x is None else _fmt_n(x) for x in value)
            else:
                shown = _fmt_n(value)
            unit = (spec.unit_zh if lang == "zh" else spec.unit_en) if spec and value is not None else ""
            parts.append(f"{self.label(fact, lang)}：{shown}{(' ' + unit) if unit and lang == 'zh' else ''}"
                         if lang == "zh" else f"{self.label(fact, lang)}: {shown}{(' ' + unit) if unit else ''}")
        return ("（" + "；".join(parts) + "）") if lang == "zh" else ("(" + "; ".join(parts) + ") ")

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
        checks = _CHECKS
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
                parsed = _check_patent_list(raw, name, problems, (self.label(name, "zh"), self.label(name, "en")))
                if parsed is not None:
                    values[name] = parsed
                continue
            try:
                values[name] = checks[kind](raw)
            except _Bad as exc:
                problems.append(FactProblem(name, exc.zh, exc.en, exc.code, (name,), None,
                                            _join_label(self.label(name, "zh"), exc.zh),
                                            _cap(f"{self.label(name, 'en')}: {exc.en}")))
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
                _cap(f"{se} ({_fmt_n(a)}) exceeds {le} ({_fmt_n(b)}): {why_en}") if rules is WARNINGS else
                _cap(f"{se} ({_fmt_n(a)}) cannot exceed {le} ({_fmt_n(b)}): {why_en}; please check both")))
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
        return FactProblem(field_name, zh, en, "unknown_fact", tuple(unknown), {"names": unknown}, zh, _cap(en))


# --------------------------------------------------------------------------- the registry

def _f(name, type_, label_zh, label_en, q_zh, q_en, unit_zh="", unit_en=""):
    return FactSpec(name, type_, label_zh, label_en, q_zh, q_en, unit_zh, unit_en)


_SPECS: list[FactSpec] = [
    # who the company is
    _f("is_sme", "bool", "中小企业", "SME",
       "贵公司是否属于中小企业？", "Is the company a small or medium-sized enterprise?"),
    _f("is_key_sme", "bool", "重点中小企业", "key SME",
       "贵公司是否属于当地确定的“重点中小企业”？", "Is the company one of the locally designated key SMEs?"),
    _f("is_little_giant", "bool", "国家专精特新“小巨人”企业", "national specialised 'little giant'",
       "贵公司是否为国家专精特新“小巨人”企业？", "Is the company a national specialised and sophisticated 'little giant'?"),
    _f("is_single_champion", "bool", "国家制造业单项冠军企业", "national manufacturing single champion",
       "贵公司是否为国家制造业单项冠军企业？", "Is the company a national manufacturing single champion?"),
    _f("jiangsu_legal_entity", "bool", "江苏省内注册的独立法人企业", "independent legal entity registered in Jiangsu",
       "贵公司是否为在江苏省内注册、具有独立法人资格的企业？",
       "Is the company registered in Jiangsu with independent legal-person status?"),
    _f("is_industrial_enterprise", "bool", "工业企业", "industrial enterprise",
       "贵公司是否为工业企业？", "Is the company an industrial enterprise?"),
    _f("is_high_tech_enterprise", "bool", "高新技术企业", "high-tech enterprise",
       "贵公司是否为经认定的高新技术企业？", "Is the company a certified high-tech enterprise?"),
    # R&D and money
    _f("rd_expense_last_year", "money", "上一年度研发费用", "R&D expense last year",
       "上一年度研发费用投入是多少元？", "How much was spent on R&D last year (CNY)?", "元", "CNY"),
    _f("sales_revenue_last_year", "money", "上一年度销售收入", "sales revenue last year",
       "上一年度销售收入是多少元？", "What was last year's sales revenue (CNY)?", "元", "CNY"),
    _f("rd_expense_3y", "money", "近三年研发费用合计", "R&D expense, last three years",
       "近三年研发费用投入合计是多少元？", "Total R&D expense over the last three years (CNY)?", "元", "CNY"),
    _f("sales_revenue_3y", "money", "近三年销售收入合计", "sales revenue, last three years",
       "近三年销售收入合计是多少元？", "Total sales revenue over the last three years (CNY)?", "元", "CNY"),
    _f("ip_expense_last_year", "money", "上一年度知识产权费用", "IP expense last year",
       "上一年度知识产权费用是多少元？", "How much was spent on IP last year (CNY)?", "元", "CNY"),
    _f("rd_sales_ratio_3y", "ratio", "近三年研发费用占销售收入比例", "R&D / sales, last three years",
       "近三年研发费用投入占销售收入的比例是多少？（如 3.5%）",
       "R&D expense as a share of sales over the last three years? (e.g. 3.5%)", "%", "%"),
    _f("rd_sales_ratio_last_year", "ratio", "上一年度研发费用占销售收入比例", "R&D / sales last year",
       "上一年度研发费用投入占销售收入的比例是多少？（如 3%）",
       "Last year's R&D expense as a share of sales? (e.g. 3%)", "%", "%"),
    _f("ip_rd_ratio_last_year", "ratio", "上一年度知识产权费用占研发费用比例", "IP / R&D expense last year",
       "上一年度知识产权费用占研发费用投入的比例是多少？（如 5%）",
       "Last year's IP expense as a share of R&D expense? (e.g. 5%)", "%", "%"),
    _f("profit_tax_by_year", "money3", "近三年各年利税总额", "profit and tax, each of the last three years",
       "近三年每年的利税总额分别是多少元？（按年份从早到晚填三个数）",
       "Profit plus tax in each of the last three years (CNY, oldest year first)?", "元", "CNY"),
    # patents
    _f("invention_applications_total", "count", "发明专利申请累计件数", "invention patent applications filed so far",
       "贵公司至今共提交过几件发明专利申请？（还没有提交过填 0）",
       "How many invention patent applications has the company filed so far? (0 if none)", "件", ""),
    _f("invention_grants_this_year", "count", "当年发明专利授权件数", "invention patents granted this year",
       "今年已获授权的发明专利有几件？", "How many invention patents have been granted this year?", "件", ""),
    _f("valid_invention_patents", "count", "有效发明专利件数", "valid invention patents",
       "目前有效的发明专利有几件？（子公司的专利不计入）",
       "How many valid invention patents does the company hold? (subsidiaries' patents excluded)", "件", ""),
    _f("valid_patents_total", "count", "有效专利件数（各类合计）", "valid patents, all kinds",
       "目前有效专利（发明、实用新型、外观设计合计）有几件？（子公司的专利不计入）",
       "How many valid patents of all kinds does the company hold? (subsidiaries' patents excluded)", "件", ""),
    _f("pct_national_phase_apps", "count", "进入国家阶段的PCT专利申请件数", "PCT applications in the national phase",
       "已进入国家阶段的PCT专利申请有几件？", "How many PCT applications have entered the national phase?", "件", ""),
    _f("pct_foreign_invention_grants", "count", "通过PCT途径获得的国外发明专利授权件数", "foreign invention grants via PCT",
       "通过PCT途径获得国外发明专利授权的有几件？",
       "How many foreign invention patents have been granted through the PCT route?", "件", ""),
    _f("high_value_patents", "count", "高价值专利件数", "high-value patents",
       "拥有的高价值专利有几件？（战略性新兴产业的发明专利、在海外有同族专利权的、维持年限超过10年的、"
       "实现较高质押融资金额的、获得国家科学技术奖或中国专利奖的发明专利）",
       "How many high-value patents does the company hold? (invention patents in strategic emerging industries, "
       "with an overseas family, maintained for more than 10 years, with high pledge financing, or with a national "
       "S&T award or China Patent Award)", "件", ""),
    _f("invention_patent_list", "patent_list", "有效发明专利清单", "list of valid invention patents",
       "请提供有效发明专利清单：每件注明是否属于战略性新兴产业、在海外有无同族专利、已维持几年、质押融资金额、"
       "是否获得国家科学技术奖或中国专利奖。",
       "Please list the valid invention patents: for each, strategic emerging industry or not, overseas family or "
       "not, years maintained, pledge financing amount, national S&T award or China Patent Award or not."),
    # IP management
    _f("has_ip_department", "bool", "有独立的知识产权管理机构", "has an independent IP department",
       "是否设有独立的知识产权管理机构？", "Does the company have an independent IP management department?"),
    _f("ip_staff", "count", "知识产权专兼职管理人员人数", "IP management staff (full- and part-time)",
       "知识产权专兼职管理人员有几人？", "How many full- or part-time IP management staff are there?", "人", ""),
    _f("ip_standard_started", "bool", "已开展贯标工作", "IP management standard implementation started",
       "是否已开展《企业知识产权管理规范》贯标工作？",
       "Has the company started implementing the Enterprise IP Management standard (GB/T 29490)?"),
    _f("ip_standard_certified", "bool", "通过贯标认证", "certified to the IP management standard",
       "是否已通过《企业知识产权管理规范》贯标认证？",
       "Is the company certified to the Enterprise IP Management standard?"),
    _f("ip_standard_performance_passed", "bool", "省级贯标绩效评价合格", "passed the provincial performance evaluation",
       "是否已通过省级贯标绩效评价且结果合格？",
       "Has the company passed the provincial IP-standard performance evaluation?"),
    _f("trademark_longest_use_years", "count", "有效注册商标最长持续使用年数", "longest continuous use of a valid trademark",
       "贵公司的有效注册商标中，持续使用时间最长的一件已使用几年？（没有有效注册商标填 0）",
       "Among the company's valid registered trademarks, how many years has the longest-used one been in "
       "continuous use? (0 if none)", "年", "years"),
    # awards and history
    _f("award_within_3y", "bool", "三年内获国家或省科学技术奖、中国专利奖等", "award within three years",
       "近三年内是否获得过国家或省科学技术奖、中国专利奖、省发明人奖或省专利项目奖？",
       "Within the last three years, has the company won a national or provincial S&T award, the China Patent "
       "Award, the provincial inventor award or the provincial patent project award?"),
    _f("latest_award_date", "date", "最近一次获上述奖项的日期", "date of the latest such award",
       "最近一次获得国家或省科学技术奖、中国专利奖、省发明人奖或省专利项目奖是哪一天？（YYYY-MM-DD）",
       "When did the company last win a national or provincial S&T award, the China Patent Award, the provincial "
       "inventor award or the provincial patent project award? (YYYY-MM-DD)"),
    _f("serious_dishonesty", "bool", "存在严重失信行为", "serious dishonesty on record",
       "是否存在严重失信行为？", "Is there any serious dishonesty on record?"),
    _f("abnormal_patent_applications", "bool", "存在非正常专利申请行为", "abnormal patent applications",
       "是否存在非正常专利申请行为（以国家知识产权局通报为准）？",
       "Has CNIPA reported abnormal patent applications by the company?"),
    _f("led_high_value_programme_before", "bool", "曾牵头承担省高价值专利培育计划项目", "led a provincial high-value programme before",
       "是否曾作为牵头单位承担过省高价值专利培育计划项目？",
       "Has the company led a provincial high-value patent cultivation project before?"),
    _f("unaccepted_enterprise_ip_programme", "bool", "有尚未验收的省企业知识产权战略推进计划项目",
       "has an unaccepted provincial enterprise IP strategy project",
       "是否有尚未验收（含尾款未拨付）的省企业知识产权战略推进计划项目？",
       "Does the company have a provincial enterprise IP strategy project not yet accepted (incl. unpaid balance)?"),
    _f("ongoing_provincial_ip_programme", "bool", "正在承担省知识产权战略推进计划项目",
       "currently carrying a provincial IP strategy project",
       "是否正在承担省知识产权战略推进计划项目（含尾款未拨付）？",
       "Is the company currently carrying a provincial IP strategy programme project (incl. unpaid balance)?"),
]

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
                                        _cap(f"{REGISTRY.label(k, 'en')} is given twice; keep one value")))
        raise FactError(problems)
    return data


def parse_facts(data: Any, registry: FactRegistry | None = None) -> Facts:
    """Validate a JSON-like mapping of facts.  Missing key or null = unknown.

    Raises FactError whose message names each field in Chinese and English, e.g.
    ``invention_grants_this_year: 不能为负数 / must not be negative``.
    """
    return (registry or REGISTRY).parse(data)
