"""Pack schema: the YAML a jurisdiction's policies are written in, validated with pydantic.

A pack lists its documents (with the clauses it cites and a verbatim quote of each),
dated parameters (every value cites a clause), optional extra facts, and programmes whose
eligibility is a condition tree built from a closed set of node types:

    flag      a yes/no fact must be true (or false, with ``expect: false``)
    compare   a number fact against a parameter; the document's word decides the operator
    ratio     numerator / denominator (or a direct ratio fact) against a parameter
    weighted  a weighted sum of counts against a parameter (e.g. PCT applications count 2)
    all, any  Kleene AND / OR
    tiers     a ladder of thresholds on one fact (highest satisfied tier wins)
    waiver    a condition that named flags waive (e.g. 小巨人 waives the profit test)
    scaled    every threshold below is multiplied by a factor when a flag holds
    manual    a condition a person must confirm (fact ``confirmed:<confirm>``)
"""

from __future__ import annotations

from datetime import date
from collections.abc import Iterator
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "iter_nodes",
    "WORD_OPS",
    "OPS",
    "Cite",
    "Taper",
    "Period",
    "Clause",
    "Document",
    "ParamValue",
    "Parameter",
    "FactDef",
    "Benefit",
    "Node",
    "Programme",
    "ExpectGap",
    "ExpectNextTier",
    "Expect",
    "TestCase",
    "TestSuite",
    "Pack",
]

#: the document's word decides the operator
WORD_OPS: dict[str, str] = {
    "以上": ">=",
    "不低于": ">=",
    "不少于": ">=",
    "达到": ">=",
    "超过": ">",
    "高于": ">",
    "多于": ">",
    "以下": "<=",
    "不超过": "<=",
    "不高于": "<=",
    "不多于": "<=",
    "低于": "<",
    "少于": "<",
}
OPS = (">=", ">", "<=", "<")

_ID = r"^[a-z0-9][a-z0-9_\-]*$"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=False)


class Cite(_Model):
    doc: str
    clause: str
    quote: str | None = None  # a verbatim excerpt, checked against the document text


class Taper(_Model):
    """After a programme's period: a time in which the document says subsidies shrink and end.

    Any answer for a date in it is "not in force" and shows the cited sentence, telling the
    user to check the current local document (the county plan: "到2025年予以取消").
    """

    end: date = Field(alias="to")
    cite: Cite
    note: str | None = None


class Period(_Model):
    start: date = Field(alias="from")
    end: date | None = Field(default=None, alias="to")
    note: str | None = None
    note_en: str | None = None
    taper: Taper | None = None

    @model_validator(mode="after")
    def _order(self) -> "Period":
        if self.end is not None and self.end < self.start:
            raise ValueError("period ends before it starts")
        if self.taper is not None and (self.end is None or self.taper.end < self.end):
            raise ValueError("a taper needs a period end and must end after it")
        return self


class Clause(_Model):
    quote: str
    note: str | None = None


class Document(_Model):
    id: Annotated[str, Field(pattern=_ID)]
    number: str | None = None  # 文号
    title: str
    issuer: str
    issued: date | None = None
    in_force: Period | None = None
    #: NAME.txt of the policy library (policy/texts, $IPBOT_POLICY_DIR/texts), or a path relative to the pack
    text: str | None = None
    clauses: dict[str, Clause | str]
    note: str | None = None

    @field_validator("clauses")
    @classmethod
    def _clauses(cls, v: dict[str, Any]) -> dict[str, Clause]:
        return {k: (Clause(quote=c) if isinstance(c, str) else c) for k, c in v.items()}

    @property
    def label(self) -> str:
        """文号 where there is one, else the title."""
        return self.number or self.title


class ParamValue(_Model):
    start: date = Field(alias="from")
    value: float | int | None
    cite: Cite
    note: str | None = None

    @model_validator(mode="after")
    def _null_needs_note(self) -> "ParamValue":
        if self.value is None and not self.note:
            raise ValueError("a parameter value without a figure (null) needs a note saying why and what to ask")
        return self


class Parameter(_Model):
    label_zh: str
    label_en: str | None = None
    unit: str = ""
    values: list[ParamValue] = Field(min_length=1)
    note: str | None = None

    @field_validator("values")
    @classmethod
    def _sorted(cls, v: list[ParamValue]) -> list[ParamValue]:
        starts = [x.start for x in v]
        if starts != sorted(starts) or len(set(starts)) != len(starts):
            raise ValueError("parameter values must be in date order with distinct 'from' dates")
        return v


