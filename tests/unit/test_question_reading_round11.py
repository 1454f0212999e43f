"""Round 11 of the question reader (issue 16), tuned on tuning8: a list's item answered after its
name and a colon ("曾牵头高价值项目：否", "未验收省战略推进项目：无", "贯标：已开展"), a size said in a list
("企业规模：中型"), "几星" after a figure asks a level and leaves the figure exact, an English figure
read in English though its sentence opens with a Chinese name, a niche leader, a share that falls
short of the leaders, a provincial 专精特新 SME (no 小巨人), a clause opening with 公司 that tells
what was done, the names 高价值新建 / 高价值…升级 and a star level asked with its figures; a
certification under way or to come is not had; amounts side by side ("2500万2800万", "3100、3300、3500万");
an English sentence with a Chinese gloss in brackets; a region's figures and a rate asked per one are
not the company's; and in the search, how to complain (a specialist's) and who may apply (申报主体)."""

from __future__ import annotations


import pytest

from search.results import FORWARD, Answer
from search.routing import routing_for
from services.questions import ENGINE, SEARCH
from tests.unit.search_cases import clause_hit, decision, facts


@pytest.mark.parametrize("text, fact, value", [
    ("高价值培育新建项目，情况如下：\n曾牵头高价值项目：否；失信：无", "led_high_value_programme_before", False),
    ("高价值培育新建项目，情况如下：\n未验收省战略推进项目：无", "unaccepted_enterprise_ip_programme", False),
    ("工业品牌项目自查表：\n在承担省战略推进计划项目：无\n有效发明专利：9件", "ongoing_provincial_ip_programme", False),
    ("工业品牌项目自查表：\n贯标：已开展\n有效发明专利：9件", "ip_standard_started", True),
    ("工业品牌项目自查表：\n独立IP机构：有，专兼职3人", "has_ip_department", True),
    ("帮老板问的，贴一下我们情况：\n企业规模：中型\n贯标：已认证（2019年）\n能申请贯标奖励吗", "is_sme", True),
    ("帮老板问的，贴一下我们情况：\n企业规模：中型\n贯标：已认证（2019年）\n能申请贯标奖励吗", "ip_standard_certified", True),
    # words of round 11
    ("高价值培育新建项目，行业地位：细分领域龙头，有效发明专利35件", "confirmed:industry_leading", True),
    ("工业品牌项目：行业地位：行业骨干，有效发明专利9件", "confirmed:industry_chain_leader", True),
    ("升级项目，我们2020年验收的，市场占有率一般，排不上全国前列", "confirmed:market_share_leading", False),
    ("我们是省级专精特新中小企业，能享受专利优先审查的优先推荐吗", "is_little_giant", False),
    ("公司申报的省级项目被驳回了，市级的倒是批了，项目引领还有吗", "ip_project_approved", False),
    ("工业品牌：去年利税2000万，没有在承担的省项目。能报吗", "ongoing_provincial_ip_programme", False),
])
def test_a_list_item_answered_after_its_colon_and_words_of_round_11(catalog, text, fact, value):
    assert facts(catalog, text)[fact] is value


@pytest.mark.parametrize("text, fact, value", [
    ("创新之星 有效发明专利36件 高价值5件 几星", "high_value_patents", 5),
    ("Innovation Star (创新之星): we hold 45 valid invention patents and 5 high-value ones. Which star level?",
     "high_value_patents", 5),
    ("高价值培育：近三年利税800万、900万、1200万，上年知识产权费/研发费：5.2%", "ip_rd_ratio_last_year", 0.052),
])
def test_figures_read(catalog, text, fact, value):
    assert facts(catalog, text)[fact] == value


@pytest.mark.parametrize("text, programme", [
    ("手上有个省企业知识产权战略推进计划项目还没验收，尾款也没拨，能报高价值新建吗", "high-value-cultivation-2022"),
    ("2018年验收了高价值项目，但是去年被国知局通报过非正常专利申请，升级还有戏吗",
     "high-value-cultivation-2022-upgrade"),
])
def test_programme_named_by_short_names(catalog, text, programme):
    d = decision(catalog, text)
    assert d.kind == ENGINE and programme in d.programmes


def test_a_size_word_without_its_list_states_nothing(catalog):
    assert "is_sme" not in facts(catalog, "高价值培育：有效发明专利60件，小型的也能报吗")


def test_is_specialised_smes_are_not_read_as_city_ones(catalog):
    """"是专精特新" is no typo of "市专精特新": a word learnt is not matched by its homophone."""
    assert "is_little_giant" not in facts(catalog, "我们是专精特新企业，优先审查请求也符合条件，能被优先推荐吗")


