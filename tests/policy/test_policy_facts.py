"""Fact parsing: typed, optional (missing = unknown), and clear errors naming the field."""

from __future__ import annotations

from datetime import date

import pytest

from policy import FACTS, REGISTRY, FactError, Facts, load_catalog, parse_facts
from policy.facts import PatentItem


def _error(data, parser=parse_facts) -> FactError:
    with pytest.raises(FactError) as info:
        parser(data)
    return info.value


def test_missing_and_null_are_unknown_not_zero():
    facts = parse_facts({"invention_grants_this_year": None, "is_sme": True})
    assert "invention_grants_this_year" not in facts
    assert facts.get("invention_grants_this_year") is None
    assert facts.get("valid_invention_patents") is None
    assert facts["is_sme"] is True


def test_negative_count_names_the_field_in_chinese_and_english():
    err = _error({"invention_grants_this_year": -1})
    assert str(err) == "invention_grants_this_year: 不能为负数 / must not be negative"
    assert err.fields == ["invention_grants_this_year"]


@pytest.mark.parametrize(
    "data, field, zh",
    [
        ({"ip_staff": "three"}, "ip_staff", "应为整数，收到文本"),
        ({"ip_staff": 2.5}, "ip_staff", "应为整数"),
        ({"ip_staff": True}, "ip_staff", "应为数字"),
        ({"rd_expense_last_year": "100万"}, "rd_expense_last_year", "应为数字，收到文本"),
        ({"rd_expense_last_year": -5}, "rd_expense_last_year", "不能为负数"),
        ({"rd_expense_last_year": float("nan")}, "rd_expense_last_year", "有限数值"),
        ({"is_sme": "yes"}, "is_sme", "应为 true 或 false"),
        ({"is_sme": 1}, "is_sme", "应为 true 或 false"),
        ({"rd_sales_ratio_3y": 3.5}, "rd_sales_ratio_3y", "比例不能超过100%"),
        ({"rd_sales_ratio_3y": "120%"}, "rd_sales_ratio_3y", "比例不能超过100%"),
        ({"rd_sales_ratio_3y": "high"}, "rd_sales_ratio_3y", "应为比例"),
        ({"profit_tax_by_year": [1, 2]}, "profit_tax_by_year", "应正好有 3 个年度金额"),
        ({"profit_tax_by_year": [1, -2, 3]}, "profit_tax_by_year", "第 2 个金额不能为负数"),
        ({"profit_tax_by_year": 5}, "profit_tax_by_year", "应为三个年度金额组成的列表"),
        ({"latest_award_date": "2021-02-30"}, "latest_award_date", "不是有效日期"),
        ({"latest_award_date": "1970-01-01"}, "latest_award_date", "日期超出范围"),
        ({"latest_award_date": "2999-01-01"}, "latest_award_date", "日期超出范围"),
        ({"latest_award_date": "21/3/2020"}, "latest_award_date", "日期格式应为 YYYY-MM-DD"),
        ({"invention_patent_list": "A,B"}, "invention_patent_list", "应为专利清单"),
        ({"invention_patent_list": [{"maintained_years": -1}]}, "invention_patent_list[0].maintained_years", "不能为负数"),
        ({"invention_patent_list": [{"colour": "red"}]}, "invention_patent_list[0]", "未知的专利属性"),
    ],
)
def test_bad_values_are_rejected_with_the_field_named(data, field, zh):
    err = _error(data)
    assert err.fields == [field]
    assert zh in str(err)
    assert f"{field}: " in str(err) and " / " in str(err)


def test_unknown_names_are_an_error_that_names_them_with_a_hint():
    err = _error({"invention_grants_this_yr": 3, "colour": "red", "is_sme": True})
    text = str(err)
    assert "invention_grants_this_yr" in text and "colour" in text
    assert "invention_grants_this_year" in text  # did you mean
    assert "unknown fact names" in text


def test_all_problems_are_reported_at_once():
    err = _error({"ip_staff": -1, "is_sme": "no", "bogus": 1})
    assert set(err.fields) == {"ip_staff", "is_sme", "bogus"}