class FactDef(_Model):
    """A fact a pack needs beyond the built-in registry."""

    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    type: Literal["bool", "count", "money", "ratio", "money3", "date"]
    label_zh: str
    label_en: str
    question_zh: str
    question_en: str
    unit_zh: str = ""
    unit_en: str = ""


class TierText(_Model):
    text_zh: str
    text_en: str | None = None


class Benefit(_Model):
    kind: Literal["amount", "tiers", "unspecified"]
    text_zh: str
    text_en: str | None = None
    amount_param: str | None = None
    tiers: dict[int, TierText] | None = None
    cite: Cite

    @model_validator(mode="after")
    def _shape(self) -> "Benefit":
        if self.kind == "amount" and not self.amount_param:
            raise ValueError("benefit kind 'amount' needs amount_param")
        if self.kind == "tiers" and not self.tiers:
            raise ValueError("benefit kind 'tiers' needs tiers")
        return self


# --------------------------------------------------------------------------- nodes


class _NodeBase(_Model):
    id: Annotated[str, Field(pattern=_ID)] | None = None
    label_zh: str | None = None
    label_en: str | None = None
    note: str | None = None  # the pack's reading of the words; shown under the condition
    note_en: str | None = None


class _Threshold(_Model):
    word: str | None = None
    op: Literal[">=", ">", "<=", "<"] | None = None
    param: str

    def resolved_op(self) -> str:
        if self.word is not None:
            return WORD_OPS[self.word]
        assert self.op is not None
        return self.op

    @model_validator(mode="after")
    def _word_op(self):
        return _check_word_op(self)


def _check_word_op(node: Any) -> Any:
    if node.word is None and node.op is None:
        raise ValueError("give the document's word (e.g. 以上, 超过) or an explicit op with a note")
    if node.word is not None and node.word not in WORD_OPS:
        raise ValueError(f"unknown word {node.word!r}; known: {', '.join(WORD_OPS)}")
    if node.word is not None and node.op is not None and WORD_OPS[node.word] != node.op:
        raise ValueError(f"word {node.word!r} means {WORD_OPS[node.word]}, not {node.op}")
    if node.word is None and not node.note:
        raise ValueError("an explicit op without the document's word needs a note explaining the reading")
    return node


class FlagNode(_NodeBase):
    type: Literal["flag"]
    fact: str
    expect: bool = True
    cite: Cite


class ListKind(_Model):
    """One kind of high-value patent, tested on an item of a patent list."""

    field: Literal["strategic_emerging_industry", "overseas_family", "maintained_years", "pledge_amount", "national_award"]
    label_zh: str
    word: str | None = None
    op: Literal[">=", ">", "<=", "<"] | None = None
    param: str | None = None
    confirm_field: Literal["high_pledge"] | None = None
    note: str | None = None
    cite: Cite


class CountFrom(_Model):
    """Count the items of a list fact that are of any of the kinds (used when the count fact is unknown)."""

    list: str
    any_of: list[ListKind] = Field(min_length=1)
    cite: Cite


class CompareNode(_NodeBase, _Threshold):
    type: Literal["compare"]
    fact: str
    pick: Literal["value", "each", "last"] = "value"  # for money3 facts: every year, or the last year
    count_from: CountFrom | None = None
    cite: Cite



class RatioNode(_NodeBase, _Threshold):
    type: Literal["ratio"]
    num: str
    den: str
    ratio_fact: str | None = None
    cite: Cite



class Term(_Model):
    fact: str
    weight: str | int = 1  # a parameter id, or 1


class WeightedNode(_NodeBase, _Threshold):
    type: Literal["weighted"]
    terms: list[Term] = Field(min_length=1)
    cite: Cite



class TierLevel(_Model):
    tier: int
    param: str
    label_zh: str
    label_en: str | None = None


class TiersNode(_NodeBase):
    type: Literal["tiers"]
    fact: str
    word: str | None = None
    op: Literal[">=", ">"] | None = None
    levels: list[TierLevel] = Field(min_length=1)
    cite: Cite

    @model_validator(mode="after")
    def _word_op(self):
        return _check_word_op(self)

    def resolved_op(self) -> str:
        return WORD_OPS[self.word] if self.word is not None else self.op  # type: ignore[return-value]

    @field_validator("levels")
    @classmethod
    def _ascending(cls, v: list[TierLevel]) -> list[TierLevel]:
        tiers = [x.tier for x in v]
        if tiers != sorted(tiers) or len(set(tiers)) != len(tiers):
            raise ValueError("tier levels must be listed in ascending tier order")
        return v


