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
    # not started: not certified, and no evaluation of its implementation passed either
    ("我们没有贯标，能申请工业品牌吗", {"ip_standard_started": False, "ip_standard_certified": False,
                                  "ip_standard_performance_passed": False}),
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


# a range ("三四件") is read at both ends, a verdict given only where they agree: test_question_reading_round8
@pytest.mark.parametrize("text", ["有效发明专利超过50件能评几星级", "有效发明专利大概40件", "高价值专利5件以上",
                                  "有效发明专利35多件"])
def test_inexact_figures_are_not_guessed(cat, text):
    read = read_question(cat, text, AS_OF)
    assert read.facts == {}
    assert [i.reason for i in read.ignored] == ["not_exact"]


# "30多件" is 31 to 39, "十几件" 11 to 19: a range, answered only where both ends agree (services.asking)
@pytest.mark.parametrize("text, low, high", [("有效发明30多件", 31, 39), ("有十几件发明专利", 11, 19),
                                             ("有效发明专利二十多件", 21, 29), ("有效发明专利一百多件", 101, 199),
                                             ("有效发明专利二十几件", 21, 29)])
def test_a_round_number_and_more_is_a_range(cat, text, low, high):
    read = read_question(cat, text, AS_OF)
    assert read.facts == {"valid_invention_patents": low} and read.ranges == {"valid_invention_patents": high}


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
    assert [read.text[s:e] for s, e in read.spans] == ["贯标"]  # one span, however many facts it states


# --------------------------------------------------------------------------- issue 16, items 2-3: read as meant
# Each expectation is worked out from the words and the vocabulary (the facts' names and units,
# policy/vocabulary.yaml), not by running the reader.

KEY_DAY = date(2022, 1, 10)  # the 2022 guides in force: "近三年" is 2019-2021


