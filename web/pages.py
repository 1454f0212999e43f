"""The workbench's views as HTML fragments: what services/workbench.py computed, in words.

Every piece of text that came from a person (names, measures, findings, questions) goes
through `html.escape` (`_e`) here; the sentences come from locales/*.workbench.yaml.
A link to the list behind a figure carries ``data-view`` (the page's script fetches it
with the same Authorization header); the roster carries ``data-download``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from html import escape
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from locales import t
from locales.programmes.chat import value_text
from locales.regions import region_label
from policy import Catalog
from services.digest import Figure
from services.figure_text import count_change, figure_number
from services.regions import lookup
from services.trained_text import ended_lines, rate_line
from services.workbench import CompanyPage, SmePage, WeekPage
from web.svg import progress_bar, trend_chart

__all__ = ["VIEW", "week_view", "visits_view", "overdue_view", "unvisited_view", "questions_view", "companies_view",
           "company_view", "sme_view", "percent"]

#: Where the fragments live (web/app.py routes them).
VIEW = "/workbench/view"


def _e(value: object) -> str:
    return escape("" if value is None else str(value))


def percent(share: float | None) -> str:
    return figure_number("coverage", share) or "—"


def _num(value: float | None) -> str:
    """A count as the chat digest shows it (services.figure_text), "—" without data."""
    return figure_number("count", value) or "—"


def _link(path: str, text: str, **query: object) -> str:
    args = {k: v for k, v in query.items() if v not in (None, "")}
    href = f"{VIEW}/{path}" + (f"?{urlencode(args)}" if args else "")
    return f'<a href="{_e(href)}" data-view="{_e(href)}">{text}</a>'


def _local(moment: datetime | None, tz: ZoneInfo) -> str:
    return "—" if moment is None else moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _day(day: date | None) -> str:
    return "—" if day is None else day.isoformat()


def _table(headers: Iterable[str], rows: Iterable[Iterable[str]], cls: str = "") -> str:
    """A table of cells already escaped (or built of escaped parts)."""
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f'<div class="scroll"><table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def _figure_link(path: str, value: str, key: str, **query: object) -> str:
    args = {k: v for k, v in query.items() if v not in (None, "")}
    href = f"{VIEW}/{path}" + (f"?{urlencode(args)}" if args else "")
    return f'<a class="tile-link" href="{_e(href)}" data-view="{_e(href)}"><span class="value" ' \
           f'data-figure="{_e(key)}">{value}</span></a>'


def _figure(key: str, value: str, lang: str, path: str | None = None, note: str = "", **query: object) -> str:
    shown = _figure_link(path, value, key, **query) if path else \
        f'<span class="value" data-figure="{_e(key)}">{value}</span>'
    return f'<div class="tile"><div class="label">{t(f"wb_fig_{key}", lang)}</div>{shown}<div class="note">{note}</div></div>'


def _change(figure: Figure, lang: str) -> str:
    change = count_change(figure)
    return "" if change is None else t("wb_change", lang, change=change)


def week_view(page: WeekPage, lang: str) -> str:
    """The supervisor's week: figures (each a link to its list), breakdowns, trend, trainees, roster."""
    d, week = page.digest, page.week.label
    region = region_label(page.region, lang) if page.region else t("wb_all_regions", lang)
    fig = {f.key: f for f in d.figures}
    visits, reached, coverage = fig["visits"], fig["companies_reached"], fig["coverage"]
    out = [f'<h1>{t("wb_week_title", lang, week=_e(week))}</h1>',
           f'<p class="sub">{t("wb_week_span", lang, start=page.week.start.isoformat(), end=page.week.end.isoformat(), region=region)}</p>',
           _week_picker(page, lang), '<div class="tiles">',
           _figure("visits", _num(visits.value), lang, "visits", _change(visits, lang), week=week),
           _figure("companies_reached", _num(reached.value), lang, "visits",
                   _change(reached, lang), week=week),
           _figure("coverage", percent(coverage.value), lang, "unvisited", "", week=week),
           _figure("unvisited_month", str(page.unvisited_month), lang, "unvisited", "", week=week),
           _figure("overdue", _num(d.overdue_total), lang, "overdue", "", week=week),
           _figure("questions", str(d.unanswered_total), lang, "questions", "", week=week),
           _figure("new_eligible", _num(fig["new_eligible"].value), lang),
           _figure("people_trained", _num(fig["people_trained"].value), lang), "</div>",
           _trainees(page, lang)]
    out.append(f'<h2>{t("wb_trend_title", lang)}</h2>')
    out.append(trend_chart([(p.week, p.visits, p.companies) for p in page.trend], t("wb_trend_title", lang),
                           t("wb_trend_visits", lang), t("wb_trend_companies", lang)))
    out.append(f'<h2>{t("wb_by_specialist", lang)}</h2>')
    out.append(_table([t("wb_col_specialist", lang), t("wb_col_visits", lang), t("wb_col_assigned", lang),
                       t("wb_col_visited_year", lang), t("wb_col_coverage", lang)],
                      ([_e(s.name), _link("visits", str(s.visits), week=week, specialist=s.specialist_id),
                        str(s.assigned), str(s.visited), percent(s.coverage)] for s in page.specialists),
                      "specialists"))
    out.append(f'<h2>{t("wb_by_district", lang)}</h2>')
    out.append(_table([t("wb_col_district", lang), t("wb_col_companies", lang), t("wb_col_visits", lang),
                       t("wb_col_assigned", lang), t("wb_col_visited_year", lang), t("wb_col_coverage", lang)],
                      ([_district(x.code, x.name), str(x.companies),
                        _link("visits", str(x.visits), week=week, district=x.code),
                        str(x.assigned), str(x.visited), percent(x.coverage)] for x in page.districts), "districts"))
    roster = f"/workbench/roster.xlsx?{urlencode({'week': week})}"
    out.append(f'<p class="actions"><a href="{_e(roster)}" data-download="{_e(roster)}" '
               f'data-filename="{_e(week)}.xlsx">{t("wb_roster", lang, week=_e(week))}</a></p>')
    return "".join(out)


