"""Policy search on the real policy documents: clause splitting, ranking, quotes, confidence.

Every expected label below was checked against the source text. For example,
二（一）1 of 苏知发〔2018〕86号 is "1. 开展“专利清零”行动。…首件发明专利的申请费和代理费给予一定补贴。".
"""

from __future__ import annotations

import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from search import (
    MAX_QUOTE_CHARS,
    MIN_COVERAGE,
    MIN_EVIDENCE,
    MIN_SCORE,
    Answer,
    Document,
    Hit,
    PolicySearch,
    policy_documents,
    split_clauses,
    split_number_title,
    tokenize,
)

_HERE = Path(__file__).resolve()

SU_2018_86 = "苏知发〔2018〕86号"
SU_2021_140 = "苏知发〔2021〕140号"
GUO_2022_38 = "国知发运字〔2022〕38号"
GUO_2017_30 = "国知办发管字〔2017〕30号"
COUNTY = "001_bb17abadfc902431"  # the county-level plan: no 文号


@pytest.fixture(scope="module")
def docs() -> list[Document]:
    """The texts shipped in the package, read as the bot reads them."""
    return policy_documents()


@pytest.fixture(scope="module")
def index(docs) -> PolicySearch:
    return PolicySearch(docs)


def _doc(docs: list[Document], number: str) -> Document:
    return next(d for d in docs if d.number == number)


def _clauses(docs: list[Document], number: str) -> dict[str, str]:
    return {c.label: c.text for c in split_clauses(_doc(docs, number))}


def _stripped(quote: str) -> str:
    return quote.removeprefix("…").removesuffix("…")


def _confident_top(index: PolicySearch, question: str) -> Hit:
    """The best hit for a question the index must answer with confidence."""
    answer = index.answer(question)
    assert answer.confident
    return answer.hits[0]


# --------------------------------------------------------------------------- documents


def test_the_shipped_texts_are_read_with_their_numbers_and_titles(docs):
    by_id = {d.doc_id: d for d in docs}
    assert len(docs) == 5
    assert by_id["000_94898abcd3045e73"].number == SU_2018_86
    assert by_id["000_94898abcd3045e73"].title == "江苏省中小企业知识产权战略推进工程实施方案（2018-2020年）"
    assert by_id["002_00e0f4675e6c9239"].number == SU_2021_140
    assert by_id["003_673e8463f5f46aa0"].number == GUO_2022_38
    assert by_id["004_1ee91f90a1390478"].number == GUO_2017_30
    # no 文号: cited by its title, as the eligibility catalog cites it
    assert by_id[COUNTY].number == ""
    assert by_id[COUNTY].title == "关于提升知识产权创新支撑力的实施意见（附件8）"
    assert all(d.text for d in docs)


def test_split_number_title():
    assert split_number_title("国知发运字〔2022〕38号 知识产权助力若干措施") == ("国知发运字〔2022〕38号", "知识产权助力若干措施")
    assert split_number_title("关于提升知识产权创新支撑力的实施意见") == ("", "关于提升知识产权创新支撑力的实施意见")


# --------------------------------------------------------------------------- clause splitting


def test_numbered_item_is_a_clause_with_its_full_label(docs):
    clauses = {c.label: c for c in split_clauses(_doc(docs, SU_2018_86))}
    first = clauses["二（一）1"]
    assert first.text.startswith("开展“专利清零”行动。开展中小企业研发情况排查摸底")
    assert first.text.endswith("对重点中小企业首件发明专利的申请费和代理费给予一定补贴。")
    assert first.readable == "二、主要任务 › （一）激发中小企业知识产权创造活力 › 1. 开展“专利清零”行动"
    assert clauses["二（三）7"].text.startswith("深入开展知识产权管理“贯标”。")
    assert clauses["二（五）14"].text.startswith("开展知识产权咨询活动。")
    assert "二、主要任务" not in clauses  # a heading with numbered children only is no clause


def test_heading_with_its_own_body_is_a_clause(docs):
    clauses = _clauses(docs, SU_2018_86)
    assert clauses["二（一）"].startswith("激发中小企业知识产权创造活力 到2020年，全省中小企业发明专利申请量")
    assert "专利超过100件。" in clauses["二（一）"]  # continues across the page break
    assert "知识产权特派员500人" in clauses["二（五）"]


