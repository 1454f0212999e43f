"""Text for the /check windows: a result's pieces from the programme renderer, laid out per window.

Every word comes from the locale files (the results' through ``locales.programmes``, the one
programme renderer) or from a pack's bilingual texts, so an English user reads English
throughout, the packs' notes included. Everything a user typed or a company is called is
escaped here, and every text is fitted to Telegram's 4096 characters, so the windows can
show it as is.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from dialogs.shared import short_label
from locales import t
from locales.format import escape, fit
from locales.programmes import ended_on, force_note, result_lines, short_reason
from locales.programmes import title as plain_title
from locales.programmes.chat import ICON, MARK, UNKNOWN_ICON, heading, icon, pad, stars
from policy import ELIGIBLE, NOT_ELIGIBLE, Catalog, ProgrammeInfo, ProgrammeResult

__all__ = ["ICON", "MARK", "UNKNOWN_ICON", "icon", "title", "stars", "split", "question_text", "short_reason", "pad",
           "summary_text", "button_label", "detail_text", "whatif_text", "news_line", "news_text"]


def title(info: ProgrammeInfo, lang: str) -> str:
    return escape(plain_title(info, lang))


def split(results: list[ProgrammeResult]) -> tuple[list[ProgrammeResult], list[ProgrammeResult]]:
    """In force (eligible first, then undecided, then not), and the rest (ended or not started),
    most recently ended first. The list and its buttons both follow this order."""
    rank = {ELIGIBLE: 0, NOT_ELIGIBLE: 2}
    live = sorted((r for r in results if r.in_force), key=lambda r: rank.get(r.status, 1))
    ended = sorted((r for r in results if not r.in_force), key=lambda r: -ended_on(r.info, r.as_of).toordinal())
    return live, ended


# ---------------------------------------------------------------- question


def question_text(catalog: Catalog, company: str, fact: str, answered: int, lang: str, kind: str,
                  notice: str | None = None, several: bool = False) -> str:
    lines = [f"⚠️ {notice}", ""] if notice else []
    lines.append(t("check_question", lang, company=escape(company), question=escape(catalog.question(fact, lang)),
                   answered=answered))
    hint = {"count": "hint_count", "money": "hint_money", "ratio": "hint_ratio", "money3": "hint_money3",
            "date": "hint_date"}.get(kind)
    if hint:
        lines.append(t(hint, lang))
    if several:
        lines.append(t("hint_several", lang))
    return fit("\n".join(lines))


# ---------------------------------------------------------------- results


def _entry(r: ProgrammeResult, lang: str, catalog: Catalog) -> list[str]:
    return [heading(r, lang), pad(lang) + short_reason(r, lang, catalog)]


def summary_text(results: list[ProgrammeResult], company: str, as_of: date, lang: str, catalog: Catalog, *,
                 show_ended: bool = False, notice: str | None = None) -> str:
    live, ended = split(results)
    lines = [notice, ""] if notice else []
    lines.append(t("check_summary_header", lang, company=escape(company), as_of=as_of.isoformat()))
    if not live:
        lines.append(t("check_none_in_force", lang))
    for r in live:
        lines += _entry(r, lang, catalog)
    if ended:
        lines += ["", t("check_ended_header", lang, count=len(ended))]
        if show_ended:
            for r in ended:
                lines += _entry(r, lang, catalog)  # short_reason gives "⏹ 已于 … 结束" for these
        else:
            lines.append(t("check_ended_hidden", lang))
    lines.append("")
    lines.append(t("check_summary_footer", lang))
    return fit("\n".join(lines))


def button_label(r: ProgrammeResult, lang: str) -> str:
    name = plain_title(r, lang)
    return f"{icon(r)} {short_label(name, 29)}"  # cut at a word; the full title is in the message


# ---------------------------------------------------------------- detail


def detail_text(r: ProgrammeResult, lang: str, catalog: Catalog) -> str:
    return fit("\n".join(result_lines(r, lang, catalog)))


# ---------------------------------------------------------------- what-if, news


def whatif_text(before: list[ProgrammeResult], after: list[ProgrammeResult], shown: Iterable[str], lang: str,
                catalog: Catalog) -> str:
    sep = "；" if lang == "zh" else "; "
    lines = [t("whatif_header", lang, change=sep.join(escape(s) for s in shown))]
    changed = 0
    for b, a in zip(before, after):
        if (b.status, b.tier, short_reason(b, lang, catalog)) == (a.status, a.tier, short_reason(a, lang, catalog)):
            continue
        changed += 1
        lines.append(f"{icon(b)}→{heading(a, lang)}")
        lines.append(pad(lang) + short_reason(a, lang, catalog))  # an ended one: its end, no gap
    if not changed:
        lines.append(t("whatif_nothing", lang))
    lines += ["", t("whatif_more", lang)]
    return fit("\n".join(lines))


def news_line(news, lang: str) -> str:  # noqa: ANN001
    """One line: what the saved change newly qualifies for, or brings one step away."""
    sep = "、" if lang == "zh" else ", "
    parts = []
    if news.eligible:
        parts.append(t("news_eligible", lang, titles=sep.join(title(r.info, lang) for r in news.eligible)))
    if news.one_step:
        parts.append(t("news_one_step", lang, titles=sep.join(title(r.info, lang) for r in news.one_step)))
    return ("；" if lang == "zh" else "; ").join(parts)


def news_text(news, company: str, lang: str, catalog: Catalog) -> str:  # noqa: ANN001
    """For the specialist, when a company's own user saved new facts."""
    lines = [t("news_header", lang, company=escape(company))]
    lines += [f"✅ {title(r.info, lang)} {stars(r)}".rstrip() for r in news.eligible]
    lines += [f"🔜 {title(r.info, lang)}：{short_reason(r, lang, catalog)}" for r in news.one_step]
    return fit("\n".join(lines))
