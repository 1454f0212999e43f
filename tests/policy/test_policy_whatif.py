"""What-if: changed facts and another as-of date, shown as a difference."""

from __future__ import annotations

from datetime import date

import pytest

from locales.programmes import change_text, render_what_if
from policy import FactError, load_catalog, what_if

AS_OF = date(2023, 6, 30)


def changes(d, cat, lang="zh") -> list[str]:
    """A diff's changes in words, as the renderer gives them."""
    return [change_text(c, p, lang, cat) for c, p in d.change_codes]


def test_plus_two_grants_this_year_makes_invention_star():
    cat = load_catalog()
    diffs = what_if(cat, {"invention_grants_this_year": 3}, {"invention_grants_this_year": "+2"}, AS_OF)
    d = {x.policy: x for x in diffs}["invention-star"]
    assert d.before.status == "not_eligible" and d.after.status == "eligible"
    assert "结论：不符合 → 符合" in changes(d, cat)
    assert any(c.startswith("差距消除") for c in changes(d, cat))
    unchanged = {x.policy: x for x in diffs}["little-giant-priority-exam"]
    assert not unchanged.changed
    text = render_what_if(diffs, cat)
    assert "【“发明之星”奖励】" in text and "小巨人" not in text


def test_tier_change_and_next_tier_in_the_diff():
    cat = load_catalog()
    facts = {"valid_invention_patents": 28, "high_value_patents": 6}
    d = what_if(cat, facts, {"valid_invention_patents": "+5"}, AS_OF, policy_ids=["innovation-star"])[0]
    assert (d.before.tier, d.after.tier) == (2, 3)
    assert "档次：二星级 → 三星级" in changes(d, cat)
    assert "下一档：三星级还差 3 → 四星级还差 8" in changes(d, cat)
    assert d.to_json()["after"]["tier"] == 3


def test_another_as_of_date():
    cat = load_catalog()
    d = what_if(cat, {"invention_grants_this_year": 6}, None, AS_OF, date(2026, 1, 1), ["invention-star"])[0]
    assert d.before.in_force and not d.after.in_force
    assert any("执行期内：是 → 否" in c and "2023-12-31" in c for c in changes(d, cat))
    assert ("in_force_changed", date(2023, 12, 31)) in [(code, p.get("end")) for code, p in d.change_codes]


def test_none_makes_a_fact_unknown_and_absolute_values_replace():
    cat = load_catalog()
    d = what_if(cat, {"invention_grants_this_year": 6}, {"invention_grants_this_year": None}, AS_OF, policy_ids=["invention-star"])[0]
    assert d.after.status == "needs_info"
    assert any(c.startswith("新缺少") for c in changes(d, cat))
    d = what_if(cat, {"invention_grants_this_year": 6}, {"invention_grants_this_year": 1}, AS_OF, policy_ids=["invention-star"])[0]
    assert d.after.status == "not_eligible"


def test_bad_changes_are_fact_errors():
    cat = load_catalog()
    with pytest.raises(FactError) as info:
        what_if(cat, {}, {"invention_grants_this_year": "+2"}, AS_OF)
    assert "invention_grants_this_year" in str(info.value) and "原值未知" in str(info.value)
    with pytest.raises(FactError) as info:
        what_if(cat, {"invention_grants_this_year": 1}, {"invention_grants_this_year": "-3"}, AS_OF)
    assert "不能为负数" in str(info.value)
    with pytest.raises(FactError):
        what_if(cat, {}, {"no_such_fact": 1}, AS_OF)


def test_changes_are_codes_worded_in_either_language():
    cat = load_catalog()
    d = what_if(cat, {"valid_invention_patents": 29, "high_value_patents": 5, "invention_applications_total": 40},
                {"valid_invention_patents": "+2"}, date(2023, 6, 30), policy_ids=["innovation-star"])[0]
    assert [c for c, _ in d.change_codes] == ["tier_changed", "next_tier_changed"]
    assert changes(d, cat) == ["档次：二星级 → 三星级", "下一档：三星级还差 2 → 四星级还差 10"]
    english = changes(d, cat, "en")
    assert english == ["tier: two stars → three stars", "next tier: three stars short by 2 → four stars short by 10"]
    assert d.to_json()["change_codes"][0] == {"code": "tier_changed", "params": {
        "before": 2, "after": 3, "before_label": "二星级", "after_label": "三星级",
        "before_label_en": "two stars", "after_label_en": "three stars"}}
