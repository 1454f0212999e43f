"""policy.question_facts: facts stated in a question, read as a person means them (issue 16).

Each case is a question and the facts it states, worked out by reading the question and the
vocabulary (policy/vocabulary.yaml), not by running the reader: the first ones are the
defects the outside set found.
"""

from __future__ import annotations

from datetime import date

import pytest

from policy import load_catalog
from policy.question_facts import programme_facts, read_question

AS_OF = date(2026, 12, 3)


@pytest.fixture(scope="module")
def cat():
    return load_catalog()


def facts(cat, text, as_of=AS_OF, programmes=()):
    return read_question(cat, text, as_of, programme_facts(cat, programmes)).facts


@pytest.mark.parametrize("text, expected", [
    # the outside set's defects
    ("我们有效发明专利35件，能拿几星创新之星？", {"valid_invention_patents": 35}),
    ("我们去年授权发明专利3件，今年5件，能申请发明之星吗", {"invention_grants_this_year": 5}),
    ("有效发明刚好50件，高价值专利8件，能拿五星级创新之星吗", {"valid_invention_patents": 50, "high_value_patents": 8}),
    ("是国家专精特新小巨人，能申请高价值专利培育吗", {"is_little_giant": True}),
    # units: 万元, 亿元, 元, 千万, thousands separators
    ("去年研发投入200万，销售收入5000万", {"rd_expense_last_year": 2_000_000, "sales_revenue_last_year": 50_000_000}),
    ("近三年研发投入1.2亿元，销售收入30亿", {"rd_expense_3y": 120_000_000, "sales_revenue_3y": 3_000_000_000}),
    ("上一年度知识产权费用80000元", {"ip_expense_last_year": 80_000}),
    ("去年研发费用1,200万元", {"rd_expense_last_year": 12_000_000}),
    ("去年销售收入3千万", {"sales_revenue_last_year": 30_000_000}),
    # percentages, also in words
    ("去年研发投入占销售收入百分之三", {"rd_sales_ratio_last_year": 0.03}),
    ("近三年研发强度4.5%", {"rd_sales_ratio_3y": 0.045}),
    ("去年知识产权费用占研发投入5%", {"ip_rd_ratio_last_year": 0.05}),
    # Chinese numerals
    ("有效发明三十五件，高价值专利六件", {"valid_invention_patents": 35, "high_value_patents": 6}),
    ("近三年研发投入一千二百万元", {"rd_expense_3y": 12_000_000}),
    ("今年授权了两件发明专利", {"invention_grants_this_year": 2}),
    # several facts, one word for each number, the number before or after its word
    ("申请 15 件，授权 5 件，有效 12 件", {"invention_applications_total": 15, "invention_grants_this_year": 5,
                                    "valid_invention_patents": 12}),
    ("我们有35件有效发明专利", {"valid_invention_patents": 35}),
    ("我们有知识产权部门，3个专职人员", {"has_ip_department": True, "ip_staff": 3}),
    ("商标用了8年", {"trademark_longest_use_years": 8}),
    ("PCT国外授权2件，进入国家阶段的PCT申请4件", {"pct_foreign_invention_grants": 2, "pct_national_phase_apps": 4}),
    # times: 今年 / 2025年 as of the question's date
    ("2026年授权了6件发明专利", {"invention_grants_this_year": 6}),
    ("目前有效发明专利20件", {"valid_invention_patents": 20}),
    # yes and no
    ("我们没有贯标，能申请工业品牌吗", {"ip_standard_started": False, "ip_standard_certified": False}),
    ("我们通过了贯标认证，有奖励吗", {"ip_standard_certified": True}),
    ("我们贯标认证已经通过了", {"ip_standard_certified": True}),
    ("我们不是小巨人", {"is_little_giant": False}),
    ("我们公司是高企，在海外维权过", {"is_high_tech_enterprise": True}),
    ("还没有知识产权部门", {"has_ip_department": False}),
    ("我们还没授权发明专利", {"invention_grants_this_year": 0}),
    ("没申请过发明专利，首件发明专利有补贴吗", {"invention_applications_total": 0}),
    ("一件发明专利都没有", {"valid_invention_patents": 0}),
    # said of anyone, or asked: no fact of the company
    ("通过贯标认证能拿到奖励吗", {}),
    ("小巨人企业能不能优先审查", {}),
    ("我们是不是小巨人", {}),
    ("高新技术企业认定条件", {}),
    ("一企一策是什么", {}),
    ("第一件发明专利申请费能补贴吗", {}),
    ("进入国家阶段的PCT申请怎么抵算发明专利，1:2吗", {}),
])
def test_facts_read(cat, text, expected):
    assert facts(cat, text) == expected


