"""The progress chart: cumulative people trained against the target line, as a PNG.

matplotlib with the Agg backend (no display), and a CJK font shipped by the `mplfonts`
package (Noto Sans CJK SC), loaded by its path so the Chinese renders the same on every
machine the project installs on, never whichever font a machine happens to have. Its
labels are locale text in the reader's language (`chart_labels`); document names in
them stay Chinese, so the CJK font is needed in English too.
"""

from __future__ import annotations

import importlib.util
import io
from datetime import date, timedelta
from pathlib import Path

from locales import t
from services.progress import Progress

FONT_FILE = "NotoSansCJKsc-Regular.otf"


def cjk_font_path() -> Path:
    """The font file inside the installed mplfonts package (found without importing it)."""
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the mplfonts package (the chart's CJK font) is not installed; run make .venv/.installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / FONT_FILE
    if not path.is_file():
        raise RuntimeError(f"{path} is missing from the mplfonts package")
    return path


def chart_labels(progress: Progress, lang: str) -> dict[str, str]:
    """Every text drawn besides the title, in `lang`: the legend, the axis, the basis."""
    citation = progress.target.citation
    labels = {
        "cumulative": t("pr_chart_cumulative", lang),
        "target": t("pr_chart_target", lang, people=f"{progress.target.people:,}"),
        "people": t("pr_chart_people", lang),
        "basis": t("pr_chart_basis", lang, document=citation.get("document", ""), clause=citation.get("clause", "")),
    }
    if not progress.in_force:
        labels["since"] = t("tn_chart_since", lang)
        labels["ended"] = t("tn_chart_ended", lang, document=citation.get("document", ""),
                            people=f"{progress.target.people:,}", end=progress.target.end.isoformat())
    if progress.projected_date:
        labels["projected"] = t("pr_chart_projected", lang, date=f"{progress.projected_date:%Y-%m-%d}")
    return labels


def chart_series(progress: Progress) -> tuple[list[date], list[int]]:
    """The data the chart draws: each week's Monday and the people counted up to that
    week's end; its last value is `progress.counted` (the figure /progress and the digest show)."""
    mondays = [date.fromisocalendar(int(w[:4]), int(w[6:]), 1) for w, _ in progress.weekly]
    running, cumulative = 0, []
    for _, new in progress.weekly:
        running += new
        cumulative.append(running)
    return mondays, cumulative


def _draw_since_end(axes, progress: Progress, mondays: list[date], cumulative: list[int],  # noqa: ANN001
                    labels: dict[str, str], font) -> None:  # noqa: ANN001
    if mondays:
        # One more step to the as-of date, so a single week of data is a visible step.
        axes.step([*mondays, progress.as_of], [*cumulative, cumulative[-1]], where="post", color="#1f77b4",
                  linewidth=2, label=labels["since"])
        axes.set_xlim(mondays[0] - timedelta(days=7), progress.as_of + timedelta(days=7))
    else:
        axes.set_xlim(progress.as_of - timedelta(days=84), progress.as_of + timedelta(days=7))
    axes.plot([], [], " ", label=labels["ended"])
    axes.set_ylim(0, max(5, progress.counted) * 1.15)
    axes.set_ylabel(labels["people"], fontproperties=font)
    axes.set_xlabel(labels["basis"], fontproperties=font)
    axes.legend(prop=font, loc="upper left")
    axes.grid(alpha=0.3)


def progress_png(progress: Progress, title: str, lang: str = "zh") -> bytes:
    """Cumulative distinct people by ISO week, the target as a dashed line, the projection dotted;
    `title` and the labels (`chart_labels`) in the reader's language."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib import font_manager
    from matplotlib.figure import Figure

    font = font_manager.FontProperties(fname=str(cjk_font_path()))
    labels = chart_labels(progress, lang)
    mondays, cumulative = chart_series(progress)

    figure = Figure(figsize=(8, 4.5), dpi=110)
    axes = figure.subplots()
    if not progress.in_force:
        # An ended target: the people since its end, over the weeks with data (a line at
        # 30,000 across 2018-2020 would hide them); the ended target is named in the legend.
        _draw_since_end(axes, progress, mondays, cumulative, labels, font)
        axes.set_title(title, fontproperties=font, fontsize=13)
        figure.autofmt_xdate()
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        return buffer.getvalue()
    if mondays:
        axes.step(mondays, cumulative, where="post", color="#1f77b4", linewidth=2, label=labels["cumulative"])
    axes.axhline(progress.target.people, color="#d62728", linestyle="--", linewidth=1.5, label=labels["target"])
    if progress.projected_date and mondays and progress.trained < progress.target.people:
        # The projection, drawn up to the period's end at most (the date itself is in the legend).
        end = min(progress.projected_date, progress.target.end)
        share = (end - progress.counted_to).days / max(1, (progress.projected_date - progress.counted_to).days)
        axes.plot([progress.counted_to, end],
                  [progress.trained, progress.trained + share * (progress.target.people - progress.trained)],
                  color="#1f77b4", linestyle=":", linewidth=1.5, label=labels["projected"])
    axes.set_xlim(progress.target.start, progress.target.end + timedelta(days=7))
    axes.set_ylim(0, max(progress.target.people, progress.trained) * 1.08)
    axes.set_title(title, fontproperties=font, fontsize=13)
    axes.set_ylabel(labels["people"], fontproperties=font)
    axes.set_xlabel(labels["basis"], fontproperties=font)
    axes.legend(prop=font, loc="upper left")
    axes.grid(alpha=0.3)
    figure.autofmt_xdate()
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
