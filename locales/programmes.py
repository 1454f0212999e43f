"""Words for the engine's results shared by /check and the answers to SMEs' questions.

A programme's period, whether it is in force at the as-of date (and since when it ended),
and a fact's value with its unit, in the user's language, from the engine's dates and
numbers and the packs' bilingual labels.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from locales import t
from locales.format import escape
from policy.report import fmt_value

__all__ = ["ended_on", "unit", "value_text", "period", "force_note"]


def ended_on(info: Any, as_of: date) -> date:
    ends = [d for d in (info.end, info.deadline) if d is not None and d < as_of]
    return min(ends) if ends else info.start


def unit(catalog: Any, fact: str, lang: str) -> str:
    spec = catalog.registry.specs.get(fact)
    if spec is None:
        return ""
    text = spec.unit_zh if lang == "zh" else spec.unit_en
    return "" if not text else text if text == "%" else f" {text}"


def value_text(catalog: Any, fact: str | None, value: object, lang: str) -> str:
    if value is None:
        return t("check_value_unknown", lang)
    if isinstance(value, bool):
        return t("btn_yes" if value else "btn_no", lang)
    if isinstance(value, (list, tuple)):
        return "、".join(value_text(catalog, None, v, lang) for v in value) + (unit(catalog, fact, lang) if fact else "")
    if isinstance(value, (int, float)):
        return f"{fmt_value(value)}{unit(catalog, fact, lang) if fact else ''}"
    return escape(str(value))


def period(info: Any, lang: str) -> str:
    text = (t("check_period_range", lang, start=info.start.isoformat(), end=info.end.isoformat()) if info.end
            else t("check_period_open", lang, start=info.start.isoformat()))
    if info.deadline is not None:
        text += t("check_period_deadline", lang, deadline=info.deadline.isoformat())
    return text


def force_note(r: Any, lang: str) -> str:
    """Whether the programme applies at the as-of date, and if not, since when or until when."""
    info, as_of = r.info, r.as_of
    if r.in_force:
        return t("check_in_force", lang)
    if as_of < info.start:
        return t("check_not_started", lang, start=info.start.isoformat())
    if info.deadline is not None and as_of > info.deadline and (info.end is None or info.deadline <= info.end):
        return t("check_deadline_passed", lang, date=info.deadline.isoformat())
    return t("check_ended_on", lang, date=ended_on(info, as_of).isoformat())
