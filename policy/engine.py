"""Compile condition trees into closures and evaluate them with three-valued (Kleene) logic.

Every compiled node is a closure ``fn(values) -> (value, missing, gaps)`` where ``values``
is the plain dict of known facts, ``value`` is True / False / None (unknown), ``missing``
is a tuple of fact names whose answers could settle an unknown, and ``gaps`` a tuple of
:class:`Gap` for conditions that fail.  A missing fact is never read as 0 or false.

Kleene rules: ``all`` is false as soon as one child is false (even with unknown siblings),
true when all are true, else unknown; ``any`` is the dual.  Thresholds come from dated
parameters resolved at the as-of date, so a programme is compiled once per as-of date.

The per-condition explanation (``lines``) is produced on demand by walking the same
compiled nodes, so the fast path and the explanation cannot disagree.
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Callable, NamedTuple

from . import schema as S
from .facts import CONFIRM_PREFIX, FactRegistry, PatentItem
from .wording import say

__all__ = [
    "ELIGIBLE",
    "NOT_ELIGIBLE",
    "NEEDS_INFO",
    "STATUS_ZH",
    "Citation",
    "NodeInfo",
    "Gap",
    "Line",
    "NextTier",
    "ProgrammeInfo",
    "ProgrammeResult",
    "CompiledProgramme",
    "compile_programme",
    "years_before",
]

ELIGIBLE = "eligible"
NOT_ELIGIBLE = "not_eligible"
NEEDS_INFO = "needs_info"
STATUS_ZH = {ELIGIBLE: "符合", NOT_ELIGIBLE: "不符合", NEEDS_INFO: "需补充信息"}
OP_ZH = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}

_E: tuple = ()
_TRUE = (True, _E, _E)
_EPS = 1e-12

_CMP = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}


def _tol_cmp(op: str) -> Callable[[float, float], bool]:
    """Ratio comparison with a tiny tolerance so that 35/1000 meets 3.5% exactly."""
    if op == ">=":
        return lambda r, t: r >= t - _EPS
    if op == ">":
        return lambda r, t: r > t + _EPS
    if op == "<=":
        return lambda r, t: r <= t + _EPS
    return lambda r, t: r < t - _EPS


def _round(x: float | int) -> float | int:
    if isinstance(x, float):
        r = round(x, 2)
        return int(r) if r.is_integer() else r
    return x


def short_by(op: str, have: float | int, t: float | int, integer: bool) -> float | int:
    """How much the fact must change to meet ``have op t`` (negative: must fall by that much).

    Counts and money move in steps of 1 (件 / 元), so "exceeding 20" with 20 is short by 1.
    """
    if op == ">=":
        need = math.ceil(t) if integer else t
    elif op == ">":
        need = (math.floor(t) + 1) if integer else t + 1
    elif op == "<=":
        need = math.floor(t) if integer else t
    else:
        need = (math.ceil(t) - 1) if integer else t - 1
    return _round(need - have)


def years_before(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February
        return d.replace(year=d.year - years, day=28)


# --------------------------------------------------------------------------- result types


@dataclass(frozen=True, slots=True)
class Citation:
    doc: str  # document id in the pack
    document: str  # 文号, or the title where there is none
    clause: str
    quote: str | None = None

    def to_json(self) -> dict[str, str]:
        return {"document": self.document, "clause": self.clause}

    def text(self) -> str:
        return f"{self.document} {self.clause}"


@dataclass(frozen=True, slots=True)
class NodeInfo:
    id: str
    kind: str
    label_zh: str
    label_en: str
    citation: Citation | None
    note: str | None = None
    unit_zh: str = ""
    note_en: str | None = None


class Gap(NamedTuple):
    """A failing condition: the fact, what the company has, what is needed, and how much more."""

    fact: str
    have: Any
    need: Any
    short_by: float | int | None
    op: str | None
    node: NodeInfo

    @property
    def label_zh(self) -> str:
        return self.node.label_zh

    @property
    def citation(self) -> Citation | None:
        return self.node.citation

    @property
    def json_op(self) -> str | None:
        """The comparison the need is for: ">=", ">", "<=", "<", or "==" for a yes/no requirement."""
        if self.op is not None:
            return self.op
        return "==" if isinstance(self.need, bool) else None

    def to_json(self) -> dict[str, Any]:
        return {"fact": self.fact, "have": _json_value(self.have), "need": self.need, "short_by": self.short_by,
                "op": self.json_op}


def _json_value(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _json_value(x) for k, x in v.items()}
    if isinstance(v, (tuple, list)):
        return [_json_value(x) for x in v]
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, PatentItem):
        return v.to_dict()
    return v


@dataclass(slots=True)
class Line:
    """One condition of the tree, for display: value, have / need, citation."""

    node_id: str
    kind: str
    depth: int
    label_zh: str
    label_en: str
    value: bool | None
    fact: str | None = None
    have: Any = None
    need: Any = None
    op: str | None = None
    short_by: float | int | None = None
    citation: Citation | None = None
    note: str | None = None  # the pack's reading of this condition (its ``note:``), shown under it
    detail_zh: str | None = None  # detail_code in Chinese, for the command line
    detail_code: str | None = None  # see policy.wording.TEXT; params in detail_params
    detail_params: dict[str, Any] | None = None
    note_en: str | None = None
    figures: list[tuple[str, Any]] | None = None  # manual confirmations: (fact, value) shown to the person

    @property
    def note_id(self) -> str | None:
        """The note's id: the id of the condition it belongs to."""
        return self.node_id if self.note else None

    def detail(self, lang: str = "zh") -> str | None:
        if self.detail_code is None:
            return None
        return say(self.detail_code, lang, **(self.detail_params or {}))

    @property
    def need_text(self) -> str:
        if self.need is None:
            return ""
        if self.op is None:
            return str(_json_value(self.need))
        return f"{OP_ZH[self.op]}{_fmt(self.need)}"

    def to_json(self) -> dict[str, Any]:
        return {
            "node": self.node_id,
            "kind": self.kind,
            "depth": self.depth,
            "label": self.label_zh,
            "value": self.value,
            "fact": self.fact,
            "have": _json_value(self.have),
            "need": self.need,
            "op": self.op,
            "short_by": self.short_by,
            "citation": self.citation.to_json() if self.citation else None,
            "note": self.note,
            "note_id": self.note_id,
            "detail": self.detail_zh,
            "detail_code": self.detail_code,
            "detail_params": _json_value(self.detail_params) if self.detail_params else None,
            "figures": [{"fact": f, "value": _json_value(v)} for f, v in self.figures] if self.figures else None,
        }


