"""Results for machines: the JSON contract, which fact to ask next, and how a figure is written.

Sentences are not made here: ``locales.programmes`` words results for every view (the
chat, the SME answers, the command line's table); this module gives what every view shares
and needs no language: the JSON contract, the ranking of missing facts, and ``fmt_value``,
the one way a figure is written (1,200,000; 0.035; 3.5).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from .engine import NEEDS_INFO, ProgrammeResult, json_value
from .facts import FactProblem

__all__ = ["results_to_json", "rank_missing_facts", "fmt_value", "problem_json"]


def fmt_value(x: Any) -> str:
    """A figure as every view shows it: 1,200,000 (commas from 10,000 on); 0.035; 3.5; a date as ISO."""
    if isinstance(x, float) and x.is_integer():
        x = int(x)
    if isinstance(x, float):
        return f"{x:.4g}" if abs(x) < 1 else f"{x:,.2f}"
    if isinstance(x, int) and not isinstance(x, bool):
        return f"{x:,}" if abs(x) >= 10000 else str(x)
    return str(json_value(x))


def results_to_json(results: Iterable[ProgrammeResult], as_of: date,
                    warnings: Iterable[FactProblem] = ()) -> dict[str, Any]:
    """The command-line JSON contract::

        {"as_of": "YYYY-MM-DD", "results": [{"policy", "title", "status", "in_force", "tier",
         "missing", "gaps": [{"fact", "have", "need", "short_by", "op"}], "next_tier", "citation"}],
         "warnings": [{"code", "fields", "message_zh", "message_en"}]}

    ``op`` is the comparison the need is for (">=", ">", "<=", "<", "==" for yes/no);
    ``next_tier`` is given only for an eligible company (otherwise the gaps are the next step).
    """
    return {"as_of": as_of.isoformat(), "results": [r.to_json() for r in results],
            "warnings": [problem_json(w) for w in warnings]}


def problem_json(p: FactProblem) -> dict[str, Any]:
    return {"code": p.code, "fields": list(p.fields or (p.field,)), "message_zh": p.message("zh"),
            "message_en": p.message("en")}


def rank_missing_facts(results: Iterable[ProgrammeResult], *, in_force_only: bool = False) -> list[str]:
    """Missing facts, the one whose answer settles the most undecided programmes first.

    In a conjunction any single unknown can settle the programme (a "no" makes it
    ineligible), so a fact scores one per undecided programme that lists it; ties go to
    the fact that is the *only* thing missing in more programmes (answering it settles
    them whatever the answer), then to the order the conditions appear in.
    """
    score: dict[str, list[int]] = {}
    order = 0
    for r in results:
        if r.status != NEEDS_INFO or (in_force_only and not r.in_force):
            continue
        sole = len(r.missing) == 1
        for f in r.missing:
            s = score.get(f)
            if s is None:
                s = score[f] = [0, 0, 0, order]
                order += 1
            s[0] += 1
            s[1] += 1 if r.in_force else 0
            s[2] += 1 if sole else 0
    return sorted(score, key=lambda f: (-score[f][1], -score[f][0], -score[f][2], score[f][3]))
