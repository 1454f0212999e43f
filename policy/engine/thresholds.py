"""Threshold nodes besides compare: a ratio, a weighted sum of counts, a ladder of tiers.

Each compares figures with dated parameters, returns a gap with how much is missing, and
says in ``describe`` how the figures were read (a detail code with its numbers).
"""

from __future__ import annotations

from typing import Any

from .. import schema as S
from .compare import figure_fn
from .compiling import CMP, CNode, CompileError, Ctx, E, TRUE, round_figure, short_by, threshold_extra, tol_cmp
from .results import Gap, NextTier

__all__ = ["compile_ratio", "compile_weighted", "compile_tiers"]


def compile_ratio(spec: S.RatioNode, ctx: Ctx) -> CNode:
    num, den, rf, op = spec.num, spec.den, spec.ratio_fact, spec.resolved_op()
    for f in (num, den):
        if ctx.fact_type(f) != "money":
            raise CompileError(f"{ctx.programme_id}: ratio terms must be money facts ({f})")
    if rf is not None and ctx.fact_type(rf) != "ratio":
        raise CompileError(f"{ctx.programme_id}: ratio_fact {rf} must be a ratio fact")
    t = ctx.threshold(spec.param)
    cmp = tol_cmp(op)
    info = ctx.info(spec, "ratio", "ratio", {"num": num, "den": den, "word": spec.word, "op": op, "threshold": t}, num)
    lower = op in (">=", ">")
    miss_both, miss_num, miss_den = (None, (num, den), E), (None, (num,), E), (None, (den,), E)
    zero_num_gap = (False, E, (Gap(num, 0, None, None, op, info),))
    zero_den_gap = (False, E, (Gap(den, 0, None, None, op, info),))

    def fn(values: dict) -> tuple:
        if rf is not None:
            r = values.get(rf)
            if r is not None:
                if cmp(r, t):
                    return TRUE
                return (False, E, (Gap(rf, r, t, round(t - r, 6), op, info),))
        n = values.get(num)
        d = values.get(den)
        if n is None or d is None:
            if n == 0 and lower and t > 0:
                return zero_num_gap  # 0 / anything is below a positive threshold
            if n is None:
                return miss_both if d is None else miss_num
            return miss_den
        if d == 0:
            return zero_den_gap  # no denominator: the ratio cannot be met
        if cmp(n / d, t):
            return TRUE
        need = t * d
        return (False, E, (Gap(num, n, round_figure(need), short_by(op, n, need, False), op, info),))

    def describe(values: dict) -> dict:
        out: dict[str, Any] = {"op": op, "need": t}
        if rf is not None and values.get(rf) is not None:
            r = values[rf]
            out.update(fact=rf, have=r, detail_code="ratio_given",
                       detail_params={"ratio": r, "op": op, "need": t})
            if not cmp(r, t):
                out["short_by"] = round(t - r, 6)
            return out
        n, d = values.get(num), values.get(den)
        out["fact"] = num
        if n is not None and d is not None and d != 0:
            r = n / d
            out["have"] = round(r, 6)
            out["detail_code"] = "ratio_computed"
            out["detail_params"] = {"ratio": r, "num": n, "den": d, "op": op, "need": t}
            if not cmp(r, t):
                out["short_by"] = short_by(op, n, t * d, False)
                out["detail_code"] = "ratio_computed_short"
                out["detail_params"].update(num_fact=num, short_by=out["short_by"])
        elif d == 0:
            out["detail_code"] = "ratio_zero_den"
            out["detail_params"] = {"den_fact": den}
        return out

    def probe(values: dict):
        if rf is not None and values.get(rf) is not None:
            return values[rf]
        n, d = values.get(num), values.get(den)
        return None if n is None or not d else n / d

    return CNode(info, fn, describe=describe, extra=threshold_extra([t], False, probe, op))