# -- not yet done: a time to come before the word, or the word still under way ------------------


@pytest.mark.parametrize("text", ["贯标的绩效评价没通过，认证还在做，贯标奖励有吗",
                                  "中小企业，正在贯标，明年才认证，现在能拿贯标奖励吗"])
def test_a_certification_under_way_or_to_come_is_not_had(catalog, text):
    assert facts(catalog, text)["ip_standard_certified"] is False


# -- amounts side by side ---------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("近三年利税分别是2500万2800万3000万", "近三年利税分别是2500万、2800万、3000万"),
    ("三年利税（3100、3300、3500万）", "三年利税（3100万、3300万、3500万）"),
    ("1亿2000万", "1亿2000万"),
    ("3万5000元", "3万5000元"),
])
def test_amounts_side_by_side_each_get_their_unit(text, expected):
    from policy.question_numbers import shared_units
    assert shared_units(text) == expected


def test_three_amounts_glued_are_three_years(catalog):
    text = "高价值专利培育新建项目，我们近三年利税分别是2500万2800万3000万，能报吗"
    assert facts(catalog, text)["profit_tax_by_year"] == [25_000_000, 28_000_000, 30_000_000]


# -- English with a Chinese gloss in brackets is English -------------------------------------


@pytest.mark.parametrize("text, fact", [
    ("We're a national 'little giant' (专精特新小巨人). Our agent confirmed our request meets the priority "
     "examination conditions. Will the local IP office recommend it first?", "is_little_giant"),
    ("SME here, we passed the GB/T 29490 certification (贯标) last year. Any provincial reward?",
     "ip_standard_certified"),
    ("We're a high-tech enterprise (高新技术企业) and just won a patent case against an American competitor. "
     "Any enforcement aid?", "is_high_tech_enterprise"),
    ("Upgrade project (升级项目): we are doing key core-technology R&D with results; our domestic market share is "
     "among the top nationally. Can we apply?", "confirmed:market_share_leading"),
    ("Upgrade project (升级项目): we are doing key core-technology R&D with results; our domestic market share is "
     "among the top nationally. Can we apply?", "confirmed:leading_rd_project"),
])
def test_an_english_sentence_with_a_chinese_gloss(catalog, text, fact):
    assert facts(catalog, text)[fact] is True


# -- not the company's figures, nor its count ------------------------------------------------


def test_a_regions_figures_are_not_the_companys(catalog):
    assert decision(catalog, "我们市2021年发明专利授权六千多件，高价值专利培育项目市里能推荐几个").kind == SEARCH


def test_a_rate_asked_per_one_is_no_count(catalog):
    assert decision(catalog, "发明之星奖励多少钱一个").kind == SEARCH


def test_a_market_word_is_no_region(catalog):
    assert facts(catalog, "贯标奖励：2020年我们省级绩效评价合格了，是家小微企业，能拿不")["ip_standard_performance_passed"] is True


def test_a_clause_opening_with_the_company_tells_its_own(catalog):
    assert facts(catalog, "公司刚通过贯标认证，老板让我问下有没有省里的奖励")["ip_standard_certified"] is True


def test_a_star_level_asked_with_its_figures_names_the_innovation_star(catalog):
    d = decision(catalog, "有效发明四十一件 高价值的有七件 能上四星吗")
    assert d.kind == ENGINE and d.programmes == ("innovation-star",)


# -- the search ---------------------------------------------------------------------------------


def test_how_to_complain_is_a_specialists(catalog):
    quote = "严格知识产权执法。制定出台电子商务领域专利执法维权指引。"
    assert routing_for("我们的专利被人在电商平台上侵权了，怎么投诉下架", Answer(True, [clause_hit(quote)])).kind == FORWARD


def test_which_companies_may_apply_is_answered_by_who_applies(index):
    hit = index.answer("工业品牌项目哪些企业可以申报").hits[0]
    assert hit.clause_label.endswith("二") and "申报主体" in hit.quote


# -- a figure corrected -------------------------------------------------------------------------


@pytest.mark.parametrize("text, fact, value", [
    ("今年拿了四件发明授权，不对，刚又查了一下系统是五件，发明之星可以吧", "invention_grants_this_year", 5),
    ("有效发明专利21件 但是有一件上个月没交年费失效了 现在20件 高价值6件 创新之星还行吗", "valid_invention_patents", 20),
    ("创新之星：有效发明专利21件，有效发明专利20件，高价值6件", "valid_invention_patents", 21),  # no correction: the first
])
def test_a_figure_corrected_replaces_the_first(catalog, text, fact, value):
    assert facts(catalog, text)[fact] == value
