"""The engine: Kleene logic, node types, tiers, in-force, results, ranking, JSON; and the table of its results."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest

from policy import (
    ELIGIBLE,
    NEEDS_INFO,
    NOT_ELIGIBLE,
    Catalog,
    PackError,
    UnknownPolicyError,
    load_catalog,
    rank_missing_facts,
    results_to_json,
)
from policy import schema as S
from policy.catalog import LoadedPack
from policy.facts import CONSISTENCY
from locales.programmes import detail, gap_line, question, render_table, why_not_in_force
from tests.policy.support import INNOVATION_STAR_18_VALID_5_HIGH_VALUE

CITE = {"doc": "d", "clause": "c"}
T, F, U = True, False, None


def tiny_catalog(when: dict, parameters: dict | None = None, **programme) -> Catalog:
    pack = S.Pack.model_validate({
        "pack": "tiny",
        "jurisdiction": "test",
        "name_zh": "测试",
        "name_en": "test",
        "documents": [{"id": "d", "title": "测试文件", "issuer": "测试", "clauses": {"c": "条款"}}],
        "parameters": parameters or {},
        "programmes": [{
            "id": "p",
            "name_zh": "测试项目",
            "name_en": "test programme",
            "documents": ["d"],
            "citation": CITE,
            "period": programme.pop("period", {"from": "2020-01-01", "to": "2020-12-31"}),
            "benefit": {"kind": "unspecified", "text_zh": "一定补贴", "cite": CITE},
            "when": when,
            **programme,
        }],
    })
    return Catalog([LoadedPack(pack, Path("/tmp/tiny.yaml"))])


def flag(fact: str, **kw) -> dict:
    return {"type": "flag", "fact": fact, "cite": CITE, **kw}


def status_of(catalog: Catalog, facts: dict, as_of=date(2020, 6, 1)) -> str:
    return catalog.evaluate(facts, as_of)[0].status


def _facts(a, b):
    out = {}
    if a is not None:
        out["is_sme"] = a
    if b is not None:
        out["is_key_sme"] = b
    return out


STATUS = {T: ELIGIBLE, F: NOT_ELIGIBLE, U: NEEDS_INFO}


@pytest.mark.parametrize("a", [T, F, U])
@pytest.mark.parametrize("b", [T, F, U])
def test_kleene_all_and_any(a, b):
    cat_all = tiny_catalog({"type": "all", "of": [flag("is_sme"), flag("is_key_sme")]})
    cat_any = tiny_catalog({"type": "any", "of": [flag("is_sme"), flag("is_key_sme")]})
    want_all = F if F in (a, b) else U if U in (a, b) else T  # one false settles all; else one unknown
    want_any = T if T in (a, b) else U if U in (a, b) else F  # one true settles any; else one unknown
    assert status_of(cat_all, _facts(a, b)) == STATUS[want_all]
    assert status_of(cat_any, _facts(a, b)) == STATUS[want_any]


def test_all_with_one_false_child_is_false_even_when_others_unknown():
    cat = tiny_catalog({"type": "all", "of": [flag("is_sme"), flag("is_key_sme"), flag("is_little_giant")]})
    res = cat.evaluate({"is_key_sme": False}, date(2020, 6, 1))[0]
    assert res.status == NOT_ELIGIBLE
    assert res.missing == []  # settled: nothing more to ask
    assert [g.fact for g in res.gaps] == ["is_key_sme"]


def test_missing_is_unknown_never_zero():
    cat = load_catalog()
    res = cat.evaluate({}, date(2023, 6, 30), ["invention-star"])[0]
    assert res.status == NEEDS_INFO
    assert res.missing == ["invention_grants_this_year"]
    assert res.gaps == []


def test_expect_false_flag():
    cat = tiny_catalog(flag("serious_dishonesty", expect=False))
    assert status_of(cat, {"serious_dishonesty": False}) == ELIGIBLE
    assert status_of(cat, {"serious_dishonesty": True}) == NOT_ELIGIBLE
    assert status_of(cat, {}) == NEEDS_INFO


@pytest.mark.parametrize("waiver, cond, want", [
    (T, F, T), (T, U, T), (F, F, F), (F, T, T), (U, F, U), (U, T, T), (U, U, U), (F, U, U),
])
def test_waiver(waiver, cond, want):
    cat = tiny_catalog({"type": "waiver", "waived_by": ["is_little_giant"], "cite": CITE, "condition": flag("is_sme")})
    facts = {}
    if waiver is not None:
        facts["is_little_giant"] = waiver
    if cond is not None:
        facts["is_sme"] = cond
    assert status_of(cat, facts) == STATUS[want]


def test_manual_confirm_is_never_true_on_its_own():
    cat = load_catalog()
    on = date(2023, 3, 1)
    r = cat.evaluate({"is_little_giant": True}, on, ["little-giant-priority-exam"])[0]
    assert r.status == NEEDS_INFO and r.missing == ["confirmed:priority_exam_request_qualifies"]
    r = cat.evaluate({"is_little_giant": True, "confirmed:priority_exam_request_qualifies": True}, on,
                     ["little-giant-priority-exam"])[0]
    assert r.status == ELIGIBLE


def test_compare_word_strict_and_inclusive_short_by():
    cat = load_catalog()
    on = date(2023, 6, 30)
    r = cat.evaluate({"valid_invention_patents": 20, "high_value_patents": 5}, on, ["innovation-star"])[0]
    assert r.status == NOT_ELIGIBLE
    assert r.gaps[0].short_by == 1 and r.gaps[0].json_op == ">"  # "exceeding 20": 20 is short by 1
    assert r.next_tier is None  # the gap is the next step, not a "next tier"
    r = cat.evaluate({"valid_invention_patents": 18, "high_value_patents": 5}, on, ["innovation-star"])[0]
    assert r.gaps[0].to_json() == {"fact": "valid_invention_patents", "have": 18, "need": 20, "short_by": 3, "op": ">"}
    r = cat.evaluate({"invention_grants_this_year": 5}, on, ["invention-star"])[0]
    assert r.status == ELIGIBLE  # "达到5件以上" includes 5


def test_tier_is_highest_satisfied_and_benefit_follows_it():
    cat = load_catalog()
    r = cat.evaluate({"valid_invention_patents": 45, "high_value_patents": 7}, date(2023, 6, 30), ["innovation-star"])[0]
    assert (r.status, r.tier, r.tier_label) == (ELIGIBLE, 4, "四星级")
    assert "四星级" in r.benefit
    assert r.next_tier.tier == 5 and r.next_tier.short_by == 6


def test_weighted_count_settles_with_an_unknown_term_when_already_enough():
    cat = tiny_catalog(
        {"type": "weighted", "terms": [{"fact": "valid_invention_patents"}, {"fact": "pct_national_phase_apps", "weight": "w"}],
         "op": ">=", "note": "test", "param": "t", "cite": CITE},
        parameters={"t": {"label_zh": "t", "values": [{"from": "2020-01-01", "value": 50, "cite": CITE}]},
                    "w": {"label_zh": "w", "values": [{"from": "2020-01-01", "value": 2, "cite": CITE}]}},
    )
    assert status_of(cat, {"valid_invention_patents": 50}) == ELIGIBLE
    assert status_of(cat, {"valid_invention_patents": 40}) == NEEDS_INFO
    assert status_of(cat, {"valid_invention_patents": 40, "pct_national_phase_apps": 5}) == ELIGIBLE
    r = cat.evaluate({"valid_invention_patents": 40, "pct_national_phase_apps": 4}, date(2020, 6, 1))[0]
    assert r.status == NOT_ELIGIBLE and r.gaps[0].have == 48 and r.gaps[0].short_by == 2


def test_parameters_are_dated():
    params = {"t": {"label_zh": "t", "values": [
        {"from": "2020-01-01", "value": 5, "cite": CITE},
        {"from": "2020-07-01", "value": 8, "cite": CITE},
    ]}}
    cat = tiny_catalog({"type": "compare", "fact": "invention_grants_this_year", "op": ">=", "note": "n", "param": "t",
                        "cite": CITE}, parameters=params)
    assert status_of(cat, {"invention_grants_this_year": 6}, date(2020, 6, 30)) == ELIGIBLE
    assert status_of(cat, {"invention_grants_this_year": 6}, date(2020, 7, 1)) == NOT_ELIGIBLE


def test_in_force_and_the_message_when_the_period_has_ended():
    cat = load_catalog()
    facts = {"is_sme": True, "is_key_sme": True, "rd_expense_last_year": 10, "invention_applications_total": 0}
    r = cat.evaluate(facts, date(2019, 6, 1), ["first-invention-subsidy"])[0]
    assert r.in_force and r.in_force_code is None and r.status == ELIGIBLE
    r = cat.evaluate(facts, date(2021, 6, 1), ["first-invention-subsidy"])[0]
    assert not r.in_force and r.status == ELIGIBLE  # conditions are still evaluated
    assert (r.in_force_code, r.in_force_params) == ("ended", {"end": date(2020, 12, 31)})
    assert why_not_in_force(r.in_force_code, r.in_force_params, "zh") == "该政策执行期已于 2020-12-31 结束，请以当地现行文件为准"
    r = cat.evaluate({}, date(2022, 2, 1), ["high-value-cultivation-2022"])[0]
    assert not r.in_force and "2022-01-30 截止" in why_not_in_force(r.in_force_code, r.in_force_params, "zh")


def test_lines_have_have_need_and_citation():
    cat = load_catalog()
    r = cat.evaluate({"valid_invention_patents": 18, "high_value_patents": 5}, date(2023, 6, 30), ["innovation-star"])[0]
    lines = r.lines
    stars = next(ln for ln in lines if ln.node_id == "cs-stars")
    assert (stars.value, stars.have, stars.need, stars.op, stars.short_by) == (False, 18, 20, ">", 3)
    assert stars.citation.document == "关于提升知识产权创新支撑力的实施意见（附件8）"
    assert stars.citation.clause == "三(三)"
    assert gap_line(r.gaps[0], "zh", cat).endswith("：现有 18件，需 >20件，还差 3件")  # the need as shown
    assert r.to_dict()["lines"][0]["kind"] == "all"


def test_fast_path_and_explanation_agree_on_random_companies():
    cat = load_catalog()
    rnd = random.Random(7)
    names = [n for n, s in cat.registry.specs.items() if s.type in ("bool", "count", "money")]
    for _ in range(300):
        facts = {}
        for n in names:
            if rnd.random() < 0.7:
                spec = cat.registry.specs[n]
                facts[n] = rnd.random() < 0.5 if spec.type == "bool" else rnd.randint(0, 120 if spec.type == "count" else 10**8)
        if rnd.random() < 0.5:
            facts["profit_tax_by_year"] = [rnd.choice([None, rnd.randint(0, 4 * 10**7)]) for _ in range(3)]
        for conf in cat.registry.confirmations:
            if rnd.random() < 0.5:
                facts[f"confirmed:{conf}"] = rnd.random() < 0.7
        for small, large, *_ in CONSISTENCY * 3:  # consistent companies only (the rest are refused)
            if facts.get(small) is not None and facts.get(large) is not None and facts[small] > facts[large]:
                facts[small], facts[large] = facts[large], facts[small]
        for r in cat.evaluate(facts, date(2022, 1, 10)):
            root = r.lines[0]
            assert STATUS[root.value] == r.status, (r.policy, facts)
            if r.status == ELIGIBLE:
                assert r.gaps == [] and r.missing == []
            if r.status == NOT_ELIGIBLE:
                assert r.gaps and r.missing == []
            if r.status == NEEDS_INFO:
                assert r.missing


def test_unknown_policy_ids_are_named():
    with pytest.raises(UnknownPolicyError) as info:
        load_catalog().evaluate({}, date(2023, 1, 1), ["invention-star", "no-such"])
    assert "no-such" in str(info.value)


def test_rank_missing_facts_settles_most_programmes_first():
    cat = load_catalog()
    results = cat.evaluate({}, date(2023, 6, 30))
    ranked = rank_missing_facts(results)
    assert len(ranked) == len(set(ranked))
    # is_little_giant is asked by the in-force 小巨人 programme and two more; it beats single-use facts
    assert ranked.index("is_little_giant") < ranked.index("pct_foreign_invention_grants")
    only = cat.evaluate({"valid_invention_patents": 25}, date(2023, 6, 30), ["innovation-star", "invention-star"])
    assert rank_missing_facts(only) == ["high_value_patents", "invention_grants_this_year"]
    assert rank_missing_facts(cat.evaluate({"invention_grants_this_year": 6}, date(2023, 6, 30), ["invention-star"])) == []


def test_json_contract_shape():
    cat = load_catalog()
    as_of = date(2023, 6, 30)
    out = results_to_json(cat.evaluate({"valid_invention_patents": 18, "high_value_patents": 5}, as_of,
                                       ["innovation-star"]), as_of)
    assert out == {
        "as_of": "2023-06-30",
        "results": [INNOVATION_STAR_18_VALID_5_HIGH_VALUE],
        "warnings": [],
    }


def test_table_is_readable_chinese():
    cat = load_catalog()
    as_of = date(2026, 3, 1)
    text = render_table(cat.evaluate({"invention_grants_this_year": 3}, as_of, ["invention-star", "innovation-star"]), as_of,
                        cat)
    assert "资格自查结果（评估日期 2026-03-01）" in text
    assert "不符合" in text and "还差 2件" in text
    assert "该政策执行期已于 2023-12-31 结束，请以当地现行文件为准" in text
    assert "有效的发明专利有几件" in text  # the question for the missing fact


def test_patent_list_counts_five_kinds_and_asks_about_pledges():
    cat = load_catalog()
    on = date(2023, 6, 30)
    items = [{"strategic_emerging_industry": True}, {"overseas_family": True}, {"maintained_years": 11},
             {"national_award": True}, {"pledge_amount": 2_000_000, "strategic_emerging_industry": False,
                                        "overseas_family": False, "maintained_years": 2, "national_award": False}]
    r = cat.evaluate({"valid_invention_patents": 25, "invention_patent_list": items}, on, ["innovation-star"])[0]
    assert r.status == NEEDS_INFO and r.missing == ["high_value_patents"]
    line = next(ln for ln in r.lines if ln.node_id == "cs-high-value")
    assert "至少 4 件、至多 5 件" in detail(line, "zh", cat)
    items[4]["high_pledge"] = True
    r = cat.evaluate({"valid_invention_patents": 25, "invention_patent_list": items}, on, ["innovation-star"])[0]
    assert r.status == ELIGIBLE


def test_catalog_is_read_on_each_call_not_cached(tmp_path):
    """No module-level cache: the composition root builds the catalog once and hands it down."""
    first, second = load_catalog(), load_catalog()
    assert first is not second and first.programme_ids == second.programme_ids
    (tmp_path / "broken.yaml").write_text("pack: [unclosed\n", encoding="utf-8")
    with pytest.raises(PackError):  # a pack that appeared since is read, not hidden by an earlier catalog
        load_catalog(tmp_path)


def test_vague_words_are_confirmations_showing_the_figures_never_true_on_their_own():
    cat = load_catalog()
    on = date(2022, 1, 10)
    r = cat.evaluate({"valid_invention_patents": 3}, on, ["industrial-brand-2022"])[0]
    assert "confirmed:invention_patents_sufficient" in r.missing
    line = next(ln for ln in r.lines if ln.node_id == "ib-inventions-enough")
    assert line.value is None and line.figures == [("valid_invention_patents", 3)]
    assert line.note and line.note_id == "ib-inventions-enough" and line.note_en
    asked = "confirmed:invention_patents_sufficient"
    assert question(cat, asked, "zh", {"valid_invention_patents": 3}).startswith("（有效发明专利件数：3 件）")
    assert question(cat, asked, "en", {}).startswith("(valid invention patents: unknown)")
    assert "（" not in cat.question(asked)[:1]
    # 附件3 三(一)1(1) and the chain-leader wording are confirmations too, not yes/no facts
    assert {"confirmed:industry_leading", "confirmed:leading_rd_project"} <= set(
        cat.evaluate({}, on, ["high-value-cultivation-2022"])[0].missing)
    assert "industry_chain_leader" not in cat.registry.specs and "leading_rd_project" not in cat.registry.specs


def test_taper_years_quote_the_sentence_and_send_the_user_to_the_local_document():
    cat = load_catalog()
    for pid in ("invention-star", "innovation-star", "pct-grant-reward", "project-lead-reward", "enforcement-aid"):
        r = cat.evaluate({}, date(2024, 3, 1), [pid])[0]
        assert (r.in_force, r.in_force_code) == (False, "ended_tapering"), pid
        assert r.in_force_params["quote"] == "政府政策性补贴比例逐步降低，到2025年予以取消"
        assert r.in_force_params["citation"].endswith("三(一)")
        assert "请以当地现行文件为准" in why_not_in_force(r.in_force_code, r.in_force_params, "zh")
        assert cat.evaluate({}, date(2023, 12, 31), [pid])[0].in_force
        assert cat.evaluate({}, date(2026, 1, 1), [pid])[0].in_force_code == "ended"


def test_first_invention_subsidy_needs_no_rd_spending():
    cat = load_catalog()
    r = cat.evaluate({"is_sme": True, "is_key_sme": True, "invention_applications_total": 0}, date(2019, 6, 1),
                     ["first-invention-subsidy"])[0]
    assert r.status == ELIGIBLE
    assert "rd_expense_last_year" not in {ln.fact for ln in r.lines}
    assert any("专利清零" in n and "不是补贴条件" in n for n in r.notes)


def test_every_line_detail_is_a_code_worded_in_both_languages():
    from locales import catalog as words

    cat = load_catalog()
    facts = {"valid_invention_patents": 35, "high_value_patents": 5, "rd_expense_3y": 10, "sales_revenue_3y": 1000,
             "profit_tax_by_year": [1, None, 3], "is_little_giant": True, "pct_national_phase_apps": 1,
             "latest_award_date": "2021-05-01", "rd_expense_last_year": 0, "sales_revenue_last_year": 100}
    codes = set()
    for r in cat.evaluate(facts, date(2022, 1, 10)):
        for ln in r.lines:
            if ln.detail_code:
                codes.add(ln.detail_code)
                assert detail(ln, "zh", cat) != detail(ln, "en", cat)
    assert {"tier_reached_next", "waived", "scaled_applied", "manual_pending", "ratio_computed_short"} <= codes
    assert {k for k in words("zh") if k.startswith("prog_")} == {k for k in words("en") if k.startswith("prog_")}


@pytest.mark.parametrize("question, ids", [
    ("我们今年授权了6件发明专利，能评发明之星吗", ["invention-star"]),
    ("高价值专利培育升级项目的申报条件", ["high-value-cultivation-2022-upgrade"]),  # the longer name wins
    ("高价值专利培育项目什么时候截止", ["high-value-cultivation-2022"]),
    ("创新之星和发明之星能同时评吗", ["innovation-star", "invention-star"]),
    ("贯标有奖励吗", ["ip-standard-reward"]),
    ("ＰＣＴ国外授权有奖励吗", ["pct-grant-reward"]),  # full-width letters
    ("今天苏州天气怎么样？", []),
    ("", []),
])
def test_programmes_named_in_a_question(question, ids):
    assert load_catalog().named_in(question) == ids


def test_every_programme_has_an_alias_that_names_only_it():
    cat = load_catalog()
    for pid in cat.programme_ids:
        aliases = [a for lp in cat.packs for p in lp.pack.programmes if p.id == pid for a in p.aliases]
        assert aliases, pid
        assert any(cat.named_in(a) == [pid] for a in aliases), pid