def test_page_break_inside_a_word_is_joined(docs):
    clauses = _clauses(docs, SU_2018_86)
    assert "江苏国际知识产权运营交易中心" in clauses["二（二）4"]  # "运" | blank | "营交易中心"


def test_sign_off_and_footer_are_not_clause_text(docs):
    for doc in docs:
        for clause in split_clauses(doc):
            for junk in ("抄送", "联系人", "电 话", "相关链接", "京ICP备", "办公室\n"):
                assert junk not in clause.text, (doc.doc_id, clause.label, junk)
    last = _clauses(docs, SU_2018_86)["三（三）"]
    assert last.endswith("定期通报重点工作进展情况。")


def test_attachment_labels_in_the_2021_guide(docs):
    clauses = _clauses(docs, SU_2021_140)
    assert clauses["附件3 三（一）1（1）"].startswith("在相关技术领域研发水平处于行业领先地位")
    assert clauses["附件3 三（二）1"] == "2021年以前已通过省高价值专利培育计划项目验收。"
    assert "附件3 三（一）1" not in clauses  # only a lead-in: "申报主体是企业的，应满足以下条件："
    assert clauses["附件1 六（三）"] == "项目申报截止日期为 2022 年 2 月 15 日。"
    # 附件2 holds two guides; the numbering restarts for the second (工业品牌)
    assert clauses["附件2 三（一）"].startswith("本项目需指定区域内一项地理标志")
    assert clauses["附件2-2 三（一）"].startswith("属于重点产业链“链主”企业")
    assert clauses["附件2-2 六（五）"].startswith("网上申报截止日期为2022为1月30日")
    assert all(label.startswith("附件") for label in clauses)  # the notice's list "附件：1. …" is no clause
    assert not any("#" in label for label in clauses)


def test_a_document_that_is_itself_an_attachment_keeps_plain_labels(docs):
    county = next(d for d in docs if d.doc_id == COUNTY)
    clauses = {c.label: c.text for c in split_clauses(county)}
    assert not any(label.startswith("附件") for label in clauses)
    assert "开展“发明之星”评选活动" in clauses["三（一）"]
    assert "“创新之星”二星级、三星级、四星级、五星级" in clauses["三（三）"]


def test_ascii_brackets_and_indented_paragraphs(docs):
    guo38 = _clauses(docs, GUO_2022_38)
    assert guo38["二（四）"].startswith("支持企业获取和实施优质专利技术。")  # source: "(四) …"
    assert guo38["五（十六）"].startswith("强化考核激励。")
    guo30 = _clauses(docs, GUO_2017_30)  # every line indented with full-width spaces
    assert guo30["一（一）"] == "申报对象 申报对象为副省级城市、地级城市（州、盟）、县级城市，以及直辖市、计划单列市的市辖区。"
    assert "每万人口发明专利拥有量不低于48.4件" in guo30["一（二）2"]


def test_split_rules_on_a_synthetic_document():
    text = "\n".join(
        [
            "# 某某文件",
            "- 附件：1. 甲指南",
            "2. 乙指南",
            "## 附件 1",
            "# 甲指南",
            "## 一、支持对象",
            "本项目支持中小企业。",
            "## 二、申报条件",
            "（一）应满足下列条件：",
            "1. 条件甲；",
            "2. 条件乙，跨页断",
            "",
            "开的句子。",
            "联系人：某某",
            "# 丙指南",
            "## 一、支持对象",
            "丙的对象。",
            "---",
            "抄送：某单位。",
        ]
    )
    clauses = {c.label: c for c in split_clauses(Document("t", "t", "", text))}
    assert list(clauses) == ["附件1 一", "附件1 二（一）1", "附件1 二（一）2", "附件1-2 一"]
    assert clauses["附件1 一"].text == "支持对象 本项目支持中小企业。"
    assert clauses["附件1 二（一）2"].text == "条件乙，跨页断开的句子。"
    assert clauses["附件1 二（一）1"].context == "甲指南 / 申报条件 / 应满足下列条件："
    assert clauses["附件1-2 一"].text == "支持对象 丙的对象。"


