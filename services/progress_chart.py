"""The progress chart: cumulative people trained against the target line, as a PNG.

matplotlib with the Agg backend (no display), and a CJK font shipped by the `mplfonts`
package (Noto Sans CJK SC), loaded by its path so the Chinese renders the same on every
machine the project installs on, never whichever font a machine happens to have.
"""

from __future__ import annotations

import importlib.util
import io
from datetime import date, timedelta
from pathlib import Path

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


def progress_png(progress: Progress, title: str) -> bytes:
    """Cumulative distinct people by ISO week, the target as a dashed line, the projection dotted."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib import font_manager
    from matplotlib.figure import Figure

    font = font_manager.FontProperties(fname=str(cjk_font_path()))
    weeks = progress.weekly
    mondays = [date.fromisocalendar(int(w[:4]), int(w[6:]), 1) for w, _ in weeks]
    running, cumulative = 0, []
    for _, new in weeks:
        running += new
        cumulative.append(running)

    figure = Figure(figsize=(8, 4.5), dpi=110)
    axes = figure.subplots()
    if mondays:
        axes.step(mondays, cumulative, where="post", color="#1f77b4", linewidth=2, label="累计培训人数（去重）")
    axes.axhline(progress.target.people, color="#d62728", linestyle="--", linewidth=1.5,
                 label=f"目标 {progress.target.people:,} 人")
    if progress.projected_date and mondays and progress.trained < progress.target.people:
        # The projection, drawn up to the period's end at most (the date itself is in the legend).
        end = min(progress.projected_date, progress.target.end)
        share = (end - progress.counted_to).days / max(1, (progress.projected_date - progress.counted_to).days)
        axes.plot([progress.counted_to, end],
                  [progress.trained, progress.trained + share * (progress.target.people - progress.trained)],
                  color="#1f77b4", linestyle=":", linewidth=1.5,
                  label=f"按当前速度预计 {progress.projected_date:%Y-%m-%d} 达成")
    axes.set_xlim(progress.target.start, progress.target.end + timedelta(days=7))
    axes.set_ylim(0, max(progress.target.people, progress.trained) * 1.08)
    axes.set_title(title, fontproperties=font, fontsize=13)
    axes.set_ylabel("人数", fontproperties=font)
    citation = progress.target.citation
    axes.set_xlabel(f"依据：{citation.get('document', '')} {citation.get('clause', '')}", fontproperties=font)
    axes.legend(prop=font, loc="upper left")
    axes.grid(alpha=0.3)
    figure.autofmt_xdate()
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
