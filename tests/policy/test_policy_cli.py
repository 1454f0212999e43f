"""`ipbot eligibility` and `ipbot policy check` entry points."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from bot.cli_eligibility import eligibility_main
from policy.catalog import BUILTIN_PACKS_DIR
from policy.cli import policy_check_main
from tests.policy.support import INNOVATION_STAR_18_VALID_5_HIGH_VALUE, write_policy_dir


def run(main, argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def facts_file(tmp_path):
    def write(obj, name="facts.json"):
        p = tmp_path / name
        p.write_text(obj if isinstance(obj, str) else json.dumps(obj, ensure_ascii=False), encoding="utf-8")
        return str(p)

    return write


@pytest.fixture(autouse=True)
def no_policy_dir(monkeypatch):
    monkeypatch.delenv("IPBOT_POLICY_DIR", raising=False)


# --------------------------------------------------------------------------- eligibility


def test_json_contract_exactly(facts_file, capsys):
    path = facts_file({"valid_invention_patents": 18, "high_value_patents": 5, "invention_grants_this_year": 5})
    code, out, err = run(eligibility_main, ["--facts", path, "--as-of", "2023-06-30", "--policy", "innovation-star",
                                            "--policy", "invention-star", "pct-grant-reward", "--json"], capsys)
    assert code == 0, err
    assert json.loads(out) == {
        "as_of": "2023-06-30",
        "results": [
            INNOVATION_STAR_18_VALID_5_HIGH_VALUE,
            {
                "policy": "invention-star",
                "title": "“发明之星”奖励",
                "status": "eligible",
                "in_force": True,
                "tier": None,
                "missing": [],
                "gaps": [],
                "next_tier": None,
                "citation": {"document": "关于提升知识产权创新支撑力的实施意见（附件8）", "clause": "三(一)"},
            },
            {
                "policy": "pct-grant-reward",
                "title": "PCT 途径国外发明专利授权奖励",
                "status": "needs_info",
                "in_force": True,
                "tier": None,
                "missing": ["pct_foreign_invention_grants"],
                "gaps": [],
                "next_tier": None,
                "citation": {"document": "关于提升知识产权创新支撑力的实施意见（附件8）", "clause": "三(一)"},
            },
        ],
        "warnings": [],
    }


def test_short_by_for_exceeding_twenty(facts_file, capsys):
    path = facts_file({"valid_invention_patents": 20, "high_value_patents": 5})
    code, out, _ = run(eligibility_main, ["--facts", path, "--as-of", "2023-06-30", "--policy", "innovation-star", "--json"], capsys)
    res = json.loads(out)["results"][0]
    assert code == 0
    assert res["gaps"] == [{"fact": "valid_invention_patents", "have": 20, "need": 20, "short_by": 1, "op": ">"}]
    assert res["next_tier"] is None
    path = facts_file({"valid_invention_patents": 35, "high_value_patents": 5})
    _, out, _ = run(eligibility_main, ["--facts", path, "--as-of", "2023-06-30", "--policy", "innovation-star", "--json"], capsys)
    res = json.loads(out)["results"][0]
    assert (res["status"], res["tier"], res["next_tier"]) == ("eligible", 3, {"tier": 4, "short_by": 6})


def test_all_programmes_and_expired_period(facts_file, capsys):
    path = facts_file({"is_sme": True, "is_key_sme": True, "rd_expense_last_year": 1, "invention_applications_total": 1})
    code, out, _ = run(eligibility_main, ["--facts", path, "--as-of", "2024-05-01", "--json"], capsys)
    assert code == 0
    results = {r["policy"]: r for r in json.loads(out)["results"]}
    assert len(results) == 11
    fis = results["first-invention-subsidy"]
    assert fis["status"] == "eligible" and fis["in_force"] is False


def test_facts_from_stdin(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO('{"invention_grants_this_year": 7}'))
    code, out, _ = run(eligibility_main, ["--facts", "-", "--as-of", "2023-01-01", "--policy", "invention-star", "--json"], capsys)
    assert code == 0 and json.loads(out)["results"][0]["status"] == "eligible"


def test_readable_chinese_table(facts_file, capsys):
    path = facts_file({"invention_grants_this_year": 3})
    code, out, _ = run(eligibility_main, ["--facts", path, "--as-of", "2023-06-30", "--policy", "invention-star"], capsys)
    assert code == 0
    assert "资格自查结果（评估日期 2023-06-30）" in out
    assert "“发明之星”奖励" in out and "不符合" in out and "还差 2件" in out
    assert "依据：关于提升知识产权创新支撑力的实施意见（附件8） 三(一)" in out


def test_the_table_in_english(facts_file, capsys):
    path = facts_file({"invention_grants_this_year": 3})
    code, out, _ = run(eligibility_main, ["--facts", path, "--as-of", "2023-06-30", "--policy", "invention-star",
                                          "--lang", "en"], capsys)
    assert code == 0
    assert "Eligibility on 2023-06-30" in out and "[Invention Star award] not eligible" in out
    assert "  Gap: invention patents granted this year ≥ 5: have 3, needs ≥5, 2 short" in out
    assert "  Source: 关于提升知识产权创新支撑力的实施意见（附件8） 三(一)" in out  # a document's title is its name


@pytest.mark.parametrize("content, needle", [
    ('{"invention_grants_this_year": 3,', "不是有效的 JSON"),
    ('[1, 2]', "应为 JSON 对象"),
    ('{"invention_grants_this_year": -2}', "当年发明专利授权件数不能为负数（invention_grants_this_year）"),
    ('{"invention_grants_this_year": "five"}', "当年发明专利授权件数应为整数，收到文本 “five”（invention_grants_this_year）"),
    ('{"rd_sales_ratio_3y": 4}', "近三年研发费用占销售收入比例不能超过100%"),
    ('{"latest_award_date": "2022-02-30"}', "最近一次获上述奖项的日期不是有效日期"),
    ('{"grants": 3, "colour": 1}', "未知的事实名称"),
    ('{"confirmed:whatever": true}', "confirmed:whatever"),
])
def test_bad_input_is_a_clear_error_naming_the_field(facts_file, capsys, content, needle):
    path = facts_file(content)
    code, out, err = run(eligibility_main, ["--facts", path, "--as-of", "2023-06-30"], capsys)
    assert code == 2
    assert out == ""
    assert needle in err
    assert err.startswith("ipbot eligibility: ")


@pytest.mark.parametrize("argv, needle", [
    (["--as-of", "2023-13-01"], "--as-of"),
    (["--as-of", "1900-01-01"], "日期超出范围"),
    (["--policy", "no-such-programme"], "no-such-programme"),
])
def test_bad_options(facts_file, capsys, argv, needle):
    path = facts_file({})
    code, out, err = run(eligibility_main, ["--facts", path, *argv], capsys)
    assert code == 2 and out == "" and needle in err


def test_missing_facts_file_and_missing_option(capsys, tmp_path):
    code, _, err = run(eligibility_main, ["--facts", str(tmp_path / "nope.json")], capsys)
    assert code == 2 and "文件不存在" in err
    code, _, err = run(eligibility_main, [], capsys)
    assert code == 2 and "--facts" in err


# --------------------------------------------------------------------------- packs from IPBOT_POLICY_DIR


NEXT_YEAR_PACK = """
pack: cn-32-county-2026
jurisdiction: cn-32-county
name_zh: 某县级市 2026 年版
name_en: county, 2026 rules
documents:
  - id: county-2026
    title: 某县级市知识产权奖励办法（2026）
    issuer: 某县级市
    issued: 2025-12-01
    text: county-2026.txt
    clauses:
      二: 对当年发明专利授权达到8件以上的发明大户给予奖励
