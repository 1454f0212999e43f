"""The star level a company's figures reach in a tiered programme, and what the next (or the
asked) level needs: "有效发明专利35件，能拿几星？" -> three stars, four needs more than 40.

The engine gives a tier only to an eligible result (``ProgrammeResult.tier``); a person who
asks "几星" also wants the level the counted figure reaches while another condition (5
high-value patents) is unknown or short. This reads the tiers condition's own line (its
thresholds, the company's figure) so the two cannot disagree. Pure, like the engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .engine import ELIGIBLE
from .engine.compiling import short_by

__all__ = ["StarLevel", "star_level"]

_CMP = {">": lambda a, b: a > b, ">=": lambda a, b: a >= b, "<": lambda a, b: a < b, "<=": lambda a, b: a <= b}


@dataclass(frozen=True, slots=True)
class StarLevel:
    """``reached``: the highest tier the figure reaches (0: none); ``next_*``: the tier above,
    its threshold and how much more is needed; ``asked_*`` the same for the level asked
    (``asked_short_by`` <= 0: reached). ``eligible``: every other condition holds too."""

    programme: str
    fact: str
    have: float | int | None
    op: str
    tiers: tuple[tuple[int, float | int], ...]
    reached: int
    next_tier: int | None
    next_need: float | int | None
    next_short_by: float | int | None
    asked: int | None
    asked_need: float | int | None
    asked_short_by: float | int | None
    eligible: bool
    in_force: bool

    def to_json(self) -> dict[str, Any]:
        return {"programme": self.programme, "fact": self.fact, "have": self.have, "reached": self.reached,
                "next": self.next_tier, "next_short_by": self.next_short_by, "asked": self.asked,
                "asked_short_by": self.asked_short_by, "eligible": self.eligible}


def star_level(result: Any, asked: int | None = None) -> StarLevel | None:
    """The star level of ``result`` (a ProgrammeResult of a tiered programme), or None for a
    programme without tiers or a level asked that it does not have."""
    line = next((ln for ln in result.lines if ln.kind == "tiers"), None)
    if line is None or not result.info.tier_labels:
        return None
    thresholds = list(line.label.params.get("thresholds") or ())
    numbers = sorted(result.info.tier_labels)
    if len(thresholds) != len(numbers):
        return None
    tiers = tuple(zip(numbers, thresholds))
    if asked is not None and asked not in result.info.tier_labels:
        asked = None if asked > numbers[-1] or asked < 1 else asked
        if asked is not None and asked < numbers[0]:
            asked = numbers[0]  # "一星": the lowest level there is
    op = line.op or line.label.params.get("op") or ">="
    have = line.have if isinstance(line.have, (int, float)) and not isinstance(line.have, bool) else None
    integer = isinstance(have, int) or have is None
    reached, nxt = 0, None
    if have is not None:
        for tier, need in tiers:
            if _CMP[op](have, need):
                reached = tier
            elif nxt is None:
                nxt = (tier, need)
    else:
        nxt = tiers[0]
    if asked not in dict(tiers):
        asked = None  # a level the programme does not have
    asked_need = dict(tiers).get(asked) if asked is not None else None
    return StarLevel(
        result.policy, line.fact, have, op, tiers, reached,
        nxt[0] if nxt else None, nxt[1] if nxt else None,
        short_by(op, have, nxt[1], integer) if nxt and have is not None else None,
        asked, asked_need,
        short_by(op, have, asked_need, integer) if asked_need is not None and have is not None else None,
        result.status == ELIGIBLE, result.in_force)
