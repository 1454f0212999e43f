"""Text for the company dialog: the overview, a card, a plan. User text escaped, fitted."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from dialogs.shared import topic_label, way_label
from locales import t
from locales.format import escape, fit
from services.companies import TITLES


def local_day(moment: datetime | None, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d") if moment else "—"


def coverage_line(cov: Any, start: date, end: date, lang: str) -> str:
    return t("coverage_line", lang, visited=cov.visited, assigned=cov.assigned, share=round(cov.share * 100),
             start=start.isoformat(), end=end.isoformat())


def overview_text(rows: list[Any], coverage: str | None, tz: ZoneInfo, lang: str, mine: bool) -> str:
    lines = [t("companies_header_mine" if mine else "companies_header_all", lang, count=len(rows))]
    if coverage:
        lines.append(coverage)
    for r in rows:
        lines.append(t("companies_row", lang, name=escape(r.name), last=local_day(r.last_visit, tz),
                       open=r.open_measures))
    if not rows:
        lines.append(t("companies_none", lang))
    lines.append(t("companies_hint", lang))
    return fit("\n".join(lines))


def card_text(card: Any, tz: ZoneInfo, lang: str, catalog: Any) -> str:
    c, none = card.company, t("none", lang)
    lines = [f"🏢 <b>{escape(c.name)}</b>",
             t("card_uscc", lang, uscc=escape(c.uscc) if c.uscc else t("card_uscc_missing", lang)),
             t("card_region", lang, region=escape(card.region or none)),
             t("card_industry", lang, industry=escape(c.industry or none)),
             t("card_specialist", lang, specialist=escape(card.specialist or t("card_unassigned", lang)))]
    held = [f"{t(f'title_{code}', lang)}（{escape(str(c.titles[code]))}）" if c.titles.get(code)
            else t(f"title_{code}", lang) for code in TITLES if code in (c.titles or {}) and c.titles[code] is not False]
    lines.append(t("card_titles", lang, titles="、".join(held) or none))
    facts = []
    for name, value in sorted((c.facts or {}).items()):
        if name not in catalog.registry.specs:
            continue
        src = card.sourced.get(f"fact:{name}")
        origin = t("card_fact_source", lang, source=escape(src.source), as_of=src.as_of.isoformat()) if src else ""
        shown = t("btn_yes", lang) if value is True else t("btn_no", lang) if value is False else escape(str(value))
        facts.append(t("company_fact_line", lang, label=escape(catalog.label(name, lang)), value=shown, origin=origin))
    if facts:
        lines.append(t("card_facts", lang))
        lines += facts[:15]
    if card.visits:
        lines.append(t("card_visits", lang))
        for v in card.visits:
            topics = "、".join(topic_label(x, lang) for x in v.topics)
            lines.append(t("card_visit_row", lang, day=local_day(v.visited_at, tz), way=way_label(v.way, lang),
                           who=escape(v.specialist), topics=topics or none))
    open_ = [m for m in card.measures if m.status == "open"]
    lines.append(t("card_plan", lang, open=len(open_), total=len(card.measures)))
    for m in open_[:5]:
        lines.append(measure_line(m, lang))
    return fit("\n".join(lines))


def measure_line(m: Any, lang: str, n: int | None = None) -> str:
    mark = "✅" if m.status == "done" else "⚠️" if m.overdue else "⏳"
    return t("plan_row", lang, mark=mark, n=f"{n}. " if n else "", what=escape(m.what), owner=escape(m.owner),
             due=m.due_on.isoformat(), postponed=t("plan_postponed", lang, count=m.postponed) if m.postponed else "")


def plan_text(company: Any, rows: list[Any], lang: str, notice: str | None = None) -> str:
    lines = [t("plan_header", lang, company=escape(company))]
    lines += [measure_line(m, lang, i) for i, m in enumerate(rows, 1)]
    if not rows:
        lines.append(t("plan_empty", lang))
    if notice:
        lines += ["", f"ℹ️ {notice}"]
    return fit("\n".join(lines))


__all__ = ["overview_text", "card_text", "plan_text", "coverage_line", "local_day"]
