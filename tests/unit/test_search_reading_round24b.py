"""Round 24b of the question reading (issue 16, tuned on heldout9 after its one measurement): answerable,
forward and off-topic questions.

* answered: English for a service and what it costs, for a measure's name and for a pilot city's
  year-end report (search/english.yaml); a hedge ("好像有点") as filler; the work a plan asks for (内容,
  任务), a guide's performance targets (绩效) and a county applying itself (县（市、区）) as cues; a count of
  aspects ("哪几个方面") as no topic; a topic character glued to a stop one (实施期是: 期,
  search.stop_glued); 报 glued to a level (报省…项目: 申报 省, search.level_applied);
* forwarded, not off topic: pirated goods and a domain name (IP words); a sum of funds paid out (拨多少).

Each case names the clause that answers it (checked against the text) or why the texts do not.
"""

from __future__ import annotations

import pytest

from search import ANSWER, FORWARD
from tests.unit.search_cases import GUO_2017_30, GUO_2022_38, SU_2018_86, SU_2021_140, routed_top



_top = routed_top


@pytest.mark.parametrize(("question", "number", "label"), [
    # 38号 四（十） "向中小企业提供免费或低成本的差异化、特色化服务": free, information service
    ("Can SMEs get patent information services free of charge?", GUO_2022_38, "四（十）"),
    # 86号 二（一）2 "开展重点企业“专利倍增”行动": doubling, key enterprise, action
    ("What is the patent doubling action for key enterprises about?", SU_2018_86, "二（一）2"),
    # 30号 三（六） "…于每年年底报送工作总结和下一年度工作计划": report, end of the year
    ("What must a pilot city report at the end of the year?", GUO_2017_30, "三"),
    # 140号 附件2 六（四） "项目申报截止日期为 2022 年 1 月 30 日": 好像, 有点 are a hedge
    ("地理标志项目截止日期好像有点不清楚，是哪天", SU_2021_140, "附件2 六（四）"),
    # 30号 三 "试点内容": the work a pilot city does, not 四（二）'s support for it
    ("试点城市要做哪些工作", GUO_2017_30, "三"),
    # 140号 附件3 四（一）2 "绩效目标 …发明专利申请和 PCT 专利申请增幅不低于 30%", not 六（四）'s procedure
    ("高价值专利新建项目绩效目标：发明申请涨多少才行", SU_2021_140, "附件3 四（一）2"),
    # 30号 三（六） "加强中小企业知识产权人才培养": 哪几个方面 asks how many, names no topic
    ("试点城市的知识产权人才培养包括哪几个方面", GUO_2017_30, "三（六）"),
    # 140号 附件2 五（三） "项目实施期限为2年": 实施期是 is 实施期 + 是
    ("地理标志项目实施期是几年", SU_2021_140, "附件2 五（三）"),
    # 140号 附件2 三（一） "…注册时间超过 3 年以上": 报省…项目 is 申报 a provincial programme
    ("注册几年的地理标志能报省地理标志项目", SU_2021_140, "附件2 三（一）"),
])
def test_what_a_clause_states_is_answered(index, question, number, label):
    kind, doc, clause = _top(index, question)
    assert kind == ANSWER, (kind, doc, clause)
    assert doc == number and clause.startswith(label), (doc, clause)


def test_a_county_applying_itself_is_given_the_county_conditions(index):
    # 140号 附件1 三（二） "申报创建知识产权保护示范区的县（市、区）…", not 三（一） for a 设区市
    _, doc, clause = _top(index, "县里想申报保护示范区要满足什么")
    assert doc == SU_2021_140 and clause.startswith("附件1 三（二）"), clause


@pytest.mark.parametrize(("question", "why"), [
    # pirated goods: copyright; the texts name no way to have them taken down
    ("网上有人卖盗版光盘，我们能做什么", "piracy is IP"),
    # a domain name registered by someone else: a specialist's case
    ("公司域名被别人注册了怎么处理", "a domain name is IP"),
    # 140号 附件3 五（三） "立项后拨付一定启动资金": no sum
    ("专利升级项目资金能拨多少", "a sum paid out"),
])
def test_what_the_texts_do_not_give_is_forwarded(index, question, why):
    assert index.route(question).kind == FORWARD, why
