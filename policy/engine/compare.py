"""The compare node: a number fact against a dated threshold, the document's word deciding the operator.

A three-year list is compared year by year (``pick: each``) or by its last year; a count
the company does not know may be counted from its patent list (``count_from``), each
patent of any of the kinds the document names, with an unknown kind making a range.
"""

from __future__ import annotations

from typing import Any, Callable

from .. import schema as S
from ..facts import PatentItem
from .compiling import CMP, CNode, CompileError, Ctx, E, TRUE, short_by, threshold_extra, word_op
from .results import Gap, NodeInfo

__all__ = ["compile_compare", "figure_fn"]


def figure_fn(fact: str, t: Any, op: str, integer: bool, info: NodeInfo) -> Callable[[dict], tuple]:
    """One known figure against one threshold: unknown while the fact is missing, else true or the gap.

    The plain compare node is this; a count compare falls back to it when the count is given,
    and a tiers node is true as soon as its first level is met, the same way.
    """
    cmp = CMP[op]
    none_r = (None, (fact,), E)

    def fn(values: dict) -> tuple:
        v = values.get(fact)
        if v is None:
            return none_r
        if cmp(v, t):
            return TRUE
        return (False, E, (Gap(fact, v, t, short_by(op, v, t, integer), op, info),))

    return fn


def _figure_describe(fact: str, t: Any, op: str, integer: bool) -> Callable[[dict], dict]:
    """How one figure was read against one threshold (what the plain compare node shows)."""
    cmp = CMP[op]

    def describe(values: dict) -> dict:
        v = values.get(fact)
        d: dict[str, Any] = {"fact": fact, "have": v, "need": t, "op": op}
        if v is not None and not cmp(v, t):
            d["short_by"] = short_by(op, v, t, integer)
        return d

    return describe


def _kind_evaluator(kind: S.ListKind, ctx: Ctx) -> Callable[[PatentItem], bool | None]:
    name = kind.field
    if name in ("strategic_emerging_industry", "overseas_family", "national_award"):
        return lambda item: getattr(item, name)
    op = word_op(kind)
    cmp = CMP[op]
    t, _ = ctx.param(kind.param) if kind.param else (None, None)
    if name == "maintained_years":
        if t is None:
            raise CompileError(f"{ctx.programme_id}: maintained_years kind needs a parameter with a figure")
        return lambda item: None if item.maintained_years is None else cmp(item.maintained_years, t)

    # pledge_amount: a person may confirm 较高 (high_pledge); no pledge means not this kind,
    # whatever the confirmation says (the parser refuses that combination too)
    def pledge(item: PatentItem) -> bool | None:
        amount = item.pledge_amount
        if amount == 0:
            return False
        if item.high_pledge is not None:
            return item.high_pledge
        if amount is None:
            return None
        if t is None:
            return None  # the document gives no figure for 较高: ask
        return cmp(amount, t)

    return pledge