def _phrase(label: str, word: str, t: Any, unit: str = "") -> str:
    """Chinese word order: 以上/以下 follow the number, 超过/不少于/... precede it."""
    if word in ("以上", "以下"):
        return f"{label} {_fmt(t)}{unit}{word}"
    return f"{label}{word} {_fmt(t)}{unit}"


def _fmt(x: Any) -> str:
    if isinstance(x, float):
        if x.is_integer():
            return str(int(x))
        return f"{x:.4g}" if abs(x) < 1 else f"{x:,.2f}"
    if isinstance(x, int) and not isinstance(x, bool):
        return f"{x:,}" if abs(x) >= 10000 else str(x)
    return str(_json_value(x))


@dataclass(frozen=True, slots=True)
class NextTier:
    tier: int
    short_by: float | int
    fact: str
    label_zh: str
    label_en: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"tier": self.tier, "short_by": self.short_by}


@dataclass(frozen=True, slots=True)
class ProgrammeInfo:
    """Everything about a programme edition that does not depend on the facts."""

    id: str
    pack: str
    title: str
    title_en: str
    citation: Citation
    documents: tuple[Citation, ...]
    start: date
    end: date | None
    deadline: date | None
    period_text: str
    benefit_zh: str
    benefit_en: str
    tier_benefits: dict[int, str]
    tier_labels: dict[int, str]
    notes: tuple[str, ...]
    notes_en: tuple[str, ...] = ()  # the notes in English where the pack gives them (else empty)
    taper_end: date | None = None  # after ``end``: subsidies taper until this date (see schema.Taper)
    taper_citation: Citation | None = None
    tier_labels_en: dict[int, str] = field(default_factory=dict)
    tier_benefits_en: dict[int, str] = field(default_factory=dict)


