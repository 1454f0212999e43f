"""Round 7 of the question reader (issue 16): a message that opens by telling something and then
asks is the asker's own case; a list of what the company is; a negation after the word (不合格); a
year with its month before 验收; colloquial grants (授了, 发明证书) and a time between a kind and its
verb; a kind counted with 有 before its figure; English names joined by hyphens, figures a question
refers to ("the 50"), manufacturers and certification; and in the search, a share, a span, a
frequency or a sum asked that the quoted clause does not state, forms, where to collect something,
a certificate run out, and chat filler out of coverage."""

from __future__ import annotations

from datetime import date

import pytest

from policy.question_names import named_programmes
from search.lexicon import FILLER
from search.query import parse_query
from search.routing import routing_for
from search.results import ANSWER, FORWARD, Answer
from services.questions import ENGINE, decide
from tests.unit.search_cases import clause_hit, known

DAY = date(2022, 6, 1)


def facts(catalog, text):
    decision = decide(text, catalog, None, DAY)
    return dict(decision.facts) if decision.kind == ENGINE else {}


# -- whose a statement is ----------------------------------------------------------------------


@pytest.mark.parametrize("text, fact, value", [
    ("立项已经批下来了，县里那个项目引领奖励有我们的份吗", "ip_project_approved", True),
    ("认证上个月通过了，贯标奖励能申请吗", "ip_standard_certified", True),
    ("优势企业还在评审，结果没出来，项目引领奖励能拿吗", "ip_project_approved", False),
])
def test_a_message_that_tells_then_asks_is_the_askers_case(catalog, text, fact, value):
    assert facts(catalog, text).get(fact) is value


@pytest.mark.parametrize("text", [
    "拿过中国专利奖的，高价值专利培育的专利数量门槛能降低吗",  # said of some, and a requirement asked
    "小微企业打赢了国内官司，维权援助资助能申请吗",  # a kind of company as the subject
    "是先拿到贯标证书才有奖励，还是评价合格就行？",  # a choice asked
    "项目引领奖励，一个项目国家省里都批了，能拿两份吗",  # a topic first, not a statement
])
def test_a_first_clause_about_anyone_tells_nothing(catalog, text):
    got = facts(catalog, text)
    assert "ip_project_approved" not in got and "won_domestic_ip_dispute" not in got \
        and "ip_standard_certified" not in got


def test_a_list_of_what_the_company_is_states_each_item(catalog):
    got = facts(catalog, "苏州独立法人制造企业，行业龙头；有独立知识产权部。工业品牌能不能报")
    assert got["jiangsu_legal_entity"] is True and got["is_industrial_enterprise"] is True
    assert got["confirmed:industry_leading"] is True


def test_a_programme_name_with_a_flag_word_in_it_is_no_list_item(catalog):
    assert facts(catalog, "获批立项奖励，我们拿的是区级项目，能算吗").get("ip_project_approved") is not True


@pytest.mark.parametrize("text, fact, value", [
    # "not passed" after the word is a no
    ("我们中型企业，贯标绩效评价不合格，贯标奖励还能拿吗", "ip_standard_performance_passed", False),
    # a not-yet with its particle is a statement
    ("省里的项目还没申报呢，项目引领奖励我们能拿吗", "ip_project_approved", False),
    # a demonstrative makes an application a noun, not an aim
    ("我们是专精特新小巨人，律所说这件申请符合优先审查条件，会被优先推荐吗", "confirmed:priority_exam_request_qualifies", True),
    # a year with its month places an acceptance
    ("高价值专利培育项目是2020年11月验收的，升级项目能不能报", "accepted_high_value_programme_before_2021", True),
])
def test_a_statement_read_as_meant(catalog, text, fact, value):
    assert facts(catalog, text)[fact] is value


