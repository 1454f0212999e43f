"""A programme result in the chat: Telegram HTML, every piece of text escaped.

The /check windows, the answers to SMEs' questions and the outlook after a visit show
results with these pieces, so a condition, a gap or a period reads the same wherever it
appears. Pack text (titles, labels, notes) and fact labels are escaped here too.
"""

from __future__ import annotations

from typing import Any

from locales import t
from locales.format import escape
from policy.engine import ELIGIBLE, NOT_ELIGIBLE

from .labels import label
from .words import SIGN, benefit, fact_label, force_note, joined, notes, number, period, title, unit

__all__ = ["ICON", "MARK", "UNKNOWN_ICON", "icon", "stars", "heading", "pad", "value_text", "short_reason", "outlook_line", "condition_lines",
           "comparison", "missing_line", "period_line", "citation_line", "result_lines"]

ICON = {ELIGIBLE: "✅", NOT_ELIGIBLE: "❌"}
UNKNOWN_ICON = "❓"
MARK = {True: "✅", False: "❌", None: UNKNOWN_ICON}
#: the sign that failed: "3 < 5" when "≥ 5" was needed
_OPPOSITE = {">=": "<", ">": "≤", "<=": ">", "<": "≥"}


def icon(result: Any) -> str:
    return ICON.get(result.status, UNKNOWN_ICON)


def stars(result: Any) -> str:
    return "⭐" * result.tier if result.tier and result.status == ELIGIBLE else ""


def heading(result: Any, lang: str) -> str:
    """✅ <b>title</b> ⭐⭐"""
    return f"{icon(result)} <b>{escape(title(result, lang))}</b> {stars(result)}".rstrip()


def pad(lang: str) -> str:
    """An indent: a full-width space in Chinese, two spaces in English."""
    return "　" if lang == "zh" else "  "


def value_text(catalog: Any, fact: str | None, value: object, lang: str) -> str:
    """A fact's value with its unit; yes / no as the answer buttons say it."""
    if value is None:
        return t("prog_unknown", lang)
    if isinstance(value, bool):
        return t("btn_yes" if value else "btn_no", lang)
    if isinstance(value, (list, tuple)):
        return joined((value_text(catalog, None, v, lang) for v in value), lang, "prog_list_sep") + (
            unit(catalog, fact, lang) if fact else "")
    if isinstance(value, (int, float)):
        if fact and catalog.registry.specs.get(fact) is not None and catalog.registry.specs[fact].type == "ratio":
            return f"{value * 100:g}%"  # a ratio is kept as a fraction: 0.02 is "2%"
        return f"{number(value)}{unit(catalog, fact, lang) if fact else ''}"
    return escape(str(value))


def span(low: Any, high: Any) -> str:
    """Both ends of a range, without the unit: "5–6", "2–10"."""
    return f"{number(low)}–{number(high)}"


def stated_text(catalog: Any, fact: str, value: object, high: object, lang: str) -> str:
    """A stated figure as the asker put it: a range ("五六件") as both its ends, "5–6 件", not
    only the lower end the engine reads (services.asking evaluates both ends)."""
    if high is None or high == value or isinstance(value, bool) or not isinstance(value, (int, float)):
        return value_text(catalog, fact, value, lang)
    spec = catalog.registry.specs.get(fact)
    if spec is not None and spec.type == "ratio":
        return f"{value * 100:g}–{high * 100:g}%"
    return span(value, high) + unit(catalog, fact, lang)


def short_reason(r: Any, lang: str, catalog: Any) -> str:
    """One line: eligible (and how far the next tier is), what is short, or how much is missing.

    A programme not in force at the as-of date gets only its state ("⏹ 已于 2023-12-31 结束"):
    "还差 N" or "符合" for it would offer as open what has ended."""
    if not getattr(r, "in_force", True):
        return "⏹ " + force_note(r, lang)
    if r.status == ELIGIBLE:
        text = t("prog_eligible", lang)
        if r.next_tier is not None:
            text += t("prog_next_tier", lang, tier=r.next_tier.tier, short_by=number(r.next_tier.short_by),
                      unit=unit(catalog, r.next_tier.fact, lang), what=escape(fact_label(catalog, r.next_tier.fact, lang)))
        return text
    if r.status == NOT_ELIGIBLE:
        measurable = [g for g in r.gaps if g.short_by is not None and g.short_by > 0]
        if measurable:
            g = measurable[0]
            return t("prog_short_by", lang, what=escape(fact_label(catalog, g.fact, lang)), short_by=number(g.short_by),
                     unit=unit(catalog, g.fact, lang))
        return t("prog_not_eligible", lang, count=len(r.gaps))
    return t("prog_needs_info", lang, count=len(r.missing))


def condition_lines(line: Any, lang: str, catalog: Any) -> list[str]:
    """A condition: mark, name, what the company has and how much is short, the clause; its note below."""
    indent = pad(lang) * max(line.depth - 1, 0)
    text = f"{indent}{MARK[line.value]} {escape(label(line.label, lang, catalog))}"
    if line.fact and line.kind in ("compare", "ratio", "weighted", "tiers") and not isinstance(line.have, bool):
        short = ""
        if line.value is False and line.short_by is not None and line.short_by > 0:
            short = t("prog_have_short", lang, short_by=number(line.short_by), unit=unit(catalog, line.fact, lang))
        text += t("prog_have", lang, have=value_text(catalog, line.fact, line.have, lang), short=short)
    if line.citation is not None and line.kind not in ("all", "any"):
        text += t("prog_clause", lang, clause=escape(line.citation.clause))
    out = [text]
    note = (line.note_en or None) if lang == "en" else line.note
    if note:
        out.append(f"{indent}{pad(lang)}ℹ️ {escape(note)}")
    return out