@dataclass(slots=True, eq=False)
class ProgrammeResult:
    """The answer for one programme at one as-of date."""

    info: ProgrammeInfo
    status: str
    in_force: bool
    in_force_note: str | None
    tier: int | None
    next_tier: NextTier | None
    gaps: list[Gap]
    missing: list[str]
    as_of: date
    _compiled: "CompiledProgramme | None" = field(default=None, repr=False)
    _values: dict | None = field(default=None, repr=False)
    _lines: list[Line] | None = field(default=None, repr=False)
    #: why not in force, as a code (None when in force): not_started, deadline_passed, ended,
    #: ended_tapering; its figures (dates, the cited sentence) in in_force_params
    in_force_code: str | None = None
    in_force_params: dict[str, Any] | None = None

    # convenience views on the static part
    @property
    def policy(self) -> str:
        return self.info.id

    @property
    def title(self) -> str:
        return self.info.title

    @property
    def title_en(self) -> str:
        return self.info.title_en

    @property
    def citation(self) -> Citation:
        return self.info.citation

    @property
    def period_text(self) -> str:
        return self.info.period_text

    @property
    def status_zh(self) -> str:
        return STATUS_ZH[self.status]

    @property
    def tier_label(self) -> str | None:
        return None if self.tier is None else self.info.tier_labels.get(self.tier)

    @property
    def tier_label_en(self) -> str | None:
        return None if self.tier is None else self.info.tier_labels_en.get(self.tier)

    @property
    def benefit_en(self) -> str:
        if self.tier is not None and self.tier in self.info.tier_benefits_en:
            return self.info.tier_benefits_en[self.tier]
        return self.info.benefit_en

    @property
    def benefit(self) -> str:
        if self.tier is not None and self.tier in self.info.tier_benefits:
            return self.info.tier_benefits[self.tier]
        return self.info.benefit_zh

    @property
    def notes(self) -> tuple[str, ...]:
        return self.info.notes

    def notes_in(self, lang: str = "zh") -> tuple[str, ...]:
        """The programme's notes in ``lang`` (Chinese where the pack has no English for them)."""
        return self.info.notes_en if lang == "en" and self.info.notes_en else self.info.notes

    @property
    def lines(self) -> list[Line]:
        """Per-condition lines (have / need / citation), computed on first access."""
        if self._lines is None:
            self._lines = (self._compiled.explain(self._values, self.status == ELIGIBLE)
                           if self._compiled is not None else [])
        return self._lines

    def to_json(self) -> dict[str, Any]:
        """The command-line JSON contract for one programme."""
        return {
            "policy": self.info.id,
            "title": self.info.title,
            "status": self.status,
            "in_force": self.in_force,
            "tier": self.tier,
            "missing": list(self.missing),
            "gaps": [g.to_json() for g in self.gaps],
            "next_tier": self.next_tier.to_json() if self.next_tier else None,
            "citation": self.info.citation.to_json(),
        }

    def to_dict(self) -> dict[str, Any]:
        """Everything, JSON-ready (the contract plus lines, period, benefit, notes)."""
        out = self.to_json()
        out.update(
            {
                "title_en": self.info.title_en,
                "status_zh": self.status_zh,
                "period": self.info.period_text,
                "in_force_note": self.in_force_note,
                "in_force_code": self.in_force_code,
                "in_force_params": _json_value(self.in_force_params) if self.in_force_params else None,
                "tier_label": self.tier_label,
                "benefit": self.benefit,
                "notes": list(self.info.notes),
                "lines": [ln.to_json() for ln in self.lines],
                "as_of": self.as_of.isoformat(),
            }
        )
        return out


# --------------------------------------------------------------------------- compilation


class CompileError(ValueError):
    pass


class _Ctx:
    def __init__(self, pack: S.Pack, as_of: date, registry: FactRegistry, programme_id: str):
        self.pack = pack
        self.as_of = as_of
        self.registry = registry
        self.programme_id = programme_id
        self.docs = {d.id: d for d in pack.documents}
        self.factor = 1.0
        self.scaled = False
        self.counter = 0

    def param(self, pid: str) -> tuple[float | int | None, S.ParamValue]:
        p = self.pack.parameters.get(pid)
        if p is None:
            raise CompileError(f"{self.programme_id}: unknown parameter {pid}")
        chosen = p.values[0]
        for v in p.values:
            if v.start <= self.as_of:
                chosen = v
        return chosen.value, chosen

    def threshold(self, pid: str) -> float | int:
        value, _ = self.param(pid)
        if value is None:
            raise CompileError(f"{self.programme_id}: parameter {pid} has no figure at {self.as_of}; use a manual node")
        if self.factor != 1.0:
            scaled = value * self.factor
            return int(scaled) if float(scaled).is_integer() else scaled
        return value

    def cite(self, c: S.Cite | None) -> Citation | None:
        if c is None:
            return None
        doc = self.docs.get(c.doc)
        label = doc.label if doc is not None else c.doc
        return Citation(c.doc, label, c.clause, c.quote)

    def node_id(self, spec: Any) -> str:
        self.counter += 1
        return spec.id or f"{self.programme_id}#{self.counter}"

    def fact_type(self, name: str) -> str:
        spec = self.registry.specs.get(name)
        if spec is None:
            raise CompileError(f"{self.programme_id}: unknown fact {name}")
        return spec.type

    def label(self, spec: Any, default_zh: str, default_en: str) -> tuple[str, str]:
        return (spec.label_zh or default_zh, spec.label_en or default_en)


class CNode:
    """A compiled node: ``fn`` for evaluation, ``describe`` and ``children`` for explanations."""

    __slots__ = ("info", "fn", "children", "describe", "extra")

    def __init__(self, info: NodeInfo, fn: Callable, children: tuple = (), describe: Callable | None = None,
                 extra: Any = None):
        self.info = info
        self.fn = fn
        self.children = children
        self.describe = describe
        self.extra = extra


def _threshold_extra(thresholds: list, integer: bool, probe: Callable, op: str) -> dict:
    """What the pack linter needs: the thresholds in force and the compared value."""
    return {"thresholds": list(thresholds), "integer": integer, "probe": probe, "op": op}


def _compile(spec: Any, ctx: _Ctx) -> CNode:
    node = _COMPILERS[spec.type](spec, ctx)
    if spec.note_en:
        node.info = replace(node.info, note_en=spec.note_en)
    return node


def _is_integer_fact(ctx: _Ctx, fact: str) -> bool:
    return ctx.fact_type(fact) in ("count", "money", "money3")


