"""Text for the /check dialog: question, result summary, one programme's detail, what-if.

Everything a user typed or a company is called is escaped here, and every text
is fitted to Telegram's 4096 characters, so the windows can show it as is.
"""

from __future__ import annotations

from datetime import date

from locales import t
from locales.format import escape, fit
from policy import ELIGIBLE, NOT_ELIGIBLE, Catalog, Diff, Line, ProgrammeResult
from policy.report import fmt_value as _fmt
from policy.report import gap_line, have_text

ICON = {ELIGIBLE: "✅", NOT_ELIGIBLE: "❌"}
UNKNOWN_ICON = "❓"


def icon(result: ProgrammeResult) -> str:
    return ICON.get(result.status, UNKNOWN_ICON)


def title(result: ProgrammeResult, lang: str) -> str:
    return escape(result.title_en if lang == "en" else result.title)


def stars(result: ProgrammeResult) -> str:
    return "⭐" * result.tier if result.tier else ""


def question_text(catalog: Catalog, company: str, fact: str, answered: int, remaining: int, affects: int,
                  lang: str) -> str:
    return fit(t("check_question", lang, company=escape(company), question=escape(catalog.question(fact, lang)),
                 answered=answered, remaining=remaining, affects=affects))


def summary_text(results: list[ProgrammeResult], company: str, as_of: date, lang: str, catalog: Catalog) -> str:
    lines = [t("check_summary_header", lang, company=escape(company), as_of=as_of.isoformat())]
    for r in sorted(results, key=lambda r: (not r.in_force, r.status != ELIGIBLE)):
        lines.append(f"{icon(r)} <b>{title(r, lang)}</b> {stars(r)}".rstrip())
        lines.append("   " + short_reason(r, lang, catalog))
        if not r.in_force:
            lines.append("   ⚠️ " + t("check_period_ended", lang, period=escape(r.period_text)))
    lines.append(t("check_summary_footer", lang))
    return fit("\n".join(lines))


def short_reason(r: ProgrammeResult, lang: str, catalog: Catalog) -> str:
    if r.status == ELIGIBLE:
        text = t("check_eligible", lang)
        if r.next_tier is not None:
            text += " " + t("check_next_tier", lang, tier=r.next_tier.tier, short_by=_fmt(r.next_tier.short_by),
                            what=escape(catalog.label(r.next_tier.fact, lang)))
        return text
    if r.status == NOT_ELIGIBLE:
        measurable = [g for g in r.gaps if g.short_by is not None and g.short_by > 0]
        if measurable:
            g = measurable[0]
            return t("check_short_by", lang, what=escape(catalog.label(g.fact, lang)), short_by=_fmt(g.short_by),
                     unit=escape(g.node.unit_zh if lang == "zh" else ""))
        return t("check_not_eligible", lang, count=len(r.gaps))
    return t("check_needs_info", lang, count=len(r.missing))


def detail_text(r: ProgrammeResult, lang: str, catalog: Catalog) -> str:
    lines = [f"{icon(r)} <b>{title(r, lang)}</b> {stars(r)}".rstrip(), escape(r.status_zh if lang == "zh" else r.status)]
    lines.append(t("check_benefit", lang, benefit=escape(r.benefit)))
    lines.append(t("check_period", lang, period=escape(r.period_text)))
    if r.in_force_note:
        lines.append("⚠️ " + escape(r.in_force_note))
    lines.append("")
    for line in r.lines:
        lines.append(_condition(line, lang, catalog))
    for g in r.gaps:
        lines.append("📉 " + escape(gap_line(g, catalog.registry)))
    if r.next_tier is not None:
        lines.append("⬆️ " + t("check_next_tier", lang, tier=r.next_tier.tier, short_by=_fmt(r.next_tier.short_by),
                              what=escape(catalog.label(r.next_tier.fact, lang))))
    if r.missing:
        lines.append(t("check_missing", lang, facts="；".join(escape(catalog.label(f, lang)) for f in r.missing)))
    for note in r.notes:
        lines.append("ℹ️ " + escape(note))
    lines.append(t("check_citation", lang, citation=escape(r.citation.text())))
    return fit("\n".join(lines))


def _condition(line: Line, lang: str, catalog: Catalog) -> str:
    mark = {True: "✅", False: "❌", None: UNKNOWN_ICON}[line.value]
    label = line.label_en if lang == "en" else line.label_zh
    text = f"{'  ' * line.depth}{mark} {escape(label)}"
    if line.fact and line.have is not None and not isinstance(line.have, bool):
        text += " " + t("check_have", lang, have=escape(have_text(line.have)))
    if line.citation is not None and line.kind not in ("all", "any"):
        text += f" 〔{escape(line.citation.clause)}〕"
    return text


def whatif_text(diffs: list[Diff], change: str, lang: str) -> str:
    changed = [d for d in diffs if d.changed]
    lines = [t("whatif_header", lang, change=escape(change))]
    if not changed:
        lines.append(t("whatif_nothing", lang))
    for d in changed:
        lines.append(f"{icon(d.before)}→{icon(d.after)} <b>{escape(d.title)}</b>")
        lines.extend("   " + escape(c) for c in d.changes)
    return fit("\n".join(lines))


def news_text(news, company: str, lang: str, catalog: Catalog) -> str:  # noqa: ANN001
    lines = [t("news_header", lang, company=escape(company))]
    lines += [f"✅ {title(r, lang)} {stars(r)}".rstrip() for r in news.eligible]
    lines += [f"🔜 {title(r, lang)}: {short_reason(r, lang, catalog)}" for r in news.one_step]
    return fit("\n".join(lines))
