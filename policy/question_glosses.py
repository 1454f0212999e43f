"""A programme named only in a bracketed gloss is not the one asked about (issue 16, round 25a).

"Our provincial IP project (a high-value patent cultivation centre) was approved. Does the county give a project
reward?", "我们的省级项目（高价值专利培育）立项了，有立项奖励吗": the brackets say what the company's project is; the
question asks about the programme named outside them. Where a programme is named outside brackets, those named
only inside them are dropped. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["without_glossed"]

#: a bracketed gloss, half- or full-width
_GLOSS = re.compile(r"[(（][^()（）]{1,60}[)）]")


def without_glossed(text: str, programmes: tuple[str, ...], named: Callable[[str], tuple[str, ...]]) -> tuple[str, ...]:
    """``programmes`` without those ``text`` names only inside brackets, if another is named outside them."""
    if len(programmes) < 2 or not _GLOSS.search(text):
        return programmes
    outside = set(named(_GLOSS.sub(lambda m: "　" * len(m.group(0)), text)))
    kept = tuple(pid for pid in programmes if pid in outside)
    return kept or programmes