def _district(code: str, full_name: str) -> str:
    """A district by its own name (吴中区), the full one (江苏省苏州市吴中区) on hover: the
    week is one region's, and the full names would wrap a phone's column a character a line."""
    region = lookup(code)
    if region is None:
        return _e(full_name)
    return f'<span title="{_e(full_name)}">{_e(region.name)}</span>'


def _week_picker(page: WeekPage, lang: str) -> str:
    before = page.week.before().label
    return (f'<div class="nav">{_link("week", t("wb_week_before", lang, week=_e(before)), week=before)} · '
            f'<form class="pick" data-view-form="{VIEW}/week"><label>{t("wb_week_choose", lang)} '
            f'<input name="week" value="{_e(page.week.label)}" pattern="\\d{{4}}-W\\d{{2}}" size="9"></label>'
            f'<button>{t("wb_go", lang)}</button></form></div>')


def _trainees(page: WeekPage, lang: str) -> str:
    """The digest's training line: in force, the count against the cited target with the
    projected date; ended, the same lines as /progress and the digest (services.trained_text)."""
    line = page.digest.trainees
    progress = line.progress
    if progress is None:
        return f'<p class="trainees">{t("wb_trainees_no_data", lang)}</p>'
    target, cited = progress.target, progress.target.citation or {}
    citation = " ".join(_e(cited[k]) for k in ("document", "clause") if cited.get(k))
    region = t("wb_region_part", lang, people=f"{line.region_value:,}") if line.region_value is not None else ""
    if progress.in_force:
        projected = _day(progress.projected_date) if progress.projected_date else t("wb_projected_none", lang)
        text = t("wb_trainees", lang, trained=f"{progress.trained:,}", target=f"{target.people:,}",
                 share=percent(progress.share), start=target.start.isoformat(), end=target.end.isoformat(),
                 projected=projected) + region + "<br>" + rate_line(progress, lang)
    else:
        text = "<br>".join(ended_lines(progress, lang, region))
    return (f'<h2>{t("wb_trainees_title", lang)}</h2><p class="cite">{citation}</p>'
            f'<p class="trainees" data-figure="trainees">{text}</p>{progress_bar(progress.share, percent(progress.share))}')


