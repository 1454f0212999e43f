"""How a question's words are read before the search: function words, colloquial words, the
level of government, question cues, clauses for other applicants, and what the texts never state.

Each case names the clause that answers it (checked against the text) or why the texts do not.
"""

from __future__ import annotations

import pytest

from search import ANSWER, FORWARD, OFF_TOPIC, Document, PolicySearch
from search.lexicon import COLLOQUIAL, FUNCTION_TAGS, SCOPE, STOP_WORDS
from search.query import parse_query
from search.tokens import cut, function_word
from tests.unit.search_cases import COUNTY, SU_2018_86, SU_2021_140


def _top(index: PolicySearch, question: str) -> tuple[str, str]:
    hit = index.search(question, 1)[0]
    return hit.number or hit.doc_id, hit.clause_label


# --------------------------------------------------------------------------- the lexicon's data


def test_every_colloquial_word_is_cut_whole():
    """An entry the segmenter never cuts whole would never be read."""
    assert [w for w in COLLOQUIAL if cut(w + "吗")[0] != w] == []
    assert [w for w in SCOPE if cut(w + "吗")[0] != w] == []


def test_colloquial_words_and_their_readings_are_not_stop_words():
    assert not (set(COLLOQUIAL) | set(COLLOQUIAL.values())) & STOP_WORDS


# --------------------------------------------------------------------------- question words


@pytest.mark.parametrize("word", ["那边", "到底", "要是", "一直", "这块"])
def test_function_words_carry_no_topic(word):
    assert function_word(word)


@pytest.mark.parametrize("word", ["兜底", "补偿金", "贯标", "申报", "哪家", "谁", "国外"])
def test_topic_domain_and_provider_words_are_not_function_words(word):
    assert not function_word(word)


def test_function_tags_are_jieba_tags_of_no_topic():
    assert {"n", "v", "vn", "nz", "a", "s", "t", "m", "eng"}.isdisjoint(FUNCTION_TAGS)


def test_a_function_word_does_not_count_against_coverage(index):
    # 86号 二（二）5: "…建立知识产权质押融资风险补偿机制…"; 那边, 要是 are not in it
    query = parse_query("专利质押贷款要是还不上，政府那边有没有风险补偿金兜底")
    assert not {"那边", "要是"} & set(query.words)
    routing = index.route("专利质押贷款要是还不上，政府那边有没有风险补偿金兜底")
    assert routing.kind == ANSWER and _top(index, "专利质押贷款要是还不上，政府那边有没有风险补偿金兜底") == (
        SU_2018_86, "二（二）5")


def test_colloquial_words_are_read_as_the_texts_words():
    assert "申报" in parse_query("还能报工业品牌吗").words
    assert "条件" in parse_query("利税有没有门槛").words
    assert "报告" in parse_query("评价报告怎么写").words  # 报 inside a word is left alone
    # not cut again after reading: 帮上忙 is 帮助 / 上 / 忙
    assert "上忙" not in parse_query("本地政府能帮上忙吗").words


def test_the_level_of_government_ranks_but_is_not_required():
    query = parse_query("地理标志这块市里有什么支持")
    assert "市里" not in query.words and "市里" not in query.terms
    assert {"全市", "市级"} <= set(query.boost)


def test_question_cues_rank_by_the_kind_of_clause_asked_for():
    assert {"条件", "满足"} <= set(parse_query("有非正常专利申请记录的，还能报高价值专利培育吗").boost)
    assert "不少" in parse_query("高价值培育要有多少件专利才能报").boost
    assert "主体" in parse_query("知识产权保护示范区是企业报还是政府报").boost
    assert parse_query("专利导航是什么").boost == ()


def test_ranking_only_words_never_make_a_match(index):
    # 市里 ranks by 全市; 买 is only inside a clause word (购买), which is no match
    text = "一、全市推动政府购买服务。\n二、全省开展专利导航。\n三、培训人才。\n四、加强保护。\n五、鼓励申报。\n"
    tiny = PolicySearch([Document("d", "一份文件", "", text)])
    assert parse_query("市里买吗").boost
    assert tiny.answer("市里买吗").hits == []
    assert tiny.answer("专利导航").hits  # the index does answer what it holds


# --------------------------------------------------------------------------- clauses for others


def test_a_clause_for_universities_ranks_below_the_same_one_for_enterprises(index):
    # 140号 附件3 三（一）1（4) (申报主体是企业的) and 三（一）2（4) (…是高校、科研院所…的) both
    # say PCT national-phase applications count 1:2 toward the invention patents
    assert _top(index, "PCT申请能不能抵发明专利的数量，怎么折算") == (SU_2021_140, "附件3 三（一）1（4）")
    assert _top(index, "高校的PCT申请能不能抵发明专利的数量") == (SU_2021_140, "附件3 三（一）2（4）")


# --------------------------------------------------------------------------- what the texts state


@pytest.mark.parametrize("question", [
    "发明之星奖多少钱",  # 001 三（一） "给予奖励": no amount
    "首件发明专利能补多少",  # 86号 二（一）1 "给予一定补贴"
    "贯标奖励有多少",
    "贯标认证费用大概多少",
    "首件发明专利补贴找谁申请",  # no contact in 二（一）1
    "能不能请特派员来帮我们做贯标",  # a request for a person
    "我们的高价值专利培育项目验收没通过怎么办",
    "首件发明专利补贴去年的还没到账",
    "创新之星的奖励什么时候发",
])
def test_what_the_texts_do_not_state_goes_to_the_specialist(index, question):
    assert index.route(question).kind == FORWARD


@pytest.mark.parametrize("question, doc, label", [
    ("贯标有奖励吗", SU_2018_86, "二（三）7"),
    ("高价值专利培育利税总额要多少万", SU_2021_140, "附件3 三（一）1（3）"),  # "不低于2000万元"
    ("质押融资金额高的发明专利算不算高价值专利", COUNTY, "三（四）"),  # 金额 here is not asked
    ("一企一标是啥意思", COUNTY, "三（三）"),  # a rare term named alone in a long clause
    ("国内的知识产权官司打赢了，有没有维权方面的资助", COUNTY, "三（五）"),  # 官司 纠纷, 打赢 胜诉
])
def test_what_the_texts_state_is_answered(index, question, doc, label):
    routing = index.route(question)
    assert routing.kind == ANSWER, routing.answer
    assert _top(index, question) == (doc, label)


@pytest.mark.parametrize("question", ["稳岗补贴今年还有吗", "员工社保怎么交", "发票开错了怎么办"])
def test_off_topic_stays_off_topic(index, question):
    assert index.route(question).kind == OFF_TOPIC