def _compile_flag(spec: S.FlagNode, ctx: _Ctx) -> CNode:
    fact, expect = spec.fact, spec.expect
    ctx.fact_type(fact)
    lz, le = ctx.registry.label(fact, "zh"), ctx.registry.label(fact, "en")
    if not expect:
        lz, le = f"不得：{lz}", f"not: {le}"
    info = NodeInfo(ctx.node_id(spec), "flag", *ctx.label(spec, lz, le), ctx.cite(spec.cite), spec.note)
    gap = Gap(fact, not expect, expect, None, None, info)
    none_r = (None, (fact,), _E)
    false_r = (False, _E, (gap,))

    def fn(values: dict) -> tuple:
        v = values.get(fact)
        if v is None:
            return none_r
        return _TRUE if v is expect else false_r

    def describe(values: dict) -> dict:
        return {"fact": fact, "have": values.get(fact), "need": expect}

    return CNode(info, fn, describe=describe)


def _kind_evaluator(kind: S.ListKind, ctx: _Ctx) -> Callable[[PatentItem], bool | None]:
    name = kind.field
    if name in ("strategic_emerging_industry", "overseas_family", "national_award"):
        return lambda item: getattr(item, name)
    op = _word_op(kind)
    cmp = _CMP[op]
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


def _word_op(spec: Any) -> str:
    if getattr(spec, "word", None):
        return S.WORD_OPS[spec.word]
    return spec.op


def _compile_compare(spec: S.CompareNode, ctx: _Ctx) -> CNode:
    fact, op, pick = spec.fact, spec.resolved_op(), spec.pick
    ftype = ctx.fact_type(fact)
    integer = ftype in ("count", "money", "money3")
    t = ctx.threshold(spec.param)
    cmp = _CMP[op]
    lz = ctx.registry.label(fact, "zh")
    le = ctx.registry.label(fact, "en")
    word = spec.word or OP_ZH[op]
    unit = ctx.registry.specs[fact].unit_zh
    default_zh = _phrase(f"{lz}{'每年' if pick == 'each' else ''}", word, t, unit)
    info = NodeInfo(ctx.node_id(spec), "compare", *ctx.label(spec, default_zh, f"{le} {op} {_fmt(t)}"),
                    ctx.cite(spec.cite), spec.note, ctx.registry.specs[fact].unit_zh)
    none_r = (None, (fact,), _E)
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
                return (False, _E, (Gap(fact, v, t, short_by(op, lo, t, True), op, info),))
            if unknown:
                return none_r
            return _TRUE

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

        return CNode(info, fn, describe=describe, extra=_threshold_extra([t], True, probe, op))

    if pick == "last":
        def fn(values: dict) -> tuple:
            v = values.get(fact)
            if v is None or v[-1] is None:
                return none_r
            x = v[-1]
            if cmp(x, t):
                return _TRUE
            return (False, _E, (Gap(fact, x, t, short_by(op, x, t, True), op, info),))

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

        return CNode(info, fn, describe=describe, extra=_threshold_extra([t], True, probe, op))

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

        def fn(values: dict) -> tuple:
            v = values.get(fact)
            if v is None:
                items = values.get(list_fact)
                if items is None:
                    return none_r
                lo, hi = count(items)
                if cmp(lo, t):
                    return _TRUE
                if not cmp(hi, t):
                    return (False, _E, (Gap(fact, lo, t, short_by(op, lo, t, integer), op, info),))
                return none_r
            if cmp(v, t):
                return _TRUE
            return (False, _E, (Gap(fact, v, t, short_by(op, v, t, integer), op, info),))

        def describe(values: dict) -> dict:
            v = values.get(fact)
            d: dict[str, Any] = {"fact": fact, "have": v, "need": t, "op": op}
            if v is None and values.get(list_fact) is not None:
                lo, hi = count(values[list_fact])
                d["have"] = lo
                d["detail_code"] = "list_count" if lo == hi else "list_count_range"
                d["detail_params"] = {"low": lo, "high": hi}
                if not cmp(hi, t):
                    d["short_by"] = short_by(op, lo, t, integer)
            elif v is not None and not cmp(v, t):
                d["short_by"] = short_by(op, v, t, integer)
            return d

        def probe(values: dict):
            v = values.get(fact)
            if v is None and values.get(list_fact) is not None:
                lo, hi = count(values[list_fact])
                return lo if lo == hi else None
            return v

        extra = _threshold_extra([t], integer, probe, op)
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

    def fn(values: dict) -> tuple:
        v = values.get(fact)
        if v is None:
            return none_r
        if cmp(v, t):
            return _TRUE
        return (False, _E, (Gap(fact, v, t, short_by(op, v, t, integer), op, info),))

    def describe(values: dict) -> dict:
        v = values.get(fact)
        d = {"fact": fact, "have": v, "need": t, "op": op}
        if v is not None and not cmp(v, t):
            d["short_by"] = short_by(op, v, t, integer)
        return d

    return CNode(info, fn, describe=describe, extra=_threshold_extra([t], integer, lambda values: values.get(fact), op))


