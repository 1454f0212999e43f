"""What-if: re-run with changed facts (e.g. "+2 grants this year") or another as-of date.

The difference is a list of codes with their figures (``Diff.change_codes``); the renderer
(``locales.programmes``) words them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .catalog import Catalog
from .engine import ProgrammeResult, json_value
from .facts import CONFIRM_PREFIX, FactError, FactProblem, Facts

__all__ = ["Diff", "what_if", "apply_changes", "CHANGE_CODES"]

#: every code of Diff.change_codes
CHANGE_CODES = ("status_changed", "tier_changed", "in_force_changed", "next_tier_changed", "gap_closed", "gap_changed",
                "gap_new", "gap_new_short", "no_longer_missing", "newly_missing")


@dataclass
class Diff:
    """One programme before and after the change, and what changed."""

    policy: str
    title: str
    before: ProgrammeResult
    after: ProgrammeResult
    #: what changed as (code, parameters), see CHANGE_CODES; a gap's parameters carry its Label
    change_codes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.change_codes)

    def to_json(self) -> dict[str, Any]:
        return {
            "policy": self.policy,
            "title": self.title,
            "changed": self.changed,
            "change_codes": [{"code": c, "params": json_value(p)} for c, p in self.change_codes],
            "before": self.before.to_json(),
            "after": self.after.to_json(),
        }


def apply_changes(catalog: Catalog, facts: Facts | Mapping[str, Any], changes: Mapping[str, Any]) -> Facts:
    """New facts: ``changes`` maps a fact to a new value, to None (make it unknown), or for
    counts and money to a relative string such as ``"+2"`` / ``"-1"``."""
    base = facts.to_dict() if isinstance(facts, Facts) else dict(catalog.parse_facts(facts).to_dict())
    problems: list[FactProblem] = []
    for name, value in changes.items():
        if name not in catalog.registry:
            problems.append(FactProblem(name, "未知的事实名称", "unknown fact name", "unknown_fact", (name,), None,
                                        f"未知的事实名称：{name}", f"Unknown fact name: {name}"))
            continue
        spec = catalog.registry.specs.get(name) if not name.startswith(CONFIRM_PREFIX) else None
        if isinstance(value, str) and value.strip()[:1] in "+-" and spec is not None and spec.type in ("count", "money"):
            text = value.strip()
            try:
                delta = float(text)
            except ValueError:
                problems.append(FactProblem(name, f"无法理解的增减量 “{value}”", f"cannot read the change {value!r}",
                                            "bad_change", (name,), {"change": value},
                                            f"{catalog.label(name)}：无法理解的增减量“{value}”",
                                            f"{catalog.label(name, 'en')}: cannot read the change {value!r}"))
                continue
            if base.get(name) is None:
                problems.append(FactProblem(name, "原值未知，无法增减", "the current value is unknown, cannot add to it",
                                            "change_of_unknown", (name,), None,
                                            f"{catalog.label(name)}原值未知，无法增减",
                                            f"{catalog.label(name, 'en')} is unknown, so it cannot be changed by an amount"))
                continue
            new = base[name] + delta
            base[name] = int(new) if float(new).is_integer() else new
        elif value is None:
            base.pop(name, None)
        else:
            base[name] = value
    if problems:
        raise FactError(problems)
    return catalog.parse_facts(base)


def _describe(before: ProgrammeResult, after: ProgrammeResult, catalog: Catalog) -> list[tuple[str, dict[str, Any]]]:
    """What changed, as (code, parameters); tier labels are the pack's, in both languages."""
    out: list[tuple[str, dict[str, Any]]] = []
    if before.status != after.status:
        out.append(("status_changed", {"before": before.status, "after": after.status}))
    if before.tier != after.tier:
        out.append(("tier_changed", {"before": before.tier, "after": after.tier,
                                     "before_label": before.tier_label, "after_label": after.tier_label,
                                     "before_label_en": before.tier_label_en, "after_label_en": after.tier_label_en}))
    if before.in_force != after.in_force:
        out.append(("in_force_changed", {"before": before.in_force, "after": after.in_force,
                                         "why": after.in_force_code, **(after.in_force_params or {})}))

    def nt(r: ProgrammeResult) -> dict | None:
        return None if r.next_tier is None else {"tier": r.next_tier.tier, "short_by": r.next_tier.short_by,
                                                 "label": r.next_tier.label_zh, "label_en": r.next_tier.label_en}

    if (before.next_tier and before.next_tier.to_json()) != (after.next_tier and after.next_tier.to_json()):
        out.append(("next_tier_changed", {"before": nt(before), "after": nt(after)}))
    bg = {g.fact: g for g in before.gaps}
    ag = {g.fact: g for g in after.gaps}

    def gap(g: Any) -> dict[str, Any]:
        return {"fact": g.fact, "label": g.label}

    for f, g in bg.items():
        if f not in ag:
            out.append(("gap_closed", gap(g)))
        elif ag[f].short_by != g.short_by and g.short_by is not None and ag[f].short_by is not None:
            out.append(("gap_changed", {**gap(g), "before": g.short_by, "after": ag[f].short_by}))
    for f, g in ag.items():
        if f not in bg:
            out.append(("gap_new_short" if g.short_by is not None else "gap_new", {**gap(g), "short_by": g.short_by}))
    gone = [f for f in before.missing if f not in after.missing]
    new = [f for f in after.missing if f not in before.missing]
    if gone:
        out.append(("no_longer_missing", {"facts": gone}))
    if new:
        out.append(("newly_missing", {"facts": new}))
    return out


def what_if(catalog: Catalog, facts: Facts | Mapping[str, Any], changes: Mapping[str, Any] | None, as_of: date,
            as_of_new: date | None = None, policy_ids: Iterable[str] | None = None) -> list[Diff]:
    """Evaluate before and after ``changes`` (and/or at ``as_of_new``); one Diff per programme."""
    if not isinstance(facts, Facts):
        facts = catalog.parse_facts(facts)
    ids = list(policy_ids) if policy_ids is not None else None
    new_facts = apply_changes(catalog, facts, changes) if changes else facts
    before = catalog.evaluate(facts, as_of, ids)
    after = catalog.evaluate(new_facts, as_of_new or as_of, ids)
    return [Diff(b.policy, b.title, b, a, _describe(b, a, catalog)) for b, a in zip(before, after)]