parameters:
  grants:
    label_zh: 发明之星授权件数下限
    values:
      - from: 2026-01-01
        value: 8
        cite: {doc: county-2026, clause: 二, quote: 达到8件以上}
programmes:
  - id: invention-star
    name_zh: “发明之星”奖励（2026 年起）
    name_en: Invention Star (from 2026)
    documents: [county-2026]
    citation: {doc: county-2026, clause: 二}
    period: {from: 2026-01-01, to: 2028-12-31}
    benefit: {kind: unspecified, text_zh: 给予奖励, cite: {doc: county-2026, clause: 二}}
    when:
      type: compare
      id: grants-2026
      fact: invention_grants_this_year
      word: 达到
      param: grants
      cite: {doc: county-2026, clause: 二}
tests:
  - defaults: {as_of: 2026-06-01}
    cases:
      - {name: 7 件, facts: {invention_grants_this_year: 7}, expect: {invention-star: {status: not_eligible}}}
      - {name: 8 件, facts: {invention_grants_this_year: 8}, expect: {invention-star: {status: eligible}}}
      - {name: 9 件, facts: {invention_grants_this_year: 9}, expect: {invention-star: {status: eligible}}}
      - {name: 未知, facts: {}, expect: {invention-star: {status: needs_info}}}
"""


@pytest.fixture
def policy_dir(tmp_path):
    return write_policy_dir(tmp_path, "county-2026", NEXT_YEAR_PACK, "二、对当年发明专利授权达到8件以上的发明大户给予奖励。\n")


def test_new_pack_is_picked_up_from_the_policy_dir(policy_dir, facts_file, capsys, monkeypatch):
    path = facts_file({"invention_grants_this_year": 6})
    monkeypatch.setenv("IPBOT_POLICY_DIR", str(policy_dir))
    code, out, _ = run(eligibility_main, ["--facts", path, "--as-of", "2026-06-01", "--policy", "invention-star", "--json"], capsys)
    res = json.loads(out)["results"][0]
    assert code == 0
    assert (res["status"], res["in_force"], res["gaps"][0]["short_by"]) == ("not_eligible", True, 2)
    assert res["citation"]["document"] == "某县级市知识产权奖励办法（2026）"
    # the old edition still answers for 2023
    code, out, _ = run(eligibility_main, ["--facts", path, "--as-of", "2023-06-01", "--policy", "invention-star", "--json"], capsys)
    assert json.loads(out)["results"][0]["status"] == "eligible"
    # and --policy-dir overrides the environment
    code, out, _ = run(eligibility_main, ["--facts", path, "--as-of", "2026-06-01", "--policy", "invention-star",
                                          "--policy-dir", str(policy_dir.parent / "empty"), "--json"], capsys)
    assert code == 2


def test_policy_check_good_single_file_pack(policy_dir, capsys):
    code, out, err = run(policy_check_main, [str(policy_dir / "county-2026.yaml")], capsys)
    assert code == 0, out + err
    assert "通过（4 个测试用例）" in out


def test_policy_check_dir_from_environment(policy_dir, capsys, monkeypatch):
    monkeypatch.setenv("IPBOT_POLICY_DIR", str(policy_dir))
    code, out, _ = run(policy_check_main, [], capsys)
    assert code == 0 and "county-2026.yaml" in out


def test_policy_check_builtin_pack_directory(capsys, tmp_path):
    dest = tmp_path / "cn-32-county"
    shutil.copytree(BUILTIN_PACKS_DIR / "cn-32-county", dest)
    code, out, _ = run(policy_check_main, [str(dest)], capsys)
    assert code == 0, out


def _broken(policy_dir: Path, old: str, new: str) -> Path:
    p = policy_dir / "county-2026.yaml"
    text = p.read_text(encoding="utf-8")
    assert old in text
    p.write_text(text.replace(old, new, 1), encoding="utf-8")
    return p


def test_policy_check_missing_citation(policy_dir, capsys):
    p = _broken(policy_dir, "      param: grants\n      cite: {doc: county-2026, clause: 二}\n", "      param: grants\n")
    code, out, _ = run(policy_check_main, [str(p)], capsys)
    assert code == 1
    assert "cite" in out and "Field required" in out


def test_policy_check_citation_of_a_clause_that_does_not_exist(policy_dir, capsys):
    p = _broken(policy_dir, "      param: grants\n      cite: {doc: county-2026, clause: 二}",
                "      param: grants\n      cite: {doc: county-2026, clause: 九}")
    code, out, _ = run(policy_check_main, [str(p)], capsys)
    assert code == 1 and "没有条款" in out and "'九'" in out


def test_policy_check_quote_not_in_the_text(policy_dir, capsys):
    p = _broken(policy_dir, "quote: 达到8件以上", "quote: 达到9件以上")
    code, out, _ = run(policy_check_main, [str(p)], capsys)
    assert code == 1 and "引文不在原文中" in out


def test_policy_check_word_not_in_the_cited_text(policy_dir, capsys):
    p = _broken(policy_dir, "word: 达到", "word: 超过")
    code, out, _ = run(policy_check_main, [str(p)], capsys)
    assert code == 1 and "用词“超过”不在所引原文中" in out


def test_policy_check_untested_threshold(policy_dir, capsys):
    p = _broken(policy_dir, "      - {name: 7 件, facts: {invention_grants_this_year: 7}, expect: {invention-star: {status: not_eligible}}}\n", "")
    code, out, _ = run(policy_check_main, [str(p)], capsys)
    assert code == 1
    assert "阈值 8 缺少测试点 / threshold 8 not tested at 7" in out
    assert "not_eligible" in out  # no case expecting not_eligible either


def test_policy_check_failing_case(policy_dir, capsys):
    p = _broken(policy_dir, "{name: 8 件, facts: {invention_grants_this_year: 8}, expect: {invention-star: {status: eligible}}}",
                "{name: 8 件, facts: {invention_grants_this_year: 8}, expect: {invention-star: {status: not_eligible}}}")
    code, out, _ = run(policy_check_main, [str(p)], capsys)
    assert code == 1 and "8 件: invention-star: status 应为 / expected not_eligible, 实际 / got eligible" in out


def test_policy_check_bad_yaml_and_missing_path(policy_dir, capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("pack: [unclosed\n", encoding="utf-8")
    code, out, _ = run(policy_check_main, [str(bad)], capsys)
    assert code == 1 and "YAML" in out
    code, _, err = run(policy_check_main, [str(tmp_path / "nope")], capsys)
    assert code == 2 and "不存在" in err
    code, _, err = run(policy_check_main, [], capsys)
    assert code == 2


def test_broken_pack_in_the_policy_dir_stops_eligibility(policy_dir, facts_file, capsys):
    _broken(policy_dir, "param: grants\n      cite", "param: nonexistent\n      cite")
    code, out, err = run(eligibility_main, ["--facts", facts_file({}), "--policy-dir", str(policy_dir)], capsys)
    assert code == 2 and out == "" and "nonexistent" in err


# --------------------------------------------------------------------------- consistency and notes


@pytest.mark.parametrize("text, words", [
    ('{"valid_invention_patents": 3, "valid_invention_patents": 30}', "出现了两次"),
    ('{"high_value_patents": 6, "valid_invention_patents": 5}', "high_value_patents, valid_invention_patents"),
    ('{"valid_invention_patents": 5, "invention_applications_total": 0}', "发明专利申请累计件数（0）"),
    ('{"invention_patent_list": [{"id": "ZL1"}, {"id": "ZL1"}]}', "编号 ZL1 出现了两次"),
    ('{"rd_expense_3y": 1, "rd_expense_last_year": 2}', "近三年研发费用合计"),
])
def test_inconsistent_facts_exit_2_naming_the_fields(facts_file, capsys, text, words):
    code, out, err = run(eligibility_main, ["--facts", facts_file(text), "--as-of", "2023-06-30"], capsys)
    assert code == 2 and out == ""
    assert words in err


def test_a_warning_is_shown_with_the_answer(facts_file, capsys):
    path = facts_file({"invention_grants_this_year": 6, "valid_invention_patents": 4, "invention_applications_total": 9})
    code, out, _ = run(eligibility_main, ["--facts", path, "--as-of", "2023-06-30", "--policy", "invention-star"], capsys)
    assert code == 0 and "注意：当年发明专利授权件数（6）多于有效发明专利件数（4）" in out
    code, out, _ = run(eligibility_main, ["--facts", path, "--as-of", "2023-06-30", "--policy", "invention-star",
                                          "--json"], capsys)
    assert [w["code"] for w in json.loads(out)["warnings"]] == ["grants_over_valid"]


def test_notes_are_shown_under_their_condition(facts_file, capsys):
    path = facts_file({"valid_invention_patents": 3})
    code, out, _ = run(eligibility_main, ["--facts", path, "--as-of", "2022-01-10", "--policy", "industrial-brand-2022"],
                       capsys)
    assert code == 0
    lines = out.splitlines()
    i = next(i for i, ln in enumerate(lines) if "企业的有效发明专利是否达到“一定数量”" in ln and "条件" not in ln
             and "待补充" not in ln)
    assert "有效发明专利件数 3件" in lines[i]  # the figure the person judges
    assert lines[i + 1].strip() == "注：“一定数量”没有数字，由人判断，不会自动判定为满足。"


def test_no_next_tier_for_a_company_without_a_star(facts_file, capsys):
    path = facts_file({"valid_invention_patents": 21, "high_value_patents": 4, "invention_applications_total": 30})
    code, out, _ = run(eligibility_main, ["--facts", path, "--as-of", "2023-06-30", "--policy", "innovation-star"], capsys)
    assert code == 0
    assert "下一档" not in out and "高价值专利件数 5件以上：现有 4件，需 ≥5件，还差 1件" in out


def test_county_answer_in_2024_quotes_the_taper_sentence(facts_file, capsys):
    path = facts_file({"invention_grants_this_year": 6})
    code, out, _ = run(eligibility_main, ["--facts", path, "--as-of", "2024-06-30", "--policy", "invention-star"], capsys)
    assert code == 0
    assert "“政府政策性补贴比例逐步降低，到2025年予以取消”" in out and "请以当地现行文件为准" in out
    assert "三(一)" in out
    code, out, _ = run(eligibility_main, ["--facts", path, "--as-of", "2026-01-02", "--policy", "invention-star"], capsys)
    warning = next(ln for ln in out.splitlines() if ln.startswith("  ！"))
    assert warning == "  ！该政策执行期已于 2023-12-31 结束，请以当地现行文件为准"  # after 2025 only "ended"


# --------------------------------------------------------------------------- figures against their quotes


def _county_copy(tmp_path, old: str, new: str):
    """A copy of the built-in county pack with ``old``, which stands once in its pack.yaml, made ``new``."""
    dst = tmp_path / "cn-32-county"
    shutil.copytree(BUILTIN_PACKS_DIR / "cn-32-county", dst)
    yaml_path = dst / "pack.yaml"
    text = yaml_path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    yaml_path.write_text(text.replace(old, new), encoding="utf-8")
    return dst


def test_policy_check_catches_a_value_that_disagrees_with_its_quote_even_with_tests_changed(tmp_path, capsys):
    old = "        value: 5\n        cite: {doc: county-ip-support-2021, clause: 三(一), quote: 对当年发明专利授权达到5件以上的发明大户给予奖励}"
    pack = _county_copy(tmp_path, old, old.replace("value: 5", "value: 6"))
    # the pack's own tests moved along with the value, so they pass
    tests = pack / "tests" / "invention-star.yaml"
    tests.write_text("""