@pytest.mark.parametrize("text, expected", [
    # English: the noun after the number, a word before it when it is right there
    ("We hold 45 valid invention patents and 6 high-value ones.", {"valid_invention_patents": 45, "high_value_patents": 6}),
    ("Industrial brand: we have 2 part-time IP staff.", {"ip_staff": 2}),
    ("We have seven valid invention patents.", {"valid_invention_patents": 7}),
    ("Our R&D spending last year was 5 million yuan and sales were 100 million yuan.",
     {"rd_expense_last_year": 5_000_000, "sales_revenue_last_year": 100_000_000}),
    ("We've been using our trademark for 4 years.", {"trademark_longest_use_years": 4}),
    ("We have never filed an invention patent.", {"invention_applications_total": 0}),
    ("We are not a high-tech enterprise.", {"is_high_tech_enterprise": False}),
    ("We're an SME and our provincial IP project was approved last month.", {"is_sme": True, "ip_project_approved": True}),
    ("We took enforcement action against infringers in Germany.", {"overseas_enforcement_action": True}),
    # a bare year is a time, never a count
    ("When was the deadline for the 2022 high-value patent cultivation programme?", {}),
    ("Is there any subsidy for our first one?", {}),
    # none: a count stated as zero, a negation a few characters before
    ("我们今年申请了几件，一件都还没授权", {"invention_grants_this_year": 0}),
    ("我们没有PCT，近三年也没获过奖", {"pct_national_phase_apps": 0, "award_within_3y": False}),
    ("公司目前没有专职的知识产权人员", {"ip_staff": 0}),
    ("我们还没有注册商标", {"trademark_longest_use_years": 0}),
    ("我们做汽车零件，有效发明专利3件", {"valid_invention_patents": 3}),  # 零件 is no zero
    # who the company is, said without a verb too, or only in an earlier clause
    ("我们不是重点企业 就普通小厂", {"is_key_sme": False, "is_sme": True}),
    ("我们小企业已经申请过2件发明了", {"is_sme": True, "invention_applications_total": 2}),
    ("我们是大型企业", {"is_sme": False}),
    ("我们不是大企业", {"is_sme": True}),
    ("有效发明专利33件 高价值6件", {"valid_invention_patents": 33, "high_value_patents": 6}),
    ("我司为高新技术企业，本企业系国家级专精特新小巨人", {"is_high_tech_enterprise": True, "is_little_giant": True}),
    ("我们是工业企业，江苏注册的独立法人，有知识产权部",
     {"is_industrial_enterprise": True, "jiangsu_legal_entity": True, "has_ip_department": True}),
    ("贯标认证我们去年就拿到了", {"ip_standard_certified": True}),
    ("我们贯标刚开始做", {"ip_standard_started": True}),
    ("我们是分公司", {"jiangsu_legal_entity": False}),
    ("我们正在申请高新技术企业", {}),  # an aim, not what the company is
    ("我们公司发明专利今年批下来5个", {"invention_grants_this_year": 5}),
    ("去年研发投入2个亿，销售额一个亿", {"rd_expense_last_year": 200_000_000, "sales_revenue_last_year": 100_000_000}),
    ("Last year our IP expenses were 500,000 yuan.", {"ip_expense_last_year": 500_000}),  # a plural
    ("We have 120 valid patents, 55 of them invention patents.", {"valid_patents_total": 120, "valid_invention_patents": 55}),
    # a part of the figure before
    ("我们有效专利120件，其中发明40件", {"valid_patents_total": 120, "valid_invention_patents": 40}),
    ("有效发明专利41件，里面有5件在海外有同族专利", {"valid_invention_patents": 41, "high_value_patents": 5}),
    # lawsuits and investigations, at home or abroad
    ("我们是高企，国内那个官司输了", {"is_high_tech_enterprise": True, "won_domestic_ip_dispute": False}),
    ("我们去年在德国打赢了一场专利官司", {"won_foreign_ip_dispute": True}),
    ("我们是高新企业，海外也没有任何纠纷和调查",
     {"is_high_tech_enterprise": True, "won_foreign_ip_dispute": False, "overseas_enforcement_action": False,
      "foreign_government_ip_investigation": False}),
    ("我们在美国被337调查了", {"foreign_government_ip_investigation": True}),
    # projects: approved, pending; a programme accepted before 2021 (附件3 三(二)1)
    ("我们的省知识产权项目获批了", {"ip_project_approved": True}),
    ("我们的项目还在申报中，立项奖励能拿吗", {"ip_project_approved": False}),
    # told, then asked: the asker's own case (round 7; the blind tuning5 part reads it so)
    ("国内的知识产权官司打赢了，有没有维权方面的资助", {"won_domestic_ip_dispute": True}),
    ("我们牵头的高价值专利培育项目2020年通过验收了",
     {"led_high_value_programme_before": True, "accepted_high_value_programme_before_2021": True}),
    ("我们牵头的高价值专利培育项目2021年通过验收了",
     {"led_high_value_programme_before": True, "accepted_high_value_programme_before_2021": False}),
    ("我们那个高价值专利培育项目到现在还没验收", {"accepted_high_value_programme_before_2021": False}),
    ("我们以前牵头承担过省高价值专利培育项目", {"led_high_value_programme_before": True}),
    # awards within three years: a yes needs its time
    ("我们近三年获得过中国专利奖", {"award_within_3y": True}),
    ("我们2015年获得过中国专利奖", {}),
    ("我们获得过中国专利奖", {}),
    # an owner's confirmation of a condition a person judges (the pack's manual condition)
    ("我们是小巨人，这件专利的优先审查请求材料都符合条件",
     {"is_little_giant": True, "confirmed:priority_exam_request_qualifies": True}),
    ("我们的知识产权管理制度比较健全", {"confirmed:ip_rules_sound": True}),
    # said of anyone, supposed, asked, or a requirement: no fact of the company
    ("高新技术企业打赢了国内专利官司，能申请维权援助吗", {}),
    ("如果我们打赢了海外官司，维权援助能拿吗", {}),
    ("没有发明专利的企业能申请首件补贴吗", {}),
    ("中小企业没申请过发明专利的，首件补贴怎么申请", {}),
    ("优先审查请求符合条件的小巨人企业能优先推荐吗", {}),
    ("优先审查请求材料都符合条件吗", {}),
    ("高价值专利培育的利税要求是近三年每年2000万吗", {}),
    ("Can companies without invention patents get the first invention patent subsidy?", {}),
    ("Do high-tech enterprises that won a patent case in China get enforcement aid?", {}),
])
def test_facts_read_as_meant(cat, text, expected):
    assert facts(cat, text, KEY_DAY) == expected


@pytest.mark.parametrize("text, expected", [
    ("近三年利税分别是1500万、2200万、2600万", [15_000_000, 22_000_000, 26_000_000]),  # oldest year first
    ("近三年利税每年都是2500万", [25_000_000] * 3),
    ("去年利税3000万", [None, None, 30_000_000]),
    ("去年利税1800万，前年2200万，大前年2500万", [25_000_000, 22_000_000, 18_000_000]),
    ("2021年利税2100万，2020年1900万，2019年2300万", [23_000_000, 19_000_000, 21_000_000]),
])
def test_three_yearly_amounts_oldest_first(cat, text, expected):
    assert facts(cat, text, KEY_DAY) == {"profit_tax_by_year": expected}


@pytest.mark.parametrize("text, reason", [
    ("利税2500万", "time_unclear"),  # which year?
    ("近三年利税都超过3000万", "not_exact"),
    ("近三年利税是2000万和2500万", "time_unclear"),  # two figures for three years
])
def test_yearly_amounts_not_placed_are_said_not_guessed(cat, text, reason):
    read = read_question(cat, text, KEY_DAY)
    assert read.facts == {} and reason in [i.reason for i in read.ignored]