# -- figures -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "今年发明授了6件，发明之星够格吗",
    "今年已经拿到6件发明证书了，发明之星行不行",
    "6件发明今年授权的，发明之星有戏吗",
])
def test_colloquial_grants_of_this_year(catalog, text):
    assert facts(catalog, text)["invention_grants_this_year"] == 6


def test_a_kind_counted_with_a_verb_of_having_adds_to_its_family(catalog):
    got = facts(catalog, "有效发明45件，拿过中国专利奖的发明有6件，创新之星几星")
    assert got["valid_invention_patents"] == 45 and got["high_value_patents"] == 6


def test_an_english_figure_after_the_is_referred_to_not_stated(catalog):
    text = "Do utility models count toward the 20 valid invention patents for the Innovation Star?"
    assert facts(catalog, text) == {}


@pytest.mark.parametrize("text, fact, value", [
    ("We are a trading company registered in Jiangsu. Can we apply for the industrial brand project?",
     "is_industrial_enterprise", False),  # a trading company is no manufacturer
    ("We're an SME and our IP management system got certified this spring. Is there a reward?",
     "ip_standard_certified", True),  # certification, for the standard reward
])
def test_english_statements_of_what_the_company_is(catalog, text, fact, value):
    assert facts(catalog, text)[fact] is value


def test_a_hyphenated_english_name_names_its_programme(catalog):
    assert named_programmes(catalog, "Can we get the project-lead reward now?") == ("project-lead-reward",)


def test_the_first_invention_named_with_a_subsidy_verb(catalog):
    assert "first-invention-subsidy" in named_programmes(catalog, "首件发明的代理费能补吗")


# -- the search ----------------------------------------------------------------------------------


@pytest.mark.parametrize("question, quote, kind", [
    # what the clause does not state (a share, a span, a sum, a price, a rate, a month, a change, an
    # account) is forwarded ...
    ("商标质押能贷到评估值的几成", "推进商标质押融资，扩大融资规模。", FORWARD),
    ("专利复审一般要多长时间", "支持企业开展专利复审和无效宣告。", FORWARD),
    ("高价值专利培育中心的运行经费有多少", "立项后拨付一定运行经费。", FORWARD),
    ("专利许可费怎么定价", "推进专利开放许可。", FORWARD),
    ("商标质押贷款的利率大概多少", "推进商标质押融资。", FORWARD),
    ("发明之星明年几月份开始报", "对当年授权发明专利5件以上的企业给予奖励。", FORWARD),
    ("县里专利奖励的规定今年调整了没有", "对当年授权发明专利5件以上的企业给予奖励。", FORWARD),
    ("贯标备案平台的账号怎么申请", "支持企业开展贯标认证。", FORWARD),
    # ... what it states is answered
    ("项目实施期多久", "新建项目实施期限为3年。", ANSWER),
    ("专精特新企业的知识产权培训项目多久搞一次", "每年组织知识产权培训。", ANSWER),
    ("补贴比例是多少", "按认证费用的50%给予补贴。", ANSWER),
    ("高价值专利培育项目什么时候截止申报", "请于2022年2月15日前报送。", ANSWER),
    ("中期评估什么时候做", "项目实施期3年，第二年进行中期评估。", ANSWER),
])
def test_a_confident_clause_answers_only_what_it_states(question, quote, kind):
    assert routing_for(question, Answer(True, [clause_hit(quote)])).kind == kind


@pytest.mark.parametrize("question", ["贯标申报书有没有模板可以参考", "知识产权服务券去哪里领取", "贯标证书到期了如何重新认证"])
def test_office_practice_is_forwarded(question):
    answer = Answer(True, [clause_hit("支持企业开展贯标认证。")])
    assert routing_for(question, answer).kind == FORWARD


def test_chat_filler_is_out_of_coverage(index):
    words = parse_query("贯标这一块86号文原话怎么写", known(index)).words
    assert "这一块" not in words and "原话" not in words and "怎么写" not in words
    assert {"干嘛用", "一大笔钱"} <= FILLER
