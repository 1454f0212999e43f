"""What-if: re-run with changed facts (e.g. "+2 grants this year") or another as-of date."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .catalog import Catalog
from .engine import ProgrammeResult, _json_value
from .wording import STATUS, say
from .facts import CONFIRM_PREFIX, FactError, FactProblem, Facts

__all__ = ["Diff", "what_if", "apply_changes", "render_what_if", "change_text"]


@dataclass
class Diff:
    """One programme before and after the change, with the differences in Chinese."""

    policy: str
    title: str
    before: ProgrammeResult
    after: ProgrammeResult
    changes: list[str] = field(default_factory=list)  # change_codes in Chinese (the command line's words)
    #: what changed as (code, parameters): status_changed, tier_changed, in_force_changed,
    #: next_tier_changed, gap_closed, gap_changed, gap_new, gap_new_short, no_longer_missing,
    #: newly_missing (see policy.wording.TEXT and change_text)
    change_codes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    def to_json(self) -> dict[str, Any]:
        return {
            "policy": self.policy,
            "title": self.title,
            "changed": self.changed,
            "changes": list(self.changes),
            "change_codes": [{"code": c, "params": _json_value(p)} for c, p in self.change_codes],
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
    """What changed, as (code, parameters); policy.wording words them (labels come in both languages)."""
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
        return {"fact": g.fact, "label": g.node.label_zh, "label_en": g.node.label_en}

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


def change_text(code: str, params: dict[str, Any], catalog: Catalog, lang: str = "zh") -> str:
    """One change in words (the command line's; the chat words the codes from its locales)."""
    p = dict(params)
    yes_no = {True: say("yes", lang), False: say("no", lang)}
    en = lang == "en"
    if code == "status_changed":
        p = {"before": STATUS[lang][p["before"]], "after": STATUS[lang][p["after"]]}
    elif code == "tier_changed":
        suffix = "_label_en" if en else "_label"
        p = {k: p[k + suffix] or p[k + "_label"] or say("none", lang) for k in ("before", "after")}
    elif code == "in_force_changed":
        why = p.get("why")
        note = say(why, lang, **{k: v for k, v in p.items() if k not in ("before", "after", "why")}) if why else ""
        p = {"before": yes_no[p["before"]], "after": yes_no[p["after"]],
             "note": (f" ({note})" if en else f"（{note}）") if note else ""}
    elif code == "next_tier_changed":
        p = {k: (say("next_tier_text", lang, label=(v.get("label_en") if en else None) or v["label"],
                     short_by=v["short_by"]) if v else say("none", lang))
             for k, v in p.items()}
    elif code in ("no_longer_missing", "newly_missing"):
        p = {"facts": say("list_sep", lang).join(catalog.label(f, lang) for f in p["facts"])}
    elif lang == "en" and p.get("label_en"):
        p["label"] = p["label_en"]
    p.pop("label_en", None)
    p.pop("fact", None)
    return say(code, lang, **p)


def what_if(catalog: Catalog, facts: Facts | Mapping[str, Any], changes: Mapping[str, Any] | None, as_of: date,
            as_of_new: date | None = None, policy_ids: Iterable[str] | None = None) -> list[Diff]:
    """Evaluate before and after ``changes`` (and/or at ``as_of_new``); one Diff per programme."""
    if not isinstance(facts, Facts):
        facts = catalog.parse_facts(facts)
    ids = list(policy_ids) if policy_ids is not None else None
    new_facts = apply_changes(catalog, facts, changes) if changes else facts
    before = catalog.evaluate(facts, as_of, ids)
    after = catalog.evaluate(new_facts, as_of_new or as_of, ids)
    out = []
    for b, a in zip(before, after):
        codes = _describe(b, a, catalog)
        out.append(Diff(b.policy, b.title, b, a, [change_text(c, p, catalog) for c, p in codes], codes))
    return out


def render_what_if(diffs: Iterable[Diff]) -> str:
    """Plain-text Chinese summary: only the programmes that changed."""
    lines = []
    for d in diffs:
        if not d.changed:
            continue
        lines.append(f"【{d.title}】")
        lines += [f"  {c}" for c in d.changes]
    return ("\n".join(lines) + "\n") if lines else "没有变化。\n"
