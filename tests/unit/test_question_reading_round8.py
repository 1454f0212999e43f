"""Round 8 of the question reader (issue 16): a range of figures ("四五件", "30到35件") read at both
ends; a figure of another company or one the asker is unsure of is not stated; circled list marks
are no figures; answers after a colon and a negation closing a list with 都; a project rejected or
without a result; a registration outside Jiangsu or in a Jiangsu city; a high-tech certificate run
out; a PCT application still examined; something still to come; a message that names its topic
and only tells; English programme names that hold a flag word; and in the search, a rate, a time
or a change asked that the quoted clause does not state, and an office's online systems."""

from __future__ import annotations

from datetime import date

import pytest

from policy.question_facts import read_question
from policy.question_numbers import figures
from services.asking import _evaluate
from services.questions import ENGINE, decide

DAY = date(2022, 6, 1)


def facts(catalog, text):
    decision = decide(text, catalog, None, DAY)
    return dict(decision.facts) if decision.kind == ENGINE else {}


# -- figures -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text, low, high", [("大约三四件", 3, 4), ("两三个人", 2, 3), ("30到35件", 30, 35),
                                             ("12-15件", 12, 15)])
def test_a_range_keeps_both_ends(text, low, high):
    (fig,) = figures(text, [])
    assert (fig.value, fig.high, fig.exact) == (low, high, True)


def test_a_span_of_years_is_no_range_of_counts():
    assert all(f.high is None for f in figures("2019-2020年", []))


def test_a_range_stated_is_read_at_its_lower_end_with_the_upper_kept(catalog):
    read = read_question(catalog, "我们今年授权发明专利七八件，发明之星能申请吗", DAY)
    assert read.facts["invention_grants_this_year"] == 7 and read.ranges == {"invention_grants_this_year": 8}


def test_a_range_on_both_sides_of_a_threshold_decides_nothing(catalog):
    read = read_question(catalog, "今年授权的发明专利四五件，发明之星能评上吗", DAY)
    (result,) = _evaluate(catalog, dict(read.facts), DAY, ("invention-star",), read)
    assert result.status == "needs_info"


def test_a_range_above_a_threshold_decides(catalog):
    read = read_question(catalog, "今年授权的发明专利八九件，发明之星能评上吗", DAY)
    (result,) = _evaluate(catalog, dict(read.facts), DAY, ("invention-star",), read)
    assert result.status == "eligible"


def test_another_companys_figure_is_not_the_askers(catalog):
    got = facts(catalog, "高价值专利培育：总公司有效发明专利300件，我们自己有效发明专利12件")
    assert got["valid_invention_patents"] == 12


def test_a_figure_the_asker_is_unsure_of_is_not_stated(catalog):
    got = facts(catalog, "创新之星 有效发明专利55件，高价值专利够不够6件说不准，能评几星")
    assert got.get("valid_invention_patents") == 55 and "high_value_patents" not in got


def test_circled_marks_of_a_list_are_no_figures(catalog):
    got = facts(catalog, "首件发明专利补贴：\n①我们是重点中小企业\n②从来没申请过发明专利")
    assert got.get("invention_applications_total") == 0


def test_a_grant_said_before_the_invention_is_a_grant(catalog):
    got = facts(catalog, "我们有效发明专利40件，今年授权的发明三件，发明之星行吗")
    assert got["invention_grants_this_year"] == 3 and got["valid_invention_patents"] == 40


def test_an_international_application_is_no_grant(catalog):
    got = facts(catalog, "我们递交了6件PCT国际申请，PCT奖励有没有")
    assert "pct_foreign_invention_grants" not in got


# -- yes and no --------------------------------------------------------------------------------


def test_an_item_answered_after_a_colon(catalog):
    got = facts(catalog, "维权援助资助，我们的情况：\n高新技术企业：是\n海外维权：没有")
    assert got["is_high_tech_enterprise"] is True and got["overseas_enforcement_action"] is False


def test_a_negation_with_dou_closes_a_list(catalog):
    got = facts(catalog, "我们小企业，贯标认证和绩效评价都没有，贯标奖励能拿吗")
    assert got["ip_standard_certified"] is False and got["ip_standard_performance_passed"] is False


