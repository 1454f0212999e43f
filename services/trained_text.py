"""The one wording of "how many trained" (services.progress), for chat, the digest and the roster.

/progress and the digest show the same lines from here, so the figure a supervisor reads
in chat is the one the digest and the roster's 汇总 sheet carry. Lines may hold <b>: the
digest's markdown style turns it into its own bold; the roster strips it.
"""

from __future__ import annotations

from locales import t
from services.progress import RATE_WEEKS, Progress

__all__ = ["ended_lines", "rate_line"]


def rate_line(progress: Progress, lang: str) -> str:
    return t("tn_rate", lang, weeks=RATE_WEEKS, rate=f"{progress.rate_per_week:.1f}")


def ended_lines(progress: Progress, lang: str, region_part: str = "") -> list[str]:
    """For a target that has ended: its end, the count at its end, the count since (with
    `region_part` appended), this year's count and the recent rate."""
    target = progress.target
    return [
        t("tn_ended", lang, end=target.end.isoformat(), as_of=progress.as_of.isoformat()),
        t("tn_at_end", lang, trained=f"{progress.trained:,}", target=f"{target.people:,}",
          percent=f"{progress.share:.1%}"),
        t("tn_since", lang, start=progress.counted_from.isoformat(), as_of=progress.as_of.isoformat(),
          people=f"{progress.counted:,}") + region_part,
        t("tn_this_year", lang, year=progress.as_of.year, people=f"{progress.this_year:,}"),
        rate_line(progress, lang),
    ]
