"""What an evaluation returns: statuses, citations, condition labels, gaps, lines, programme results.

Results carry codes, facts, figures and citations, never sentences: a condition's name is a
:class:`Label` (the pack's own words where it gives them, else a code with its figures), a
line's explanation a ``detail_code`` with ``detail_params``, a programme's standing at the
as-of date an ``in_force_code`` with ``in_force_params``. One renderer beside the locales
(``locales.programmes``) words them for every view, in Chinese or English. What the packs
write themselves (titles, benefits, tier labels, notes) passes through as pack text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from ..facts import PatentItem

__all__ = ["ELIGIBLE", "NOT_ELIGIBLE", "NEEDS_INFO", "STATUSES", "Citation", "Label", "NodeInfo", "Gap", "Line",
           "NextTier", "ProgrammeInfo", "ProgrammeResult", "json_value"]

ELIGIBLE = "eligible"
NOT_ELIGIBLE = "not_eligible"
NEEDS_INFO = "needs_info"
STATUSES = (ELIGIBLE, NOT_ELIGIBLE, NEEDS_INFO)


def json_value(v: Any) -> Any:
    """A value as JSON has it: dates ISO, patents and labels as objects, tuples as lists."""
    if isinstance(v, Label):
        return v.to_json()
    if isinstance(v, dict):
        return {k: json_value(x) for k, x in v.items()}
    if isinstance(v, (tuple, list)):
        return [json_value(x) for x in v]
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, PatentItem):
        return v.to_dict()
    return v


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
class Label:
    """What a condition is called.

    ``zh`` / ``en`` are the pack's own words (``label_zh`` / ``label_en`` of the node), shown
    as written; where the pack gives none, ``code`` (the node type: ``compare``, ``all``,
    ``flag_not`` ...) and ``params`` (fact names, the operator and the document's word, the
    thresholds) say what the condition tests, and the renderer words it.
    """

    code: str
    params: dict[str, Any] = field(default_factory=dict, hash=False)
    zh: str | None = None
    en: str | None = None

    def own(self, lang: str) -> str | None:
        """The pack's own words in ``lang``, if it gave them."""
        return self.en if lang == "en" else self.zh

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "params": json_value(self.params), "zh": self.zh, "en": self.en}


@dataclass(frozen=True, slots=True)
class NodeInfo:
    id: str
    kind: str
    label: Label
    citation: Citation | None
    note: str | None = None
    note_en: str | None = None
    #: the fact whose unit the condition's figures are in (元 for a ratio's numerator, 件 ...)
    unit_fact: str | None = None


class Gap(NamedTuple):
    """A failing condition: the fact, what the company has, what is needed, and how much more."""

    fact: str
    have: Any
    need: Any
    short_by: float | int | None
    op: str | None
    node: NodeInfo

    @property
    def label(self) -> Label:
        return self.node.label

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
        return {"fact": self.fact, "have": json_value(self.have), "need": self.need, "short_by": self.short_by,
                "op": self.json_op}


@dataclass(slots=True)
class Line:
    """One condition of the tree, for display: value, have / need, citation, and why (a code)."""

    node_id: str
    kind: str
    depth: int
    label: Label
    value: bool | None
    fact: str | None = None
    have: Any = None
    need: Any = None
    op: str | None = None
    short_by: float | int | None = None
    citation: Citation | None = None
    note: str | None = None  # the pack's reading of this condition (its ``note:``), shown under it
    #: why the line reads as it does, as a code (tier_reached, ratio_computed, waived, manual_pending ...)
    #: with its figures; the renderer words it
    detail_code: str | None = None
    detail_params: dict[str, Any] | None = None
    note_en: str | None = None
    figures: list[tuple[str, Any]] | None = None  # manual confirmations: (fact, value) shown to the person
    unit_fact: str | None = None

    @property
    def note_id(self) -> str | None:
        """The note's id: the id of the condition it belongs to."""
        return self.node_id if self.note else None

    def to_json(self) -> dict[str, Any]:
        return {
            "node": self.node_id,
            "kind": self.kind,
            "depth": self.depth,
            "label": self.label.to_json(),
            "value": self.value,
            "fact": self.fact,
            "have": json_value(self.have),
            "need": self.need,
            "op": self.op,
            "short_by": self.short_by,
            "citation": self.citation.to_json() if self.citation else None,
            "note": self.note,
            "note_id": self.note_id,
            "detail_code": self.detail_code,
            "detail_params": json_value(self.detail_params) if self.detail_params else None,
            "figures": [{"fact": f, "value": json_value(v)} for f, v in self.figures] if self.figures else None,
        }


@dataclass(frozen=True, slots=True)
class NextTier:
    tier: int
    short_by: float | int
    fact: str
    label_zh: str  # the pack's tier label
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
    tier: int | None
    next_tier: NextTier | None
    gaps: list[Gap]
    missing: list[str]
    as_of: date
    #: why not in force, as a code (None when in force): not_started, deadline_passed, ended,
    #: ended_tapering; its figures (dates, the cited sentence) in in_force_params
    in_force_code: str | None = None
    in_force_params: dict[str, Any] | None = None
    _compiled: Any = field(default=None, repr=False)  # the CompiledProgramme that explains it
    _values: dict | None = field(default=None, repr=False)
    _lines: list[Line] | None = field(default=None, repr=False)

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
        """Everything, JSON-ready (the contract plus lines, period, benefit, notes): codes and pack text."""
        out = self.to_json()
        out.update(
            {
                "title_en": self.info.title_en,
                "period": {"start": self.info.start.isoformat(),
                           "end": self.info.end.isoformat() if self.info.end else None,
                           "deadline": self.info.deadline.isoformat() if self.info.deadline else None},
                "in_force_code": self.in_force_code,
                "in_force_params": json_value(self.in_force_params) if self.in_force_params else None,
                "tier_label": self.tier_label,
                "benefit": self.benefit,
                "notes": list(self.info.notes),
                "lines": [ln.to_json() for ln in self.lines],
                "as_of": self.as_of.isoformat(),
            }
        )
        return out