defaults: {as_of: 2023-06-30}
cases:
  - {name: "5", facts: {invention_grants_this_year: 5}, expect: {invention-star: {status: not_eligible, gaps: [{fact: invention_grants_this_year, short_by: 1}]}}}
  - {name: "6", facts: {invention_grants_this_year: 6}, expect: {invention-star: {status: eligible}}}
  - {name: "7", facts: {invention_grants_this_year: 7}, expect: {invention-star: {status: eligible}}}
  - {name: unknown, expect: {invention-star: {status: needs_info}}}
""", encoding="utf-8")
    code, out, _ = run(policy_check_main, [str(pack)], capsys)
    assert code == 1
    problems = [ln for ln in out.splitlines() if ln.startswith("  - ")]
    assert len(problems) == 1, out  # the tests pass; only the figure check fails
    assert "parameters.invention_star_min_grants" in problems[0]
    assert "对当年发明专利授权达到5件以上的发明大户给予奖励" in problems[0] and "数值 6" in problems[0]


@pytest.mark.parametrize("old, new, words", [
    ("        value: 30\n", "        value: 35\n", "innovation_star_3"),  # a tier out of the quote's order
    ("        value: 10\n        cite: {doc: county-ip-support-2021, clause: 三(四)",
     "        value: 12\n        cite: {doc: county-ip-support-2021, clause: 三(四)", "high_value_min_maintained_years"),
])
def test_policy_check_names_each_parameter_whose_figure_moved(tmp_path, capsys, old, new, words):
    pack = _county_copy(tmp_path, old, new)
    code, out, _ = run(policy_check_main, [str(pack)], capsys)
    assert code == 1
    assert any(words in ln and "不符" in ln for ln in out.splitlines()), out


def test_a_value_whose_quote_has_no_figure_needs_a_note(tmp_path, capsys):
    note = "        note: 原文没有数量词；按最字面理解获得 1 件即可。文件也未限定统计年度（与“发明之星”的“当年”不同），以当地实施细则为准。\n"
    pack = _county_copy(tmp_path, note, "")
    code, out, _ = run(policy_check_main, [str(pack)], capsys)
    assert code == 1 and "parameters.pct_min_foreign_grants" in out and "没有数字" in out


@pytest.mark.parametrize("quote, figures", [
    ("对当年发明专利授权达到5件以上的发明大户给予奖励", [(5, "件")]),
    ("近三年研发费用投入占销售收入的比例达 3.5%以上", [(3, "年"), (0.035, "%")]),
    ("近三年利税总额均不低于 2000 万元", [(3, "年"), (20_000_000, "元")]),
    ("进入国家阶段的PCT专利申请可按1:2抵算有效发明专利数", [(2, "ratio")]),
    ("专利数量要求可减半", [(0.5, "倍")]),
    ("上一年度利税总额均不低于2000万元", [(20_000_000, "元")]),  # 上一年度 is not a figure
    ("拥有一定数量的有效发明专利", []),
])
def test_figures_read_from_quotes(quote, figures):
    from policy.check import quote_figures

    assert quote_figures(quote) == [(float(n), u) for n, u in figures]


def test_a_yes_no_gap_has_op_equals(facts_file, capsys):
    path = facts_file({"ip_project_approved": False})
    code, out, _ = run(eligibility_main, ["--facts", path, "--as-of", "2022-06-30", "--policy", "project-lead-reward",
                                          "--json"], capsys)
    assert code == 0
    assert json.loads(out)["results"][0]["gaps"] == [{"fact": "ip_project_approved", "have": False, "need": True,
                                                      "short_by": None, "op": "=="}]
