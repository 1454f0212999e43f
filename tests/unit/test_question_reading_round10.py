"""Round 10 of the question reader (issue 16): three years named by their numbers ("2019到2021年",
"2019、2020、2021年", "三年合计") are the last three; a fact told of another company (母公司, 隔壁厂, a
competitor) is not the asker's; "- " list marks; a negated item opening a line ("无失信"); "省级" is no
typo of 升级; a count negated after its word ("授权的还没有"); a negation before a list said with 、
holds for each item; an A-not-A question states nothing; a message that tells, then asks how to
apply; an inexact count answered by the engine, saying why; the words of round 10 (tuning7) for
facts already known; and in the search, a loan's sum, who pays a fee, a provider recommended and
papers to prepare, which the quoted clause does not state."""

from __future__ import annotations


import pytest

from policy.question_numbers import prepare_text, times
from policy.question_vocab import OTHER, THREE_YEARS, vocabulary
from search.results import ANSWER, FORWARD, Answer
from search.routing import routing_for
from services.questions import ENGINE, SEARCH, decide, reading
from tests.unit.search_cases import DAY, clause_hit, facts

# -- three years named by their numbers -------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("我们不是小巨人，2019到2021年利税分别是2100万、1950万、2400万，高价值专利培育能报吗",
     [21_000_000, 19_500_000, 24_000_000]),
    ("高价值专利培育：2019-2021利税2500万、2800万、3000万", [25_000_000, 28_000_000, 30_000_000]),
    ("高价值专利培育：2019、2020、2021年利税分别2300万、2600万、3100万", [23_000_000, 26_000_000, 31_000_000]),
    ("高价值专利培育：2019-2021年利税每年都是2000万整", [20_000_000, 20_000_000, 20_000_000]),
])
def test_three_years_named_are_the_last_three(catalog, text, expected):
    assert facts(catalog, text)["profit_tax_by_year"] == expected


@pytest.mark.parametrize("text, kind", [("2019-2021年", THREE_YEARS), ("2019到2021年度", THREE_YEARS),
                                        ("2018-2020年", OTHER), ("2020-2021年", OTHER)])
def test_a_span_of_years_is_placed_against_the_date(catalog, text, kind):
    assert [k for _s, _e, k in times(prepare_text(text), DAY, vocabulary(catalog))] == [kind]


# -- another company's facts -------------------------------------------------------------------


@pytest.mark.parametrize("text, fact", [
    ("我们母公司是国家级小巨人，优先推荐能用吗", "is_little_giant"),
    ("母公司拿了国家级知识产权项目立项，我们子公司能拿项目引领奖励吗", "ip_project_approved"),
    ("我们集团总部贯标认证了，贯标奖励有份吗", "ip_standard_certified"),
    ("We're high-tech. A competitor of ours won a case in the US. Any enforcement aid for us?", "won_foreign_ip_dispute"),
])
def test_a_fact_of_another_company_is_not_the_askers(catalog, text, fact):
    assert fact not in facts(catalog, text)


def test_a_figure_of_a_neighbouring_company_is_not_the_askers(catalog):
    assert decide("隔壁厂今年授权了7件发明，拿了发明之星，我们也想评", catalog, None, DAY).kind == SEARCH


# -- lists ------------------------------------------------------------------------------------


def test_a_dash_opening_a_line_is_a_list_mark(catalog):
    got = facts(catalog, "工业品牌项目，我们情况：\n- 苏州注册独立法人，生产型工业企业\n- 去年利税2600万\n能报吗？")
    assert got["jiangsu_legal_entity"] is True and got["profit_tax_by_year"] == [None, None, 26_000_000]


def test_a_negated_item_opening_a_line_is_negated(catalog):
    got = facts(catalog, "工业品牌项目，我们情况：\n苏州独立法人，工业企业\n无失信、无非正常专利申请\n能报吗？")
    assert got["serious_dishonesty"] is False and got["abnormal_patent_applications"] is False


@pytest.mark.parametrize("text, stated", [
    # a negation before a list holds for each item
    ("我们是高企，海外也没有任何维权、调查或者纠纷，维权援助资助能拿吗",
     {"overseas_enforcement_action": False, "foreign_government_ip_investigation": False,
      "won_foreign_ip_dispute": False}),
    # items of a list not negated stay stated
    ("我们是高企，海外维权、337调查都有过，维权资助能拿吗",
     {"overseas_enforcement_action": True, "foreign_government_ip_investigation": True}),
    # a message telling its situation speaks of the company
    ("高价值培育新建，情况如下\n无锡独立法人，行业领军企业\n有效发明42件\n够不够？",
     {"jiangsu_legal_entity": True, "confirmed:industry_leading": True}),
])
def test_what_a_list_or_a_situation_states(catalog, text, stated):
    got = facts(catalog, text)
    assert {name: got.get(name) for name in stated} == stated


# -- typos ------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed, read", [("我们也没有没验收的省级项目", "我们也没有没验收的省级项目"),
                                         ("生级项目能报吗", "升级项目能报吗")])
def test_a_word_of_its_own_is_no_typo(catalog, typed, read):
    assert reading(catalog, typed) == read


# -- counts -----------------------------------------------------------------------------------


def test_a_count_negated_after_its_word_is_none(catalog):
    assert facts(catalog, "今年拿到了9件实用新型证书，发明专利授权的还没有，发明之星有份吗？") == {
        "invention_grants_this_year": 0}


