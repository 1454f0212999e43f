"""Values of facts: the checks a raw value passes, and the problems it may have.

A fact's raw value (JSON) is checked by its type here; every problem is a
:class:`FactProblem` with a machine code (:data:`PROBLEM_CODES`), the fields involved and
a sentence in Chinese and English naming them by their labels. The registry
(:mod:`policy.facts`) decides which check a fact gets and collects the problems.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

__all__ = ["DATE_MIN", "DATE_MAX", "FactProblem", "FactError", "PROBLEM_CODES", "PatentItem", "CHECKS",
           "parse_date", "check_patent_list", "join_label", "cap"]

#: sanity range for dates (facts and as-of dates); an engineering bound, not a policy figure
DATE_MIN = date(1980, 1, 1)
DATE_MAX = date(2100, 12, 31)


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


def check_patent_list(value: Any, name: str, problems: list[FactProblem], label: tuple[str, str] = ("", "")) -> tuple | None:
    lz, le = label
    if not isinstance(value, (list, tuple)):
        zh, en = f"应为专利清单（列表），收到 {_describe(value)}", f"must be a list of patents, got {_describe(value)}"
        problems.append(FactProblem(name, zh, en, "not_patent_list", (name,), None, f"{lz}{zh}", cap(f"{le} {en}")))
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
                    kwargs[k] = CHECKS[kind](v)
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


def join_label(label: str, text: str) -> str:
    """"有效发明专利件数" + "不能为负数"; "…比例" + "比例不能超过100%" without saying 比例 twice."""
    for n in (2, 1):
        if label.endswith(text[:n]) and text[:n] in ("比例", "日期"):
            return label + text[n:]
    return label + text


def cap(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:]


#: the check for each type but the patent list (check_patent_list collects its own problems)
CHECKS = {
    "bool": _check_bool,
    "count": _check_count,
    "money": _check_money,
    "ratio": _check_ratio,
    "money3": _check_money3,
    "date": _check_date,
}