def test_text_without_numbering_becomes_paragraph_clauses():
    clauses = split_clauses(Document("t", "t", "", "第一段。\n\n第二段，\n接着。"))
    assert [(c.label, c.text) for c in clauses] == [("¶1", "第一段。"), ("¶2", "第二段，接着。")]


# --------------------------------------------------------------------------- search: the brief's questions


def test_first_invention_patent_subsidy(index):
    answer = index.answer("首件发明专利有补贴吗？")
    assert answer.confident and answer.reason == "ok"
    top = answer.hits[0]
    assert (top.number, top.clause_label) == (SU_2018_86, "二（一）1")
    assert "首件发明专利" in top.quote
    assert top.title == "江苏省中小企业知识产权战略推进工程实施方案（2018-2020年）"


@pytest.mark.parametrize("question", ["发明之星需要几件发明专利", "发明之星要几件发明专利？"])
def test_invention_star_needs_five_grants(index, question):
    top = _confident_top(index, question)
    assert (top.doc_id, top.number, top.clause_label) == (COUNTY, "", "三（一）")
    assert "发明之星" in top.quote and "5件以上" in top.quote


def test_innovation_star(index):
    top = _confident_top(index, "创新之星怎么评")
    assert (top.doc_id, top.clause_label) == (COUNTY, "三（三）")
    assert "创新之星" in top.quote and "5 件以上高价值专利" in top.quote


@pytest.mark.parametrize("question", ["贯标有奖励吗", "通过贯标认证能拿到奖励吗", "贯标补贴"])
def test_standard_implementation_reward(index, question):
    top = _confident_top(index, question)
    assert (top.number, top.clause_label) == (SU_2018_86, "二（三）7")
    assert "贯标" in top.quote


@pytest.mark.parametrize("question", ["小巨人优先审查", "小巨人企业能不能优先审查", "专精特新小巨人企业专利能加快审查吗"])
def test_little_giant_priority_examination(index, question):
    top = _confident_top(index, question)
    assert (top.number, top.clause_label) == (GUO_2022_38, "一（一）")
    assert "优先审查" in top.quote and "小巨人" in top.quote


@pytest.mark.parametrize("question", ["高价值专利培育 申报条件", "高价值专利培育项目的申报条件是什么"])
def test_high_value_patent_programme_conditions(index, question):
    answer = index.answer(question)
    assert answer.confident
    for hit in answer.hits:  # all three from the conditions of 附件3
        assert hit.number == SU_2021_140
        assert hit.clause_label.startswith("附件3 三（"), hit.clause_label


def test_deadline_of_the_right_guide(index):
    top = index.answer("高价值专利培育项目什么时候截止").hits[0]
    assert top.clause_label == "附件3 六（五）"
    assert "2022 年 1 月 30 日" in top.quote
    top = index.answer("工业品牌项目申报截止日期").hits[0]
    assert top.clause_label == "附件2-2 六（五）"


def test_aliases(index):
    answer = index.answer("第一件专利有补贴吗")
    assert answer.confident and answer.hits[0].clause_label == "二（一）1"
    answer = index.answer("PCT国外授权有奖励吗")
    assert answer.confident and (answer.hits[0].doc_id, answer.hits[0].clause_label) == (COUNTY, "三（一）")
    assert "PCT" in answer.hits[0].quote


def test_html_and_long_tails_do_not_hide_the_question(index):
    answer = index.answer("<b>首件发明专利</b>有补贴吗？&nbsp;")
    assert answer.confident and answer.hits[0].clause_label == "二（一）1"
    answer = index.answer("首件发明专利有补贴吗？" + "啊" * 5000)  # cut to 500 characters, 啊 is a stop word
    assert answer.hits and answer.hits[0].clause_label == "二（一）1"


# --------------------------------------------------------------------------- not confident


@pytest.mark.parametrize("question", ["今天天气怎么样", "我想订外卖", "股票怎么买"])
def test_off_topic_has_no_match(index, question):
    answer = index.answer(question)
    assert answer == Answer(False, [], "no_match")