def visits_view(rows: list[Mapping[str, Any]], week: str, lang: str, tz: ZoneInfo) -> str:
    body = _table([t("wb_col_when", lang), t("wb_col_company", lang), t("wb_col_specialist", lang),
                   t("wb_col_topic", lang), t("wb_col_notes", lang)],
                  ([_local(r["visited_at"], tz), _company_link(r.get("company_id"), r.get("company_name")),
                    _e(r.get("specialist_name")), _e(r.get("topic")), _e(r.get("notes"))] for r in rows),
                  "list dated")
    return _list_page(t("wb_list_visits", lang, week=_e(week), count=len(rows)), week, body, lang)


def overdue_view(rows: list[Mapping[str, Any]], week: str, lang: str) -> str:
    body = _table([t("wb_col_due", lang), t("wb_col_company", lang), t("wb_col_measure", lang),
                   t("wb_col_specialist", lang), t("wb_col_owner", lang)],
                  ([_day(r.get("due_on")), _e(r.get("company_name")), _e(r.get("measure")), _e(r.get("specialist_name")),
                    _e(r.get("owner_name"))] for r in rows), "list dated")
    return _list_page(t("wb_list_overdue", lang, week=_e(week), count=len(rows)), week, body, lang)


def unvisited_view(rows: list[Mapping[str, Any]], week: str, lang: str) -> str:
    body = _table([t("wb_col_company", lang), t("wb_col_district", lang), t("wb_col_specialist", lang)],
                  ([_company_link(r["company_id"], r["company_name"]), _e(r.get("region_code")),
                    _e(r.get("specialist_name") or "—")] for r in rows), "list")
    return _list_page(t("wb_list_unvisited", lang, week=_e(week), count=len(rows)), week, body, lang)


def questions_view(rows: list[Mapping[str, Any]], week: str, lang: str, tz: ZoneInfo) -> str:
    body = _table([t("wb_col_asked", lang), t("wb_col_company", lang), t("wb_col_question", lang),
                   t("wb_col_waiting", lang)],
                  ([_local(r.get("asked_at"), tz), _e(r.get("company_name")), _e(r.get("question")),
                    str(r.get("waiting_days", ""))] for r in rows), "list dated")
    return _list_page(t("wb_list_questions", lang, week=_e(week), count=len(rows)), week, body, lang)


def _list_page(title: str, week: str, body: str, lang: str) -> str:
    return f'<p class="nav">{_link("week", t("wb_back_week", lang), week=week)}</p><h1>{title}</h1>{body}'


def _company_link(company_id: int | None, name: object) -> str:
    return _link(f"company/{int(company_id)}", _e(name)) if company_id else _e(name)


def companies_view(rows: list, lang: str, tz: ZoneInfo) -> str:
    """A specialist's companies, what needs a visit first."""
    body = _table([t("wb_col_company", lang), t("wb_col_last_visit", lang), t("wb_col_open_measures", lang)],
                  ([_company_link(r.id, r.name), _local(r.last_visit, tz) if r.last_visit else t("wb_never", lang),
                    str(r.open_measures)] for r in rows), "list companies")
    return f'<h1>{t("wb_companies_title", lang, count=len(rows))}</h1><p class="sub">{t("wb_companies_order", lang)}</p>{body}'