def compile_weighted(spec: S.WeightedNode, ctx: Ctx) -> CNode:
    op = spec.resolved_op()
    if op not in (">=", ">"):
        raise CompileError(f"{ctx.programme_id}: weighted sums support lower bounds only")
    terms = []
    for term in spec.terms:
        if ctx.fact_type(term.fact) != "count":
            raise CompileError(f"{ctx.programme_id}: weighted terms must be counts ({term.fact})")
        w = term.weight if isinstance(term.weight, int) else ctx.param(term.weight)[0]
        if w is None or w < 0:
            raise CompileError(f"{ctx.programme_id}: weight {term.weight} needs a non-negative figure")
        terms.append((term.fact, w))
    t = ctx.threshold(spec.param)
    cmp = CMP[op]
    first = terms[0][0]
    info = ctx.info(spec, "weighted", "weighted",
                    {"terms": [list(x) for x in terms], "word": spec.word, "op": op, "threshold": t}, first)

    def fn(values: dict) -> tuple:
        s = 0
        unknown = None
        for f, w in terms:
            v = values.get(f)
            if v is None:
                unknown = (f,) if unknown is None else unknown + (f,)
            else:
                s += w * v
        if cmp(s, t):
            return TRUE  # counts are never negative, so unknown terms cannot undo this
        if unknown is not None:
            return (None, unknown, E)
        return (False, E, (Gap(first, round_figure(s), t, short_by(op, s, t, True), op, info),))

    def describe(values: dict) -> dict:
        known = [(f, w, values.get(f)) for f, w in terms]
        s = sum(w * v for f, w, v in known if v is not None)
        all_known = all(v is not None for _, _, v in known)
        d: dict[str, Any] = {
            "fact": first, "have": round_figure(s) if all_known or cmp(s, t) else None, "need": t, "op": op,
            "detail_code": "weighted_terms",
            "detail_params": {"terms": [[f, v] for f, _, v in known]},
        }
        if all_known and not cmp(s, t):
            d["short_by"] = short_by(op, s, t, True)
        return d

    def probe(values: dict):
        vals = [values.get(f) for f, _ in terms]
        return None if any(v is None for v in vals) else sum(w * v for (_, w), v in zip(terms, vals))

    return CNode(info, fn, describe=describe, extra=threshold_extra([t], True, probe, op))


def compile_tiers(spec: S.TiersNode, ctx: Ctx) -> CNode:
    fact, op = spec.fact, spec.resolved_op()
    integer = ctx.is_integer(fact)
    levels = [(lv.tier, ctx.threshold(lv.param), lv.label_zh) for lv in spec.levels]
    labels_en = {lv.tier: lv.label_en or lv.label_zh for lv in spec.levels}
    cmp = CMP[op]
    info = ctx.info(spec, "tiers", "tiers",
                    {"fact": fact, "word": spec.word, "op": op, "thresholds": [t for _, t, _ in levels]}, fact)
    t0 = levels[0][1]
    labels_zh = {a: c for a, _, c in levels}
    fn = figure_fn(fact, t0, op, integer, info)  # reached as soon as the first level is met

    def level(values: dict) -> tuple[int | None, NextTier | None]:
        """(highest tier reached on the ladder or 0, the next tier above with its short_by)."""
        v = values.get(fact)
        if v is None:
            return None, None
        reached = 0
        nxt = None
        for tier, t, label in levels:
            if cmp(v, t):
                reached = tier
            else:
                nxt = NextTier(tier, short_by(op, v, t, integer), fact, label, labels_en[tier])
                break
        return reached, nxt

    def describe(values: dict) -> dict:
        v = values.get(fact)
        d: dict[str, Any] = {"fact": fact, "have": v, "need": t0, "op": op}
        if v is not None:
            reached, nxt = level(values)
            p: dict[str, Any] = {}
            if reached:
                p.update(tier=reached, tier_label=labels_zh[reached], tier_label_en=labels_en[reached])
            if nxt is not None:
                p.update(next_tier=nxt.tier, next_label=nxt.label_zh, next_label_en=labels_en[nxt.tier],
                         short_by=nxt.short_by)
                if not reached:
                    d["short_by"] = nxt.short_by
            if p:
                d["detail_code"] = ("tier_reached_next" if reached and nxt else "tier_reached" if reached
                                    else "tier_below")
                d["detail_params"] = p
        return d

    extra = threshold_extra([t for _, t, _ in levels], integer, lambda values: values.get(fact), op)
    extra.update(level=level, labels={a: c for a, _, c in levels})
    return CNode(info, fn, describe=describe, extra=extra)