def _compile_ratio(spec: S.RatioNode, ctx: _Ctx) -> CNode:
    num, den, rf, op = spec.num, spec.den, spec.ratio_fact, spec.resolved_op()
    for f in (num, den):
        if ctx.fact_type(f) != "money":
            raise CompileError(f"{ctx.programme_id}: ratio terms must be money facts ({f})")
    if rf is not None and ctx.fact_type(rf) != "ratio":
        raise CompileError(f"{ctx.programme_id}: ratio_fact {rf} must be a ratio fact")
    t = ctx.threshold(spec.param)
    cmp = _tol_cmp(op)
    word = spec.word or OP_ZH[op]
    lz = _phrase(f"{ctx.registry.label(num)}占{ctx.registry.label(den)}比例", word, f"{t * 100:g}%")
    le = f"{ctx.registry.label(num, 'en')} / {ctx.registry.label(den, 'en')} {op} {t * 100:g}%"
    info = NodeInfo(ctx.node_id(spec), "ratio", *ctx.label(spec, lz, le), ctx.cite(spec.cite), spec.note, "元")
    lower = op in (">=", ">")
    miss_both, miss_num, miss_den = (None, (num, den), _E), (None, (num,), _E), (None, (den,), _E)
    zero_num_gap = (False, _E, (Gap(num, 0, None, None, op, info),))
    zero_den_gap = (False, _E, (Gap(den, 0, None, None, op, info),))

    def fn(values: dict) -> tuple:
        if rf is not None:
            r = values.get(rf)
            if r is not None:
                if cmp(r, t):
                    return _TRUE
                return (False, _E, (Gap(rf, r, t, round(t - r, 6), op, info),))
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
            return _TRUE
        need = t * d
        return (False, _E, (Gap(num, n, _round(need), short_by(op, n, need, False), op, info),))

    def describe(values: dict) -> dict:
        out: dict[str, Any] = {"op": op, "need": t}
        if rf is not None and values.get(rf) is not None:
            r = values[rf]
            out.update(fact=rf, have=r, detail_code="ratio_given",
                       detail_params={"ratio": f"{r * 100:.2f}%", "op": OP_ZH[op], "need": f"{t * 100:g}%"})
            if not cmp(r, t):
                out["short_by"] = round(t - r, 6)
            return out
        n, d = values.get(num), values.get(den)
        out["fact"] = num
        if n is not None and d is not None and d != 0:
            r = n / d
            out["have"] = round(r, 6)
            out["detail_code"] = "ratio_computed"
            out["detail_params"] = {"ratio": f"{r * 100:.2f}%", "num": n, "den": d, "op": OP_ZH[op], "need": f"{t * 100:g}%"}
            if not cmp(r, t):
                out["short_by"] = short_by(op, n, t * d, False)
                out["detail_code"] = "ratio_computed_short"
                out["detail_params"].update(num_label=ctx.registry.label(num), num_label_en=ctx.registry.label(num, "en"),
                                            short_by=out["short_by"])
        elif d == 0:
            out["detail_code"] = "ratio_zero_den"
            out["detail_params"] = {"den_label": ctx.registry.label(den), "den_label_en": ctx.registry.label(den, "en")}
        return out

    def probe(values: dict):
        if rf is not None and values.get(rf) is not None:
            return values[rf]
        n, d = values.get(num), values.get(den)
        return None if n is None or not d else n / d

    return CNode(info, fn, describe=describe, extra=_threshold_extra([t], False, probe, op))


def _compile_weighted(spec: S.WeightedNode, ctx: _Ctx) -> CNode:
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
    cmp = _CMP[op]
    word = spec.word or OP_ZH[op]
    formula = " + ".join(f"{ctx.registry.label(f)}" if w == 1 else f"{_fmt(w)}×{ctx.registry.label(f)}" for f, w in terms)
    formula_en = " + ".join(f if w == 1 else f"{_fmt(w)}*{f}" for f, w in terms)
    info = NodeInfo(ctx.node_id(spec), "weighted", *ctx.label(spec, _phrase(formula, word, t, "件"), f"{formula_en} {op} {_fmt(t)}"),
                    ctx.cite(spec.cite), spec.note, "件")
    first = terms[0][0]

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
            return _TRUE  # counts are never negative, so unknown terms cannot undo this
        if unknown is not None:
            return (None, unknown, _E)
        return (False, _E, (Gap(first, _round(s), t, short_by(op, s, t, True), op, info),))

    def describe(values: dict) -> dict:
        known = [(f, w, values.get(f)) for f, w in terms]
        s = sum(w * v for f, w, v in known if v is not None)
        all_known = all(v is not None for _, _, v in known)
        d: dict[str, Any] = {
            "fact": first, "have": _round(s) if all_known or cmp(s, t) else None, "need": t, "op": op,
            "detail_code": "weighted_terms",
            "detail_params": {
                "terms": "；".join(f"{ctx.registry.label(f)} {say('unknown') if v is None else v}" for f, _, v in known),
                "terms_en": "; ".join(f"{ctx.registry.label(f, 'en')} {say('unknown', 'en') if v is None else v}"
                                      for f, _, v in known),
            },
        }
        if all_known and not cmp(s, t):
            d["short_by"] = short_by(op, s, t, True)
        return d

    def probe(values: dict):
        vals = [values.get(f) for f, _ in terms]
        return None if any(v is None for v in vals) else sum(w * v for (_, w), v in zip(terms, vals))

    return CNode(info, fn, describe=describe, extra=_threshold_extra([t], True, probe, op))


