"""Programme results as plain text: the command line's table (``ipbot eligibility``) and what-if.

Not HTML: nothing is escaped. Chinese by default, English on request; the layout is the
table's own, every sentence in it comes from ``locales/<lang>.policy.yaml``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from locales import t
from policy.report import rank_missing_facts

from .labels import detail, label
from .words import (
    SIGN,
    benefit,
    fact_label,
    joined,
    notes,
    number,
    plain_period,
    plain_value,
    status_word,
    title,
    unit,
    why_not_in_force,
)

__all__ = ["display_width", "gap_line", "line_text", "figures_text", "render_table", "change_text", "render_what_if"]

_MARK = {True: "✓", False: "✗", None: "?"}


def display_width(text: str) -> int:
    """Terminal columns: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def gap_line(g: Any, lang: str, catalog: Any) -> str:
    """A failing condition: what the company has, what it needs, how much is short (or over)."""
    name = label(g.label, lang, catalog)
    if isinstance(g.need, bool) or g.need is None:
        if g.short_by is None and g.need is None and g.have == 0:
            return t("prog_gap_zero", lang, label=name, fact=fact_label(catalog, g.fact, lang))
        return t("prog_gap_yes_no", lang, label=name, have=plain_value(g.have, lang), need=plain_value(g.need, lang))
    u = unit(catalog, g.node.unit_fact, lang, tight=True)
    text = t("prog_gap", lang, label=name, have=plain_value(g.have, lang, u),
             need=f"{SIGN.get(g.op, '') if g.op else ''}{number(g.need)}{u}")
    if g.short_by is not None:
        if g.short_by >= 0:
            text += t("prog_gap_short", lang, short_by=f"{number(g.short_by)}{u}")
        else:
            text += t("prog_gap_over", lang, over=f"{number(-g.short_by)}{u}")
    return text


def figures_text(figures: Iterable[tuple[str, Any]], lang: str, catalog: Any) -> str:
    """The company's figures shown with a manual confirmation: "有效发明专利件数 3件"."""
    return joined((t("prog_figure_plain", lang, label=fact_label(catalog, fact, lang),
                     value=plain_value(value, lang, unit(catalog, fact, lang, tight=True)))
                   for fact, value in figures), lang)


def line_text(line: Any, lang: str, catalog: Any) -> list[str]:
    """One condition: mark, name, what the company has, why, the clause; its note below."""
    text = f"{'  ' * line.depth}{_MARK[line.value]} {label(line.label, lang, catalog)}"
    extra = []
    if line.figures:
        extra.append(figures_text(line.figures, lang, catalog))
    elif line.kind not in ("all", "any", "scaled", "waiver") and line.have is not None and not isinstance(line.have, bool):
        extra.append(t("prog_line_have", lang, have=plain_value(line.have, lang)))
    why = detail(line, lang, catalog)
    if why:
        extra.append(why)
    if extra:
        text += t("prog_line_extra", lang, extra=joined(extra, lang))
    if line.citation is not None and line.kind not in ("all", "any"):
        text += t("prog_line_clause", lang, clause=line.citation.clause)
    out = [text]
    note = (line.note_en or None) if lang == "en" else line.note
    if note:
        out.append(f"{'  ' * line.depth}    " + t("prog_line_note", lang, note=note))
    return out


def _question(catalog: Any, fact: str, lang: str) -> str:
    try:
        return catalog.question(fact, lang)
    except KeyError:
        return fact


def render_table(results: Sequence[Any], as_of: date, catalog: Any, *, lang: str = "zh", details: bool = True,
                 warnings: Iterable[Any] = ()) -> str:
    """The results as a table, then each programme's conditions, gaps and what to ask first."""
    head = ["title", "id", "status", "in_force", "tier", "citation"]
    header = [t(f"prog_table_head_{h}", lang) for h in head]
    rows = [[title(r, lang), r.policy, status_word(r.status, lang), t("prog_yes" if r.in_force else "prog_no", lang),
             _tier(r, lang) or t("prog_table_no_tier", lang), r.citation.text()] for r in results]
    widths = [max(display_width(x) for x in col) for col in zip(header, *rows)]
    lines = [t("prog_table_title", lang, as_of=as_of.isoformat()), ""]
    warnings = list(warnings)
    lines += [t("prog_table_warning", lang, warning=w.message(lang)) for w in warnings]
    if warnings:
        lines.append("")
    lines.append("  ".join(_pad(h, w) for h, w in zip(header, widths)).rstrip())
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(_pad(c, w) for c, w in zip(row, widths)).rstrip() for row in rows]
    if details:
        for r in results:
            lines += [""] + _programme(r, lang, catalog)
        asks = rank_missing_facts(results)
        if asks:
            lines += ["", t("prog_table_ask_first", lang)]
            lines += [t("prog_table_ask", lang, n=i, question=_question(catalog, f, lang), fact=f)
                      for i, f in enumerate(asks[:5], 1)]
    return "\n".join(lines) + "\n"