def test_staff_question_off_topic(index):
    """员工 is read as the texts' 人才 (COLLOQUIAL: "做知识产权的员工能评职称吗"), so a question about
    the staff's social insurance finds weak hits: none answers it, and it is no IP question."""
    answer = index.answer("员工社保怎么交")
    assert not answer.confident
    assert index.route("员工社保怎么交").kind == "off_topic"


@pytest.mark.parametrize(
    "question",
    [
        "知识产权",  # generic: evidence too low
        "专利",
        "申报条件",
        "发明专利年费减免怎么办理",  # 年费/减免 are in no clause
        "专利代理人考试怎么报名",
        "高新技术企业认定条件",  # 高新技术产业开发区 is not 高新技术企业
        "商标注册要多少钱",
        "如何申请专利",
        "我要投诉",
        "帮我写一份合同",
    ],
)
def test_near_misses_are_not_confident(index, question):
    answer = index.answer(question)
    assert not answer.confident
    assert answer.reason in {"no_match", "low_score", "low_coverage"}


@pytest.mark.parametrize(
    "question",
    ["", "   ", "\n\t", "？？？", "的了吗", "😀😀😀", "\x00\x01\ud800", "<b></b>", "&nbsp;", None, 42],
)
def test_empty_questions(index, question):
    assert index.answer(question) == Answer(False, [], "empty")
    assert index.search(question) == []


@pytest.mark.parametrize(
    "question",
    ["<b>" + "啊" * 5000, "a" * 100_000, "<script>alert(1)</script>", "专利" * 3000, "🀄️" * 1000 + "贯标"],
)
def test_odd_input_never_raises(index, question):
    started = time.perf_counter()
    answer = index.answer(question)
    assert time.perf_counter() - started < 0.5
    assert isinstance(answer, Answer)
    assert answer.reason in {"ok", "empty", "no_match", "low_score", "low_coverage"}
    if question.startswith("<b>"):
        assert not answer.confident


def test_random_unicode_never_raises(index):
    rng = random.Random(20240601)
    # ASCII, CJK, CJK punctuation, full-width forms, emoji, control characters
    pools = [(0x20, 0x7E), (0x4E00, 0x9FFF), (0x3000, 0x303F), (0xFF00, 0xFFEF), (0x1F300, 0x1FAFF), (0, 0x1F)]
    for _ in range(200):
        text = "".join(chr(rng.randint(*rng.choice(pools))) for _ in range(rng.randint(0, 60)))
        answer = index.answer(text)
        assert isinstance(answer, Answer)
        assert all(len(_stripped(h.quote)) <= MAX_QUOTE_CHARS for h in answer.hits)


def test_empty_index():
    empty = PolicySearch([])
    assert empty.search("首件发明专利") == []
    assert empty.answer("首件发明专利") == Answer(False, [], "no_match")
    assert empty.answer(" ") == Answer(False, [], "empty")


# --------------------------------------------------------------------------- the rule, quotes, hits


QUESTIONS = [
    "首件发明专利有补贴吗？",
    "创新之星怎么评",
    "专利质押融资有什么支持",
    "知识产权",
    "商标被抢注了怎么办",
    "高新技术企业认定条件",
    "一企一策是什么",
]


@pytest.mark.parametrize("question", QUESTIONS)
def test_confidence_is_the_documented_rule(index, question):
    answer = index.answer(question)
    top = answer.hits[0]
    rule = top.score >= MIN_SCORE and top.evidence >= MIN_EVIDENCE and top.coverage >= MIN_COVERAGE
    assert answer.confident == rule
    assert 0 < top.coverage <= 1


@pytest.mark.parametrize("question", QUESTIONS + ["发明之星需要几件发明专利", "知识产权特派员"])
def test_quotes_are_verbatim_and_short(index, question):
    texts = {(c.doc_id, c.label): c.text for c in index.clauses}
    for hit in index.search(question, k=5):
        body = _stripped(hit.quote)
        assert body and body in texts[(hit.doc_id, hit.clause_label)]
        assert len(body) <= MAX_QUOTE_CHARS
        if hit.quote != texts[(hit.doc_id, hit.clause_label)]:
            assert hit.quote.startswith("…") or hit.quote.endswith("…")


