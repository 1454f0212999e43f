"""Text for the visit and company dialogs: the summary card, refusals, the outlook after saving.

Everything a person typed or a company is called is escaped here and fitted to 4096
characters, so windows can show it as is.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from locales import t
from locales.format import escape, fit
from policy.report import fmt_value
from services.errors import Refusal

WAY_ICON = {"onsite": "🏭", "phone": "📞", "online": "💻"}


def refusal_text(exc: Exception, lang: str) -> str:
    """The sentence for a refused request: `vr_<code>` (USCC problems by their reason)."""
    if not isinstance(exc, Refusal):  # FactError and the like name their problem themselves
        return t("vr_fact_invalid", lang, problem=escape(str(exc))[:300])
    code = exc.code
    if code == "bad_uscc":
        code = f"bad_uscc_{exc.params.get('reason', 'length')}"
    params = {k: escape(str(v))[:80] for k, v in exc.params.items() if k != "changes"}
    if code == "conflict":
        params["changes"] = "\n".join(
            t("vr_conflict_line", lang, field=escape(field_label(f, lang)), theirs=escape(_show(theirs, lang)),
              mine=escape(_show(mine, lang))) for f, theirs, mine in exc.params.get("changes", []))
    try:
        return t(f"vr_{code}", lang, **params)
    except KeyError:
        return t("vr_generic", lang, code=escape(code))


def field_label(field: str, lang: str, catalog: Any = None) -> str:
    if field.startswith("fact:"):
        return catalog.label(field[5:], lang) if catalog is not None else field[5:]
    if field.startswith("title:"):
        return t(f"title_{field[6:]}", lang)
    return t(f"field_{field}", lang)


def _show(value: Any, lang: str) -> str:
    if value is True:
        return t("btn_yes", lang)
    if value is False:
        return t("btn_no", lang)
    return t("none", lang) if value is None else str(value)


def topic_label(code: str, lang: str) -> str:
    return t(f"topic_{code}", lang)


def way_label(code: str | None, lang: str) -> str:
    return f"{WAY_ICON.get(code or '', '')} {t(f'way_{code}', lang)}" if code else t("none", lang)


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
            f"{escape(catalog.label(k, lang))}={escape(_show(v, lang))}" for k, v in facts.items())))
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
    """After saving: what the company qualifies for now, and what it is one step from."""
    lines = [t("visit_outlook_header", lang, company=escape(company))]
    title = (lambda r: escape(r.title_en if lang == "en" else r.title))
    lines += [f"✅ {title(r)}" + ("" if r.in_force else " " + t("visit_outlook_ended", lang)) for r in news.eligible]
    for r in news.one_step:
        gap = r.gaps[0]
        lines.append(f"🔜 {title(r)}: " + t("visit_outlook_short", lang, what=escape(catalog.label(gap.fact, lang)),
                                              short_by=fmt_value(gap.short_by)))
    if not news:
        lines.append(t("visit_outlook_none", lang))
    return fit("\n".join(lines))


def due_text(day: date) -> str:
    return day.isoformat()
