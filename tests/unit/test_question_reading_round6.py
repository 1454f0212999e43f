"""Round 6 of the question reader (issue 16): a statement without a subject of its own is the
company's when the message speaks of the company; what a clause opens with or tells of says
whose it is; a year anywhere before the word; a count of people, a none with its kind named
between, 零; a grant not through PCT; a rate asked per one; and in the search, the level of
government asked about, colloquial words for hiring, trust and staff, a count of kinds, a sum
asked in English, a status recognised on other grounds than IP, copying said plainly."""

from __future__ import annotations

from datetime import date

import pytest

from services.questions import ENGINE, SEARCH, decide
from search.query import parse_query

DAY = date(2022, 6, 1)


def facts(catalog, text):
    decision = decide(text, catalog, None, DAY)
    return dict(decision.facts) if decision.kind == ENGINE else {}


# -- whose a statement is ---------------------------------------------------------------------


def test_a_statement_without_subject_is_the_companys_when_the_message_speaks_of_it(catalog):
    got = facts(catalog, "我们是南京的企业，想报工业品牌。有独立知识产权部，制度都健全")
    assert got["has_ip_department"] is True and got["confirmed:ip_rules_sound"] is True


def test_a_message_opening_with_what_the_company_is_speaks_of_it(catalog):
    got = facts(catalog, "高新技术企业，国内官司打赢了，维权援助资助能申请吗")
    assert got == {"is_high_tech_enterprise": True, "won_domestic_ip_dispute": True}


def test_without_a_speaker_a_won_case_asked_about_may_be_anyones(catalog):
    # round 7: "国内的官司打赢了，有没有…" tells, then asks: the asker's (test_question_reading_round7)
    assert facts(catalog, "国内的官司打赢了的企业，有没有维权援助资助") == {}


@pytest.mark.parametrize("text", [
    "工业品牌要求有知识产权部，我们想报",  # a requirement, not what the company has
    "我们想报高价值专利培育，要求有知识产权部",
])
def test_a_requirement_is_not_a_statement(catalog, text):
    assert "has_ip_department" not in facts(catalog, text)


def test_hearsay_and_a_condition_state_nothing(catalog):
    assert "ip_standard_certified" not in facts(catalog, "听说贯标认证了就有奖励，我们是中小企业")


def test_a_clause_opening_with_what_was_achieved_is_the_askers(catalog):
    assert facts(catalog, "通过贯标认证了，贯标奖励能拿吗") == {"ip_standard_certified": True}
    assert decide("通过贯标认证能拿贯标奖励吗", catalog, None, DAY).kind == SEARCH


def test_a_designation_handed_in_and_under_review_is_not_approved(catalog):
    assert facts(catalog, "优势企业报上去了还在评审中，立项奖励能拿吗") == {"ip_project_approved": False}


@pytest.mark.parametrize(("year", "before"), [(2019, True), (2021, False)])
def test_the_year_of_acceptance_may_stand_anywhere_before_the_word(catalog, year, before):
    got = facts(catalog, f"{year}年我们牵头的高价值专利培育项目验收通过了，升级项目能报吗")
    assert got["accepted_high_value_programme_before_2021"] is before


def test_an_award_had_is_stated_with_guo(catalog):
    assert facts(catalog, "我们前年拿过中国专利奖，高价值专利培育能报吗") == {"award_within_3y": True}


def test_a_brand_known_with_its_market_share_is_its_standing(catalog):
    assert facts(catalog, "我们想报工业品牌，品牌有知名度，市场占有率全国前列")["confirmed:brand_standing"] is True


def test_english_dishonesty_record(catalog):
    got = facts(catalog, "We had a serious dishonesty record. Can we apply for high-value patent cultivation?")
    assert got == {"serious_dishonesty": True}


# -- figures ----------------------------------------------------------------------------------


def test_a_count_of_people_about_ip_work_is_the_ip_staff(catalog):
    assert facts(catalog, "我们想报高价值专利培育，有知识产权部，5个人")["ip_staff"] == 5
    assert "ip_staff" not in facts(catalog, "我们员工50个人，想报高价值专利培育，有知识产权部")


@pytest.mark.parametrize("text", [
    "我们一件发明专利都没申请过，首件发明专利补贴能拿吗",  # the kind named between the figure and the verb
    "发明专利零申请，首件补贴能拿吗",
])
def test_none_applied(catalog, text):
    assert facts(catalog, text)["invention_applications_total"] == 0


def test_a_grant_abroad_not_through_pct_is_no_pct_grant(catalog):
    got = facts(catalog, "直接去日本申请的发明专利，没走PCT，已经授权了，PCT奖励有吗")
    assert got == {"pct_foreign_invention_grants": 0}


@pytest.mark.parametrize("text", ["PCT授权一件奖多少", "发明之星，一件发明奖多少"])
def test_a_rate_asked_per_one_is_no_count(catalog, text):
    assert decide(text, catalog, None, DAY).kind == SEARCH


# -- search -----------------------------------------------------------------------------------


def test_the_level_asked_about_prefers_its_own_plan(search):
    hit = search.answer("县里今年知识产权质押融资要做到多少").hits[0]
    assert (hit.doc_id, hit.clause_label) == ("001_bb17abadfc902431", "三（二）")


@pytest.mark.parametrize(("question", "number", "label"), [
    ("省里要聘多少知识产权特派员", "苏知发〔2018〕86号", "二（五）"),  # 聘: the texts' 聘任
    ("公司做知识产权的员工可以评职称吗", "国知发运字〔2022〕38号", "四（十二）"),  # 员工: 人才
    ("高价值专利分哪五类", "", "三（四）"),  # a count of kinds is no topic word
])
def test_colloquial_words_are_read_as_the_texts_words(search, question, number, label):
    routing = search.route(question)
    assert routing.kind == "answer"
    assert (routing.answer.hits[0].number, routing.answer.hits[0].clause_label) == (number, label)


def test_a_count_of_kinds_is_out_of_coverage(search):
    assert "五类" not in parse_query("高价值专利是指哪五类").words


def test_a_sum_asked_in_english_is_forwarded(search):
    assert search.route("How much is the PCT reward?").kind == "forward"


@pytest.mark.parametrize(("question", "kind"), [
    ("小巨人企业怎么认定", "off_topic"),  # recognised on other grounds than IP
    ("高新技术企业认定条件", "forward"),  # its recognition rests on IP
])
def test_how_a_status_is_recognised(search, question, kind):
    assert search.route(question).kind == kind


def test_a_typo_of_patent_filing_is_read(search):
    routing = search.route("专力申请要多久")
    assert routing.kind == "forward" and ("typo", "专力申请", "专利申请") in routing.changes


def test_copying_said_plainly_is_an_ip_question(search):
    assert search.route("展会上有人抄我们的产品").kind == "forward"


def test_full_time_and_part_time_staff_add_up(catalog):
    assert facts(catalog, "我们有独立的知识产权部门，专职2人兼职3人，工业品牌能报吗")["ip_staff"] == 5
    assert facts(catalog, "我们知识产权专兼职人员4人，工业品牌能报吗")["ip_staff"] == 4


def test_english_ip_standard_certification(catalog):
    got = facts(catalog, "Our company passed the IP standard certification last year. Is there an IP standard reward?")
    assert got == {"ip_standard_certified": True}