def test_long_clause_is_quoted_at_the_matching_sentence(index):
    hit = index.search("发明之星需要几件发明专利", k=1)[0]
    clause = index.clause(hit.doc_id, hit.clause_label)
    assert clause is not None and len(clause.text) > MAX_QUOTE_CHARS
    assert hit.quote.startswith("…")
    assert "对当年发明专利授权达到5件以上的发明大户给予奖励" in hit.quote


def test_search_returns_k_hits_best_first(index):
    hits = index.search("专利质押融资", k=5)
    assert len(hits) == 5
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert len({(h.doc_id, h.clause_label) for h in hits}) == 5
    assert index.search("专利质押融资", k=0) == []
    assert all(h.clause_path for h in hits)


def test_tokenize_keeps_domain_terms_whole_and_drops_stop_words():
    tokens = tokenize("小巨人企业能不能优先审查？")
    assert {"小巨人", "优先审查", "syn:小巨人", "syn:优先审查"} <= set(tokens)
    assert not {"企业", "能不能", "？"} & set(tokens)
    assert {"发明专利", "首件发明专利", "syn:首件发明专利"} <= set(tokenize("首件发明专利"))


# --------------------------------------------------------------------------- performance, silence


def test_index_build_and_query_are_fast(docs, index):
    index.search("预热")  # jieba is loaded by the fixture already
    started = time.perf_counter()
    fresh = PolicySearch(docs)
    build = time.perf_counter() - started
    assert build < 1.0, f"index build took {build:.3f}s"
    questions = [q for q in QUESTIONS * 5]
    started = time.perf_counter()
    for q in questions:
        fresh.answer(q)
    per_query = (time.perf_counter() - started) / len(questions)
    assert per_query < 0.02, f"{per_query * 1000:.1f} ms per query"


def test_cached_words_and_terms_rank_as_a_fresh_index_does(docs):
    """The index caches per-word and per-term arrays; answers must not depend on what
    was asked before (the same word counts differently inside a domain term or alone)."""
    asked = ["首件发明专利有补贴吗？", "发明专利年费减免", "申请专利", "专利申请", "PCT 国际申请有资助吗",
             "知识产权贯标认证能补多少钱？", "小巨人企业能不能优先审查？", "商业秘密怎么保护", "发明",
             "知识产权贷款怎么申请", "知识产权保护"]  # 知识产权: inside 知识产权贷 (质押融资) or alone
    warm = PolicySearch(docs)
    for question in random.Random(7).sample(asked * 3, len(asked) * 3):
        warm.search(question, 5)
    for question in asked:
        assert warm.search(question, 5) == PolicySearch(docs).search(question, 5), question
        assert warm.route(question) == PolicySearch(docs).route(question), question