def test_not_an_object():
    err = _error([1, 2, 3])
    assert err.fields == ["facts"]


def test_values_are_normalised():
    facts = parse_facts({
        "ip_staff": 3.0,
        "rd_sales_ratio_3y": "3.5%",
        "profit_tax_by_year": [20000000.0, None, 1.5],
        "latest_award_date": "2020-05-01",
        "invention_patent_list": [{"id": 7, "overseas_family": True, "pledge_amount": None}],
    })
    assert facts["ip_staff"] == 3 and isinstance(facts["ip_staff"], int)
    assert facts["rd_sales_ratio_3y"] == pytest.approx(0.035)
    assert facts["profit_tax_by_year"] == (20000000, None, 1.5)
    assert facts["latest_award_date"] == date(2020, 5, 1)
    assert facts["invention_patent_list"] == (PatentItem(id="7", overseas_family=True),)
    assert Facts(facts.values).to_dict()["latest_award_date"] == "2020-05-01"


def test_confirmations_strict_in_a_catalog():
    catalog = load_catalog()
    facts = catalog.parse_facts({"confirmed:ip_rules_sound": True})
    assert facts["confirmed:ip_rules_sound"] is True
    err = _error({"confirmed:nonsense": True}, catalog.parse_facts)
    assert "confirmed:nonsense" in str(err)
    err = _error({"confirmed:ip_rules_sound": "yes"}, catalog.parse_facts)
    assert err.fields == ["confirmed:ip_rules_sound"]


def test_every_fact_has_labels_a_question_and_a_type():
    for name, spec in FACTS.items():
        assert spec.label_zh and spec.label_en, name
        assert spec.question_zh.endswith(("？", "。", "）")), name
        assert spec.question_en, name
        assert REGISTRY.question(name) == spec.question_zh
    assert REGISTRY.question("invention_grants_this_year") == "今年已获授权的发明专利有几件？"


def test_catalog_knows_the_questions_for_confirmations():
    catalog = load_catalog()
    assert "比较健全" in catalog.question("confirmed:ip_rules_sound")
    assert catalog.question("confirmed:ip_rules_sound", "en")


# --------------------------------------------------------------------------- codes, labels, consistency


def test_a_problem_has_a_code_the_fields_and_a_sentence_naming_them_by_label():
    err = _error({"valid_invention_patents": -1})
    assert (err.code, err.fields) == ("negative", ["valid_invention_patents"])
    assert err.message("zh") == "有效发明专利件数不能为负数。"
    assert err.message("en") == "Valid invention patents: must not be negative."
    assert "valid_invention_patents" not in err.message("zh")


@pytest.mark.parametrize(
    "data, code, fields, words",
    [
        ({"high_value_patents": 6, "valid_invention_patents": 5}, "high_value_over_valid",
         ["high_value_patents", "valid_invention_patents"], "高价值专利件数（6）不能多于有效发明专利件数（5）"),
        ({"valid_invention_patents": 5, "invention_applications_total": 0}, "valid_over_applied",
         ["valid_invention_patents", "invention_applications_total"], "有效发明专利件数（5）不能多于发明专利申请累计件数（0）"),
        ({"rd_expense_3y": 100, "rd_expense_last_year": 101}, "year_over_three_years",
         ["rd_expense_last_year", "rd_expense_3y"], "上一年度研发费用（101）不能多于近三年研发费用合计（100）"),
        ({"sales_revenue_3y": 1_000_000, "sales_revenue_last_year": 2_000_000}, "year_over_three_years",
         ["sales_revenue_last_year", "sales_revenue_3y"], "上一年度销售收入（2,000,000）不能多于近三年销售收入合计（1,000,000）"),
        ({"invention_patent_list": [{"id": "ZL1"}, {"id": "ZL2"}, {"id": "ZL1"}]}, "duplicate_patent_id",
         ["invention_patent_list[2].id"], "编号 ZL1 出现了两次（第 1 件和第 3 件）"),
        ({"invention_patent_list": [{"id": "ZL9", "pledge_amount": 0, "high_pledge": True}]},
         "pledge_confirmed_without_pledge", ["invention_patent_list[0].high_pledge"],
         "第 1 件专利（ZL9）的质押融资金额为 0"),
        ({"invention_patent_list": [{}, {}, {}], "valid_invention_patents": 2}, "list_over_valid",
         ["invention_patent_list", "valid_invention_patents"], "列了 3 件，多于有效发明专利件数（2）"),
    ],
)
def test_contradictions_are_refused_naming_both_fields(data, code, fields, words):
    err = _error(data)
    assert err.code == code
    assert err.fields == fields
    assert words in err.message("zh")
    assert err.message("en")


