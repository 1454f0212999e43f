"""How a digest figure reads wherever it is shown: the chat digest (jobs/digest_render.py) and
the workbench (web/pages.py). One formatting, so the same figure shows the same text in both."""

from __future__ import annotations

from services.digest import Figure

__all__ = ["count_change", "figure_number"]


def figure_number(key: str, value: float | None) -> str | None:
    """A figure's value as shown (a share as a whole percent, a count with thousands
    separators), or None when there is no data."""
    if value is None:
        return None
    return f"{value:.0%}" if key == "coverage" else f"{int(value):,}"


def count_change(figure: Figure) -> str | None:
    """A count's change on the week before ("+3", "−2", "±0"), or None when either is unknown."""
    delta = figure.change
    if delta is None:
        return None
    return f"{'+' if delta > 0 else '−' if delta < 0 else '±'}{abs(int(delta)):,}"
