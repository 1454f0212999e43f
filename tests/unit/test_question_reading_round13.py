"""Round 13 of the question reader (issue 16), fact verdicts on tuning6–9: applications told of a past
year ("18年已经申请了3件") are filed before, and the one asked about now is another; "现在重新申请一件"
is a new application, not a correction; "去年刚被评为重点中小企业"; an English sentence with a Chinese
gloss ("a key SME (重点中小企业) … never filed"); "还没有一件授权的" is none; a 高价值 project accepted
"in 2019" (English puts the year after, and "2019." is a year, not a count); "验手" for 验收; a
message that tells and then asks "…可以吧"; a share "not among the national leaders"."""

from __future__ import annotations

from datetime import date

import pytest

from services.questions import ENGINE, decide

DAY = date(2020, 6, 1)


def facts(catalog, text, day=DAY):
    d = decide(text, catalog, None, day)
    return dict(d.facts) if d.kind == ENGINE else {}


@pytest.mark.parametrize("text, least", [
    ("我们是重点中小企业，17年已经申请了2件发明专利，首件发明专利补贴还能拿吗", 3),
    ("重点中小企业，去年申请过一件发明专利，后来撤回了，现在再申请，首件补贴能拿吗", 2),
    ("我們是重點中小企業，2018年已經申請過一件發明專利了，首件發明專利補貼還有嗎", 2),
])
def test_applications_of_a_past_year_were_filed_before(catalog, text, least):
    assert facts(catalog, text).get("invention_applications_total", 0) >= least


@pytest.mark.parametrize("text", [
    "我们是重点中小企业，明年打算申请1件发明专利，首件补贴能拿吗",  # a plan, nothing filed before
    "我们是重点中小企业，今年申请了1件发明专利，首件补贴能拿吗",  # this year's: the first one itself
])
def test_an_application_not_of_the_past_says_nothing_of_before(catalog, text):
    assert facts(catalog, text).get("invention_applications_total", 0) <= 1


def test_a_new_application_now_is_no_correction_of_one_before(catalog):
    text = "重点中小企业 前年申请过一件发明被驳回了 现在重新申请一件 首件补贴还能拿吗"
    assert facts(catalog, text).get("invention_applications_total") == 2


@pytest.mark.parametrize("text, fact, value", [
    ("老板让我问 去年刚被评为重点中小企业 之前一件发明都没申过 首件发明专利补贴能申请吧", "is_key_sme", True),
    ("We are a key SME (重点中小企业) and have never filed an invention patent. Any subsidy for our first one?",
     "invention_applications_total", 0),
    ("我们提交了2件PCT国际申请 还没有一件授权的 PCT奖励能拿吗", "pct_foreign_invention_grants", 0),
    ("Our provincial high-value patent cultivation project passed acceptance in 2018. Can we apply for the upgrade project?",
     "accepted_high_value_programme_before_2021", True),
    ("2018年高价值项目验手了，升级项目可以吧", "accepted_high_value_programme_before_2021", True),
    ("现在承担省重大攻关项目有成果，升级项目可以吧", "confirmed:leading_rd_project", True),
    ("Upgrade project: our domestic market share is not among the national leaders. Can we apply?",
     "confirmed:market_share_leading", False),
])
def test_round13_readings(catalog, text, fact, value):
    assert facts(catalog, text, date(2022, 6, 1)).get(fact) == value


def test_a_year_closing_an_english_sentence_is_no_count(catalog):
    text = "Our high-value patent project passed acceptance in 2019. Eligible for the upgrade project?"
    assert "high_value_patents" not in facts(catalog, text, date(2022, 6, 1))


@pytest.mark.parametrize("text, fact, value", [
    # a chat's short units: "w" is 万, "个点" is a percentage point
    ("工业品牌能报吗 去年利税1500w", "profit_tax_by_year", [None, None, 15000000]),
    ("高价值专利培育能报吗 去年知识产权费用占研发6个点", "ip_rd_ratio_last_year", 0.06),
    # amounts side by side with a space between are the three years
    ("高价值专利培育能报吗 近三年利税分别600w 700w 800w", "profit_tax_by_year", [6000000, 7000000, 8000000]),
    # a space after an amount is a pause: the people counted are the next clause's
    ("高价值专利培育能报吗 近三年利税分别600w 700w 800w 制度健全有独立知产部5个人", "ip_staff", 5),
    # "IP部门": an IP sentence, though no space follows the letters
    ("工业品牌能报吗？我们去年IP费用占研发7%，IP部门独立，4个人", "ip_staff", 4),
])
def test_chat_units_and_pauses(catalog, text, fact, value):
    assert facts(catalog, text, date(2022, 6, 1)).get(fact) == value


def test_input_method_typos_of_fact_words(catalog):
    """"胜述" for 胜诉 (a lawsuit won), "利水" for 利税, "验手" for 验收 (question_words.yaml: misspelled)."""
    assert facts(catalog, "我们高企，国内商标官司胜述了，维权援助资助能申请吗").get("won_domestic_ip_dispute") is True
    assert facts(catalog, "工业品牌能报吗，我们去年利水2600万", date(2022, 6, 1)).get("profit_tax_by_year") == \
        [None, None, 26000000]


def test_a_past_count_matters_when_the_first_one_is_asked_about(catalog):
    text = "我们是重点中小企业，去年申请过一件发明被驳回了，现在再申请还能算首件吗"
    assert facts(catalog, text).get("invention_applications_total") == 2