def compile_compare(spec: S.CompareNode, ctx: Ctx) -> CNode:
    fact, op, pick = spec.fact, spec.resolved_op(), spec.pick
    ftype = ctx.fact_type(fact)
    integer = ftype in ("count", "money", "money3")
    t = ctx.threshold(spec.param)
    cmp = CMP[op]
    info = ctx.info(spec, "compare", "compare",
                    {"fact": fact, "each": pick == "each", "word": spec.word, "op": op, "threshold": t}, fact)
    none_r = (None, (fact,), E)
    if ftype == "money3" and pick == "value":
        raise CompileError(f"{info.id}: {fact} is a list of three years; say pick: each or pick: last")
    if pick == "each" and op not in (">=", ">"):
        raise CompileError(f"{info.id}: pick: each supports lower bounds only")

    if pick == "each":
        def fn(values: dict) -> tuple:
            v = values.get(fact)
            if v is None:
                return none_r
            lo = None
            unknown = False
            for x in v:
                if x is None:
                    unknown = True
                elif lo is None or x < lo:
                    lo = x
            if lo is not None and not cmp(lo, t):
                return (False, E, (Gap(fact, v, t, short_by(op, lo, t, True), op, info),))
            if unknown:
                return none_r
            return TRUE

        def describe(values: dict) -> dict:
            v = values.get(fact)
            known = [x for x in (v or ()) if x is not None]
            d = {"fact": fact, "have": v, "need": t, "op": op}
            if known and not cmp(min(known), t):
                d["short_by"] = short_by(op, min(known), t, True)
                d["detail_code"], d["detail_params"] = "lowest_year", {"value": min(known)}
            return d

        def probe(values: dict):
            v = values.get(fact)
            known = [x for x in (v or ()) if x is not None]
            return min(known) if known else None

        return CNode(info, fn, describe=describe, extra=threshold_extra([t], True, probe, op))

    if pick == "last":
        def fn(values: dict) -> tuple:
            v = values.get(fact)
            if v is None or v[-1] is None:
                return none_r
            x = v[-1]
            if cmp(x, t):
                return TRUE
            return (False, E, (Gap(fact, x, t, short_by(op, x, t, True), op, info),))

        def describe(values: dict) -> dict:
            v = values.get(fact)
            x = None if v is None else v[-1]
            d = {"fact": fact, "have": x, "need": t, "op": op, "detail_code": "last_year"}
            if x is not None and not cmp(x, t):
                d["short_by"] = short_by(op, x, t, True)
            return d

        def probe(values: dict):
            v = values.get(fact)
            return None if v is None else v[-1]

        return CNode(info, fn, describe=describe, extra=threshold_extra([t], True, probe, op))

    if spec.count_from is not None:
        cf = spec.count_from
        list_fact = cf.list
        if ctx.fact_type(list_fact) != "patent_list":
            raise CompileError(f"{info.id}: count_from needs a patent_list fact")
        if op not in (">=", ">"):
            raise CompileError(f"{info.id}: count_from supports lower bounds only")
        kinds = [_kind_evaluator(k, ctx) for k in cf.any_of]

        def count(items: tuple) -> tuple[int, int]:
            lo = hi = 0
            for item in items:
                res = False
                for k in kinds:
                    r = k(item)
                    if r is True:
                        res = True
                        break
                    if r is None:
                        res = None
                if res is True:
                    lo += 1
                    hi += 1
                elif res is None:
                    hi += 1
            return lo, hi

        given_fn = figure_fn(fact, t, op, integer, info)  # the company gave the count itself
        given_describe = _figure_describe(fact, t, op, integer)

        def fn(values: dict) -> tuple:
            items = values.get(list_fact) if values.get(fact) is None else None
            if items is None:
                return given_fn(values)
            lo, hi = count(items)
            if cmp(lo, t):
                return TRUE
            if not cmp(hi, t):
                return (False, E, (Gap(fact, lo, t, short_by(op, lo, t, integer), op, info),))
            return none_r

        def describe(values: dict) -> dict:
            items = values.get(list_fact) if values.get(fact) is None else None
            if items is None:
                return given_describe(values)
            lo, hi = count(items)
            d: dict[str, Any] = {"fact": fact, "have": lo, "need": t, "op": op,
                                 "detail_code": "list_count" if lo == hi else "list_count_range",
                                 "detail_params": {"low": lo, "high": hi}}
            if not cmp(hi, t):
                d["short_by"] = short_by(op, lo, t, integer)
            return d

        def probe(values: dict):
            v = values.get(fact)
            if v is None and values.get(list_fact) is not None:
                lo, hi = count(values[list_fact])
                return lo if lo == hi else None
            return v

        extra = threshold_extra([t], integer, probe, op)
        subs = []
        for k in cf.any_of:
            if k.field == "maintained_years" and k.param:
                kt = ctx.param(k.param)[0]

                def item_values(values: dict, _f: str = k.field) -> list:
                    items = values.get(list_fact) if values.get(fact) is None else None
                    return [getattr(i, _f) for i in items or () if getattr(i, _f) is not None]

                subs.append({"id": f"{info.id}.{k.field}", "thresholds": [kt], "integer": True, "values": item_values})
        extra["sub_thresholds"] = subs
        return CNode(info, fn, describe=describe, extra=extra)

    return CNode(info, figure_fn(fact, t, op, integer, info), describe=_figure_describe(fact, t, op, integer),
                 extra=threshold_extra([t], integer, lambda values: values.get(fact), op))