def _compile_tiers(spec: S.TiersNode, ctx: _Ctx) -> CNode:
    fact, op = spec.fact, spec.resolved_op()
    integer = _is_integer_fact(ctx, fact)
    levels = [(lv.tier, ctx.threshold(lv.param), lv.label_zh) for lv in spec.levels]
    labels_en = {lv.tier: lv.label_en or lv.label_zh for lv in spec.levels}
    cmp = _CMP[op]
    word = spec.word or OP_ZH[op]
    lz = _phrase(ctx.registry.label(fact), word, "/".join(_fmt(t) for _, t, _ in levels),
                 ctx.registry.specs[fact].unit_zh) + "（分档）"
    info = NodeInfo(ctx.node_id(spec), "tiers", *ctx.label(spec, lz, f"{ctx.registry.label(fact, 'en')} {op} "
                                                          f"{'/'.join(_fmt(t) for _, t, _ in levels)} (tiers)"), ctx.cite(spec.cite),
                    spec.note, ctx.registry.specs[fact].unit_zh)
    none_r = (None, (fact,), _E)
    t0 = levels[0][1]
    labels_zh = {a: c for a, _, c in levels}

    def fn(values: dict) -> tuple:
        v = values.get(fact)
        if v is None:
            return none_r
        if cmp(v, t0):
            return _TRUE
        return (False, _E, (Gap(fact, v, t0, short_by(op, v, t0, integer), op, info),))

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

    extra = _threshold_extra([t for _, t, _ in levels], integer, lambda values: values.get(fact), op)
    extra.update(level=level, labels={a: c for a, _, c in levels})
    return CNode(info, fn, describe=describe, extra=extra)


def _compile_all(spec: S.AllNode, ctx: _Ctx) -> CNode:
    info = NodeInfo(ctx.node_id(spec), "all", *ctx.label(spec, "需同时满足以下条件", "all of the following"), ctx.cite(spec.cite), spec.note)
    children = tuple(_compile(c, ctx) for c in spec.of)
    fns = tuple(c.fn for c in children)

    def fn(values: dict) -> tuple:
        false_gaps = None
        unk_missing = None
        unk_gaps = _E
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
            return (False, _E, false_gaps)
        if unk_missing is not None:
            return (None, unk_missing, unk_gaps)
        return _TRUE

    return CNode(info, fn, children)


def _compile_any(spec: S.AnyNode, ctx: _Ctx) -> CNode:
    info = NodeInfo(ctx.node_id(spec), "any", *ctx.label(spec, "以下条件满足其一即可", "any one of the following"), ctx.cite(spec.cite), spec.note)
    children = tuple(_compile(c, ctx) for c in spec.of)
    fns = tuple(c.fn for c in children)

    def fn(values: dict) -> tuple:
        gaps = _E
        missing = None
        for f in fns:
            v, m, g = f(values)
            if v is True:
                return _TRUE
            if g:
                gaps = gaps + g
            if v is None:
                missing = m if missing is None else missing + m
        if missing is not None:
            return (None, missing, gaps)
        return (False, _E, gaps)

    return CNode(info, fn, children)


def _compile_waiver(spec: S.WaiverNode, ctx: _Ctx) -> CNode:
    flags = tuple(spec.waived_by)
    for f in flags:
        if ctx.fact_type(f) != "bool":
            raise CompileError(f"{ctx.programme_id}: waived_by must name yes/no facts ({f})")
    names = "或".join(ctx.registry.label(f) for f in flags)
    info = NodeInfo(ctx.node_id(spec), "waiver", *ctx.label(spec, f"{names}可豁免下列条件", f"waived for a {' or a '.join(ctx.registry.label(f, 'en') for f in flags)}"),
                    ctx.cite(spec.cite), spec.note)
    child = _compile(spec.condition, ctx)
    cfn = child.fn

    def fn(values: dict) -> tuple:
        unknown = None
        for f in flags:
            w = values.get(f)
            if w is True:
                return _TRUE
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
            d["detail_params"] = {"by": ctx.registry.label(waived[0]), "by_en": ctx.registry.label(waived[0], "en")}
        return d

    return CNode(info, fn, (child,), describe=describe, extra={"flags": flags})


