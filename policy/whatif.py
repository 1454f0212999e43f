"""What-if: re-run with changed facts (e.g. "+2 grants this year") or another as-of date."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .catalog import Catalog
from .engine import ProgrammeResult, _fmt
from .facts import CONFIRM_PREFIX, FactError, FactProblem, Facts

__all__ = ["Diff", "what_if", "apply_changes", "render_what_if"]


@dataclass
class Diff:
    """One programme before and after the change, with the differences in Chinese."""

    policy: str
    title: str
    before: ProgrammeResult
    after: ProgrammeResult
    changes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    def to_json(self) -> dict[str, Any]:
        return {
            "policy": self.policy,
            "title": self.title,
            "changed": self.changed,
            "changes": list(self.changes),
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
            problems.append(FactProblem(name, "未知的事实名称", "unknown fact name"))
            continue
        spec = catalog.registry.specs.get(name) if not name.startswith(CONFIRM_PREFIX) else None
        if isinstance(value, str) and value.strip()[:1] in "+-" and spec is not None and spec.type in ("count", "money"):
            text = value.strip()
            try:
                delta = float(text)
            except ValueError:
                problems.append(FactProblem(name, f"无法理解的增减量 “{value}”", f"cannot read the change {value!r}"))
                continue
            if base.get(name) is None:
                problems.append(FactProblem(name, "原值未知，无法增减", "the current value is unknown, cannot add to it"))
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


def _describe(before: ProgrammeResult, after: ProgrammeResult, catalog: Catalog) -> list[str]:
    out = []
    if before.status != after.status:
        out.append(f"结论：{before.status_zh} → {after.status_zh}")
    if before.tier != after.tier:
        out.append(f"档次：{before.tier_label or '无'} → {after.tier_label or '无'}")
    if before.in_force != after.in_force:
        note = f"（{after.in_force_note}）" if after.in_force_note else ""
        out.append(f"执行期内：{'是' if before.in_force else '否'} → {'是' if after.in_force else '否'}{note}")

    def nt(r: ProgrammeResult) -> str:
        if r.next_tier is None:
            return "无"
        return f"{r.next_tier.label_zh}还差 {_fmt(r.next_tier.short_by)}"

    if (before.next_tier and before.next_tier.to_json()) != (after.next_tier and after.next_tier.to_json()):
        out.append(f"下一档：{nt(before)} → {nt(after)}")
    bg = {g.fact: g for g in before.gaps}
    ag = {g.fact: g for g in after.gaps}
    for f, g in bg.items():
        if f not in ag:
            out.append(f"差距消除：{g.node.label_zh}")
        elif ag[f].short_by != g.short_by and g.short_by is not None and ag[f].short_by is not None:
            out.append(f"差距：{g.node.label_zh}还差 {_fmt(g.short_by)} → {_fmt(ag[f].short_by)}")
    for f, g in ag.items():
        if f not in bg:
            extra = f"，还差 {_fmt(g.short_by)}" if g.short_by is not None else ""
            out.append(f"新差距：{g.node.label_zh}{extra}")
    gone = [f for f in before.missing if f not in after.missing]
    new = [f for f in after.missing if f not in before.missing]
    if gone:
        out.append("不再缺少：" + "、".join(catalog.label(f) for f in gone))
    if new:
        out.append("新缺少：" + "、".join(catalog.label(f) for f in new))
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


def render_what_if(diffs: Iterable[Diff]) -> str:
    """Plain-text Chinese summary: only the programmes that changed."""
    lines = []
    for d in diffs:
        if not d.changed:
            continue
        lines.append(f"【{d.title}】")
        lines += [f"  {c}" for c in d.changes]
    return ("\n".join(lines) + "\n") if lines else "没有变化。\n"