def test_equal_figures_are_consistent():
    facts = parse_facts({"high_value_patents": 5, "valid_invention_patents": 5, "invention_applications_total": 5,
                         "rd_expense_3y": 10, "rd_expense_last_year": 10})
    assert facts["high_value_patents"] == 5 and facts.warnings == ()


def test_more_grants_this_year_than_valid_patents_is_a_warning_not_a_refusal():
    facts = parse_facts({"invention_grants_this_year": 6, "valid_invention_patents": 4})
    assert facts["invention_grants_this_year"] == 6
    (w,) = facts.warnings
    assert w.code == "grants_over_valid" and w.fields == ("invention_grants_this_year", "valid_invention_patents")
    assert "转让" in w.message("zh")


def test_a_json_key_given_twice_is_refused_not_last_wins():
    from policy.facts import loads_facts

    with pytest.raises(FactError) as info:
        loads_facts('{"valid_invention_patents": 3, "valid_invention_patents": 30}')
    assert info.value.code == "duplicate_key" and info.value.fields == ["valid_invention_patents"]
    assert "有效发明专利件数" in info.value.message("zh")
    with pytest.raises(FactError):  # inside a patent too
        loads_facts('{"invention_patent_list": [{"id": "A", "id": "B"}]}')
    assert loads_facts('{"a": 1}') == {"a": 1}


def test_old_fact_names_read_as_the_persons_confirmation():
    cat = load_catalog()
    facts = cat.parse_facts({"industry_chain_leader": True, "leading_rd_project": False})
    assert facts.values == {"confirmed:industry_chain_leader": True, "confirmed:leading_rd_project": False,
                            "confirmed:industry_leading": False}
    assert "industry_chain_leader" in cat.registry  # saved facts of the first version are kept
    # a confirmation given as well wins over the old name
    facts = cat.parse_facts({"industry_chain_leader": True, "confirmed:industry_chain_leader": False})
    assert facts.values == {"confirmed:industry_chain_leader": False}


def test_every_problem_code_is_listed():
    from policy.facts import PROBLEM_CODES

    samples = [{"ip_staff": "x"}, {"ip_staff": -1}, {"ip_staff": 1.5}, {"is_sme": 1}, {"rd_sales_ratio_3y": "abc"},
               {"rd_sales_ratio_3y": 2}, {"profit_tax_by_year": [1]}, {"latest_award_date": "2020-02-30"},
               {"latest_award_date": "1900-01-01"}, {"invention_patent_list": 3}, {"invention_patent_list": [1]},
               {"invention_patent_list": [{"colour": 1}]}, {"no_such_fact": 1}, {"invention_patent_list": [{"id": True}]}]
    for data in samples:
        assert _error(data).code in PROBLEM_CODES, data


def test_saved_facts_with_a_contradiction_are_usable_without_the_fields_involved():
    cat = load_catalog()
    facts, problems = cat.parse_usable_facts({"is_sme": True, "valid_invention_patents": 5,
                                              "invention_applications_total": 0, "ip_staff": -1,
                                              "industry_chain_leader": True})
    assert facts.values == {"is_sme": True, "confirmed:industry_chain_leader": True}
    assert {p.code for p in problems} == {"negative", "valid_over_applied"}
    good, none = cat.parse_usable_facts({"is_sme": True})
    assert (good.values, none) == ({"is_sme": True}, [])
    assert cat.parse_usable_facts([1])[0].values == {}
