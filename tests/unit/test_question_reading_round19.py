"""Round 19 of the question reader (issue 16), tuned on heldout5: a numbered list run on in one line
("：1.…；2.…") has marks, not figures; an approval whose level the asker says they do not know is no national
or provincial project approved; "好像有一件" is no figure the asker stands by; a key-SME list the company is on; a
gloss in brackets that dates a title; a not-yet in brackets is a clause of its own; two places joined before
one word ("涉外的和国内的官司") are both read; a major project denied; a main-board listing; "维过权"; a payment
that describes a kind of company is no question of when money arrives."""

from __future__ import annotations

import pytest

from services.questions import ENGINE
from tests.unit.search_cases import decision, facts


@pytest.mark.parametrize("text, fact, value", [
    ("帮老板问问高价值专利培育新建项目：1.苏州注册的独立法人；2.近三年利税分别1800万、2100万、2500万；3.有知识产权部",
     "profit_tax_by_year", [18000000, 21000000, 25000000]),
    ("想问高价值专利培育新建项目：1.常州注册的独立法人；2.有效专利110件，其中发明55件；3.专兼职知识产权人员4人。符合吗",
     "jiangsu_legal_entity", True),
])
def test_a_run_on_numbered_list_has_marks_not_figures(catalog, text, fact, value):
    read = facts(catalog, text)
    assert read.get(fact) == value
    assert read.get("high_value_patents") is None


@pytest.mark.parametrize("text", [
    "我们有个项目批了，不知道是省里批的还是区里批的，回头问问财务，项目引领奖励能拿吗",
    "开发区说我们一个知识产权项目立项了，具体哪一级我不清楚，项目引领奖励能领吗",
])
def test_an_approval_of_a_level_not_known_is_no_project_approved(catalog, text):
    d = decision(catalog, text)
    assert d.kind == ENGINE and "ip_project_approved" not in d.facts


@pytest.mark.parametrize("text, fact", [
    ("我们有两件PCT国际申请进入了国家阶段，德国那边好像授权了一件，还要找代理核实，PCT奖励能拿吗", "pct_foreign_invention_grants"),
    ("今年好像授权了七件发明，发明之星能评吗", "invention_grants_this_year"),
])
def test_a_figure_said_with_a_seems_is_not_stated(catalog, text, fact):
    assert fact not in facts(catalog, text)


def test_a_grant_abroad_with_the_reward_named_with_de_is_no_pct_grant(catalog):
    assert "pct_foreign_invention_grants" not in facts(catalog, "我们在日本拿到三件发明授权，能申请PCT的奖励吗")


@pytest.mark.parametrize("text, fact, value", [
    ("发明专利一件没申请过，公司在区里重点中小企业名单上，首件发明补贴可以申请吗", "is_key_sme", True),
    ("我们公司在区里重点中小企业名录里，发明还没申请过，首件发明补贴行不行", "is_key_sme", True),
    ("国家级专精特新小巨人（2021年第三批），优先审查请求代理说符合条件，能被优先推荐吗", "is_little_giant", True),
    ("我们已经开始做贯标了（还没认证下来），工业品牌项目能报吗", "ip_standard_started", True),
    ("我们是高新技术企业，国外的和国内的专利官司都没打过，海外也没维过权，维权援助资助能申请吗",
     "won_foreign_ip_dispute", False),
    ("我们是高新技术企业，国外的和国内的专利官司都没打过，海外也没维过权，维权援助资助能申请吗",
     "overseas_enforcement_action", False),
    ("2019年高价值项目通过验收了，不过眼下没有承担重大科技攻关项目，升级项目能不能报", "confirmed:leading_rd_project", False),
    ("我们拿到贯标证书了，公司是主板上市企业，贯标奖励能拿吗", "is_sme", False),
    ("We are a small manufacturing company certified to the IP management standard last year. Any reward?", "is_sme", True),
    ("工业品牌项目，我们基本情况如下：无锡注册的独立法人制造企业；细分行业龙头。能报吗", "is_industrial_enterprise", True),
    ("Our niche: we lead our niche in valves. We have no unfinished provincial project. Can we apply for the 2022 "
     "high-value patent cultivation new project?", "confirmed:industry_leading", True),
    ("Our niche: we lead our niche in valves. We have no unfinished provincial project. Can we apply for the 2022 "
     "high-value patent cultivation new project?", "unaccepted_enterprise_ip_programme", False),
    ("We keep sound IP rules and have no dishonesty on record. Can we apply for the 2022 high-value patent cultivation "
     "new project?", "serious_dishonesty", False),
    ("We keep sound IP rules and have no dishonesty on record. Can we apply for the 2022 high-value patent cultivation "
     "new project?", "confirmed:ip_rules_sound", True),
    ("We are a national little giant. Our request meets all the priority-examination requirements. Will it be recommended first?",
     "confirmed:priority_exam_request_qualifies", True),
    ("Through the PCT route we now hold three foreign invention patents in Europe. Is there a reward?",
     "pct_foreign_invention_grants", 3),
])
def test_round19_readings(catalog, text, fact, value):
    assert facts(catalog, text).get(fact) == value


def test_a_payment_that_describes_a_company_is_no_question_of_when(search):
    assert search.route("尾款还没拨付完的省战略推进计划项目承担企业，可以申报工业品牌项目吗").kind == "answer"
