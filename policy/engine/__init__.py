"""The eligibility engine: condition trees compiled into closures, evaluated with three-valued logic.

Rooms, each of one job (none imports the package, so there is no import circle):

* :mod:`.results`    what an evaluation returns (statuses, labels, gaps, lines, programme results)
* :mod:`.periods`    whether a programme is in force at an as-of date, as a code
* :mod:`.compiling`  the compile context and compiled node the compilers share
* :mod:`.compare`, :mod:`.thresholds`, :mod:`.nodes`   the node compilers
* :mod:`.programme`  a programme compiled at one as-of date, run and explained

Results carry codes, figures and citations; ``locales.programmes`` words them.  The names
importers used from the former single module are re-exported here.
"""

from .compiling import CNode, CompileError, short_by
from .periods import IN_FORCE_CODES, in_force_at, in_force_state, years_before
from .programme import CompiledProgramme, compile_programme, programme_info
from .results import (
    ELIGIBLE,
    NEEDS_INFO,
    NOT_ELIGIBLE,
    STATUSES,
    Citation,
    Gap,
    Label,
    Line,
    NextTier,
    NodeInfo,
    ProgrammeInfo,
    ProgrammeResult,
    json_value,
)

__all__ = [
    "ELIGIBLE",
    "NOT_ELIGIBLE",
    "NEEDS_INFO",
    "STATUSES",
    "IN_FORCE_CODES",
    "Citation",
    "Label",
    "NodeInfo",
    "Gap",
    "Line",
    "NextTier",
    "ProgrammeInfo",
    "ProgrammeResult",
    "CompiledProgramme",
    "CNode",
    "CompileError",
    "compile_programme",
    "programme_info",
    "in_force_state",
    "in_force_at",
    "json_value",
    "short_by",
    "years_before",
]
