"""Round 24c: fact questions that went to the search (one case per reading, own wording)."""

from datetime import date

import pytest

from policy import load_catalog
from services.questions import ENGINE, SEARCH, decide


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def _decide(catalog, text, as_of=date(2022, 6, 15)):
    return decide(text, catalog, as_of=as_of)


def test_case_told_nothing_asked(catalog):
    decision = _decide(catalog, "说下项目引领奖励，我司前年有个知识产权项目，级别得问下领导")
    assert decision.kind == ENGINE
    assert decision.programmes == ("project-lead-reward",)


def test_how_asked_with_a_holding_told(catalog):
    decision = _decide(catalog, "PCT那个奖励怎么申请？我们已经有两件国外专利了")
    assert decision.kind == ENGINE
    assert decision.programmes == ("pct-grant-reward",)


def test_how_asked_with_only_a_status_is_searched(catalog):
    assert _decide(catalog, "我们是中小企业，PCT那个奖励怎么申请").kind == SEARCH


def test_application_still_to_come_is_no_approval(catalog):
    decision = _decide(catalog, "我们准备明年申报一个省知识产权项目，到时候项目引领奖励能拿吗")
    assert decision.facts.get("ip_project_approved") is False
