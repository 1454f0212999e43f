"""The node compilers: a tree of pack nodes becomes a tree of closures, evaluated with Kleene logic.

``all`` is false as soon as one child is false (even with unknown siblings), true when all
are true, else unknown; ``any`` is the dual.  A ``waiver`` is true when a named flag holds;
``scaled`` multiplies the thresholds below it while a flag holds (both versions are
compiled); a ``manual`` condition waits for a person and is never true on its own.  The
threshold nodes are in :mod:`.compare` and :mod:`.thresholds`.
"""

from __future__ import annotations

from typing import Any

from .. import schema as S
from ..facts import CONFIRM_PREFIX
from .compare import compile_compare
from .compiling import CNode, CompileError, Ctx, E, TRUE
from .periods import years_before
from .results import Gap, NodeInfo
from .thresholds import compile_ratio, compile_tiers, compile_weighted

__all__ = ["compile_node"]


def compile_node(spec: Any, ctx: Ctx) -> CNode:
    """Compile one node of a condition tree (and its children)."""
    return _COMPILERS[spec.type](spec, ctx)


def _compile_flag(spec: S.FlagNode, ctx: Ctx) -> CNode:
    fact, expect = spec.fact, spec.expect
    ctx.fact_type(fact)
    info = ctx.info(spec, "flag", "flag" if expect else "flag_not", {"fact": fact})
    gap = Gap(fact, not expect, expect, None, None, info)
    none_r = (None, (fact,), E)
    false_r = (False, E, (gap,))

    def fn(values: dict) -> tuple:
        v = values.get(fact)
        if v is None:
            return none_r
        return TRUE if v is expect else false_r

    def describe(values: dict) -> dict:
        return {"fact": fact, "have": values.get(fact), "need": expect}

    return CNode(info, fn, describe=describe)


def _compile_children(spec: S.AllNode | S.AnyNode, ctx: Ctx, kind: str) -> tuple[NodeInfo, tuple[CNode, ...], tuple]:
    """The node info of an ``all`` or ``any`` node, its compiled children and their evaluators."""
    info = ctx.info(spec, kind, kind, {})
    children = tuple(compile_node(c, ctx) for c in spec.of)
    return info, children, tuple(c.fn for c in children)


def _compile_all(spec: S.AllNode, ctx: Ctx) -> CNode:
    info, children, fns = _compile_children(spec, ctx, "all")

    def fn(values: dict) -> tuple:
        false_gaps = None
        unk_missing = None
        unk_gaps = E
        for f in fns:
            v, m, g = f(values)
            if v is True:
                continue
            if v is False:
                false_gaps = g if false_gaps is None else false_gaps + g
            else:
                unk_missing = m if unk_missing is None else unk_missing + m
                if g:
                    unk_gaps = unk_gaps + g
        if false_gaps is not None:
            return (False, E, false_gaps)
        if unk_missing is not None:
            return (None, unk_missing, unk_gaps)
        return TRUE

    return CNode(info, fn, children)


def _compile_any(spec: S.AnyNode, ctx: Ctx) -> CNode:
    info, children, fns = _compile_children(spec, ctx, "any")

    def fn(values: dict) -> tuple:
        gaps = E
        missing = None
        for f in fns:
            v, m, g = f(values)
            if v is True:
                return TRUE
            if g:
                gaps = gaps + g
            if v is None:
                missing = m if missing is None else missing + m
        if missing is not None:
            return (None, missing, gaps)
        return (False, E, gaps)

    return CNode(info, fn, children)


def _compile_waiver(spec: S.WaiverNode, ctx: Ctx) -> CNode:
    flags = tuple(spec.waived_by)
    for f in flags:
        if ctx.fact_type(f) != "bool":
            raise CompileError(f"{ctx.programme_id}: waived_by must name yes/no facts ({f})")
    info = ctx.info(spec, "waiver", "waiver", {"facts": list(flags)})
    child = compile_node(spec.condition, ctx)
    cfn = child.fn

    def fn(values: dict) -> tuple:
        unknown = None
        for f in flags:
            w = values.get(f)
            if w is True:
                return TRUE
            if w is None:
                unknown = (f,) if unknown is None else unknown + (f,)
        r = cfn(values)
        if r[0] is True or unknown is None:
            return r
        return (None, r[1] + unknown, r[2])

    def describe(values: dict) -> dict:
        waived = [f for f in flags if values.get(f) is True]
        d = {"fact": flags[0], "have": [values.get(f) for f in flags] if len(flags) > 1 else values.get(flags[0])}
        if waived:
            d["detail_code"] = "waived"
            d["detail_params"] = {"by": waived[0]}
        return d

    return CNode(info, fn, (child,), describe=describe, extra={"flags": flags})