def comparison(line: Any, lang: str, catalog: Any, high: Any = None) -> str | None:
    """A compared figure as a reason in numbers ("当年发明专利授权件数 3 件 < 5 件，还差 2 件"),
    or None for a line that compares no known figure. ``high``: the upper end of a range the asker
    stated ("十几件"), whose two ends compare alike (services.asking): "11–19 件 ≤ 20 件，还差 2–10 件"."""
    if not (line.fact and line.op and line.need is not None and line.value is not None
            and not isinstance(line.have, bool) and isinstance(line.have, (int, float))):
        return None
    op = SIGN[line.op] if line.value else _OPPOSITE[line.op]
    u = unit(catalog, line.fact, lang)
    ranged = isinstance(high, (int, float)) and not isinstance(high, bool) and high > line.have
    have = span(line.have, high) if ranged else number(line.have)
    reason = f"{escape(fact_label(catalog, line.fact, lang))} {have}{u} {escape(op)} {number(line.need)}{u}"
    if line.value is False and line.short_by:
        short = number(line.short_by)
        if ranged and line.op in (">", ">="):  # the upper end is nearer by the range's width
            short = span(line.short_by - (high - line.have), line.short_by)
        elif ranged:
            return reason
        reason += t("prog_have_short", lang, short_by=short, unit=u)
    return reason


def unmet_lines(r: Any, lang: str, catalog: Any) -> list[str]:
    """Why a programme is not met where no figure explains it ("不符合：高新技术企业"): each failed
    condition on the failing path that has no comparison in numbers, a failed one-of group once, by
    its own name. Without it a card said only "❌ 不符合" when every situation of a one-of group was
    denied, and the asker could not tell which condition failed."""
    if r.status != NOT_ELIGIBLE:
        return []
    out: list[str] = []
    failing: list[int] = []  # depths of the failed groups above the current line
    for line in r.lines:
        while failing and failing[-1] >= line.depth:
            failing.pop()
        if line.depth > 0 and len(failing) < line.depth:
            continue  # under a group that passed (or is unknown): not why the programme fails
        if line.value is not False:
            continue
        if line.kind == "all" or (line.kind == "any" and line.depth == 0):
            failing.append(line.depth)
        elif line.label.code == "flag_not" and not line.label.own(lang):  # "须为否", not "不得：…"
            out.append(t("prog_unmet_not", lang, label=escape(fact_label(catalog, line.label.params["fact"], lang))))
        elif comparison(line, lang, catalog) is None:
            out.append(t("prog_unmet", lang, label=escape(label(line.label, lang, catalog))))
    return out


def missing_line(r: Any, lang: str, catalog: Any) -> str:
    """❓ the facts still needed, by their labels."""
    return t("prog_missing", lang, facts=joined((escape(fact_label(catalog, f, lang)) for f in r.missing), lang))


def period_line(r: Any, lang: str) -> str:
    return t("prog_period", lang, period=period(r.info, lang), state=force_note(r, lang))


def citation_line(r: Any, lang: str) -> str:
    return t("prog_citation", lang, citation=escape(r.citation.text()))


def result_lines(r: Any, lang: str, catalog: Any) -> list[str]:
    """Every condition with the company's figures, what is missing, the benefit, the period and the source."""
    lines = [heading(r, lang), t(f"prog_result_{r.status}", lang), ""]
    conditions = r.lines
    if conditions and conditions[0].kind in ("all", "any") and conditions[0].depth == 0:
        head, conditions = conditions[0], conditions[1:]
        lines.append(t("prog_need_all" if head.kind == "all" else "prog_need_any", lang))
    else:
        lines.append(t("prog_need_all", lang))
    for line in conditions:
        lines += condition_lines(line, lang, catalog)
    if r.missing:
        lines.append(missing_line(r, lang, catalog))
    lines.append("")
    lines.append(t("prog_benefit", lang, benefit=escape(benefit(r, lang))))
    lines.append(period_line(r, lang))
    lines += ["ℹ️ " + escape(note) for note in notes(r, lang)]
    lines.append(citation_line(r, lang))
    return lines


def outlook_line(r: Any, lang: str, catalog: Any) -> str:
    """One programme in the outlook after a visit: ✅ eligible, 🔜 one condition short (in force
    only), or ⏹ with the day it ended; never "还差" for a programme that is not in force."""
    name = escape(title(r, lang))
    if not getattr(r, "in_force", True):
        return f"⏹ {name}：{force_note(r, lang)}" if lang == "zh" else f"⏹ {name}: {force_note(r, lang)}"
    if r.status == ELIGIBLE:
        return f"✅ {name}"
    gap = r.gaps[0]
    return f"🔜 {name}: " + t("visit_outlook_short", lang, what=escape(fact_label(catalog, gap.fact, lang)),
                              short_by=number(gap.short_by))
