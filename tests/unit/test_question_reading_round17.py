"""Round 17 of the question reader (issue 16), fact verdicts on tuning13 (founders, finance managers, admin
staff): a head count in 个 ("三十几个人") counts people, not patents; "第一件发明" and "our first invention
patent" state the first application; a request that meets the conditions ("发明申请符合优先审查条件") is no
aim; a market share ranked right after its word ("市场份额排第三"); a lawsuit brought abroad said with 了
("提起了诉讼"), a foreign firm named by its nationality ("a Korean firm"), a foreign authority "在查我们";
a partner's or some firm's figures ("合作伙伴", "听说有家…公司") are not the asker's; "我们省里的项目" is
the asker's provincial project, not the province's figures; "approved" inside Chinese; a city's 高价值
project is not the provincial one; kinds of high-value patents ("有同族", "维持了十二年") add up, and a
number inside a kind's word ("维持超过10年") does not end the figure's reach."""

from __future__ import annotations

import pytest

from policy.question_numbers import figures
from tests.unit.search_cases import facts


@pytest.mark.parametrize("text, fact, value", [
    # a head count in 个 is no count of applications: the first one stated stands
    ("老板让我问问第一件发明专利的补贴。我们厂挺小的，二十几个人", "invention_applications_total", 1),
    # the first invention application, said shortly or in English
    ("首件补贴 我们是重点中小企业 第一件发明上周刚递交", "invention_applications_total", 1),
    ("We are a key SME (重点中小企业) and are preparing our first invention patent. Any subsidy?",
     "invention_applications_total", 1),
    # a request meeting the conditions: 申请 is the request, not an aim
    ("优先审查：我们是国家级小巨人，这次的发明申请符合优先审查条件", "confirmed:priority_exam_request_qualifies", True),
    # a rank right after the share's word
    ("高价值升级项目：我们2018年牵头的省高价值项目验收了，产品国内市场份额排第三", "confirmed:market_share_leading", True),
    # abroad: a suit brought, a firm by its nationality, an authority investigating
    ("维权援助：我们是高企，去年在日本对仿冒者提起了侵权诉讼", "overseas_enforcement_action", True),
    ("We are a high-tech enterprise and won a patent case against a Korean firm last year. Enforcement aid?",
     "won_foreign_ip_dispute", True),
    ("维权资助 我们是高新技术企业 美国那边政府在查我们的专利", "foreign_government_ip_investigation", True),
    # a partner's or some firm's figures are not the asker's
    ("立项奖励 合作伙伴公司省级项目批下来了 我们自己从没申报过项目", "ip_project_approved", False),
    ("发明之星 听说有家做电池的公司今年授权了9件 我们今年授权4件", "invention_grants_this_year", 4),
    # the asker's provincial project said as 省里的; approved said in English
    ("立项奖励：我们省里的那个知识产权项目上个月获批了", "ip_project_approved", True),
    ("项目引领奖励 我们省级知识产权项目已经approved了", "ip_project_approved", True),
    # a district's 高价值 project is no provincial one
    ("升级项目 我们牵头的是区级的高价值专利项目 2019年验收的", "accepted_high_value_programme_before_2021", False),
    # kinds of high-value patents add up; a number inside a kind's word ends nothing
    ("创新之星 有效发明33件 两件在日本有同族 三件维持了十二年 几星", "high_value_patents", 5),
    ("创新之星 我们有4件发明维持超过10年 有效发明多少我还得查", "high_value_patents", 4),
])
def test_round17_readings(catalog, text, fact, value):
    assert facts(catalog, text).get(fact) == value


@pytest.mark.parametrize("text, fact", [
    # the figure of a maintained kind is not the valid invention count
    ("创新之星 我们有4件发明维持超过10年 有效发明多少我还得查", "valid_invention_patents"),
])
def test_round17_not_read(catalog, text, fact):
    assert fact not in facts(catalog, text)


@pytest.mark.parametrize("text", ["公司二十几个人", "我们厂30个员工", "研发团队十来个人"])
def test_a_head_count_in_ge_is_people(text):
    assert [f.unit for f in figures(text, [])] == ["人"]
