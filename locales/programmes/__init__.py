"""The one programme renderer: every sentence about a programme result, in Chinese or English.

The engine (``policy``) returns codes, facts, figures and citations; this package words
them from ``locales/<lang>.policy.yaml`` (Chinese first, English second), the facts'
vocabulary (``policy/vocabulary.yaml``, the packs' ``facts:``) and the packs' own texts.
Every view of a result uses it:

* /check (``dialogs/check/render.py``) and the result sent to a company: :mod:`.chat`
* the engine's answer to an SME's question (``handlers/questions.engine_card``): :mod:`.chat`
* the outlook after a visit (``dialogs/visit/texts.outlook_text``): :mod:`.chat`
* ``ipbot eligibility`` without ``--json`` (``bot/cli_eligibility.py``): :mod:`.plain`
* the roster's eligibility sheet and /policies: :mod:`.words`

:mod:`.words` has the atoms (figures, units, statuses, periods, in force or not),
:mod:`.labels` a condition's name and the reason a line reads as it does.

An English reader meets no Chinese in a result except proper names: a document's number or
title and its clause labels (a citation, "苏知发〔2018〕86号 二(一)1"), a sentence quoted
from a document (the taper's "到2025年予以取消"), and a company's name. Titles, benefits,
labels, notes and questions come in English from the packs and the vocabulary
(tests/policy/test_policy_english.py renders every pack test case in English to check it).
"""

from .chat import comparison, condition_lines, outlook_line, result_lines, short_reason, value_text
from .labels import detail, label
from .plain import change_text, gap_line, line_text, render_table, render_what_if
from .words import (
    benefit,
    ended_on,
    fact_label,
    force_note,
    joined,
    number,
    period,
    plain_period,
    plain_value,
    question,
    status_word,
    title,
    unit,
    why_not_in_force,
)

__all__ = [
    "benefit",
    "change_text",
    "comparison",
    "condition_lines",
    "detail",
    "ended_on",
    "fact_label",
    "force_note",
    "gap_line",
    "joined",
    "label",
    "line_text",
    "number",
    "outlook_line",
    "period",
    "plain_period",
    "plain_value",
    "question",
    "render_table",
    "render_what_if",
    "result_lines",
    "short_reason",
    "status_word",
    "title",
    "unit",
    "value_text",
    "why_not_in_force",
]
