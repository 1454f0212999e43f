"""Round 14 of the question reader (issue 16), fact verdicts on tuning10 (voice input, agents asking for a
client): another company's figures and titles (供应商, 同园区的那家, 另一家子公司, 同行 as a subject); years
said in Chinese digits ("二零一九年", "一九年"); three yearly amounts said one after another; a figure or a
yes/no corrected ("啊不是我看错了", "哦不对是批了"); an A-not-A question states nothing ("批没批", "有没有授权");
"5 of them are high-value"; a 小巨人 is an SME; a client's facts told by an agent; a PCT grant of a past
year; "发明专利还没有过"; "不是什么重点企业" asks nothing; "…就行还是…", "包不包括" ask how the rule reads."""

from __future__ import annotations

import pytest

from policy.question_either import asked_either
from policy.question_spoken_years import spoken_years
from services.questions import ENGINE
from tests.unit.search_cases import DAY, decision, facts


@pytest.mark.parametrize("text, fact, value", [
    # another company's figures and titles are not the asker's
    ("我们的供应商去年拿了三件PCT美国授权，我们自己只有国内专利，没有国外的，PCT奖励能拿吗",
     "pct_foreign_invention_grants", 0),
    ("集团里另一家子公司今年授权了十二件发明，我们这家今年授权三件，发明之星能报吗", "invention_grants_this_year", 3),
    ("同行通过了贯标认证，我们是中小企业，还没开始贯标，贯标奖励能拿吗", "ip_standard_certified", False),
    ("同园区的另一家厂获批了省知识产权项目，我们申报的还在排队，立项奖励能拿吗", "ip_project_approved", False),
    ("我们同行被美国调查了，我们自己没有，我们是高新，维权援助有资助吗", "foreign_government_ip_investigation", False),
    ("我们同行被美国调查了，我们自己没有，我们是高新，维权援助有资助吗", "is_high_tech_enterprise", True),
    # years in Chinese digits
    ("我们牵头的高价值专利培育项目二零一九年通过了验收，升级项目能报吗",
     "accepted_high_value_programme_before_2021", True),
    ("高价值专利培育新建项目能报吗，利税一九年两千万，二零年两千四百万，去年三千万",
     "profit_tax_by_year", [20000000, 24000000, 30000000]),
    # three amounts one after another, the time of the clause before not theirs
    ("高价值专利培育能报吗，去年知识产权费用占研发6%，利税一千八百万，两千万，两千二百万",
     "profit_tax_by_year", [18000000, 20000000, 22000000]),
    # corrected
    ("今年发明授权四件，啊不是我看错了，是十四件，发明之星可以吧", "invention_grants_this_year", 14),
    ("我们的省级知识产权项目没批，哦不对，是批了，立项奖励能拿吧", "ip_project_approved", True),
    ("我们是中小企业，贯标认证通过了，不对，是审核还没做完，贯标奖励有吗", "ip_standard_certified", False),
    ("我们是中小企业，贯标还在做，绩效评价也没搞过，贯标奖励有吗", "ip_standard_performance_passed", False),
    # English: the part said of the whole
    ("We have 35 valid invention patents and 6 of them are high-value. Which Innovation Star level?",
     "high_value_patents", 6),
    # a 小巨人 is an SME, for the programme that asks for one
    ("我们是专精特新小巨人，贯标认证去年通过了，贯标奖励能拿吗", "is_sme", True),
    # an agent tells the client's facts
    ("帮客户问一下，客户是国家级专精特新小巨人，有个发明专利想优先审查，能优先推荐吗", "is_little_giant", True),
    ("帮客户问高价值专利培育新建项目，他们在行业里是龙头，近三年研发占销售4%", "confirmed:industry_leading", True),
    ("高价值专利培育新建项目，我们是细分行业的龙头，近三年研发占销售4%", "confirmed:industry_leading", True),
    ("高价值专利培育能报吗，近三年研发占销售4%，我们没牵头过，也没有未验收的项目",
     "unaccepted_enterprise_ip_programme", False),
    ("高价值专利培育能报吗，近三年研发占销售4%，我们没牵头过，也没有未验收的项目",
     "led_high_value_programme_before", False),
    # a PCT grant told of a past year is one, and a grant after "通过PCT进了…" is a PCT one
    ("我们前年通过PCT在日本拿了一件发明授权，PCT奖励能申请吗", "pct_foreign_invention_grants", 1),
    ("我们通过PCT进了欧洲，今年那边授权了两件发明，PCT奖励能拿吗", "pct_foreign_invention_grants", 2),
    # none of a kind never had
    ("我们是重点中小企业，实用新型申请过三件，发明专利还没有过，首件补贴能拿吗", "invention_applications_total", 0),
    ("工业品牌能报吗，我们有单独的知识产权科，三个人", "has_ip_department", True),
])
def test_round14_readings(catalog, text, fact, value):
    assert facts(catalog, text, DAY).get(fact) == value


@pytest.mark.parametrize("text, fact", [
    ("我们有两件PCT申请进了欧洲国家阶段，有没有授权还得问代理，PCT奖励能拿吗", "pct_foreign_invention_grants"),
    ("立项奖励，我们去年报了省知识产权项目，批没批还不知道，我们是高新技术企业", "ip_project_approved"),
])
def test_a_not_a_states_nothing(catalog, text, fact):
    assert fact not in facts(catalog, text, DAY)


@pytest.mark.parametrize("text", [
    "我们就是家普通小厂，不是什么重点企业，第一件发明专利有补贴吗",  # 什么 as "any" asks nothing
    "发明之星，我们是高新技术企业，今年的授权数还没统计完，能报吗",  # the programme's facts not stated, asked
])
def test_asked_of_the_company_goes_to_the_engine(catalog, text):
    assert decision(catalog, text, DAY).kind == ENGINE


@pytest.mark.parametrize("text", [
    "发明之星到底是当年授权五件就可以还是要有效的五件",  # a choice between two readings of the rule
    "创新之星说的有效发明超过二十件，那正好二十件包不包括",
])
def test_a_question_about_how_the_rule_reads_is_searched(catalog, text):
    assert decision(catalog, text, DAY).kind != ENGINE


@pytest.mark.parametrize("text, read", [
    ("二零二零年通过验收", "2020年通过验收"),
    ("利税一九年两千万", "利税19年两千万"),
    ("商标用了二十年", "商标用了二十年"),
    ("一两年内", "一两年内"),
])
def test_spoken_years(text, read):
    assert spoken_years(text) == read


@pytest.mark.parametrize("text, asked", [("批没批", True), ("有没有授权", True), ("现在没在承担", False),
                                         ("还没批", False)])
def test_asked_either(text, asked):
    assert asked_either(text, 0, len(text)) is asked
