"""Round 3 of the question reading (issue 16): the kind of clause a question asks for (its
headings, the texts' words for a deadline), target lines, questions asking which kinds, a kind
of company in a question about taxes, directional complements, characters glued by guess, and
English words for an end to a measure.

Each case names the clause that answers it (checked against the text) or why the texts do not.
"""

from __future__ import annotations

import pytest

from search import ANSWER, FORWARD, OFF_TOPIC, PolicySearch
from search.query import parse_query
from tests.unit.search_cases import COUNTY, GUO_2017_30, SU_2018_86, SU_2021_140, known, routed_top


_top = routed_top


# --------------------------------------------------------------------------- the kind of clause asked for


@pytest.mark.parametrize(("question", "number", "label"), [
    # who applies: the guide's "二、申报主体", not a condition that names 设区市
    ("知识产权保护示范区是企业报还是政府报", SU_2021_140, "附件1 二"),
    ("地理标志那个项目，我们企业能自己报吗", SU_2021_140, "附件2 二"),
    # on what conditions: "一、申报对象和条件 › （二）申报条件", not the procedure of 二（二）
    ("中小企业知识产权战略推进工程试点城市要什么条件", GUO_2017_30, "一（二）"),
    # which fields: "一、支持重点"
    ("高价值专利培育重点支持哪些行业", SU_2021_140, "附件3 一"),
])
def test_a_clause_whose_headings_name_what_is_asked_ranks_first(index, question, number, label):
    kind, doc, clause = _top(index, question)
    assert kind == ANSWER
    assert doc == number and clause.startswith(label), (doc, clause)


def test_a_deadline_is_found_as_the_texts_write_it(index):
    """30号 二（二） "于7月31日前联合行文": 截止 is asked, 日前 is how the text says it."""
    query = parse_query("试点城市申报几月几号截止", known(index))
    assert "日前" in query.alike.get("截止", ())
    assert _top(index, "试点城市申报几月几号截止") == (ANSWER, GUO_2017_30, "二（二）")


# --------------------------------------------------------------------------- target lines


def test_a_target_line_ranks_below_the_measure_unless_a_figure_is_asked(index):
    """86号 二（五） opens "到2020年，…聘任知识产权特派员500人": the answer to how many, not to
    what 特派员 do (二（五）14, the consulting measure)."""
    kind, doc, clause = _top(index, "知识产权特派员是干什么的")
    assert kind == ANSWER and (doc, clause) != (SU_2018_86, "二（五）")
    assert _top(index, "江苏打算聘多少知识产权特派员")[1:] == (SU_2018_86, "二（五）")


# --------------------------------------------------------------------------- what the clause must state


def test_a_question_for_the_kinds_is_answered_only_by_a_clause_that_sorts(index):
    """"一共有哪几类项目" lists the four guides of 140号's notice, which is no clause; the clause
    found ("不得申报本年度本项目") sorts nothing, so the specialist answers."""
    assert index.route("2022年省知识产权战略推进计划一共有哪几类项目").kind == FORWARD
    assert _top(index, "高价值专利是哪几类") == (ANSWER, COUNTY, "三（四）")


@pytest.mark.parametrize(("question", "kind"), [
    ("高新技术企业所得税税率是多少", OFF_TOPIC),  # taxes: the company's kind is no IP topic
    ("小巨人企业社保怎么交", OFF_TOPIC),
    ("高新技术企业认定条件", FORWARD),  # the recognition rests on IP: a specialist's
    ("高新技术企业的专利要交税吗", FORWARD),  # a patent named: IP
])
def test_a_kind_of_company_alone_does_not_make_a_question_about_ip(index, question, kind):
    assert index.route(question).kind == kind


# --------------------------------------------------------------------------- words read as meant


def test_directional_complements_and_totals_are_out_of_coverage(index):
    words = parse_query("专利和产品结合起来做，一共有几种", known(index)).words
    assert "起来" not in words and "一共" not in words and "结合" in words


def test_characters_glued_by_guess_are_read_one_by_one(index):
    """"2022年省知识产权" is cut 2022 / 年省 / 知识产权; no dictionary and no clause has 年省."""
    words = parse_query("2022年省知识产权战略推进计划", known(index)).words
    assert "年省" not in words and "省" in words


def test_a_place_elsewhere_meets_the_texts_word(index):
    """001 三（四） "鼓励高新技术企业从本市外引进…发明专利"."""
    assert _top(index, "从外地买发明专利回来用，市里支持吗") == (ANSWER, COUNTY, "三（四）")


def test_an_end_to_subsidies_asked_in_english(index):
    """001 三（一） "政府政策性补贴比例逐步降低，到2025年予以取消"."""
    reading = index.read("Will the city's IP subsidies end at some point?")
    assert "取消" in reading.text and "point" not in reading.text
    assert _top(index, "Will the city's IP subsidies end at some point?") == (ANSWER, COUNTY, "三（一）")
