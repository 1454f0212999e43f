"""Round 2 of the question reading (issue 16): typos that are dictionary words, chat filler,
rough counts, glued function characters and questions asking what a term means.

Each case names the clause that answers it (checked against the text) or why the texts do not.
"""

from __future__ import annotations

import pytest

from search import ANSWER, FORWARD
from search.lexicon import FILLER, STOP_WORDS
from search.query import parse_query
from tests.unit.search_cases import COUNTY, SU_2018_86, known


# --------------------------------------------------------------------------- typos that are words


@pytest.mark.parametrize(("typed", "meant"), [
    ("专力导航对研发有什么用", "专利导航"),  # 专力 is a dictionary word, the texts never use it
    ("惯标有没有奖励", "贯标"),  # 惯 / 标有: the typo cuts a dictionary word the texts never use
    ("优先审察怎么申请", "优先审查"),  # 审察 is a word; 审查 the term of the texts
])
def test_a_typo_that_is_a_dictionary_word_is_read_as_the_term(index, typed, meant):
    reading = index.read(typed)
    assert meant in reading.text, reading
    assert reading.changes


@pytest.mark.parametrize("text", [
    "推动企业加强与优质专利代理机构对接",  # 专利代 + 理: never 专利贷, the word 代理 is not cut
    "竞业限制协议怎么签",  # a term as typed: 竞业 is not read as 敬业
])
def test_correct_text_is_not_changed(index, text):
    assert index.read(text).changes == ()


# --------------------------------------------------------------------------- words out of coverage


def test_filler_is_neither_a_stop_word_nor_a_question_word(index):
    assert not FILLER & STOP_WORDS  # the clauses keep them: 合作关系, 遭遇
    query = parse_query("专利清零跟我们小厂有关系吗", known(index))
    assert "小厂" not in query.words and "关系" not in query.words
    assert "专利清零" in query.words


def test_a_word_glued_from_function_characters_is_out_of_coverage(index):
    words = parse_query("高价值专利培育立项后要完成哪些任务", known(index)).words
    assert "后要" not in words and "立项" in words


def test_a_rough_count_is_read_as_its_round_figure(index):
    words = parse_query("发明专利维持了十几年", known(index)).words
    assert "10" in words and "十几年" not in words


# --------------------------------------------------------------------------- what a term means


@pytest.mark.parametrize("question", ["高价值专利分哪几类", "什么样的专利算高价值专利", "高价值专利是指什么"])
def test_a_question_for_a_definition_is_answered_by_the_clause_that_defines(index, question):
    """001 三（四） names "…等五大类高价值专利"; the term alone is too common in 140号 附件3
    for MIN_EVIDENCE, so only the definition rule answers it."""
    routing = index.route(question)
    assert routing.kind == ANSWER, routing.answer
    hit = routing.answer.hits[0]
    assert (hit.doc_id, hit.clause_label) == (COUNTY, "三（四）")


def test_a_lone_term_without_a_definition_asked_is_not_answered_below_the_evidence(index):
    routing = index.route("高价值专利")
    assert routing.kind != ANSWER


def test_a_definition_rule_needs_every_topic_word_inside_the_term(index):
    """"高价值专利的奖金是哪几类" asks more than the term: the ordinary rule decides."""
    query = parse_query("高价值专利的奖金是哪几类", known(index))
    assert query.defines == ()


# --------------------------------------------------------------------------- what the texts never state


@pytest.mark.parametrize("question", [
    "创新之星三星能拿多少奖金",  # 001 三（三） grants the award without an amount
    "2026年的知识产权奖励政策出了没有",  # whether a newer policy is out: the specialist knows
    "专利申请文件怎么写",  # a how-to of the office's procedure
])
def test_questions_the_clause_does_not_answer_are_forwarded(index, question):
    assert index.route(question).kind == FORWARD


def test_a_colloquial_loan_meets_the_texts_pledge_financing(index):
    """86号 二（二）5 "积极推进专利质押融资": 抵押贷款 is how owners say it."""
    hit = index.search("专利可以抵押贷款吗", 1)[0]
    assert (hit.number, hit.clause_label) == (SU_2018_86, "二（二）5")
