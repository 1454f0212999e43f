"""Policy engine: which subsidies and programmes a company qualifies for, with citations.

Pure Python (standard library, pydantic, PyYAML; the pack linter and the question reader also cn2an).  Public API::

    from policy import load_catalog, parse_facts, what_if, rank_missing_facts
    catalog = load_catalog(extra_dir)            # built-in packs + YAML packs in extra_dir (not cached:
                                                 # the composition root builds it once)
    facts = catalog.parse_facts({"invention_grants_this_year": 3})   # FactError on bad input
    results = catalog.evaluate(facts, date(2023, 6, 30))             # list[ProgrammeResult]
    results_to_json(results, as_of)
    what_if(catalog, facts, {"invention_grants_this_year": "+2"}, as_of)
    rank_missing_facts(results)       # ask these first
    check_pack(path)                  # problems with a pack (schema, citations, figures, its tests)
    catalog.parse_usable_facts(saved) # (facts that are fine, problems): never raises
    catalog.question(fact, lang)      # the question that asks for a fact (vocabulary or pack data)

Results carry codes, figures and citations, never sentences: status, a condition's ``Label``
(the pack's words, or a code with its figures), gap ``op``, ``in_force_code`` and its params,
``Line.detail_code``, ``Line.note`` / ``note_id``, ``Diff.change_codes``, ``FactProblem.code``.
One renderer words them for every view, in Chinese or English: ``locales.programmes``.
Fact labels, questions and units are data: ``policy/vocabulary.yaml`` and the packs' ``facts:``.
"""

from .catalog import Catalog, PackError, UnknownPolicyError, load_catalog
from .check import check_pack
from .engine import (
    ELIGIBLE,
    NEEDS_INFO,
    NOT_ELIGIBLE,
    Citation,
    Gap,
    Label,
    Line,
    NextTier,
    ProgrammeInfo,
    ProgrammeResult,
)
from .facts import FACTS, REGISTRY, FactError, FactProblem, FactRegistry, Facts, FactSpec, parse_facts
from .report import rank_missing_facts, results_to_json
from .whatif import Diff, apply_changes, what_if

__all__ = [
    "Catalog",
    "PackError",
    "UnknownPolicyError",
    "load_catalog",
    "check_pack",
    "ELIGIBLE",
    "NOT_ELIGIBLE",
    "NEEDS_INFO",
    "Citation",
    "Gap",
    "Label",
    "Line",
    "NextTier",
    "ProgrammeInfo",
    "ProgrammeResult",
    "FACTS",
    "REGISTRY",
    "FactError",
    "FactProblem",
    "FactRegistry",
    "Facts",
    "FactSpec",
    "parse_facts",
    "rank_missing_facts",
    "results_to_json",
    "Diff",
    "apply_changes",
    "what_if",
]
