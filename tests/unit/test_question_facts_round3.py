"""policy.question_facts, round 3 (issue 16): the kinds of high-value patent added up, a
company's kind said as "X一个", and an owner's words for the brand's standing and for having
enough invention patents.

Each case is worked out from the documents: 001 三（四） names the five kinds of 高价值专利;
140号 附件2（工业品牌） 三（三）–（四) the brand's standing and "一定数量的有效发明专利".
"""

from __future__ import annotations

from datetime import date

import pytest

from policy import load_catalog
from policy.question_facts import programme_facts, read_question

AS_OF = date(2023, 6, 30)


@pytest.fixture(scope="module")
def cat():
    return load_catalog()


def facts(cat, text, programmes=()):
    return read_question(cat, text, AS_OF, programme_facts(cat, programmes)).facts


@pytest.mark.parametrize("text, expected", [
    # kinds of high-value patent said one by one add up; a number inside a kind is no figure
    ("有效发明31件，其中维持超过10年的2件、拿过中国专利奖的1件，别的都不算高价值，创新之星能拿三星吗",
     {"valid_invention_patents": 31, "high_value_patents": 3}),
    ("有效发明专利45件，其中海外有同族专利的3件，战略性新兴产业的4件，创新之星几星",
     {"valid_invention_patents": 45, "high_value_patents": 7}),
    # the whole given: its parts are not added to it
    ("有效发明45件，高价值专利6件，其中海外同族3件，创新之星能拿几星",
     {"valid_invention_patents": 45, "high_value_patents": 6}),
    # one kind only
    ("有效发明专利25件，战略性新兴产业的发明专利5件", {"valid_invention_patents": 25, "high_value_patents": 5}),
])
def test_kinds_of_high_value_patents_add_up(cat, text, expected):
    assert facts(cat, text, ("innovation-star",)) == expected


def test_a_kind_of_company_said_as_one_of_them(cat):
    stated = facts(cat, "高企一个，跟德国那边的商标纠纷我们胜诉了，维权援助资助有吗", ("enforcement-aid",))
    assert stated == {"is_high_tech_enterprise": True, "won_foreign_ip_dispute": True}


@pytest.mark.parametrize("text", [
    "高企一个吗",  # asked
    "高企一个要什么条件",  # not closing its clause
    "不是高企一个都没有",  # negated: no statement of being one
])
def test_one_of_them_is_read_only_as_a_statement(cat, text):
    assert facts(cat, text).get("is_high_tech_enterprise") is not True


def test_the_owners_words_for_the_brand_and_for_enough_patents(cat):
    text = ("我们是江苏注册的工业企业，产品国内市场占有率全国前三，口碑也不错；有效发明专利25件，数量应该够")
    stated = facts(cat, text, ("industrial-brand-2022",))
    assert stated["confirmed:brand_standing"] is True
    assert stated["confirmed:invention_patents_sufficient"] is True
    assert stated["valid_invention_patents"] == 25


def test_a_good_name_without_the_market_share_is_no_brand_standing(cat):
    """三（三） asks for renown and a leading share: reputation alone is not both."""
    stated = facts(cat, "我们是工业企业，口碑也不错", ("industrial-brand-2022",))
    assert "confirmed:brand_standing" not in stated
