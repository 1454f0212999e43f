"""Round 9 of the question reader (issue 16): a programme meant but not named, read from the facts
stated when they are all the conditions of one programme; a negation closing the clause right after
the word ("…的一件也没有"); homophone typos of the words of a name that may stand apart ("PCT将励");
a grant through PCT told as done, one at least unless a figure says how many; a market share among
the first in everyday words ("名列前茅", "行业第二")."""

from __future__ import annotations

from datetime import date

from policy.question_implied import implied_programme
from search.results import ANSWER, Answer
from search.routing import routing_for
from services.questions import ENGINE, SEARCH, decide, named_programmes
from tests.unit.search_cases import clause_hit

DAY = date(2022, 6, 1)


def _decide(catalog, text):
    return decide(text, catalog, None, DAY)


# -- a programme meant by its facts ------------------------------------------------------------


def test_facts_of_one_programme_only_name_it(catalog):
    decision = _decide(catalog, "我们是高企，去年在美国起诉了仿冒我们产品的公司")
    assert decision.kind == ENGINE
    assert decision.programmes == ("enforcement-aid",)
    assert decision.facts["overseas_enforcement_action"] is True
    assert decision.facts["is_high_tech_enterprise"] is True


def test_one_fact_alone_names_no_programme(catalog):
    assert implied_programme(catalog, "我们是高新技术企业", {"is_high_tech_enterprise": True}) is None
    assert _decide(catalog, "我们是高新技术企业，专利去哪里查").kind == SEARCH


def test_facts_asked_of_others_name_no_programme(catalog):
    facts = {"invention_applications_total": 1, "is_sme": True}
    assert implied_programme(catalog, "中小企业是不是第一次申请发明专利都能补", facts) is None
    assert implied_programme(catalog, "我们中小企业，第一次申请发明专利", facts) == "first-invention-subsidy"


def test_facts_several_programmes_share_name_none(catalog):
    shared = {"valid_invention_patents": 30, "has_ip_department": True}
    assert implied_programme(catalog, "我们有效发明30件，有知识产权部", shared) is None


def test_a_question_stating_nothing_is_still_searched_and_answered(catalog, search):
    # the facts name a programme only when stated: "…怎么申请" stays with the texts
    question = "高新技术企业在海外维权的，政府怎么支持"
    assert _decide(catalog, question).kind == SEARCH
    assert search.search(question)  # the texts hold clauses for it
    quote = "对高新技术企业在海外开展知识产权维权的给予资助"
    assert routing_for(question, Answer(True, [clause_hit(quote)])).kind == ANSWER


# -- a negation closing the clause --------------------------------------------------------------


def test_a_negation_after_the_word_closes_the_clause(catalog):
    decision = _decide(catalog, "高价值专利培育：有效发明20件，PCT进了国家阶段的一件也没有")
    assert decision.kind == ENGINE
    assert decision.facts["pct_national_phase_apps"] == 0


# -- typos of the words of a name ----------------------------------------------------------------


def test_a_homophone_of_a_name_word_standing_apart(catalog):
    assert named_programmes(catalog, "PCT将励怎么申请") == ("pct-grant-reward",)
    assert named_programmes(catalog, "PCT将来怎么走") == ()


# -- a grant through PCT told as done -----------------------------------------------------------


def test_a_pct_grant_told_as_done_is_one_at_least(catalog):
    decision = _decide(catalog, "我们经PCT在日本获得了发明授权，PCT奖励能拿吗")
    assert decision.kind == ENGINE and decision.facts["pct_foreign_invention_grants"] == 1


def test_a_figure_says_how_many_pct_grants(catalog):
    decision = _decide(catalog, "今年通过PCT在日本授权了2件发明，PCT奖励能拿吗")
    assert decision.facts.get("pct_foreign_invention_grants") != 1


def test_a_pct_grant_asked_of_any_is_no_fact(catalog):
    assert _decide(catalog, "走PCT拿到日本授权的，有奖励吗").kind == SEARCH


# -- a market share told as people do ----------------------------------------------------------


def test_a_market_share_among_the_first_in_everyday_words(catalog):
    decision = _decide(catalog, "高价值升级项目，我们市场占有率在行业里名列前茅，能报吗")
    assert decision.kind == ENGINE
    assert decision.facts.get("confirmed:market_share_leading") is True
    assert "confirmed:market_share_leading" not in _decide(catalog, "高价值升级项目，名列前茅的企业能报吗").facts
