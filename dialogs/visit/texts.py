"""Text for the visit dialog: the summary card, the outlook after saving (refusals and labels: dialogs.shared).

Everything a person typed or a company is called is escaped here and fitted to 4096
characters, so windows can show it as is.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from dialogs.shared import refusal_text, show_value, topic_label, way_label
from locales import t
from locales.format import escape, fit
from locales.programmes import fact_label, number
from locales.programmes import title as programme_title

#: refusal_text is re-exported for its older callers (bot/cli_companies.py, tests).
__all__ = ["due_text", "outlook_text", "refusal_text", "summary_text"]


def summary_text(data: dict[str, Any], lang: str, catalog: Any) -> str:
    """The card shown before saving: every field of the draft, one line each."""
    none = t("none", lang)
    location = data.get("location")
    lines = [t("visit_summary_header", lang, company=escape(data.get("company", ""))),
             t("visit_line_way", lang, way=way_label(data.get("way"), lang),
               location=t("visit_location_yes", lang, lat=f"{location[0]:.4f}", lon=f"{location[1]:.4f}")
               if location else t("visit_location_no", lang)),
             t("visit_line_topics", lang, topics="、".join(topic_label(c, lang) for c in data.get("topics", [])) or none)]
    if data.get("programmes"):
        titles = dict(data.get("programme_titles") or [])
        lines.append(t("visit_line_programmes", lang,
                       programmes="、".join(escape(titles.get(p, p)) for p in data["programmes"])))
    findings = data.get("findings") or ""
    lines.append(t("visit_line_findings", lang, findings=escape(findings[:1500]) or none))
    if data.get("voices"):
        lines.append(t("visit_line_voices", lang, count=len(data["voices"])))
    lines.append(t("visit_line_photos", lang, count=len(data.get("photos") or [])))
    facts = data.get("facts") or {}
    if facts:
        lines.append(t("visit_line_facts", lang, facts="；".join(
            f"{escape(catalog.label(k, lang))}={escape(show_value(v, lang))}" for k, v in facts.items())))
    measures = data.get("measures") or []
    lines.append(t("visit_line_measures", lang, count=len(measures)))
    for i, m in enumerate(measures, 1):
        lines.append(t("visit_measure_line", lang, n=i, what=escape(m["what"]), owner=escape(m.get("owner", "")),
                       due=m["due"]))
    if data.get("notice"):
        lines.append("")
        lines.append(f"ℹ️ {data['notice']}")
    return fit("\n".join(lines))


def outlook_text(news: Any, company: str, lang: str, catalog: Any) -> str:
    """After saving: what the company qualifies for now, and what it is one step from (the
    programme's words from the programme renderer, locales.programmes)."""
    lines = [t("visit_outlook_header", lang, company=escape(company))]
    title = (lambda r: escape(programme_title(r, lang)))
    lines += [f"✅ {title(r)}" + ("" if r.in_force else " " + t("visit_outlook_ended", lang)) for r in news.eligible]
    for r in news.one_step:
        gap = r.gaps[0]
        lines.append(f"🔜 {title(r)}: " + t("visit_outlook_short", lang, what=escape(fact_label(catalog, gap.fact, lang)),
                                              short_by=number(gap.short_by)))
    if not news:
        lines.append(t("visit_outlook_none", lang))
    return fit("\n".join(lines))


def due_text(day: date) -> str:
    return day.isoformat()
