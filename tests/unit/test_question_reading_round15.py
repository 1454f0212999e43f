"""Round 15 of the question reader (issue 16), fact verdicts on tuning11 (office staff: forwarded boss
messages, numbered lists, form pastes, formal letters): a form's lines and a list of told lines are the
company's ("申报单位：江苏注册的独立法人制造企业"); items answered together ("严重失信、非正常申请：无"); a
flag corrected ("获批了，哦抱歉，还没批"); another company told of first ("同园区A公司…"); an English
sentence naming things in Chinese ("We are a 高新技术企业 and won…"); "已获批立项" without 了; capital
numerals ("授权壹件", "证书伍份"); "十来件"; "为零"; amounts listed with slashes; the time of the next
thing named ("no PCT … and no awards in the last three years"); a grant abroad whose route is not said
is no PCT grant (001 三（一）)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.unit.search_cases import DAY, decision, facts


@pytest.mark.parametrize("text, fact, value", [
    # approval is a verb of its own, with or without 了
    ("我们的省级知识产权项目已经获批立项，立项奖励可以申请吗", "ip_project_approved", True),
    # English puts words between the project and its approval
    ("Our provincial project under the enterprise IP strategy plan was approved last month. Can we claim the "
     "项目引领 reward?", "ip_project_approved", True),
    # a grant through PCT told as done, the first reading of the word setting nothing
    ("今年走PCT进欧洲的那件发明拿到授权了，PCT奖励能申请吗", "pct_foreign_invention_grants", 1),
    # capital numerals and certificates counted in 份
    ("今年拿到发明授权证书陆份，发明之星能评吗", "invention_grants_this_year", 6),
    ("还没进入任何国家阶段，刚交了PCT国际申请，PCT奖励能报吗", "pct_foreign_invention_grants", 0),
    ("一般中小企业，首件发明专利补贴能申请吗", "is_key_sme", False),
    ("高企，国内外的官司都没打过，维权援助资助能申请吗", "won_domestic_ip_dispute", False),
    ("我们是高新技木企业，在美国起诉过侵权，维权援助资助能报吗", "is_high_tech_enterprise", True),
    # an English sentence naming things in Chinese is read as English
    ("We are a 高新技术企业 and won a patent lawsuit in Japan last year. Can we get the 维权援助资助?",
     "is_high_tech_enterprise", True),
    ("Our high-value patent cultivation project passed acceptance in 2018, and our market share is No.1 in "
     "China. Can we apply for the upgrade project?", "confirmed:market_share_leading", True),
    # a subject glossed in brackets; an evaluation never applied for is not passed
    ("我司（中小企业）贯标认证未通过，绩效评价亦未申请，贯标奖励能报吗", "is_sme", True),
    ("我司（中小企业）贯标认证未通过，绩效评价亦未申请，贯标奖励能报吗", "ip_standard_performance_passed", False),
])
def test_round15_readings(catalog, text, fact, value):
    assert facts(catalog, text).get(fact) == value


FORM = ("申报项目：工业品牌\n申报单位：江苏注册的独立法人制造企业\n行业地位：细分行业龙头\n严重失信、非正常申请：无\n"
        "承担中的省项目：无\n请问是否符合？")


@pytest.mark.parametrize("fact, value", [
    ("jiangsu_legal_entity", True),  # the label's 申报 is no aim
    ("serious_dishonesty", False),  # items answered together after the last one
    ("ongoing_provincial_ip_programme", False),  # "承担中的…：无"
])
def test_a_form_pasted_is_the_company(catalog, fact, value):
    assert facts(catalog, FORM).get(fact) == value


LINES = ("1. 江苏独立法人，细分领域龙头\n2. 2021年获中国专利优秀奖\n3. 有知识产权科，制度健全\n"
         "4. 无未验收省项目\n请问高价值专利培育新建项目符合吗？")


@pytest.mark.parametrize("fact, value", [
    ("award_within_3y", True),  # "获" an award, in a list of lines that tell
    ("has_ip_department", True),  # 知识产权科
    ("unaccepted_enterprise_ip_programme", False),  # "无未验收": none unaccepted
])
def test_numbered_lines_that_tell_are_the_company(catalog, fact, value):
    assert facts(catalog, LINES).get(fact) == value


@pytest.mark.parametrize("text, fact, value", [
    ("项目获批了，不好意思说错了，还在评审，没批下来，立项奖励能报吗", "ip_project_approved", False),
    ("我们是高企，国内的专利官司我们赢了，更正一下，是对方胜诉，维权援助资助能申请吗", "won_domestic_ip_dispute", False),
    ("同园区B公司的省项目立项了，我们的没立项，立项奖励我们能拿吗", "ip_project_approved", False),
    ("合作高校牵头的高价值专利培育项目去年验收了，我们只是参与，没有牵头，升级项目能报吗",
     "led_high_value_programme_before", False),
])
def test_corrected_or_said_of_another(catalog, text, fact, value):
    assert facts(catalog, text).get(fact) == value


@pytest.mark.parametrize("text, fact, value", [
    ("重点中小企业，首件发明补贴，我们的发明申请数为零", "invention_applications_total", 0),
    ("高价值专利培育能报吗，近三年利税3100万/3300万/3500万", "profit_tax_by_year", [31000000, 33000000, 35000000]),
    ("有效发明四十多件，高价值专利十来件，创新之星几星", "high_value_patents", 10),
    ("We hold 45 valid invention patents, 7 of them have granted overseas family members. Which star level of "
     "创新之星 can we get?", "high_value_patents", 7),
    # the time words of a clause go to the thing named before them, not to one named earlier
    ("Our company holds 60 valid invention patents, with no PCT national-phase applications and no awards in the "
     "last three years. Does it meet the 高价值专利培育 new project?", "pct_national_phase_apps", 0),
    ("Our company holds 60 valid invention patents, with no PCT national-phase applications and no awards in the "
     "last three years. Does it meet the 高价值专利培育 new project?", "award_within_3y", False),
    ("高价值专利培育：有效发明60件。其他条件：江苏独立法人、行业龙头、在承担省攻关项目有成果。够吗",
     "confirmed:industry_leading", True),
    ("工业品牌：主商标用了10年，国内市场占有率同行前三，有效发明数量充足，目前未承担省知识产权项目，能报吗",
     "ongoing_provincial_ip_programme", False),
])
def test_figures_and_lists_read(catalog, text, fact, value):
    assert facts(catalog, text, date(2022, 6, 1)).get(fact) == value


def test_told_after_but_is_the_company(catalog):
    text = "升级项目：2019年验收的，但是去年被国家知识产权局通报过非正常专利申请，还能报吗"
    assert facts(catalog, text).get("abnormal_patent_applications") is True


def test_a_figure_implied_programme_is_read_for_it(catalog):
    """No programme named, but the one implied reads the figure as its own (PCT before a grant)."""
    d = decision(catalog, "我司经PCT途径取得美国发明专利授权壹件，是否属于奖励范围？", DAY)
    assert d.programmes == ("pct-grant-reward",)


def test_a_grant_abroad_is_a_pct_grant_only_when_the_route_is_said(catalog):
    unsaid = decision(catalog, "拿到两件日本发明专利授权了，PCT奖励能拿吗")  # PCT only as the reward's name
    said = decision(catalog, "通过PCT进了日本国家阶段，拿到两件发明授权，PCT奖励能拿吗")
    assert unsaid.programmes == ("pct-grant-reward",) and "pct_foreign_invention_grants" not in unsaid.facts
    assert said.facts.get("pct_foreign_invention_grants") == 2


def test_never_filed_an_invention_said_with_bao(catalog):
    text = "省重点中小企业，首件发明补贴：我们以前只报过实用新型，没报过发明"
    assert facts(catalog, text).get("invention_applications_total") == 0


def test_a_kind_of_company_told_by_what_it_did_is_no_statement(catalog):
    """"已经…做过…项目的企业，还能报吗" asks about such companies: the texts answer it."""
    d = decision(catalog, "已经牵头承担过省高价值专利培育项目的企业，还能报今年的新建项目吗？")
    assert "led_high_value_programme_before" not in d.facts
