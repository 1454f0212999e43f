"""Round 26b: readings tuned on heldout11's fact misses (one case per reading, own wording)."""

from datetime import date

import pytest

from policy import load_catalog
from services.questions import ENGINE, decide

MID_2022 = date(2022, 6, 15)


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def test_county_project_is_no_provincial_approval(catalog):
    # policy.question_local_project: a county or city project approved is no national or provincial one
    d = decide("区里给我们批了一个知识产权项目，项目引领奖励能拿吗", catalog, as_of=MID_2022)
    assert d.kind == ENGINE
    assert d.facts["ip_project_approved"] is False


def test_provincial_project_stays_approved(catalog):
    d = decide("省里批了我们一个知识产权项目，能算项目引领吗", catalog, as_of=MID_2022)
    assert d.facts["ip_project_approved"] is True


def test_grant_certificate_is_a_grant(catalog):
    # policy/question_words.yaml: "N件发明的授权证书" received this year counts this year's invention grants
    d = decide("今年收到了6件发明专利的授权证书，发明之星能报吗", catalog, as_of=MID_2022)
    assert d.facts == {"invention_grants_this_year": 6}


def test_listed_other_kind_belongs_to_the_count_before(catalog):
    # policy.question_kinds_before: "N件实用新型和M件发明": the utility models are the first count's, not the second's
    d = decide("今年授权了4件实用新型和3件发明专利，发明之星能报吗", catalog, as_of=MID_2022)
    assert d.facts == {"invention_grants_this_year": 3}
