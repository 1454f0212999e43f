"""Round 5 of the question reader (issue 16): a clause and its own section are one candidate for
the clear-winner rule, characters glued to a stop word read alone, a permit is no IP licence,
and stated facts read as a person means them (a project's approval, a negation after its word,
a first application, traditional characters, a thing never done, words listed for one figure)."""

from __future__ import annotations

from datetime import date

import pytest

from policy.question_facts import read_question
from policy.question_numbers import clauses
from search.index import CLEAR_MARGIN
from search.query import parse_query
from services.questions import reading

DAY = date(2022, 6, 1)


def read(catalog, text, used=()):
    return dict(read_question(catalog, text, DAY, used).facts)


# -- search ---------------------------------------------------------------------------------


def test_a_clause_and_its_own_section_are_not_rivals(search):
    """"正版正货承诺" is in 86号 二（四） and its clause 二（四）12 alike: one candidate, answered."""
    answer = search.answer("正版正货承诺是啥，企业签了要保证什么？")
    top, second = answer.hits[0], answer.hits[1]
    assert search._related(top, second) and top.score < CLEAR_MARGIN * second.score
    assert answer.confident and top.clause_label == "二（四）12"


def test_clauses_of_other_sections_stay_rivals(search):
    answer = search.answer("高新技术企业认定条件")
    assert not answer.confident and not search._related(answer.hits[0], answer.hits[1])


@pytest.mark.parametrize(("text", "has", "lacks"), [
    ("我们市能不能报示范区", "市", "市能"),
    ("江苏哪两个市是试点城市", "市", "市是"),
])
def test_a_character_glued_to_a_stop_word_is_read_alone(search, text, has, lacks):
    words = parse_query(search.read(text).text, search._bm25.idf.__contains__).words
    assert has in words and lacks not in words


@pytest.mark.parametrize(("text", "kind"), [
    ("员工食堂要办食品经营许可证吗", "off_topic"),
    ("营业执照和卫生许可证怎么办", "off_topic"),
    ("专利许可证怎么备案", "forward"),        # a patent's licence: IP by 专利
])
def test_a_permit_is_no_ip_licence(search, text, kind):
    assert search.route(text).kind == kind


# -- facts ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "value"), [
    ("我们去年报了省高价值专利培育项目，结果没批", False),
    ("今年我们报的省知识产权战略推进计划项目批下来了，奖励能拿吗", True),   # 计划项目 is a noun, no aim
])
def test_a_projects_approval_is_read(catalog, text, value):
    assert read(catalog, text).get("ip_project_approved") is value


def test_a_negation_after_its_word_is_read(catalog):
    facts = read(catalog, "贯标我们还在做，认证没拿到，省级绩效评价也没参加，贯标奖励能申请吗",
                 {"ip_standard_certified", "ip_standard_performance_passed"})
    assert facts["ip_standard_certified"] is False and facts["ip_standard_performance_passed"] is False


def test_a_first_application_is_one_so_far(catalog):
    assert read(catalog, "我们是重点中小企业，第一次申请发明专利，申请费能补吗")["invention_applications_total"] == 1
    assert "invention_applications_total" not in read(catalog, "第一次申请发明专利有补贴吗")  # asked, not stated


def test_a_win_is_read_with_its_place_anywhere_in_the_sentence(catalog):
    """services.questions.reading gives the reader simplified characters ("一審判我們贏了"); 国内 may be
    in another clause of the sentence than 赢了."""
    text = reading(catalog, "高企，在國內起訴人家侵犯我們專利，一審判我們贏了")
    assert read(catalog, text)["won_domestic_ip_dispute"] is True
    assert "won_domestic_ip_dispute" not in read(catalog, "在国内起诉人家侵犯专利。如果赢了能拿援助吗")


def test_a_thing_never_done_is_none(catalog):
    assert read(catalog, "我们没走过PCT，这种能拿PCT途径的奖励吗", {"pct_foreign_invention_grants"}) \
        == {"pct_foreign_invention_grants": 0}
    assert read(catalog, "我们没申请过发明专利")["invention_applications_total"] == 0
    assert read(catalog, "我们走过PCT") == {}               # no negation, no count


def test_words_listed_for_one_figure_are_one_clause(catalog):
    assert clauses("商标注册、使用才4年") == [(0, 10)]
    assert len(clauses("高企、小巨人")) == 2                      # no figure after: a list of what it is
    assert read(catalog, "我们的商标注册、使用才4年，能报工业品牌吗")["trademark_longest_use_years"] == 4


def test_an_unaccepted_project_is_read_across_the_sentence(catalog):
    facts = read(catalog, "高价值专利培育升级项目，我们2020年立项牵头的那个项目到现在还没验收，能报升级吗")
    assert facts["accepted_high_value_programme_before_2021"] is False


# -- search, more -----------------------------------------------------------------------------


def test_the_negative_half_of_an_a_not_a_question_is_no_topic(search):
    words = parse_query(search.read("市里会不会再奖一笔").text, search._bm25.idf.__contains__).words
    assert "不会" not in words
    words = parse_query(search.read("专利代理机构靠不靠谱").text, search._bm25.idf.__contains__).words
    assert "不靠" not in words and "代理" in words