def _compile_scaled(spec: S.ScaledNode, ctx: Ctx) -> CNode:
    when = spec.when
    if ctx.fact_type(when) != "bool":
        raise CompileError(f"{ctx.programme_id}: scaled 'when' must be a yes/no fact")
    factor, _ = ctx.param(spec.factor)
    if factor is None:
        raise CompileError(f"{ctx.programme_id}: factor {spec.factor} needs a figure")
    date_fact = None
    lo = as_of = ctx.as_of
    if spec.when_date is not None:
        date_fact = spec.when_date.fact
        if ctx.fact_type(date_fact) != "date":
            raise CompileError(f"{ctx.programme_id}: when_date must be a date fact")
        years, _ = ctx.param(spec.when_date.within_years)
        if years is None:
            raise CompileError(f"{ctx.programme_id}: {spec.when_date.within_years} needs a figure")
        lo = years_before(as_of, int(years))
    info = ctx.info(spec, "scaled", "scaled", {"fact": when, "factor": factor})
    saved_counter = ctx.counter
    base = compile_node(spec.condition, ctx)
    ctx.counter = saved_counter  # the scaled copy gets the same node ids
    outer_factor, outer_scaled = ctx.factor, ctx.scaled
    ctx.factor, ctx.scaled = outer_factor * float(factor), True
    try:
        scaled = compile_node(spec.condition, ctx)
    finally:
        ctx.factor, ctx.scaled = outer_factor, outer_scaled
    bfn, sfn = base.fn, scaled.fn
    miss_when = (when,)

    def flag_value(values: dict) -> bool | None:
        w = values.get(when)
        if w is None and date_fact is not None:
            d = values.get(date_fact)
            if d is not None:
                w = lo <= d <= as_of
        return w

    def fn(values: dict) -> tuple:
        w = values.get(when)
        if w is None and date_fact is not None:
            d = values.get(date_fact)
            if d is not None:
                w = lo <= d <= as_of
        if w is True:
            return sfn(values)
        if w is False:
            return bfn(values)
        rb = bfn(values)
        rs = sfn(values)
        if rb[0] is rs[0] and rb[0] is not None:
            return rb
        return (None, rb[1] + rs[1] + miss_when, rb[2])

    def describe(values: dict) -> dict:
        w = flag_value(values)
        derived = values.get(when) is None and w is not None
        code = "scaled_applied" if w else "scaled_not_applied" if w is False else "scaled_unknown"
        return {"fact": when, "have": w, "detail_code": code, "detail_params": {"from_date": date_fact if derived else None}}

    return CNode(info, fn, (base, scaled), describe=describe, extra={"flag_value": flag_value})


def _compile_manual(spec: S.ManualNode, ctx: Ctx) -> CNode:
    name = CONFIRM_PREFIX + spec.confirm
    info = ctx.info(spec, "manual", "manual", {"fact": name})
    none_r = (None, (name,), E)
    false_r = (False, E, (Gap(name, False, True, None, None, info),))

    def fn(values: dict) -> tuple:
        v = values.get(name)
        if v is True:
            return TRUE
        if v is False:
            return false_r
        return none_r  # never true on its own

    shows = tuple(spec.shows)
    for f in shows:
        ctx.fact_type(f)

    def describe(values: dict) -> dict:
        d = {"fact": name, "have": values.get(name), "need": True,
             "figures": [(f, values.get(f)) for f in shows] or None}
        if values.get(name) is None:
            d["detail_code"] = "manual_pending"
        return d

    return CNode(info, fn, describe=describe, extra={"shows": shows})


_COMPILERS = {
    "flag": _compile_flag,
    "compare": compile_compare,
    "ratio": compile_ratio,
    "weighted": compile_weighted,
    "tiers": compile_tiers,
    "all": _compile_all,
    "any": _compile_any,
    "waiver": _compile_waiver,
    "scaled": _compile_scaled,
    "manual": _compile_manual,
}
