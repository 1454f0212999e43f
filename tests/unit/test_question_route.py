"""services.questions.decide: which questions the eligibility engine answers (issue 16, items 2-3).

A question that names a programme and states the company's facts gets a verdict; one that
asks what a programme is, or mentions the company only in passing with nothing the named
programme looks at, goes to the text search. Cases written from the documents' wording, not
taken from the question set.
"""

from __future__ import annotations

from datetime import date

import pytest

from policy import load_catalog
from services.questions import ENGINE, SEARCH, decide

DAY = date(2022, 1, 10)


@pytest.fixture(scope="module")
def cat():
    return load_catalog()


@pytest.mark.parametrize("text", [
    "首件发明补贴是干嘛的？我们小企业能用上吗",          # what a programme is
    "What is the first invention subsidy? We are a key SME.",
    "我们中小企业遇到海外侵权，政府有维权援助资助吗",      # is_sme: not what the aid looks at
    "是通过贯标认证才有奖励，还是绩效评价合格也可以？",    # a choice about the rule
])
def test_questions_about_a_programme_go_to_the_texts(cat, text):
    assert decide(text, cat, as_of=DAY).kind == SEARCH


@pytest.mark.parametrize("text, programme, fact", [
    ("我们是高新技术企业，在美国打赢了专利官司，维权援助资助能拿吗", "enforcement-aid", "won_foreign_ip_dispute"),
    ("首件发明补贴是干嘛的？我们是重点中小企业，发明专利一件都没申请过", "first-invention-subsidy",
     "invention_applications_total"),  # a figure stated: the point of the question
    ("We're an SME and passed the provincial IP-standard performance evaluation. Is there a reward?",
     "ip-standard-reward", "ip_standard_performance_passed"),
    ("立项奖励怎么拿？我们报的省知识产权项目还在评审", "project-lead-reward", "ip_project_approved"),
])
def test_stated_facts_the_programme_uses_get_a_verdict(cat, text, programme, fact):
    decision = decide(text, cat, as_of=DAY)
    assert decision.kind == ENGINE and programme in decision.programmes
    if fact is not None:
        assert fact in decision.facts
