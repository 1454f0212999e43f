"""What the search tests share: the shipped documents' names as the citations print them, and
whether the index knows a word (a word no clause holds cannot count towards coverage)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from search import PolicySearch
from search.results import Hit

COUNTY = "001_bb17abadfc902431"
SU_2018_86 = "苏知发〔2018〕86号"
SU_2021_140 = "苏知发〔2021〕140号"
GUO_2017_30 = "国知办发管字〔2017〕30号"
GUO_2022_38 = "国知发运字〔2022〕38号"


def known(index: PolicySearch) -> Callable[[str], bool]:
    return index._bm25.idf.__contains__


def routed_top(index: PolicySearch, question: str) -> tuple[str, str, str]:
    """(route kind, document, clause) of the search's top hit: what the reading rounds' cases check."""
    routing = index.route(question)
    hit = routing.answer.hits[0]
    return routing.kind, hit.number or hit.doc_id, hit.clause_label


def clause_hit(quote: str) -> Hit:
    """A confident top hit quoting `quote`: what routing decides then rests on the words alone."""
    return Hit(doc_id="d", number="", title="t", clause_label="一", quote=quote, score=20.0, coverage=1.0,
               evidence=1.0)


#: a day the seed programmes were in force, for the question-reading rounds' cases
DAY = date(2022, 6, 1)


def decision(catalog, text: str, day: date = DAY):  # noqa: ANN001, ANN201 - a Catalog, a services.questions.Decision
    from services.questions import decide

    return decide(text, catalog, None, day)


def facts(catalog, text: str, day: date = DAY) -> dict:  # noqa: ANN001
    """The facts a question states, as the chat reads them; none where it goes to the search."""
    from services.questions import ENGINE

    d = decision(catalog, text, day)
    return dict(d.facts) if d.kind == ENGINE else {}