# -- flags ------------------------------------------------------------------------------------


def test_an_a_not_a_question_states_nothing(catalog):
    got = facts(catalog, "小巨人优先审查：我们是国家小巨人企业，请求符不符合条件不清楚")
    assert "confirmed:priority_exam_request_qualifies" not in got


def test_a_confirmation_in_the_next_clause_of_the_sentence(catalog):
    got = facts(catalog, "国家级小巨人，我们的优先审查请求代理所看过了，符合条件，能优先推荐吗")
    assert got["confirmed:priority_exam_request_qualifies"] is True


def test_a_fact_told_then_how_to_apply_asked(catalog):
    assert facts(catalog, "国家知识产权局的项目立项了，项目引领奖励怎么申请") == {"ip_project_approved": True}


@pytest.mark.parametrize("text, expected", [
    ("我们是做跨境电商贸易的，不生产东西，工业品牌项目能申报吗", {"is_industrial_enterprise": False}),
    ("我们正在承担省高价值专利培育项目，尾款还没拨，今年工业品牌能报吗", {"ongoing_provincial_ip_programme": True}),
    ("高价值专利培育：以前没承担过省里的知识产权项目", {
        "led_high_value_programme_before": False, "accepted_high_value_programme_before_2021": False,
        "unaccepted_enterprise_ip_programme": False, "ongoing_provincial_ip_programme": False}),
    ("高价值专利培育：我们也没有没验收的省级项目", {"unaccepted_enterprise_ip_programme": False}),
    ("我们是高企，国内就一件专利纠纷，还在一审没判，维权援助资助能拿吗", {
        "is_high_tech_enterprise": True, "won_domestic_ip_dispute": False}),
    ("我們有3件PCT申請，目前都還在國際階段，PCT獎勵可以拿嗎？", {"pct_foreign_invention_grants": 0}),
    ("We obtained a German invention patent through the PCT route last month. Are we eligible for the PCT grant "
     "reward?", {"pct_foreign_invention_grants": 1}),
    ("Our centre passed acceptance in 2019, but we were named for abnormal patent applications last year. Can we "
     "apply for the upgrade project?", {"abnormal_patent_applications": True}),
])
def test_words_of_round_10(catalog, text, expected):
    got = facts(catalog, text)
    assert {k: got.get(k) for k in expected} == expected


@pytest.mark.parametrize("text, fact", [
    ("工业品牌：我们有效发明专利18件，够数", "confirmed:invention_patents_sufficient"),
    ("工业品牌：有效发明专利25件，数量在行业里算多的", "confirmed:invention_patents_sufficient"),
    ("工业品牌：我们是扬州的独立法人工业企业，细分领域龙头", "confirmed:industry_chain_leader"),
])
def test_owner_words_for_a_manual_condition(catalog, text, fact):
    assert facts(catalog, text)[fact] is True


# -- an inexact count and three years' totals --------------------------------------------------


def test_an_inexact_count_gets_the_engines_answer_that_says_why(catalog):
    # (an approximate one, "大约30件", is read as a narrow range since round 18: test_question_reading_round18)
    decision = decide("我们有效发明将近六十件，高价值的没统计过，创新之星能评上吗", catalog, None, DAY)
    assert decision.kind == ENGINE and decision.facts == {}
    assert [i.reason for i in decision.read.ignored] == ["not_exact"]


def test_an_ordinal_is_no_count_stated(catalog):
    assert decide("省里对重点中小企业的第一件发明专利有什么支持", catalog, None, DAY).kind == SEARCH


def test_three_years_totalled_are_the_three_years(catalog):
    assert facts(catalog, "近三年研发合计八千万，销售收入三年合计二十五亿，高价值专利培育的研发占比够吗") == {
        "rd_expense_3y": 80_000_000, "sales_revenue_3y": 2_500_000_000}


def test_another_companys_status_denied_of_the_asker_is_the_askers_no(catalog):
    assert facts(catalog, "我们母公司是国家级小巨人，我们子公司自己不是，优先推荐能用吗") == {"is_little_giant": False}


# -- the search: what the quoted clause does not state ----------------------------------------


_PLEDGE = "积极推进专利质押融资。会同银行业金融机构，确定授信放贷额度，解决专利质押评估难、放款慢的问题。"
_STANDARD = "已开展《企业知识产权管理规范》贯标工作，知识产权管理制度比较健全。"
_WELL_KNOWN = "有效运用警告、举报、起诉等方式打击侵权假冒行为，依法申请驰名商标认定和保护。"


@pytest.mark.parametrize("question, quote", [
    ("专利质押能贷多少", _PLEDGE),                 # a loan's sum
    ("专利质押的评估费谁出", _PLEDGE),             # who pays a fee
    ("贯标认证机构哪家好", _STANDARD),             # a provider recommended
    ("贯标认证费用多少", _STANDARD),               # a fee's sum
    ("驰名商标怎么认定，要准备什么", _WELL_KNOWN),  # papers to prepare
])
def test_a_question_the_quoted_clause_does_not_answer_is_forwarded(question, quote):
    assert routing_for(question, Answer(True, [clause_hit(quote)])).kind == FORWARD


def test_a_clause_that_states_the_sum_still_answers():
    quote = "对首次获得PCT国外发明专利授权的企业，每件给予5万元奖励。"
    assert routing_for("PCT授权奖励费用多少", Answer(True, [clause_hit(quote)])).kind == ANSWER
