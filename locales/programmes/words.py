"""The atoms every view of a programme result is made of: figures, units, values, statuses,
titles, periods and whether the programme is in force, in the reader's language.

Words come from ``locales/<lang>.policy.yaml``; facts' labels, questions and units from
the catalog (``policy/vocabulary.yaml`` and the packs); titles, benefits and notes from the
packs. Nothing here escapes HTML: the chat's pieces (:mod:`.chat`) do.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from locales import DEFAULT, t
from policy.engine import json_value
from policy.facts import CONFIRM_PREFIX
from policy.report import fmt_value

__all__ = ["SIGN", "number", "unit", "plain_value", "status_word", "title", "benefit", "notes", "fact_label",
           "question", "ended_on", "period", "plain_period", "force_note", "why_not_in_force", "joined"]

#: the operators as every language writes them
SIGN = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}

number = fmt_value  # 1,200,000; 0.035; 3.5 -- one way to write a figure, in every view


def unit(catalog: Any, fact: str | None, lang: str, *, tight: bool = False) -> str:
    """A fact's unit as written after its figure: " 件" / " CNY" (the chat spaces it); ``tight``:
    Chinese labels and tables write it straight after the number ("20件"); "%" always is."""
    spec = catalog.registry.specs.get(fact) if fact else None
    if spec is None:
        return ""
    text = spec.unit_zh if lang == "zh" else spec.unit_en
    if not text:
        return ""
    return text if text == "%" or (tight and lang == DEFAULT) else f" {text}"


def joined(items: Any, lang: str, key: str = "prog_sep") -> str:
    """Items joined as the language lists them ("；" / "; ", or "、" / ", " with prog_list_sep)."""
    return t(key, lang).join(items)


def plain_value(value: Any, lang: str, unit_text: str = "") -> str:
    """A fact's value in plain text: unknown, yes / no, a figure with its unit, a list of figures."""
    if value is None:
        return t("prog_unknown", lang)
    if isinstance(value, bool):
        return t("prog_yes" if value else "prog_no", lang)
    value = json_value(value)
    if isinstance(value, list):
        return joined((t("prog_unknown", lang) if x is None else number(x) for x in value), lang,
                      "prog_list_sep") + unit_text
    return f"{number(value)}{unit_text}"


def status_word(status: str, lang: str) -> str:
    """符合 / 不符合 / 需补充信息: the status in one word (tables, the roster)."""
    return t(f"prog_status_{status}", lang)


def title(info: Any, lang: str) -> str:
    """A programme's title (a result or its info) as the pack gives it in ``lang``."""
    info = getattr(info, "info", info)
    return (info.title_en or info.title) if lang == "en" else info.title


def benefit(result: Any, lang: str) -> str:
    """What the programme gives, for the tier reached (the pack's words)."""
    return (result.benefit_en or result.benefit) if lang == "en" else result.benefit


def notes(result: Any, lang: str) -> tuple[str, ...]:
    """The pack's notes on the programme in ``lang``."""
    return result.notes_in(lang)


def fact_label(catalog: Any, fact: str, lang: str) -> str:
    return catalog.label(fact, lang)


def question(catalog: Any, fact: str, lang: str, facts: Any = None) -> str:
    """The question that asks for ``fact``; with the company's ``facts``, a manual confirmation's
    question starts with the figures it is about ("（有效发明专利件数：3 件）……是否达到“一定数量”？")."""
    text = catalog.question(fact, lang)
    figures = catalog.registry.figures(fact, facts) if facts is not None and fact.startswith(CONFIRM_PREFIX) else []
    if not figures:
        return text
    parts = []
    for f, value in figures:
        if value is None:
            shown = t("prog_unknown", lang)
        elif isinstance(value, tuple):
            shown = joined((t("prog_figure_unknown", lang) if x is None else number(x) for x in value), lang,
                           "prog_list_sep")
        else:
            shown = number(value)
        parts.append(t("prog_figure", lang, label=catalog.label(f, lang),
                       value=shown + (unit(catalog, f, lang) if value is not None else "")))
    return t("prog_figures_prefix", lang, figures=joined(parts, lang)) + text


def ended_on(info: Any, as_of: date) -> date:
    """When the programme stopped applying (its end or its deadline, whichever came first)."""
    ends = [d for d in (info.end, info.deadline) if d is not None and d < as_of]
    return min(ends) if ends else info.start


def period(info: Any, lang: str) -> str:
    """The programme's period as the chat shows it ("2018-05-30 至 2020-12-31，申报截止 …")."""
    return _period(info, lang, "prog_period_deadline")


def plain_period(info: Any, lang: str) -> str:
    """The period as tables and the programme list show it ("…；申报截止 …")."""
    return _period(info, lang, "prog_period_deadline_plain")


def _period(info: Any, lang: str, deadline_key: str) -> str:
    text = (t("prog_period_range", lang, start=info.start.isoformat(), end=info.end.isoformat()) if info.end
            else t("prog_period_open", lang, start=info.start.isoformat()))
    if info.deadline is not None:
        text += t(deadline_key, lang, deadline=info.deadline.isoformat())
    return text


def force_note(r: Any, lang: str) -> str:
    """In force, or since when / until when not: a short state for beside the period."""
    info, as_of = r.info, r.as_of
    if r.in_force:
        return t("prog_in_force", lang)
    if as_of < info.start:
        return t("prog_not_started", lang, start=info.start.isoformat())
    if info.deadline is not None and as_of > info.deadline and (info.end is None or info.deadline <= info.end):
        return t("prog_deadline_passed", lang, date=info.deadline.isoformat())
    return t("prog_ended_on", lang, date=ended_on(info, as_of).isoformat())


def why_not_in_force(code: str, params: dict[str, Any] | None, lang: str) -> str:
    """The whole sentence for an ``in_force_code`` (the table's warning; the taper quotes the document)."""
    p = {k: v if isinstance(v, str) else number(v) for k, v in (params or {}).items()}
    return t(f"prog_why_{code}", lang, **p)