def test_loading_jieba_and_searching_print_nothing(docs):
    """In a fresh interpreter, where jieba would log "Building prefix dict…" to stderr."""
    script = (
        "from search import PolicySearch, policy_documents\n"
        "index = PolicySearch(policy_documents())\n"
        "assert index.answer('首件发明专利有补贴吗？').confident\n"
        "index.answer('')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=_HERE.parents[2],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr == ""


# --------------------------------------------------------------------------- routing: answer / forward / off-topic

from search import ANSWER, FORWARD, OFF_TOPIC, Routing, classify, route  # noqa: E402

ROUTING_DATA = _HERE.parent / "data" / "question_routing.yaml"
KINDS = (ANSWER, FORWARD, OFF_TOPIC)
#: floors under the figures measured on the labelled set (see routing_figures)
FLOORS = {ANSWER: (0.95, 0.90), FORWARD: (0.85, 0.90), OFF_TOPIC: (0.95, 0.95)}
QUOTE_FLOOR = 0.90  # of the questions answered, the share whose top clause is one the label accepts


def labelled() -> list[tuple[str, str, list]]:
    import yaml

    data = yaml.safe_load(ROUTING_DATA.read_text(encoding="utf-8"))
    out = []
    for kind in KINDS:
        for item in data[kind]:
            q, cite = (item["q"], item["cite"]) if isinstance(item, dict) else (item, [])
            out.append((q, kind, cite))
    return out


def routing_figures(index: PolicySearch) -> dict:
    """Precision and recall per kind, the confusion counts, and how often an answer quotes the right clause."""
    rows = [(q, kind, cite, index.route(q)) for q, kind, cite in labelled()]
    figures: dict = {"n": len(rows), "errors": [(q, kind, r.kind) for q, kind, _, r in rows if r.kind != kind]}
    for kind in KINDS:
        predicted = [row for row in rows if row[3].kind == kind]
        actual = [row for row in rows if row[1] == kind]
        hits = [row for row in predicted if row[1] == kind]
        figures[kind] = {"precision": len(hits) / len(predicted) if predicted else 1.0,
                         "recall": len(hits) / len(actual), "predicted": len(predicted), "actual": len(actual)}
    answered = [(cite, r) for _, kind, cite, r in rows if kind == ANSWER and r.kind == ANSWER]
    right = [1 for cite, r in answered
             if any((r.answer.hits[0].number or r.answer.hits[0].doc_id) == doc
                    and r.answer.hits[0].clause_label.startswith(label or "") for doc, label in cite)]
    figures["quote_right"] = len(right) / len(answered) if answered else 1.0
    return figures


def test_the_labelled_set_has_at_least_60_questions_of_three_kinds():
    rows = labelled()
    assert len(rows) >= 60
    assert {kind for _, kind, _ in rows} == set(KINDS)
    assert len({q for q, _, _ in rows}) == len(rows)
    assert all(cite for _, kind, cite in rows if kind == ANSWER)


def test_routing_meets_its_floors(index):
    figures = routing_figures(index)
    for kind, (p_floor, r_floor) in FLOORS.items():
        assert figures[kind]["precision"] >= p_floor, (kind, figures[kind], figures["errors"])
        assert figures[kind]["recall"] >= r_floor, (kind, figures[kind], figures["errors"])
    assert figures["quote_right"] >= QUOTE_FLOOR


@pytest.mark.parametrize("question, kind", [
    ("今天苏州天气怎么样？", OFF_TOPIC),
    ("商标注册要多少钱", FORWARD),
    ("我们今年授权了6件发明专利，能评发明之星吗", ANSWER),
    ("商业秘密怎么保护", FORWARD),  # a clause mentions 商业秘密, but the texts do not say how
    ("稳岗补贴怎么申请", OFF_TOPIC),  # a subsidy, but not an IP one
    ("", OFF_TOPIC),
    ("😀😀😀", OFF_TOPIC),
])
def test_classify_the_brief_s_examples(index, question, kind):
    assert classify(question, index) == kind
    routing = route(question, index)
    assert isinstance(routing, Routing) and routing.kind == kind
    if kind == ANSWER:
        assert routing.answer.confident and routing.answer.hits[0].quote
    if kind == OFF_TOPIC:
        assert routing.terms == ()


def test_classify_without_an_index_uses_the_bots_own(index):
    assert classify("首件发明专利有补贴吗？") == ANSWER


@pytest.mark.parametrize("question", [None, 42, "<b>" + "啊" * 5000, "a" * 100_000, "\x00\ud800"])
def test_route_never_raises(index, question):
    assert route(question, index).kind in KINDS


if __name__ == "__main__":  # python tests/unit/test_policy_search.py: print the routing figures
    figures = routing_figures(PolicySearch(policy_documents()))
    print(f"{figures['n']} labelled questions")
    print(f"{'kind':<10} {'precision':>9} {'recall':>7} {'predicted':>9} {'actual':>6}")
    for kind in KINDS:
        f = figures[kind]
        print(f"{kind:<10} {f['precision']:>9.3f} {f['recall']:>7.3f} {f['predicted']:>9} {f['actual']:>6}")
    print(f"answers quoting an accepted clause: {figures['quote_right']:.3f}")
    for q, want, got in figures["errors"]:
        print(f"  {want} -> {got}: {q}")