@pytest.mark.parametrize("text", ["项目引领奖励，我们报省知识产权项目落选了", "我们申报了省里的项目，结果还没出来，立项奖励呢",
                                  "我们的省知识产权战略推进计划项目还在评审，立项奖励能拿吗"])
def test_a_project_rejected_or_pending_is_not_approved(catalog, text):
    assert facts(catalog, text)["ip_project_approved"] is False


@pytest.mark.parametrize("text, registered_in_jiangsu", [
    ("我们是浙江注册的公司，苏州有分厂，高价值专利培育能报吗", False),  # another province
    ("工业品牌：我们是无锡注册的企业，工业企业，贯标通过认证了", True),  # a Jiangsu city
])
def test_where_a_company_is_registered(catalog, text, registered_in_jiangsu):
    assert facts(catalog, text)["jiangsu_legal_entity"] is registered_in_jiangsu


def test_foreign_registered_trademarks_say_nothing_of_the_company(catalog):
    assert "jiangsu_legal_entity" not in facts(catalog, "工业品牌项目我们有境外注册商标，有加分吗")


def test_an_expired_high_tech_certificate(catalog):
    got = facts(catalog, "维权援助资助：我们高企证书前年过期了，今年在国外打赢了官司")
    assert got["is_high_tech_enterprise"] is False


def test_a_pct_application_still_examined_is_no_grant(catalog):
    assert facts(catalog, "我们PCT进了日本国家阶段，现在还在审查，PCT奖励可以吗")["pct_foreign_invention_grants"] == 0


def test_what_is_still_to_come_is_not_done(catalog):
    got = facts(catalog, "我们中小企业，贯标认证明年才来审核，贯标奖励呢")
    assert got.get("ip_standard_certified") is not True


def test_a_topic_then_statements_is_the_askers_case(catalog):
    got = facts(catalog, "贯标奖励 我们小微企业 认证证书去年拿到了")
    assert got["ip_standard_certified"] is True and got["is_sme"] is True


def test_the_standard_by_its_full_name(catalog):
    got = facts(catalog, "工业品牌：企业知识产权管理规范我们还没开始")
    assert got["ip_standard_started"] is False


def test_an_english_name_holding_a_flag_word_states_nothing(catalog):
    got = facts(catalog, "IP management standard reward: we are an SME and have not started the IP management "
                         "standard.")
    assert got["ip_standard_started"] is False


def test_a_batch_of_national_little_giants_is_a_little_giant(catalog):
    got = facts(catalog, "那我们呢？第三批国家级小巨人，代理机构说符合优先审查条件，能推荐吗")
    assert got["is_little_giant"] is True


def test_not_counted_a_key_one(catalog):
    assert facts(catalog, "我们中小企业，不算重点的，首件发明专利补贴呢？从没申请过发明")["is_key_sme"] is False


def test_list_marks_opening_lines_are_no_figures(catalog):
    got = facts(catalog, "创新之星能评几星：\n1. 有效发明专利44件\n2. 其中海外有同族的6件")
    assert got == {"valid_invention_patents": 44, "high_value_patents": 6}


def test_a_count_of_a_thing_no_fact_counts_said_before_it(catalog):
    got = facts(catalog, "我们递交过3件PCT国际申请，还没有进入国家阶段，PCT奖励呢")
    assert got.get("pct_foreign_invention_grants") == 0 and got.get("pct_national_phase_apps") == 0


@pytest.mark.parametrize("text", ["我们今年授权了发明专利6件，发明之星可以吗", "我们今年授权了发明专利，6件，发明之星可以吗"])
def test_a_grant_word_before_the_patents_names_the_years_grants(catalog, text):
    assert facts(catalog, text) == {"invention_grants_this_year": 6}


def test_a_count_alone_in_its_clause_counts_what_the_clause_before_named(catalog):
    got = facts(catalog, "PCT奖励：我们走PCT在日本拿到了发明专利授权，两件")
    assert got == {"pct_foreign_invention_grants": 2}