def _results(results: list, catalog: Catalog, lang: str) -> str:
    """The programmes in force first; those not in force (often most of a pack's history)
    folded away under one line, so a phone shows what can be applied for now."""
    if not results:
        return f'<p>{t("wb_no_results", lang)}</p>'
    current = [r for r in results if r.in_force]
    ended = [r for r in results if not r.in_force]
    out = f'<ul class="results">{_result_items(current, catalog, lang)}</ul>' if current else ""
    if ended:
        out += (f'<details class="ended-results"><summary>{t("wb_ended_programmes", lang, count=len(ended))}'
                f'</summary><ul class="results">{_result_items(ended, catalog, lang)}</ul></details>')
    return out


def _result_items(results: list, catalog: Catalog, lang: str) -> str:
    items = []
    for r in results:
        title = r.title_en if lang == "en" and r.title_en else r.title
        tier = (r.tier_label_en if lang == "en" else r.tier_label) or ""
        missing = "、".join(_e(catalog.label(f, lang)) for f in r.missing if f in catalog.registry)
        state = "" if r.in_force else f' <span class="ended">{t("wb_not_in_force", lang)}</span>'
        items.append(f'<li class="result {_e(r.status)}" data-programme="{_e(r.policy)}"><b>{_e(title)}</b> '
                     f'<span class="status">{t(f"wb_status_{r.status}", lang)}</span> {_e(tier)}{state}'
                     f'<div class="cite">{_e(r.citation.text())}</div>'
                     + (f'<div class="missing">{t("wb_missing", lang, facts=missing)}</div>' if missing else "")
                     + "</li>")
    return "".join(items)


def _measures(measures: list, lang: str) -> str:
    if not measures:
        return f'<p>{t("wb_no_measures", lang)}</p>'
    return _table([t("wb_col_measure", lang), t("wb_col_owner", lang), t("wb_col_due", lang), t("wb_col_status", lang)],
                  ([_e(m.what), _e(m.owner), _day(m.due_on),
                    t("wb_overdue", lang) if m.overdue else t(f"wb_measure_{m.status}", lang)] for m in measures),
                  "measures")


def company_view(page: CompanyPage, catalog: Catalog, lang: str, tz: ZoneInfo) -> str:
    card, company = page.card, page.card.company
    visits = _table([t("wb_col_when", lang), t("wb_col_specialist", lang), t("wb_col_notes", lang)],
                    ([_local(v.visited_at, tz), _e(v.specialist), _e(v.findings)] for v in card.visits),
                    "visits dated") \
        if card.visits else f'<p>{t("wb_no_visits", lang)}</p>'
    facts = _table([t("wb_col_fact", lang), t("wb_col_value", lang)],
                   ([_e(catalog.label(name, lang)), value_text(catalog, name, value, lang)]
                    for name, value in sorted(page.facts.items())), "facts") \
        if page.facts else f'<p>{t("wb_no_facts", lang)}</p>'
    return (f'<h1 data-company="{company.id}">{_e(company.name)}</h1>'
            f'<p class="sub">{_e(company.uscc or "")} · {_e(card.region)} · '
            f'{t("wb_specialist", lang, name=_e(card.specialist or "—"))}</p>'
            f'<h2>{t("wb_visits", lang)}</h2>{visits}<h2>{t("wb_measures", lang)}</h2>{_measures(card.measures, lang)}'
            f'<h2>{t("wb_facts", lang)}</h2>{facts}'
            f'<h2>{t("wb_eligibility", lang)}</h2>{_results(page.results, catalog, lang)}')


def sme_view(page: SmePage, catalog: Catalog, lang: str) -> str:
    return (f'<h1 data-company="{page.company_id}">{_e(page.name)}</h1>'
            f'<h2>{t("wb_measures", lang)}</h2>{_measures(page.measures, lang)}'
            f'<h2>{t("wb_eligibility", lang)}</h2>{_results(page.results, catalog, lang)}')
