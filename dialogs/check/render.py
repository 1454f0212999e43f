"""Text for the /check windows, from the engine's codes and numbers and the packs' labels.

Every word comes from the locale files or from a pack's bilingual labels (`label_zh` /
`label_en`, `title` / `title_en`, `benefit_zh` / `benefit_en`), so an English user reads
English throughout, the packs' notes included (each pack note has an English text).
Everything a user typed or a company is called is escaped here, and every text is
fitted to Telegram's 4096 characters, so the windows can show it as is.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from locales import t
from locales.format import escape, fit
from policy import ELIGIBLE, NOT_ELIGIBLE, Catalog, Line, ProgrammeInfo, ProgrammeResult
from locales.programmes import ended_on as _ended_on
from locales.programmes import force_note, period, unit, value_text
from policy.report import fmt_value

ICON = {ELIGIBLE: "✅", NOT_ELIGIBLE: "❌"}
UNKNOWN_ICON = "❓"
MARK = {True: "✅", False: "❌", None: UNKNOWN_ICON}
OP = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}


def icon(result: ProgrammeResult) -> str:
    return ICON.get(result.status, UNKNOWN_ICON)


def title(info: ProgrammeInfo, lang: str) -> str:
    return escape(info.title_en or info.title if lang == "en" else info.title)


def stars(result: ProgrammeResult) -> str:
    return "⭐" * result.tier if result.tier and result.status == ELIGIBLE else ""


def split(results: list[ProgrammeResult]) -> tuple[list[ProgrammeResult], list[ProgrammeResult]]:
    """In force (eligible first, then undecided, then not), and the rest (ended or not started),
    most recently ended first. The list and its buttons both follow this order."""
    rank = {ELIGIBLE: 0, NOT_ELIGIBLE: 2}
    live = sorted((r for r in results if r.in_force), key=lambda r: rank.get(r.status, 1))
    ended = sorted((r for r in results if not r.in_force), key=lambda r: -_ended_on(r.info, r.as_of).toordinal())
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


def short_reason(r: ProgrammeResult, lang: str, catalog: Catalog) -> str:
    if r.status == ELIGIBLE:
        text = t("check_eligible", lang)
        if r.next_tier is not None:
            text += t("check_next_tier", lang, tier=r.next_tier.tier, short_by=fmt_value(r.next_tier.short_by),
                      unit=unit(catalog, r.next_tier.fact, lang), what=escape(catalog.label(r.next_tier.fact, lang)))
        return text
    if r.status == NOT_ELIGIBLE:
        measurable = [g for g in r.gaps if g.short_by is not None and g.short_by > 0]
        if measurable:
            g = measurable[0]
            return t("check_short_by", lang, what=escape(catalog.label(g.fact, lang)), short_by=fmt_value(g.short_by),
                     unit=unit(catalog, g.fact, lang))
        return t("check_not_eligible", lang, count=len(r.gaps))
    return t("check_needs_info", lang, count=len(r.missing))


def pad(lang: str) -> str:
    """An indent: a full-width space in Chinese, two spaces in English."""
    return "　" if lang == "zh" else "  "


def _entry(r: ProgrammeResult, lang: str, catalog: Catalog) -> list[str]:
    return [f"{icon(r)} <b>{title(r.info, lang)}</b> {stars(r)}".rstrip(), pad(lang) + short_reason(r, lang, catalog)]


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
                lines += _entry(r, lang, catalog)
                lines.append(pad(lang) + "⏹ " + force_note(r, lang))
        else:
            lines.append(t("check_ended_hidden", lang))
    lines.append("")
    lines.append(t("check_summary_footer", lang))
    return fit("\n".join(lines))


def button_label(r: ProgrammeResult, lang: str) -> str:
    name = (r.title_en or r.title) if lang == "en" else r.title
    return f"{icon(r)} {name if len(name) <= 30 else name[:29] + '…'}"


# ---------------------------------------------------------------- detail


def detail_text(r: ProgrammeResult, lang: str, catalog: Catalog) -> str:
    lines = [f"{icon(r)} <b>{title(r.info, lang)}</b> {stars(r)}".rstrip(),
             t(f"check_status_{r.status}", lang), ""]
    conditions = r.lines
    if conditions and conditions[0].kind in ("all", "any") and conditions[0].depth == 0:
        head, conditions = conditions[0], conditions[1:]
        lines.append(t("check_need_all" if head.kind == "all" else "check_need_any", lang))
    else:
        lines.append(t("check_need_all", lang))
    for line in conditions:
        lines += _condition(line, lang, catalog)
    if r.missing:
        lines.append(t("check_missing", lang, facts="；".join(escape(catalog.label(f, lang)) for f in r.missing)
                       if lang == "zh" else "; ".join(escape(catalog.label(f, lang)) for f in r.missing)))
    lines.append("")
    benefit = (r.info.benefit_en or r.info.benefit_zh) if lang == "en" else r.benefit
    lines.append(t("check_benefit", lang, benefit=escape(benefit)))
    lines.append(t("check_period", lang, period=period(r.info, lang), state=force_note(r, lang)))
    lines += ["ℹ️ " + escape(note) for note in r.notes_in(lang)]
    lines.append(t("check_citation", lang, citation=escape(r.citation.text())))
    return fit("\n".join(lines))


def _condition(line: Line, lang: str, catalog: Catalog) -> list[str]:
    indent = pad(lang) * max(line.depth - 1, 0)
    label = line.label_en if lang == "en" else line.label_zh
    text = f"{indent}{MARK[line.value]} {escape(label)}"
    if line.fact and line.kind in ("compare", "ratio", "weighted", "tiers") and not isinstance(line.have, bool):
        short = ""
        if line.value is False and line.short_by is not None and line.short_by > 0:
            short = t("check_have_short", lang, short_by=fmt_value(line.short_by), unit=unit(catalog, line.fact, lang))
        text += t("check_have", lang, have=value_text(catalog, line.fact, line.have, lang), short=short)
    if line.citation is not None and line.kind not in ("all", "any"):
        text += t("check_clause", lang, clause=escape(line.citation.clause))
    out = [text]
    note = (line.note_en or None) if lang == "en" else line.note
    if note:
        out.append(f"{indent}{pad(lang)}ℹ️ {escape(note)}")
    return out


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
        lines.append(f"{icon(b)}→{icon(a)} <b>{title(a.info, lang)}</b> {stars(a)}".rstrip())
        ended = "" if a.in_force else t("whatif_not_in_force", lang, state=force_note(a, lang))
        lines.append(pad(lang) + short_reason(a, lang, catalog) + ended)
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