def test_a_word_of_two_families_goes_to_the_one_the_named_programme_uses(cat):
    text = "PCT申请交了3件，到现在一件都还没授权"
    assert facts(cat, text, programmes=["pct-grant-reward"])["pct_foreign_invention_grants"] == 0
    assert facts(cat, text, programmes=["invention-star"])["invention_grants_this_year"] == 0
    assert "pct_foreign_invention_grants" not in facts(cat, text, programmes=["invention-star"])
    assert facts(cat, "我们没有PCT", programmes=["pct-grant-reward"]) == {"pct_foreign_invention_grants": 0}
    assert facts(cat, "我们没有PCT", programmes=["high-value-cultivation-2022"]) == {"pct_national_phase_apps": 0}


def test_one_years_applications_are_not_the_total_so_far(cat):
    read = read_question(cat, "我们今年申请了12件发明专利", AS_OF)
    assert read.facts == {}
    assert [(i.reason, i.fact) for i in read.ignored] == [("no_fact_for_time", "invention_applications_total")]
    assert facts(cat, "我们已经申请过12件发明专利") == {"invention_applications_total": 12}


@pytest.mark.parametrize("text, asked, level", [
    ("Which Innovation Star level can we get?", None, True),
    ("Can we get five stars?", 5, False),
    ("Is a 4-star Innovation Star possible for us?", 4, False),
])
def test_the_star_level_asked_in_english(cat, text, asked, level):
    read = read_question(cat, text, AS_OF)
    assert (read.stars_asked, read.asks_level) == (asked, level)


@pytest.mark.parametrize("text, programmes, expected", [
    # a figure of a kind no fact counts is nobody's: utility models, designs
    ("今年外观设计授权了8件，发明授权了2件，发明之星呢", ("invention-star",), {"invention_grants_this_year": 2}),
    ("有效专利90件（发明25件，实用新型65件）", (), {"valid_patents_total": 90, "valid_invention_patents": 25}),
    ("之前只申请过外观设计，发明一件都没有", ("first-invention-subsidy",), {"invention_applications_total": 0}),
    # words side by side after the figure: the last is the head
    ("今年有6件发明下证了，发明之星够吗", ("invention-star",), {"invention_grants_this_year": 6}),
    # a none said by the verb after the figure
    ("发明专利今年一件都还没授权，发明之星没戏吧", ("invention-star",), {"invention_grants_this_year": 0}),
    # a word of two families: the clause's other words say which
    ("我们有3件PCT已经进入了欧洲国家阶段", ("pct-grant-reward",), {"pct_national_phase_apps": 3}),
    # an application said to be granted is a grant; one not granted stays an application
    ("Three of our PCT applications were granted in the US.", ("pct-grant-reward",),
     {"pct_foreign_invention_grants": 3}),
    ("3件PCT申请都还没授权", ("pct-grant-reward",), {"pct_national_phase_apps": 3}),
    # a count word inside a yes/no word, or after another verb's negation, is no count of none
    ("我们没有非正常申请，也没有失信", (), {"abnormal_patent_applications": False, "serious_dishonesty": False}),
    ("We have never led a high-value patent cultivation project.", (),
     {"led_high_value_programme_before": False, "accepted_high_value_programme_before_2021": False}),
    # the flag whose `with` word is nearest; a double negation; the topic of the sentence
    ("高价值专利培育：我们有个省企业知识产权战略推进计划项目还没验收", (),
     {"unaccepted_enterprise_ip_programme": True}),
    ("我们也没有没验收的省企业知识产权战略推进计划项目", (), {"unaccepted_enterprise_ip_programme": False}),
    ("我们报了国家知识产权项目，目前还在评审", (), {"ip_project_approved": False}),
    ("我们还没申报过任何知识产权项目", (), {"ip_project_approved": False}),
    ("我们拿到的是区级的知识产权项目", (), {"ip_project_approved": False}),
    ("我们正在承担省知识产权战略推进计划项目", (), {"ongoing_provincial_ip_programme": True}),
    ("我们目前没在承担省知识产权项目", (), {"ongoing_provincial_ip_programme": False}),
    ("我们承担的国家重点研发计划已经取得成果", (), {"confirmed:leading_rd_project": True}),
    # a certificate is the 贯标 one when the 贯标 reward is asked about, else nothing
    ("贯标奖励：我们在做贯标，证书还没拿到", ("ip-standard-reward",),
     {"ip_standard_started": True, "ip_standard_certified": False}),
    ("我们专兼职3个人", (), {"ip_staff": 3}),
    ("We are a Jiangsu company with 2 IP staff.", (), {"jiangsu_legal_entity": True, "ip_staff": 2}),
    ("Our priority examination request meets all the requirements and we are a little giant.", (),
     {"confirmed:priority_exam_request_qualifies": True, "is_little_giant": True}),
    # a choice asked about the rule states nothing
    ("是通过贯标认证才有奖励，还是绩效评价合格也可以？", ("ip-standard-reward",), {}),
])
def test_round_two_readings(cat, text, programmes, expected):
    assert facts(cat, text, KEY_DAY, programmes) == expected
