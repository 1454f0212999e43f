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
from locales.programmes import outlook_line

#: refusal_text is re-exported for its older callers (bot/cli_companies.py, tests).
__all__ = ["due_text", "outlook_text", "refusal_text", "summary_text"]


def summary_text(data: dict[str, Any], lang: str, catalog: Any) -> str:
    """The card shown before saving: every field of the draft, one line each."""
    none = t("none", lang)
    location = data.get("location")
    lines = [t("visit_summary_header", lang, company=escape(data.get("company", ""))),
             _way_line(data.get("way"), location, lang),
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


def _way_line(way: str | None, location: Any, lang: str) -> str:
    """The way as the way ("📞 电话"); a location is named only for an onsite visit, where one is
    expected (a phone visit has none to miss, so "未记录位置" there was noise)."""
    if way != "onsite":
        return t("visit_line_way_only", lang, way=way_label(way, lang))
    return t("visit_line_way", lang, way=way_label(way, lang),
             location=t("visit_location_yes", lang, lat=f"{location[0]:.4f}", lon=f"{location[1]:.4f}")
             if location else t("visit_location_no", lang))


def outlook_text(news: Any, company: str, lang: str, catalog: Any) -> str:
    """After saving: what the company qualifies for now, and what it is one step from (the
    programme's words from the programme renderer, locales.programmes)."""
    lines = [t("visit_outlook_header", lang, company=escape(company))]
    lines += [outlook_line(r, lang, catalog) for r in [*news.eligible, *news.one_step]]
    if not news:
        lines.append(t("visit_outlook_none", lang))
    return fit("\n".join(lines))


def due_text(day: date) -> str:
    return day.isoformat()