def _compile_scaled(spec: S.ScaledNode, ctx: _Ctx) -> CNode:
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
    info = NodeInfo(ctx.node_id(spec), "scaled",
                    *ctx.label(spec, f"{ctx.registry.label(when)}时，下列数量要求乘以 {_fmt(factor)}",
                               f"the counts below x{_fmt(factor)} for: {ctx.registry.label(when, 'en')}"),
                    ctx.cite(spec.cite), spec.note)
    saved_counter = ctx.counter
    base = _compile(spec.condition, ctx)
    ctx.counter = saved_counter  # the scaled copy gets the same node ids
    outer_factor, outer_scaled = ctx.factor, ctx.scaled
    ctx.factor, ctx.scaled = outer_factor * float(factor), True
    try:
        scaled = _compile(spec.condition, ctx)
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
        p = {"source": say("scaled_from_date", date_label=ctx.registry.label(date_fact)) if derived else "",
             "source_en": say("scaled_from_date", "en", date_label=ctx.registry.label(date_fact, "en")) if derived else ""}
        code = "scaled_applied" if w else "scaled_not_applied" if w is False else "scaled_unknown"
        return {"fact": when, "have": w, "detail_code": code, "detail_params": p}

    return CNode(info, fn, (base, scaled), describe=describe, extra={"flag_value": flag_value})


def _compile_manual(spec: S.ManualNode, ctx: _Ctx) -> CNode:
    name = CONFIRM_PREFIX + spec.confirm
    info = NodeInfo(ctx.node_id(spec), "manual", *ctx.label(spec, f"需人工确认：{spec.question_zh}", f"to confirm: {spec.question_en}"),
                    ctx.cite(spec.cite), spec.note)
    none_r = (None, (name,), _E)
    false_r = (False, _E, (Gap(name, False, True, None, None, info),))

    def fn(values: dict) -> tuple:
        v = values.get(name)
        if v is True:
            return _TRUE
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
    "compare": _compile_compare,
    "ratio": _compile_ratio,
    "weighted": _compile_weighted,
    "tiers": _compile_tiers,
    "all": _compile_all,
    "any": _compile_any,
    "waiver": _compile_waiver,
    "scaled": _compile_scaled,
    "manual": _compile_manual,
}


# --------------------------------------------------------------------------- programmes


def _period_text(start: date, end: date | None, deadline: date | None) -> str:
    if end is None:
        text = f"{start.isoformat()} 起（文件未规定截止日期）"
    else:
        text = f"{start.isoformat()} 至 {end.isoformat()}"
    if deadline is not None:
        text += f"；申报截止 {deadline.isoformat()}"
    return text


def programme_info(prog: S.Programme, pack: S.Pack) -> ProgrammeInfo:
    docs = {d.id: d for d in pack.documents}

    def cite(c: S.Cite) -> Citation:
        d = docs.get(c.doc)
        return Citation(c.doc, d.label if d else c.doc, c.clause, c.quote)

    doc_cites = tuple(Citation(d, docs[d].label if d in docs else d, "", None) for d in prog.documents)
    tier_benefits: dict[int, str] = {}
    tier_benefits_en: dict[int, str] = {}
    if prog.benefit.tiers:
        tier_benefits = {k: v.text_zh for k, v in prog.benefit.tiers.items()}
        tier_benefits_en = {k: v.text_en for k, v in prog.benefit.tiers.items() if v.text_en}
    tier_labels: dict[int, str] = {}
    tier_labels_en: dict[int, str] = {}
    for tiers in _find(prog.when, "tiers"):
        tier_labels.update({lv.tier: lv.label_zh for lv in tiers.levels})
        tier_labels_en.update({lv.tier: lv.label_en or lv.label_zh for lv in tiers.levels})
    taper = prog.period.taper
    return ProgrammeInfo(
        id=prog.id,
        pack=pack.pack,
        title=prog.name_zh,
        title_en=prog.name_en,
        citation=cite(prog.citation),
        documents=doc_cites,
        start=prog.period.start,
        end=prog.period.end,
        deadline=prog.deadline,
        period_text=_period_text(prog.period.start, prog.period.end, prog.deadline),
        benefit_zh=prog.benefit.text_zh,
        benefit_en=prog.benefit.text_en or "",
        tier_benefits=tier_benefits,
        tier_labels=tier_labels,
        notes=tuple(([prog.period.note] if prog.period.note else []) + list(prog.notes)),
        notes_en=tuple(([prog.period.note_en] if prog.period.note_en else []) + list(prog.notes_en))
        if (prog.period.note_en or not prog.period.note) and len(prog.notes_en) == len(prog.notes) else (),
        taper_end=taper.end if taper else None,
        taper_citation=cite(taper.cite) if taper else None,
        tier_labels_en=tier_labels_en,
        tier_benefits_en=tier_benefits_en,
    )


def _find(node: Any, kind: str) -> list[Any]:
    out = []
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type == kind:
            out.append(n)
        if n.type in ("all", "any"):
            stack.extend(reversed(n.of))
        elif n.type in ("waiver", "scaled"):
            stack.append(n.condition)
    return out


