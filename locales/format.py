"""Shaping text for Telegram: escaping and fitting the 4096-character limit."""

from __future__ import annotations

from html import escape

__all__ = ["escape", "fit", "chunks"]

LIMIT = 4096


def fit(text: str, limit: int = LIMIT, more: str = "\n…") -> str:
    """Cut at a line boundary so no HTML tag or entity is split; the result is at most `limit`."""
    if len(text) <= limit:
        return text
    cut = text.rfind("\n", 0, limit - len(more))
    if cut <= 0:
        cut = limit - len(more)
        # never end inside an entity (&amp;) or a tag (<b>)
        for opener, closer in (("&", ";"), ("<", ">")):
            start = text.rfind(opener, 0, cut)
            if start != -1 and text.find(closer, start, cut) == -1:
                cut = start
    return text[:cut] + more


def chunks(lines: list[str], limit: int = LIMIT) -> list[str]:
    """Group whole lines into messages under the limit (a single over-long line is fitted)."""
    out, current = [], ""
    for line in lines:
        line = fit(line, limit)
        if current and len(current) + 1 + len(line) > limit:
            out.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        out.append(current)
    return out
