"""What every node compiler shares: the compile context, the compiled node, the arithmetic of gaps.

Every compiled node is a closure ``fn(values) -> (value, missing, gaps)`` where ``values``
is the plain dict of known facts, ``value`` is True / False / None (unknown), ``missing``
is a tuple of fact names whose answers could settle an unknown, and ``gaps`` a tuple of
:class:`~policy.engine.results.Gap` for conditions that fail.  A missing fact is never read
as 0 or false.  Thresholds come from dated parameters resolved at the as-of date, so a
programme is compiled once per as-of date.
"""

from __future__ import annotations

import math
import operator
from datetime import date
from typing import Any, Callable

from .. import schema as S
from ..facts import FactRegistry
from .results import Citation, Label, NodeInfo

__all__ = ["CompileError", "Ctx", "CNode", "E", "TRUE", "CMP", "tol_cmp", "round_figure", "short_by",
           "threshold_extra", "word_op"]

E: tuple = ()
TRUE = (True, E, E)
_EPS = 1e-12

CMP = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}


class CompileError(ValueError):
    pass


def tol_cmp(op: str) -> Callable[[float, float], bool]:
    """Ratio comparison with a tiny tolerance so that 35/1000 meets 3.5% exactly."""
    if op == ">=":
        return lambda r, t: r >= t - _EPS
    if op == ">":
        return lambda r, t: r > t + _EPS
    if op == "<=":
        return lambda r, t: r <= t + _EPS
    return lambda r, t: r < t - _EPS


def round_figure(x: float | int) -> float | int:
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
    return round_figure(need - have)


def threshold_extra(thresholds: list, integer: bool, probe: Callable, op: str) -> dict:
    """What the pack linter needs: the thresholds in force and the compared value."""
    return {"thresholds": list(thresholds), "integer": integer, "probe": probe, "op": op}


def word_op(spec: Any) -> str:
    """The operator: the document's word decides it where there is one."""
    if getattr(spec, "word", None):
        return S.WORD_OPS[spec.word]
    return spec.op


class Ctx:
    """One programme being compiled at one as-of date: its pack, the facts, the node counter."""

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

    def is_integer(self, fact: str) -> bool:
        """Counts and money move in whole steps (件 / 元)."""
        return self.fact_type(fact) in ("count", "money", "money3")

    def info(self, spec: Any, kind: str, code: str, params: dict[str, Any], unit_fact: str | None = None) -> NodeInfo:
        """The node's static part: its id, its label (the pack's words, else ``code`` with ``params``),
        its citation and note."""
        label = Label(code, params, spec.label_zh, spec.label_en)
        return NodeInfo(self.node_id(spec), kind, label, self.cite(spec.cite), spec.note, spec.note_en, unit_fact)


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
