"""Round 12 of the question reader (issue 16), tuned on tuning9 (WeChat style): the asker's own
eligibility asked with no fact stated ("我们公司符合吗") goes to the engine; a space between two
Chinese words is a pause; years said by two digits ("21年利税1500万"); an acronym typed with its
letters swapped ("PTC"); a 高价值 project never carried; a project still under review (审核中); "我们
子公司不是" after a parent's status; a win abroad told in a later clause; a kind joined by "领域的";
left off the key-SME list; an evaluation not taken part in; a topic followed by a comma; a 小巨人 title
still applied for; "知产" for 知识产权; "没获过什么奖"."""

from __future__ import annotations


import pytest

from policy.question_short_years import full_years
from services.questions import ENGINE, SEARCH
from tests.unit.search_cases import decision, facts

@pytest.mark.parametrize("text, programme", [
    ("首件发明补贴 我们公司能拿吗", "first-invention-subsidy"),
    ("发明之星评选，我们符合条件吗", "invention-star"),
    ("维权援助资助我司有没有份", "enforcement-aid"),
    ("高价值专利培育我们能不能申报", "high-value-cultivation-2022"),
])
def test_own_eligibility_asked_without_facts_goes_to_the_engine(catalog, text, programme):
    d = decision(catalog, text)
    assert d.kind == ENGINE and programme in d.programmes


@pytest.mark.parametrize("text", [
    "首件发明专利补贴是干嘛的，我们能申请吗",  # asks what it is
    "首件发明专利补贴谁能申请",  # no asker
    "发明之星评选条件是什么",
])
def test_a_question_about_the_rule_is_still_searched(catalog, text):
    assert decision(catalog, text).kind == SEARCH


@pytest.mark.parametrize("text, fact, value", [
    # a space is a pause: the clause before tells, the one after asks
    ("省高价值专利培育项目报上去了 现在还在评审 能先拿立项奖励吗", "ip_project_approved", False),
    ("我们申报的省级知识产权项目还在审核中，项目引领奖励可以先申请吗", "ip_project_approved", False),
    ("我们PTC途径拿到了德国发明授权 奖励能申请吗", "pct_foreign_invention_grants", 1),
    ("我们以前从来没做过高价值专利培育项目，升级项目能报吗", "accepted_high_value_programme_before_2021", False),
    ("母公司是高企 我们子公司不是 子公司在国内打赢了专利官司 能申请维权援助吗", "is_high_tech_enterprise", False),
    ("我们是高企，产品在美国被起诉侵权，后来我们应诉赢了，维权援助能申请吗", "won_foreign_ip_dispute", True),
    ("普通小企业，不在重点中小企业名单里，首件发明补贴能拿吗", "is_key_sme", False),
    ("中小企业，贯标认证没通过，绩效评价也没去参加，贯标奖励能拿吗", "ip_standard_performance_passed", False),
    ("贯标奖励，中小企业，认证证书拿到了", "ip_standard_certified", True),
    ("有效发明40件，战略性新兴产业领域的发明有6件，创新之星几星", "high_value_patents", 6),
    ("小巨人我们还在申报，优先审查能推荐吗", "is_little_giant", False),
    ("我们是中小企业 有独立知产部 高价值专利培育能报吗", "has_ip_department", True),
    ("有效发明40件，没拿过什么奖，高价值专利培育数量够不够", "award_within_3y", False),
])
def test_facts_read(catalog, text, fact, value):
    assert facts(catalog, text)[fact] == value


@pytest.mark.parametrize("text, value", [
    ("21年利税1500万，不是小巨人，工业品牌能报吗", [None, None, 15000000]),
    ("我们利税19年1800万 20年2500万 21年3000万 高价值专利培育能报吗", [18000000, 25000000, 30000000]),
])
def test_two_digit_years(catalog, text, value):
    assert facts(catalog, text)["profit_tax_by_year"] == value


@pytest.mark.parametrize("text, read", [
    ("项目17年就验收了", "项目2017年就验收了"),
    ("21年利税1500万", "2021年利税1500万"),
    ("商标用了12年", "商标用了12年"),  # a number of years, not a year
    ("专利维持20年以上", "专利维持20年以上"),
    ("满15年了", "满15年了"),
])
def test_full_years(text, read):
    assert full_years(text) == read
