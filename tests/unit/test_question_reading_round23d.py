"""Round 23d: readings tuned on the fact misses left in tuning8, 9, 13, 14 and 15 (one case per reading, own wording)."""

from datetime import date

from tests.unit.search_cases import decision


def _facts(catalog, text, as_of=date(2022, 1, 12)):  # noqa: ANN001, ANN202 - in the 2022 guides' period
    return decision(catalog, text, as_of).facts


def test_trade_named_before_leader_in_a_list(catalog):
    facts = _facts(catalog, "工业品牌：江苏独立法人制造企业，纺织机械行业龙头；去年利税3000万，能报吗")
    assert facts["confirmed:industry_chain_leader"] is True


def test_trade_chain_named_before_chain_leader(catalog):
    facts = _facts(catalog, "工业品牌：江苏独立法人制造企业，市重点产业链链主；去年利税3000万，能报吗")
    assert facts["confirmed:industry_chain_leader"] is True


def test_invention_count_no_problem(catalog):
    facts = _facts(catalog, "我们工业品牌想报，有效发明18件，数量上没问题，能报吗")
    assert facts["confirmed:invention_patents_sufficient"] is True


def test_no_provincial_project_in_hand(catalog):
    facts = _facts(catalog, "我们江苏独立法人，手里没有省级知识产权项目，工业品牌能报吗")
    assert facts["ongoing_provincial_ip_programme"] is False


def test_no_business_abroad_of_any_kind(catalog):
    facts = _facts(catalog, "我们是高企，没有任何国外业务，维权援助能申请吗")
    assert facts["overseas_enforcement_action"] is False


def test_nothing_granted_after_a_semicolon(catalog):
    facts = _facts(catalog, "We filed two PCT applications into Europe last year; nothing granted yet. Can we get the PCT reward?")
    assert facts["pct_foreign_invention_grants"] == 0


def test_clean_record_in_a_list_joined_by_semicolons(catalog):
    facts = _facts(catalog, "Upgrade project: our high-value patent project passed acceptance in 2019; clean credit record. Eligible?")
    assert facts["serious_dishonesty"] is False


def test_english_high_value_maintained_over_ten_years(catalog):
    facts = _facts(catalog, "Innovation star: we own 33 valid invention patents; 6 of them have been maintained for more than 10 years. Which level?")
    assert facts["high_value_patents"] == 6


def test_english_high_value_family_patents(catalog):
    facts = _facts(catalog, "Innovation star: we own 33 valid invention patents, 8 of them have family patents in Japan. Which level?")
    assert facts["high_value_patents"] == 8


def test_only_a_design_abroad_is_no_pct_grant(catalog):
    facts = _facts(catalog, "国外的专利我们就一件日本外观设计，PCT奖励能拿吗")
    assert facts["pct_foreign_invention_grants"] == 0


def test_hague_route_is_no_pct_grant(catalog):
    facts = _facts(catalog, "我们在欧洲的专利是通过海牙拿的，PCT奖励能拿吗")
    assert facts["pct_foreign_invention_grants"] == 0


def test_millions_written_short(catalog):
    facts = _facts(catalog, "Industrial brand: our profit and tax last year was 18M. Eligible?")
    assert facts["profit_tax_by_year"] == [None, None, 18000000]


def test_profit_plus_tax_and_staff(catalog):
    facts = _facts(catalog, "High-value patent cultivation: profit+tax 21M, 23M, 27M RMB; IP team of 4 staff. Eligible?")
    assert facts["profit_tax_by_year"] == [21000000, 23000000, 27000000]
    assert facts["ip_staff"] == 4


def test_market_share_leading_nationally(catalog):
    facts = _facts(catalog, "升级项目，我们2018年验收通过了，产品市场占有率国内领先，能报吗")
    assert facts["confirmed:market_share_leading"] is True


def test_brand_known_well_enough(catalog):
    facts = _facts(catalog, "我们工业品牌想报，商标用了10年，知名度还行，市场占有率全国前五，能报吗")
    assert facts["confirmed:brand_standing"] is True


def test_revenue_typo(catalog):
    facts = _facts(catalog, "工业品牌：我们去年销售收人3亿，研发费用900万")
    assert facts["sales_revenue_last_year"] == 300000000


def test_new_high_value_project_named(catalog):
    assert decision(catalog, "高价值那个项目，我们近三年利税2200万、2400万、2600万，想报新建的，能报吗", date(2022, 1, 12)).programmes \
        == ("high-value-cultivation-2022",)