def test_a_figure_goes_only_to_the_fact_its_time_names(cat):
    read = read_question(cat, "我们去年授权发明专利3件，今年5件，能申请发明之星吗", AS_OF)
    assert read.facts == {"invention_grants_this_year": 5}
    [last_year] = read.ignored
    assert (last_year.reason, last_year.time, last_year.fact) == ("no_fact_for_time", "last_year",
                                                                  "invention_grants_this_year")
    assert "3件" in last_year.text
    assert facts(cat, "去年授权发明专利3件") == {}
    assert facts(cat, "前年授权6件") == {}
    assert facts(cat, "2025年授权了4件发明专利", date(2025, 6, 30)) == {"invention_grants_this_year": 4}
    assert facts(cat, "2025年授权了4件发明专利", AS_OF) == {}  # last year's, as of 2026
    # a stock has no time of its own: a time carried from the clause before does not stop it
    assert facts(cat, "去年研发投入200万，有效发明专利20件") == {"rd_expense_last_year": 2_000_000,
                                                        "valid_invention_patents": 20}
    # but its own clause's past time does
    assert facts(cat, "去年有效发明专利20件") == {}


def test_a_figure_without_a_time_goes_to_the_member_the_named_programme_uses(cat):
    text = "研发投入只占销售收入2%，能申请工业品牌吗"
    read = read_question(cat, text, AS_OF)
    assert read.facts == {} and [i.reason for i in read.ignored] == ["time_unclear"]
    assert facts(cat, text, programmes=["industrial-brand-2022"]) == {"rd_sales_ratio_last_year": 0.02}
    assert facts(cat, text, programmes=["high-value-cultivation-2022"]) == {"rd_sales_ratio_3y": 0.02}
    # a single-member family needs no time word: 授权 is this year's grants
    assert facts(cat, "授权5件发明专利") == {"invention_grants_this_year": 5}


@pytest.mark.parametrize("text", ["有效发明专利超过50件能评几星级", "有效发明30多件", "有十几件发明专利",
                                  "有效发明三四件", "有效发明专利大概40件", "高价值专利5件以上"])
def test_inexact_figures_are_not_guessed(cat, text):
    read = read_question(cat, text, AS_OF)
    assert read.facts == {}
    assert [i.reason for i in read.ignored] == ["not_exact"]


def test_money_without_a_unit_is_not_guessed(cat):
    read = read_question(cat, "去年研发投入500", AS_OF)
    assert read.facts == {} and [(i.reason, i.fact) for i in read.ignored] == [("unit_missing", "rd_expense_last_year")]


@pytest.mark.parametrize("text, asked, level", [
    ("我们有效发明专利35件，能拿几星创新之星？", None, True),
    ("有效发明刚好50件，高价值专利8件，能拿五星级创新之星吗", 5, False),
    ("能拿五星吗", 5, False),
    ("创新之星三星级要多少件有效发明专利", 3, False),
    ("有效发明专利超过50件能评几星级", None, True),
    ("能评哪个星级", None, True),
    ("创新之星怎么评", None, False),
])
def test_the_star_level_asked(cat, text, asked, level):
    read = read_question(cat, text, AS_OF)
    assert (read.stars_asked, read.asks_level) == (asked, level)
    assert not any(f.endswith("stars") for f in read.facts)  # a star level is no count


def test_values_the_catalog_refuses_are_problems_never_exceptions(cat):
    read = read_question(cat, "去年研发投入占销售收入150%", AS_OF)
    assert read.facts == {} and [p.field for p in read.problems] == ["rd_sales_ratio_last_year"]
    both = read_question(cat, "有效发明专利35件，申请了10件", AS_OF)
    assert both.facts == {}  # they cannot both be so: neither is used
    assert [p.code for p in both.problems] == ["valid_over_applied"]
    for odd in ("", "   ", "<b>35</b>件", "=SUM(A1)件", "🎉" * 50, "9" * 40 + "件", "一" * 300, "百分之", "1.2.3万"):
        read_question(cat, odd, AS_OF)  # never raises


def test_spans_mark_the_words_that_stated_a_fact(cat):
    read = read_question(cat, "我们没有贯标，能申请工业品牌吗", AS_OF)
    assert [read.text[s:e] for s, e in read.spans] == ["贯标", "贯标"]
