"""Round 18 of the question reader (issue 16), tuned on tuning14 (follow-ups, hypotheticals, lists of what
is not had, approximate figures): an opening supposition of the company's own case is a what-if, read as
told ("假如…批了，能拿吗"); a denied negation affirms ("不是没立项"); a question the asker answers at once is
a form's item ("失信？没有。"); a PCT application granted where it entered is a grant through PCT; "作为高新
技术企业" says what the asker is; an approximate figure ("大概六十件左右") is a narrow range; a total after an
increase to come replaces it; a `with` word of the word's own clause before one elsewhere in its sentence;
a partner's facts are not the asker's; "认证快了" is not yet; "…的发明就有5件" counts that kind; a follow-up's
opening is filler to the search."""

from __future__ import annotations

import pytest

from services.questions import ENGINE
from tests.unit.search_cases import decision, facts


@pytest.mark.parametrize("text, fact, value", [
    # a supposition of the company's own case, opening the message: a what-if, read as told
    ("要是我们今年评上了国家级专精特新小巨人，优先审查请求也符合条件，能被推荐吗", "is_little_giant", True),
    ("假如省里的知识产权项目今年批下来了，项目引领的奖励能拿到吗", "ip_project_approved", True),
    ("如果我们被认定成重点中小企业，首件发明补贴能拿吗？发明还一件都没申请过", "is_key_sme", True),
    ("假设我们通过PCT进欧洲的那件今年授权了，PCT奖励有份吗", "pct_foreign_invention_grants", 1),
    # a negation denied
    ("不是没立项，省里的项目通知上周已经下来了，项目引领奖励能拿吧", "ip_project_approved", True),
    ("不是没通过，贯标绩效评价今年已经合格了，我们是中小企业，贯标奖励能拿吗", "ip_standard_performance_passed", True),
    # a question answered at once
    ("非正常申请？没有。严重失信？也没有。高价值升级项目能报吗", "serious_dishonesty", False),
    ("非正常申请？没有。严重失信？也没有。高价值升级项目能报吗", "abnormal_patent_applications", False),
    # a PCT application granted in the country it entered
    ("我们PCT进欧洲的那件去年下证了，PCT奖励能申请吗", "pct_foreign_invention_grants", 1),
    # "作为…企业": what the asker is
    ("去年在美国的专利官司打赢了，作为高新技术企业能申请维权资助吗", "is_high_tech_enterprise", True),
    # "被认定成"
    ("我们去年被认定成重点中小企业，首件发明补贴能拿吗", "is_key_sme", True),
    # an adverb between what is counted and its figure ("…的发明就有5件")
    ("维持十年以上的发明就有6件，有效发明一共33件，创新之星能评几星", "high_value_patents", 6),
    ("海外有同族的发明也有7件，有效发明45件，创新之星几星", "high_value_patents", 7),
    # a total after an increase to come
    ("要是下个月再授权三件，今年一共就有6件发明授权了，发明之星能评吗", "invention_grants_this_year", 6),
    # the word's own clause names its project
    ("我们承担的省企业知识产权战略推进计划项目还没验收，高价值专利培育新建项目能报吗", "unaccepted_enterprise_ip_programme", True),
    # a foreign government named in the sentence; a typo of 调查
    ("美国政府说我们的产品侵权，对我们立案调查了，维权援助有没有", "foreign_government_ip_investigation", True),
    ("外国政府认为我们侵权，对我们发起调察了，我们是高企，维权资助能申请吗", "foreign_government_ip_investigation", True),
    # a partner's facts are not the asker's
    ("合作伙伴那家是高企，被337调查了；我们自己不是高企，维权援助能申请吗", "is_high_tech_enterprise", False),
    # certification soon is not certification
    ("我们是中小企业，贯标正在做，咨询公司说认证快了，贯标奖励能拿吗", "ip_standard_certified", False),
    # the priority examination's conditions, said with 的
    ("我们是国家级小巨人，可代理说这件申请不满足优先审查的要求，还能推荐吗", "confirmed:priority_exam_request_qualifies", False),
    ("We are a national little giant. Our attorney confirmed this application meets all the priority examination "
     "requirements. Will it be recommended?", "confirmed:priority_exam_request_qualifies", True),
    ("We are a key SME in Jiangsu and are filing our first invention patent now. Is there a subsidy for the fees?",
     "invention_applications_total", 1),
])
def test_round18_readings(catalog, text, fact, value):
    assert facts(catalog, text).get(fact) == value


@pytest.mark.parametrize("text, fact, low, high", [
    ("有效发明大约七十件，高价值专利8件，创新之星能评几星", "valid_invention_patents", 67, 73),
    ("创新之星 有效发明二十件左右 高价值6件 几星", "valid_invention_patents", 19, 21),
    ("我们有效发明专利大约30件，发明之星能评吗", "valid_invention_patents", 29, 31),
])
def test_an_approximate_figure_is_a_narrow_range(catalog, text, fact, low, high):
    d = decision(catalog, text)
    assert d.kind == ENGINE and d.facts[fact] == low and d.read.ranges[fact] == high
    assert not [i for i in d.read.ignored if i.reason == "not_exact"]  # read, so not reported as left out


def test_an_approximate_amount_of_a_year_is_left_out(catalog):
    d = decision(catalog, "工业品牌：去年利税一千八百万左右，不是小巨人也不是单项冠军")
    assert "profit_tax_by_year" not in d.facts and any(i.reason == "not_exact" for i in d.read.ignored)


def test_a_round_numbers_spread_is_no_approximation(catalog):
    d = decision(catalog, "创新之星能拿四星吗 有效发明大概四十几件 高价值6件")
    assert (d.facts["valid_invention_patents"], d.read.ranges["valid_invention_patents"]) == (41, 49)


@pytest.mark.parametrize("text", [
    "优先审查推荐这块，我们是高企，能享受吗",
    "我们是高新技术企业，今年的发明授权还没统计完，发明之星能先报吗",
])
def test_asking_own_eligibility_with_no_fact_of_the_programme(catalog, text):
    assert decision(catalog, text).kind == ENGINE


@pytest.mark.parametrize("opening", ["还是上次那个，", "上回那个事儿，接着问："])
def test_a_follow_up_opening_is_no_topic(search, opening):
    plain = search.route("高价值专利包括哪几类")
    followed = search.route(opening + "高价值专利包括哪几类")
    assert followed.kind == plain.kind == "answer"
