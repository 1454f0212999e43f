"""Round 4 of the question reader (issue 16): a message that opens by saying what the company
is, recognition verbs (定为, 列为), and a clear winner trusted a little below the coverage bar
only when no other clause comes near."""

from __future__ import annotations

import pytest

from policy.question_facts import read_question
from search.index import CLEAR_MARGIN


@pytest.mark.parametrize(("text", "facts"), [
    ("小巨人企业，能报高价值专利培育吗", {"is_little_giant": True}),       # opens by saying what it is
    ("我们被区里定为重点中小企业，首件发明专利能补贴吗", {"is_key_sme": True}),  # 定为: recognised as
])
def test_what_the_company_is_is_read(catalog, text, facts):
    read = dict(read_question(catalog, text).facts)
    assert facts.items() <= read.items(), read


@pytest.mark.parametrize("text", [
    "小巨人企业能报高价值专利培育吗？",       # no pause after the word: a question about such companies
    "听说小巨人企业，能报高价值专利培育吗",   # not the message's first word: hearsay, not an introduction
])
def test_a_company_kind_named_in_passing_is_not_a_stated_fact(catalog, text):
    assert "is_little_giant" not in dict(read_question(catalog, text).facts)


def test_tied_clauses_below_the_bar_are_forwarded_not_answered(index):
    """Three clauses name 高新技术企业 and none 认定: no winner, so a specialist answers."""
    answer = index.answer("高新技术企业认定条件")
    assert not answer.confident and answer.reason == "low_coverage"
    top, second = answer.hits[0], answer.hits[1]
    assert top.score < CLEAR_MARGIN * second.score


def test_a_papers_question_needs_a_clause_that_names_papers(index):
    answer = index.answer("专利申请要交哪些材料")
    assert not answer.confident
