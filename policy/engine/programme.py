"""A programme compiled at one as-of date: its static part, its condition tree, and how it explains itself.

``CompiledProgramme.run`` is the fast path (status, gaps, missing facts, tier); the
per-condition explanation (``explain``, behind ``ProgrammeResult.lines``) walks the same
compiled nodes on demand, so the fast path and the explanation cannot disagree.
"""

from __future__ import annotations

from datetime import date
from typing import Callable

from .. import schema as S
from ..facts import FactRegistry
from .compiling import CNode, CompileError, Ctx
from .nodes import compile_node
from .periods import in_force_state
from .results import ELIGIBLE, NEEDS_INFO, NOT_ELIGIBLE, Citation, Line, ProgrammeInfo, ProgrammeResult

__all__ = ["CompiledProgramme", "compile_programme", "programme_info"]


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
    for tiers in (n for n in S.iter_nodes(prog.when) if n.type == "tiers"):
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


class CompiledProgramme:
    """One programme edition compiled at one as-of date."""

    __slots__ = ("info", "root", "tiers_level", "as_of", "in_force", "in_force_code", "in_force_params", "registry")

    def __init__(self, info: ProgrammeInfo, root: CNode, tiers_level: Callable | None, as_of: date,
                 registry: FactRegistry):
        self.info = info
        self.root = root
        self.tiers_level = tiers_level
        self.as_of = as_of
        self.in_force, self.in_force_code, self.in_force_params = in_force_state(info, as_of)
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
        return ProgrammeResult(self.info, status, self.in_force, tier, next_tier, gaps, missing, self.as_of,
                               self.in_force_code, self.in_force_params, self, values)

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
    line = Line(info.id, info.kind, depth, info.label, value, citation=info.citation, note=info.note,
                note_en=info.note_en, unit_fact=info.unit_fact)
    if node.describe is not None:
        for k, v in node.describe(values).items():
            setattr(line, k, v)
    if line.detail_code == "tier_reached_next" and not eligible:
        line.detail_code = "tier_reached"
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
    root = compile_node(prog.when, Ctx(pack, as_of, registry, prog.id))
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