def test_a_clear_winner_at_half_the_question_is_trusted(search):
    """38号 一（一） holds 知识产权局, 专精特新, 专利申请 and 辅导; no other clause comes near."""
    answer = search.answer("知识产权局每年会不会给专精特新企业搞专利申请辅导，一年几次")
    assert answer.confident and answer.hits[0].clause_label == "一（一）"
    assert 0.5 <= answer.hits[0].coverage < 0.55


def test_a_clauses_own_opening_is_no_heading(search):
    """"（4）相关技术领域有效专利数量不少于100件…" (for universities) is the clause's sentence, not a
    heading naming a threshold: the enterprises' 三（一）1（4） answers an enterprise."""
    from search.index import _headings

    clause = search.clause(search.search("高价值专利培育 高校 有效专利数量")[0].doc_id, "附件3 三（一）2（4）")
    assert clause is not None and _headings(clause) == clause.path[:-1]
    answer = search.answer("企业报高价值专利培育，有效专利要多少件才够？")
    assert answer.hits[0].clause_label == "附件3 三（一）1（4）"


def test_a_heading_title_stays_a_heading(search):
    from search.index import _headings

    titled = [c for c in search.clauses if c.path and c.path[-1].startswith("二、申报主体")]
    assert titled and all(_headings(c) == c.path for c in titled)


def test_an_applicant_the_asker_is_not_is_no_other_applicant(search):
    known = search._bm25.idf.__contains__
    denied = parse_query("我们不是高校，是企业，专利转化专项计划能报吗", known)
    assert not denied.others and "高校" not in denied.words
    assert parse_query("高校能报专利转化专项计划吗", known).others


# -- facts, more ------------------------------------------------------------------------------


def test_items_of_a_list_are_stated(catalog):
    facts = read(catalog, "想报高价值专利培育新建项目，情况是：江苏注册的独立法人；有独立的知识产权部")
    assert facts["jiangsu_legal_entity"] is True
    facts = read(catalog, "工业品牌项目我们想报：江苏独立法人工业企业，去年利税3500万元")
    assert facts["jiangsu_legal_entity"] is True and facts["is_industrial_enterprise"] is True
    assert "jiangsu_legal_entity" not in read(catalog, "独立法人能报吗：要什么材料")   # asked, no list item


def test_a_specialists_confirmation_states_it(catalog):
    facts = read(catalog, "特派员确认我们研发在行业领先")
    assert facts["confirmed:industry_leading"] is True


def test_the_qualifier_nearest_the_word_is_the_one_read(catalog):
    """"项目引领那个奖励，…培育，结果没批": 培育 qualifies 没批; the 项目 of the programme's name stays a name."""
    text = "项目引领那个奖励，我们去年报了省高价值专利培育，结果没批"
    read_ = read_question(catalog, text, DAY)
    assert read_.facts["ip_project_approved"] is False
    assert all(read_.text[s:e] != "项目" for s, e in read_.spans)


def test_a_count_up_to_a_time_is_a_total_so_far(catalog):
    facts = read(catalog, "我们是重点中小企业，不过2020年之前已经申请过三件发明了")
    assert facts["invention_applications_total"] == 3
    assert "invention_applications_total" not in read(catalog, "我们2020年申请过三件发明")   # one year's count


def test_an_adverbial_adjective_is_no_topic(search):
    """直接 (jieba's tag "ad") says how, not what: "…我们企业自己能不能直接报" is about who applies."""
    words = parse_query(search.read("地理标志的品牌培育项目，我们企业自己能不能直接报？").text,
                        search._bm25.idf.__contains__).words
    assert "直接" not in words and "地理标志" in words
    answer = search.answer("地理标志的品牌培育项目，我们企业自己能不能直接报？")
    assert answer.confident and answer.hits[0].clause_label == "附件2 二"


@pytest.mark.parametrize(("text", "term"), [
    ("Is ISO 56005 something little-giant companies can pilot?", "iso56005"),
    ("any reward for SMEs that pass the 贯标 audit?", "认证"),
    ("What does the national notice say?", "通知"),
])
def test_english_words_of_the_glossary(search, text, term):
    read_as = search.read(text).text
    assert term in read_as and "something" not in read_as and " say" not in read_as


def test_a_requirement_and_a_duration_reached_are_read_as_the_texts_write_them(search):
    """要求 is what the texts call 条件; "用满几年" asks for a duration the texts write "5年以上" (以上, a
    localiser, is then no topic word: 满 no longer counts as a word no clause holds)."""
    words = parse_query(search.read("工业品牌对商表有啥要求，要用满几年？").text, search._bm25.idf.__contains__).words
    assert "条件" in words and "要求" not in words and "满" not in words
    answer = search.answer("工业品牌对商表有啥要求，要用满几年？")
    assert answer.confident and answer.hits[0].clause_label == "附件2-2 三（三）"
    assert "满足" in parse_query("满足哪些条件才能申报", search._bm25.idf.__contains__).words   # a word of its own
