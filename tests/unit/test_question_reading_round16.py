"""Round 16 of the question reader (issue 16), fact verdicts on tuning12 (family firms in Suzhou, Wuxi,
Nanjing, Subei): spoken regional words ("俺们木有", "有份伐", "阿能报", "高新" for 高新技术企业); a kin's or a
neighbour's firm is not the asker's ("表姐厂里", "朋友公司"), nor "他们" beside "我们"; "国外一件没有" is none;
a turn to another programme ("…算了 问贯标", "那优先审查呢"); a 高价值 project's acceptance said under the
upgrade programme's name; ranges said as "五十出头", "两百三四十件"; never filed ("从来没报过"); a status
lapsed or pending ("摘牌了", "还在走流程"); no business abroad; a brand's standing and a department's
head count."""

from __future__ import annotations

import pytest

from tests.unit.search_cases import decision, facts


@pytest.mark.parametrize("text, fact, value", [
    # spoken regional words
    ("优先审查 俺们是国家级小巨人 阿能推荐", "is_little_giant", True),
    ("维权援助 俺们高新证书前年就到期了", "is_high_tech_enterprise", False),
    ("首件发明补贴 俺们是重点中小企业 发明专利木有申请过", "invention_applications_total", 0),
    # another company's figure or status is not the asker's
    ("我表姐厂里今年发明授权了8件，我们才3件，发明之星有戏吗", "invention_grants_this_year", 3),
    ("朋友公司是小巨人 我们就是普通中小企业 优先审查能推荐吗", "is_little_giant", False),
    ("维权援助 亲戚的厂官司打赢了 他们是高新 我们厂不是高新", "is_high_tech_enterprise", False),
    # none, said after one
    ("PCT奖励 我们今年发明授权4件 全在国内 国外一件没有", "pct_foreign_invention_grants", 0),
    # a pause before an acronym
    ("我们自己的PCT还在国际阶段 PCT授权奖励有吗", "pct_foreign_invention_grants", 0),
    # the upgrade programme's 高价值 project, accepted when
    ("升级项目 2018年验收过了 能报吗", "accepted_high_value_programme_before_2021", True),
    ("升级项目 2021年9月才验收 能报吗", "accepted_high_value_programme_before_2021", False),
    ("升级项目 2019年验收的 前年被通报了非正常申请", "abnormal_patent_applications", True),
    ("升级项目 2018年验收了 公司上了严重失信名单", "serious_dishonesty", True),
    # a status not had, lapsed or pending
    ("优先审查 我们公司是高企 专精特新还没评", "is_little_giant", False),
    ("优先审查 我们国家级小巨人今年复核没通过 被摘牌了", "is_little_giant", False),
    ("维权援助 海外维权在打 高新证书还在走流程", "is_high_tech_enterprise", False),
    ("维权资助 我们高企 国外没业务", "overseas_enforcement_action", False),
    # ranges
    ("创新之星 有效发明五十出头 高价值8件 能拿五星吗", "valid_invention_patents", 51),
    ("创新之星 有效发明两百三四十件 高价值十件 几星", "valid_invention_patents", 230),
    # never filed, approved, confirmed
    ("首件发明补贴 我们重点中小企业 发明从来没报过", "invention_applications_total", 0),
    ("立项奖励 省级知识产权项目 上个月通知下来了 批了", "ip_project_approved", True),
    ("国家级小巨人 这件申请的优先审查代理说条件都符合 能推荐吗", "confirmed:priority_exam_request_qualifies", True),
    ("工业品牌 我们牌子在全国同类市场排前三 名气口碑都不错", "confirmed:brand_standing", True),
    ("工业品牌，独立IP部门4个人，制度健全，没有失信", "has_ip_department", True),
])
def test_round16_readings(catalog, text, fact, value):
    assert facts(catalog, text).get(fact) == value


@pytest.mark.parametrize("text, programme", [
    ("先问一下发明之星…算了 问问贯标奖励 我们小微企业 贯标认证去年就过了", "ip-standard-reward"),
    ("先问问PCT奖励 哦不用了 那优先审查呢 我们是第三批国家级小巨人", "little-giant-priority-exam"),
])
def test_a_turn_to_another_programme(catalog, text, programme):
    d = decision(catalog, text)
    assert d.programmes == (programme,) and d.facts