class AllNode(_NodeBase):
    type: Literal["all"]
    of: list["Node"] = Field(min_length=1)
    cite: Cite | None = None


class AnyNode(_NodeBase):
    type: Literal["any"]
    of: list["Node"] = Field(min_length=1)
    cite: Cite | None = None


class WaiverNode(_NodeBase):
    type: Literal["waiver"]
    waived_by: list[str] = Field(min_length=1)
    condition: "Node"
    cite: Cite


class WhenDate(_Model):
    fact: str
    within_years: str  # parameter id


class ScaledNode(_NodeBase):
    type: Literal["scaled"]
    when: str
    when_date: WhenDate | None = None
    factor: str  # parameter id
    condition: "Node"
    cite: Cite


class ManualNode(_NodeBase):
    type: Literal["manual"]
    confirm: Annotated[str, Field(pattern=_ID)]
    question_zh: str
    question_en: str
    #: facts whose figures are shown with the question ("有效发明专利 3 件：是否达到一定数量？")
    shows: list[str] = Field(default_factory=list)
    cite: Cite


Node = Annotated[
    Union[FlagNode, CompareNode, RatioNode, WeightedNode, TiersNode, AllNode, AnyNode, WaiverNode, ScaledNode, ManualNode],
    Field(discriminator="type"),
]

AllNode.model_rebuild()
AnyNode.model_rebuild()
WaiverNode.model_rebuild()
ScaledNode.model_rebuild()


class Programme(_Model):
    id: Annotated[str, Field(pattern=_ID)]
    name_zh: str
    name_en: str
    documents: list[str] = Field(min_length=1)
    citation: Cite
    period: Period
    deadline: date | None = None
    deadline_cite: Cite | None = None
    benefit: Benefit
    when: Node
    notes: list[str] = Field(default_factory=list)
    notes_en: list[str] = Field(default_factory=list)  # the same notes in English, in the same order
    #: what people call it in a question ("发明之星", "首件发明专利补贴"): Catalog.named_in finds it
    aliases: list[str] = Field(default_factory=list)
    #: further clauses (labels of the citation's document) the programme rests on, beyond those
    #: its citation, conditions, benefit and deadline cite: a quoted clause shows the programmes
    #: that cite it (policy.clause_links)
    clauses: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _deadline(self) -> "Programme":
        if self.deadline is not None and self.deadline_cite is None:
            raise ValueError("a deadline needs deadline_cite")
        if self.notes_en and len(self.notes_en) != len(self.notes):
            raise ValueError("notes_en must translate every note, in the same order")
        return self


# --------------------------------------------------------------------------- tests


class ExpectGap(_Model):
    fact: str
    have: Any = None
    need: Any = None
    short_by: float | int | None = None


class ExpectNextTier(_Model):
    tier: int
    short_by: float | int


class Expect(_Model):
    """Only the keys given are checked.  ``tier: null`` / ``next_tier: null`` check for absence."""

    status: Literal["eligible", "not_eligible", "needs_info"] | None = None
    in_force: bool | None = None
    tier: int | None = None
    next_tier: ExpectNextTier | None = None
    missing: list[str] | None = None
    gaps: list[ExpectGap] | None = None


class TestCase(_Model):
    name: str
    as_of: date | None = None
    facts: dict[str, Any] = Field(default_factory=dict)
    unset: list[str] = Field(default_factory=list)  # default facts to drop for this case
    expect: dict[str, Expect]


class TestDefaults(_Model):
    as_of: date | None = None
    facts: dict[str, Any] = Field(default_factory=dict)


class TestSuite(_Model):
    defaults: TestDefaults = Field(default_factory=TestDefaults)
    cases: list[TestCase] = Field(min_length=1)


# --------------------------------------------------------------------------- pack


class Pack(_Model):
    pack: Annotated[str, Field(pattern=_ID)]
    jurisdiction: str
    name_zh: str
    name_en: str
    documents: list[Document] = Field(min_length=1)
    parameters: dict[str, Parameter] = Field(default_factory=dict)
    facts: list[FactDef] = Field(default_factory=list)
    programmes: list[Programme] = Field(default_factory=list)
    tests: list[TestSuite] = Field(default_factory=list)  # inline test suites (single-file packs)
    notes: list[str] = Field(default_factory=list)


def iter_nodes(node: Any) -> Iterator[Any]:
    """Every node of a condition tree (pre-order)."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        if n.type in ("all", "any"):
            stack.extend(reversed(n.of))
        elif n.type in ("waiver", "scaled"):
            stack.append(n.condition)
