"""The digest as text: Telegram HTML, and the work chats' markdown, each within its size limit.

One renderer, two styles: `HTML` escapes user text for parse_mode HTML; `MARKDOWN`
turns markdown's markup characters in user text into full-width look-alikes (WeCom also
reads <font> tags, so < > too), and writes our bold as **…**. When the text is
over the limit, the lists (overdue measures, waiting questions) are shortened, with a
line saying how many more there are and that the roster has them all.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

from locales import t
from locales.format import fit
from services.digest import Digest, Figure, TargetLine, TrainingLine
from services.figure_text import count_change, figure_number
from services.regions import lookup
from services.trained_text import ended_lines, rate_line

__all__ = ["HTML", "MARKDOWN", "Style", "render", "telegram_text", "markdown_text"]

BAR_CELLS = 10
TELEGRAM_LIMIT = 4096
# Markup characters in user text become their full-width forms: every work chat's
# markdown dialect leaves those alone, and backslash escapes are not honoured by all.
_MD_SAFE = str.maketrans("*_`[]<>#~|", "＊＿｀［］＜＞＃～｜")


@dataclass(frozen=True)
class Style:
    escape: Callable[[str], str]
    bold: Callable[[str], str]  # applied to a rendered locale line (turns <b> into the style's bold)
    size: Callable[[str], int]


def _md_escape(text: str) -> str:
    text = " ".join(str(text).split())  # one line: a newline would break the list
    return text.translate(_MD_SAFE)


HTML = Style(lambda s: html.escape(" ".join(str(s).split())), lambda line: line,
             lambda text: len(text.encode("utf-16-le")) // 2)
MARKDOWN = Style(_md_escape, lambda line: line.replace("<b>", "**").replace("</b>", "**"),
                 lambda text: len(text.encode("utf-8")))


def _clip(text: str, limit: int = 80) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _number(value: float | None, key: str, lang: str) -> str:
    return figure_number(key, value) or t("digest_no_data", lang)


def _figure(f: Figure, lang: str) -> str:
    label = t(f"digest_fig_{f.key}", lang)
    if f.value is None:
        return f"{label}：{t('digest_no_data', lang)}" if lang == "zh" else f"{label}: {t('digest_no_data', lang)}"
    if f.key == "coverage":
        change = t("digest_fig_was", lang, value=_number(f.before, f.key, lang))
    else:
        change = count_change(f) or "±0"
    return t("digest_fig_line", lang, label=label, value=_number(f.value, f.key, lang), change=change)


def progress_bar(fraction: float) -> str:
    filled = max(0, min(BAR_CELLS, round(fraction * BAR_CELLS)))
    return "█" * filled + "░" * (BAR_CELLS - filled)


def _region_part(line: TargetLine | TrainingLine, lang: str) -> str:
    return "" if line.region_value is None else t("digest_region_part", lang, count=f"{line.region_value:,}")


def _region_name(code: str | None, lang: str) -> str:
    """The region by name and code, as a supervisor forwarding it to the province reads it."""
    region = lookup(code)
    if region is None:
        return code or t("export_all_regions", lang)
    key = "region_label_province" if region.level == "province" else "region_label"
    return t(key, lang, name=region.full_name, code=region.code)


def render(digest: Digest, lang: str, style: Style, roster_line: str = "", max_items: int = 10) -> str:
    """The whole digest with at most `max_items` entries per list."""
    esc, w = style.escape, digest.week
    out = [t("digest_title", lang, week=w.label, start=f"{w.start:%m-%d}", end=f"{w.end:%m-%d}"),
           t("digest_region", lang, region=esc(_region_name(digest.region, lang))), ""]
    out.append(t("digest_figures_header", lang))
    out += [_figure(f, lang) for f in digest.figures]
    if digest.empty:
        out.append(t("digest_empty_week", lang))

    trainees, progress = digest.trainees, digest.trainees.progress
    if progress is None:
        out += ["", t("digest_trainees_header_none", lang), t("digest_trainees_no_data", lang)]
    else:
        target, citation = progress.target, progress.target.citation
        out += ["", t("digest_trainees_header", lang, document=esc(citation.get("document", "")),
                      clause=esc(citation.get("clause", "")), start=target.start.isoformat(),
                      end=target.end.isoformat())]
        if progress.in_force:
            out.append(t("digest_trainees_line", lang, bar=progress_bar(progress.share),
                         percent=f"{progress.share:.1%}", done=f"{progress.trained:,}", target=f"{target.people:,}",
                         region_part=_region_part(trainees, lang)))
            out.append(rate_line(progress, lang))
        else:  # the same lines as /progress (services.trained_text): ended, at its end, since, this year
            out += ended_lines(progress, lang, _region_part(trainees, lang))
    first = digest.targets[0].target
    out += ["", t("digest_targets_header", lang, citation=first.citation, year=first.by_year)]
    for line in digest.targets:
        done = t("digest_target_not_recorded", lang) if line.province_value is None else f"{line.province_value:,}"
        out.append(t(f"digest_target_{line.target.key}", lang, done=done, target=f"{line.target.value:,}",
                     region_part=_region_part(line, lang)))

    out += ["", t("digest_overdue_header", lang, count=digest.overdue_total or 0)]
    if digest.overdue_total is None:
        out[-1] = t("digest_overdue_header", lang, count="—")
        out.append(t("digest_overdue_no_data", lang))
    elif not digest.overdue_total:
        out.append(t("digest_overdue_none", lang))
    else:
        shown = 0
        for name, items in digest.overdue.items():
            if shown >= max_items:
                break
            out.append(t("digest_overdue_specialist", lang, name=esc(name), count=len(items)))
            for m in items[: max(1, max_items - shown)]:
                out.append(t("digest_overdue_item", lang, company=esc(_clip(m.get("company_name") or "", 40)),
                             measure=esc(_clip(m.get("measure") or "", 60)), due=f"{m['due_on']:%Y-%m-%d}"))
                shown += 1
        if digest.overdue_total > shown:
            out.append(t("digest_more", lang, count=digest.overdue_total - shown))

    out += ["", t("digest_unanswered_header", lang, count=digest.unanswered_total)]
    if not digest.unanswered_total:
        out.append(t("digest_unanswered_none", lang))
    for q in digest.unanswered[:max_items]:
        out.append(t("digest_unanswered_item", lang, company=esc(_clip(q["company_name"], 40)),
                     days=q["waiting_days"], question=esc(_clip(q["question"], 80))))
    if digest.unanswered_total > min(max_items, len(digest.unanswered)):
        out.append(t("digest_more", lang, count=digest.unanswered_total - min(max_items, len(digest.unanswered))))

    if digest.failures:
        out += ["", t("digest_failures_header", lang)]
        for f in digest.failures[:max_items]:
            out.append(t("digest_failure_item", lang, name=esc(f.name or f.recipient), period=f.period,
                         reason=esc(_clip(f.reason, 60))))
    if roster_line:
        out += ["", roster_line]
    return "\n".join(style.bold(line) for line in out)


def _fitted(digest: Digest, lang: str, style: Style, roster_line: str, limit: int) -> str:
    for max_items in (10, 5, 3, 1, 0):
        text = render(digest, lang, style, roster_line, max_items)
        if style.size(text) <= limit:
            return text
    while style.size(text) > limit:  # only a pathological region name gets here
        text = fit(text, len(text) - (style.size(text) - limit) - 2)
    return text


def telegram_text(digest: Digest, lang: str, roster_file: str = "") -> str:
    roster = t("digest_roster_attached", lang, file=html.escape(roster_file)) if roster_file else ""
    return _fitted(digest, lang, HTML, roster, TELEGRAM_LIMIT)


def markdown_text(digest: Digest, lang: str, limit_bytes: int, roster_line: str = "") -> str:
    """Markdown for a work chat, at most `limit_bytes` UTF-8 bytes."""
    return _fitted(digest, lang, MARKDOWN, roster_line, limit_bytes)
