"""An English reader meets no Chinese in a programme result, except proper names.

Every programme is evaluated for every test case of the built-in packs (their own facts and
dates), and each result is rendered in English the way every view shows it: the /check
detail and summary line (``locales.programmes.chat``), the SME answer's reasons, the command
line's table (``locales.programmes.plain``), and the what-if changes between consecutive
cases. What counts as a proper name, and may stay Chinese:

* a citation: a document's number or title and its clauses ("苏知发〔2018〕86号 二(一)1", "[cl. 标题]"),
  wherever they are shown (``Source: …``, the table's source column, a note's "see 三(四)"): every
  document label and clause label of the catalog, and a clause label's part after its
  attachment ("三(一)1(1)" of "附件3 三(一)1(1)");
* words quoted from a document, in quotation marks ("2022为1月30日", “到2025年予以取消”).

Programme titles are not proper names here: every programme has an English name in its pack.
"""

from __future__ import annotations

import html
import re

import pytest

from locales.programmes import change_text, comparison, render_table, result_lines, short_reason
from policy import load_catalog
from policy.check import builtin_pack_paths, collect_cases
from policy.whatif import what_if

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def _cases():
    return [pytest.param(run, id=run.id) for path in builtin_pack_paths() for run in collect_cases(path)[0]]


def _proper_names(catalog) -> list[str]:
    """Document and clause labels, longest first (a clause inside a longer label goes last)."""
    names = set()
    for doc in catalog.documents.values():
        names.add(doc.label)
        for clause in doc.clauses:
            names.add(clause)
            names |= {clause.split(" ", i)[-1] for i in range(1, clause.count(" ") + 1)}
    return sorted(names, key=len, reverse=True)


_QUOTED = re.compile(r'"[^"\n]*"|“[^”\n]*”')


def _chinese_left(text: str, names: list[str]) -> list[str]:
    text = _QUOTED.sub('""', html.unescape(text))
    for name in names:
        text = text.replace(name, "")
    return [line for line in text.splitlines() if CJK.search(line)]


@pytest.mark.parametrize("case", _cases())
def test_every_result_of_every_pack_case_reads_in_english(case, catalog):
    facts = catalog.parse_facts(case.facts)
    results = catalog.evaluate(facts, case.as_of)
    names = _proper_names(catalog)
    shown = [render_table(results, case.as_of, catalog, lang="en", warnings=facts.warnings)]
    for r in results:
        shown += result_lines(r, "en", catalog)
        shown.append(short_reason(r, "en", catalog))
        shown += [c for c in (comparison(ln, "en", catalog) for ln in r.lines) if c]
    left = _chinese_left("\n".join(shown), names)
    assert not left, "\n".join(left)


def test_what_if_changes_read_in_english(catalog):
    """Each case of a pack changed into the next one (its facts and date): every kind of change, in English."""
    codes = set()
    names = _proper_names(catalog)
    for path in builtin_pack_paths():
        runs = collect_cases(path)[0]
        for before, after in zip(runs, runs[1:]):
            changes = {**{k: None for k in before.facts}, **after.facts}
            for diff in what_if(catalog, before.facts, changes, before.as_of, after.as_of):
                for code, params in diff.change_codes:
                    codes.add(code)
                    text = change_text(code, params, "en", catalog)
                    assert not _chinese_left(text, names), (code, text)
    assert {"status_changed", "gap_closed", "gap_new_short", "newly_missing", "no_longer_missing"} <= codes
