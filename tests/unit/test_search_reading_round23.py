"""Round 23 of the question reading (issue 16, tuned on heldout8 after its one measurement): what an
answer must really answer, and words the texts write otherwise.

* forwarded: an office's procedure asked ("流程是怎样的": HOW_TO), advice on a fitting figure
  ("多少合适": NOT_IN_TEXTS), the conditions of an office's own procedure asked with no kind of
  company named (OFFICE_RULES);
* answered: how a project's funds are paid (a clause that says 拨付 answers it; only when they
  arrive is forwarded), a kind of city as 30号 writes it (县级市: 县级城市), a company's IP officer as
  one of its 知识产权人才 (专员), English for defending a right abroad and a mutual-aid fund.

Each case names the clause that answers it (checked against the text) or why the texts do not.
"""

from __future__ import annotations

import pytest

from search import ANSWER, FORWARD
from tests.unit.search_cases import GUO_2017_30, GUO_2022_38, SU_2021_140, routed_top



_top = routed_top


@pytest.mark.parametrize(("question", "why"), [
    # HOW_TO: the texts name the well-known mark only as a merit; how it is recognised is the office's
    ("请问一下驰名商标要怎么认定，流程大概是什么", "procedure"),
    # NOT_IN_TEXTS: 86号 二（二）4 says idle patents are licensed "低价", never what price is fitting
    ("高校闲置专利低价许可给中小企业，价格多少比较合适", "advice"),
    # OFFICE_RULES: 38号 一（一） supports 小巨人's "符合条件的" requests; the conditions are the office's
    ("专利优先审查的请求需要具备什么要求", "office rules"),
])
def test_what_the_texts_do_not_give_is_forwarded(index, question, why):
    assert index.route(question).kind == FORWARD, why


@pytest.mark.parametrize(("question", "number", "label"), [
    # 工业品牌 五（三） "立项后拨付一定启动资金…根据评估情况拨付剩余资金": the way funds are paid
    ("工业品牌项目立项以后，资金如何拨付？", SU_2021_140, "附件2-2 五（三）"),
    # 30号 一（一） "申报对象为副省级城市、地级城市（州、盟）、县级城市…"
    ("我们这种地级市能不能申报试点城市", GUO_2017_30, "一（一）"),
    # 38号 四（十二） "加大知识产权职称的宣传力度…": a company's IP officer is one of its 人才
    ("公司知识产权专员能不能评职称", GUO_2022_38, "四（十二）"),
    # 38号 三（九） "设立知识产权海外维权互助基金": English for defending abroad and a mutual-aid fund
    ("Can small firms get support from a mutual aid fund when defending patents overseas?", GUO_2022_38, "三（九）"),
])
def test_what_a_clause_states_in_its_own_words_is_answered(index, question, number, label):
    kind, doc, clause = _top(index, question)
    assert kind == ANSWER, (kind, doc, clause)
    assert doc == number and clause.startswith(label), (doc, clause)