def _tier(r: Any, lang: str) -> str | None:
    return (r.tier_label_en or r.tier_label) if lang == "en" else r.tier_label


def _programme(r: Any, lang: str, catalog: Any) -> list[str]:
    tier = _tier(r, lang)
    lines = [t("prog_table_programme", lang, title=title(r, lang), status=status_word(r.status, lang),
               tier=t("prog_table_tier", lang, tier=tier) if tier else ""),
             t("prog_table_benefit", lang, benefit=benefit(r, lang)),
             t("prog_table_period", lang, period=plain_period(r.info, lang),
               outside="" if r.in_force else t("prog_table_outside", lang))]
    if r.in_force_code:
        lines.append(t("prog_table_why", lang, why=why_not_in_force(r.in_force_code, r.in_force_params, lang)))
    lines.append(t("prog_table_conditions", lang))
    for ln in r.lines:
        lines += ["    " + x for x in line_text(ln, lang, catalog)]
    lines += [t("prog_table_gap", lang, gap=gap_line(g, lang, catalog)) for g in r.gaps]
    if r.next_tier is not None:
        nt = r.next_tier
        lines.append(t("prog_table_next_tier", lang, label=(nt.label_en or nt.label_zh) if lang == "en" else nt.label_zh,
                       fact=fact_label(catalog, nt.fact, lang), short_by=number(nt.short_by)))
    lines += [t("prog_table_missing", lang, question=_question(catalog, f, lang), fact=f) for f in r.missing]
    lines += [t("prog_table_note", lang, note=n) for n in notes(r, lang)]
    lines.append(t("prog_table_citation", lang, citation=r.citation.text()))
    return lines


def change_text(code: str, params: dict[str, Any], lang: str, catalog: Any) -> str:
    """One what-if change (a ``Diff.change_codes`` entry) in words."""
    p = dict(params)
    en = lang == "en"
    none = t("prog_none", lang)
    if code == "status_changed":
        p = {"before": status_word(p["before"], lang), "after": status_word(p["after"], lang)}
    elif code == "tier_changed":
        suffix = "_label_en" if en else "_label"
        p = {k: p[k + suffix] or p[k + "_label"] or none for k in ("before", "after")}
    elif code == "in_force_changed":
        why = p.get("why")
        note = why_not_in_force(why, {k: v for k, v in p.items() if k not in ("before", "after", "why")}, lang) if why else ""
        p = {"before": t("prog_yes" if p["before"] else "prog_no", lang),
             "after": t("prog_yes" if p["after"] else "prog_no", lang),
             "note": t("prog_change_note", lang, note=note) if note else ""}
    elif code == "next_tier_changed":
        p = {k: (t("prog_change_next_tier_text", lang, label=(v.get("label_en") if en else None) or v["label"],
                   short_by=number(v["short_by"])) if v else none) for k, v in p.items()}
    elif code in ("no_longer_missing", "newly_missing"):
        p = {"facts": joined((fact_label(catalog, f, lang) for f in p["facts"]), lang, "prog_list_sep")}
    else:  # the gaps: a condition's label
        p["label"] = label(p["label"], lang, catalog)
        p.pop("fact", None)
    return t(f"prog_change_{code}", lang, **{k: v if isinstance(v, str) else number(v) for k, v in p.items()})


def render_what_if(diffs: Iterable[Any], catalog: Any, lang: str = "zh") -> str:
    """Only the programmes that changed, each with its changes."""
    lines = []
    for d in diffs:
        if not d.changed:
            continue
        lines.append(t("prog_whatif_title", lang, title=title(d.before, lang)))
        lines += [f"  {change_text(c, p, lang, catalog)}" for c, p in d.change_codes]
    return ("\n".join(lines) + "\n") if lines else t("prog_whatif_nothing", lang) + "\n"