def in_force_state(info: ProgrammeInfo, as_of: date) -> tuple[bool, str | None, dict[str, Any] | None]:
    """(in force, why not as a code, its parameters).  Codes: not_started, deadline_passed, ended,
    ended_tapering (after the period, in the time the document says subsidies taper: the cited
    sentence is in the parameters)."""
    if as_of < info.start:
        return False, "not_started", {"start": info.start, "as_of": as_of}
    if info.deadline is not None and as_of > info.deadline and (info.end is None or info.deadline <= info.end):
        return False, "deadline_passed", {"deadline": info.deadline}
    if info.end is not None and as_of > info.end:
        if info.taper_end is not None and as_of <= info.taper_end and info.taper_citation is not None:
            c = info.taper_citation
            return False, "ended_tapering", {"end": info.end, "taper_end": info.taper_end, "as_of": as_of,
                                             "quote": c.quote or "", "citation": c.text()}
        return False, "ended", {"end": info.end}
    if info.deadline is not None and as_of > info.deadline:
        return False, "deadline_passed", {"deadline": info.deadline}
    return True, None, None


def in_force_at(info: ProgrammeInfo, as_of: date) -> tuple[bool, str | None]:
    """(in force, why not in Chinese) -- the command line's wording of :func:`in_force_state`."""
    ok, code, params = in_force_state(info, as_of)
    return ok, (say(code, "zh", **params) if code else None)


class CompiledProgramme:
    """One programme edition compiled at one as-of date."""

    __slots__ = ("info", "root", "tiers_level", "as_of", "in_force", "in_force_note", "in_force_code",
                 "in_force_params", "registry")

    def __init__(self, info: ProgrammeInfo, root: CNode, tiers_level: Callable | None, as_of: date,
                 registry: FactRegistry):
        self.info = info
        self.root = root
        self.tiers_level = tiers_level
        self.as_of = as_of
        self.in_force, self.in_force_code, self.in_force_params = in_force_state(info, as_of)
        self.in_force_note = say(self.in_force_code, "zh", **self.in_force_params) if self.in_force_code else None
        self.registry = registry

    def run(self, values: dict) -> ProgrammeResult:
        v, m, g = self.root.fn(values)
        if v is True:
            status, missing, gaps = ELIGIBLE, [], []
        elif v is False:
            status, missing, gaps = NOT_ELIGIBLE, [], list(g)
        else:
            status, missing, gaps = NEEDS_INFO, list(dict.fromkeys(m)), list(g)
        tier = next_tier = None
        if status == ELIGIBLE and self.tiers_level is not None:
            # the next tier is the next step only for a company that already qualifies;
            # otherwise the gaps are
            reached, next_tier = self.tiers_level(values)
            tier = reached or None
        return ProgrammeResult(self.info, status, self.in_force, self.in_force_note, tier, next_tier, gaps, missing,
                               self.as_of, self, values, None, self.in_force_code, self.in_force_params)

    def explain(self, values: dict, eligible: bool | None = None) -> list[Line]:
        """The condition lines; ``eligible`` False leaves the next tier out of the tier line."""
        if eligible is None:
            eligible = self.root.fn(values)[0] is True
        lines: list[Line] = []
        _explain(self.root, values, 0, lines, eligible)
        return lines


def _explain(node: CNode, values: dict, depth: int, out: list[Line], eligible: bool) -> None:
    info = node.info
    value = node.fn(values)[0]
    line = Line(info.id, info.kind, depth, info.label_zh, info.label_en, value, citation=info.citation, note=info.note,
                note_en=info.note_en)
    if node.describe is not None:
        for k, v in node.describe(values).items():
            setattr(line, k, v)
    if line.detail_code == "tier_reached_next" and not eligible:
        line.detail_code = "tier_reached"
    if line.detail_code is not None:
        line.detail_zh = say(line.detail_code, "zh", **(line.detail_params or {}))
    out.append(line)
    if info.kind == "scaled":
        base, scaled = node.children
        w = node.extra["flag_value"](values)
        _explain(scaled if w is True else base, values, depth + 1, out, eligible)
        return
    for child in node.children:
        _explain(child, values, depth + 1, out, eligible)


def compile_programme(prog: S.Programme, pack: S.Pack, as_of: date, registry: FactRegistry,
                      info: ProgrammeInfo | None = None) -> CompiledProgramme:
    ctx = _Ctx(pack, as_of, registry, prog.id)
    root = _compile(prog.when, ctx)
    level = None
    stack = [root]
    while stack:
        n = stack.pop()
        if n.info.kind == "tiers":
            if level is not None:
                raise CompileError(f"{prog.id}: at most one tiers node per programme")
            level = n.extra["level"]
        if n.info.kind == "scaled":
            stack.append(n.children[0])
        else:
            stack.extend(n.children)
    return CompiledProgramme(info or programme_info(prog, pack), root, level, as_of, registry)
