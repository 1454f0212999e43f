"""Questions read as a person means them (search.reading): typos, traditional characters, English.

The cases with their expected reading and route are in data/question_reading.yaml; each
expected route is what the same question gets when typed correctly in simplified Chinese.
The labelled set of test_policy_search.py is the correct text that must come out unchanged.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import opencc
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from search import ANSWER, FORWARD, OFF_TOPIC, PolicySearch, policy_documents
from search.clauses import split_clauses
from search.english import glossary, read_english, singular
from search.homophones import Homophones, syllables
from search.lexicon import IP_TERMS
from search.reading import LEXICON_TERMS, Reader, regional_words, to_simplified
from search.tokens import _get_tokenizer, normalise

DATA = Path(__file__).resolve().parent / "data"


def _labelled() -> list[tuple[str, str]]:
    data = yaml.safe_load((DATA / "question_routing.yaml").read_text(encoding="utf-8"))
    return [(item["q"] if isinstance(item, dict) else item, kind) for kind, items in data.items() for item in items]


def _cases() -> list[tuple[str, dict]]:
    data = yaml.safe_load((DATA / "question_reading.yaml").read_text(encoding="utf-8"))
    return [(kind, case) for kind, cases in data.items() for case in cases]


@pytest.fixture(scope="module")
def plain() -> PolicySearch:
    return PolicySearch(policy_documents(), tolerant=False)


def _top(routing) -> tuple[str, str] | None:
    hits = routing.answer.hits
    return (hits[0].number or hits[0].doc_id, hits[0].clause_label) if hits else None


# --------------------------------------------------------------------------- the cases


@pytest.mark.parametrize("kind, case", _cases(), ids=lambda v: v["q"] if isinstance(v, dict) else v)
def test_a_question_is_read_as_meant_and_routed(index, plain, kind, case):
    routing = index.route(case["q"])
    assert case["read"] in routing.read_as, routing.read_as
    assert kind in {step for step, _, _ in routing.changes}  # the step that read it
    assert routing.kind == case["route"], (routing.read_as, _top(routing))
    if case["route"] == ANSWER:
        doc, label = case["cite"]
        top = _top(routing)
        assert top[0] == doc and top[1].startswith(label), top


def _routed_as_expected(index: PolicySearch, case: dict) -> bool:
    routing = index.route(case["q"])
    if routing.kind != case["route"]:
        return False
    return case["route"] != ANSWER or (_top(routing)[0] == case["cite"][0] and _top(routing)[1].startswith(case["cite"][1]))


def test_without_the_reading_most_cases_go_wrong(plain):
    """The same cases on an index that searches questions as typed: most are off topic."""
    cases = [case for _, case in _cases()]
    right = [case["q"] for case in cases if _routed_as_expected(plain, case)]
    assert len(right) < len(cases) / 3, right


def test_the_issue_s_three_questions(index):
    assert index.route("惯标认证通过了有奖励吗").kind == ANSWER
    assert index.route("商表被人抢注了").kind == FORWARD
    english = index.route("How much does it cost to register a trademark in the US?")
    assert english.kind == FORWARD and "商标" in english.terms


# --------------------------------------------------------------------------- correct text unchanged


def test_the_labelled_set_is_read_as_typed_and_routes_as_without_the_reading(index, plain):
    for question, _ in _labelled():
        reading = index.read(question)
        assert reading.changes == (), (question, reading)
        routing, before = index.route(question), plain.route(question)
        assert (routing.kind, routing.answer, routing.terms) == (before.kind, before.answer, before.terms), question
        assert routing.read_as == "" and routing.changes == ()


def test_the_shipped_texts_have_no_traditional_character_and_no_typo():
    docs = policy_documents()
    reader = Reader(())
    for doc in docs:
        assert to_simplified(doc.text) == doc.text, doc.doc_id
    sentences = [s for d in docs for c in split_clauses(d) for s in c.text.split("。") if s]
    misread = [(s, reader.read(s).changes) for s in sentences if any(k == "typo" for k, _, _ in reader.read(s).changes)]
    assert misread == []


@pytest.mark.parametrize("text", [
    "苏知发〔2018〕86号",  # an abbreviation: 苏知 sounds like 素质 (an index word), with other tones
    "建设知识产权信息服务平台，实现市域范围知识产权信息服务全覆盖",  # 服务全 sounds like 服务券
    "请发送金额，单位为元",  # 为元 sounds like 委员
    "我是想问一下专利的事",  # one-character stop words are never part of a typo
    "专力",  # a word of jieba's dictionary is never read as another
])
def test_correct_text_is_not_read_as_a_homophone(index, text):
    assert index.read(text).changes == ()


# --------------------------------------------------------------------------- traditional characters


@pytest.mark.parametrize("config", ["s2t", "s2hk"])
def test_every_labelled_question_in_traditional_characters_is_read_back(index, config):
    convert = opencc.OpenCC(config).convert
    changed = 0
    for question, _ in _labelled():
        typed = convert(question)
        changed += typed != question
        reading = index.read(typed)
        assert reading.text == normalise(question), (typed, reading.text)
        assert index.route(typed).kind == index.route(question).kind
    assert changed >= 100  # nearly every question has a character that differs


def test_taiwan_words_are_read_only_where_the_question_was_traditional(index):
    assert regional_words("智慧财产权专案") == "知识产权项目"
    assert regional_words("实用新型专利") == "实用新型专利"  # 新型专利 (TW) inside the mainland term
    assert index.read("智慧財產權").text == "知识产权"
    assert index.read("支援中小企业").changes == ()  # simplified: 支援 is a mainland word as it is


# --------------------------------------------------------------------------- English


def test_plurals_are_read_as_singular():
    assert [singular(w) for w in ["patents", "subsidies", "fees", "taxes", "processes", "us", "is", "class"]] == [
        "patent", "subsidy", "fee", "tax", "process", "us", "is", "class"]


def test_english_is_read_case_insensitively_longest_phrase_first():
    assert read_english(normalise("UTILITY MODEL PATENTS")) == "实用新型专利"
    assert read_english(normalise("Trademarks")) == "商标"
    assert read_english(normalise("invention patent")) == "发明专利"
    assert read_english(normalise("GB/T 29490 certification")) == "贯标认证"
    assert read_english("the quick fox") == "quick fox"  # unknown words stay, function words go
    assert read_english("a股上市") == "a股上市"  # one word glued to Chinese is read only if it is a term
    assert read_english("iphone怎么买") == "iphone怎么买"


def test_every_english_word_of_a_right_is_at_least_forwarded(index):
    """A glossary phrase whose term is an IP word makes an English question about IP."""
    terms, _, _ = glossary()
    ip = [normalise(t) for t in IP_TERMS]
    phrases = [" ".join(key) for key, term in terms.items() if any(t in term for t in ip)]
    assert len(phrases) >= 30
    for phrase in phrases:
        assert index.route(f"I have a question about {phrase}").kind in {ANSWER, FORWARD}, phrase


@pytest.mark.parametrize("question", ["Hello!", "What's the weather like today?", "I want to order takeaway",
                                      "Where can I buy a cheap laptop?"])
def test_english_without_an_ip_word_is_off_topic(index, question):
    assert index.route(question).kind == OFF_TOPIC


# --------------------------------------------------------------------------- homophones, the rule


def _homophones(lexicon: list[str], vocabulary: list[str] = ()) -> Homophones:
    seg = _get_tokenizer()
    return Homophones(lexicon, vocabulary, seg.known, seg.cut)


def test_a_stretch_of_unknown_characters_is_read_as_the_term_it_sounds_like():
    h = _homophones(["贯标", "商标"])
    assert h.correct("惯标认证") == ("贯标认证", (("惯标", "贯标"),))
    assert syllables("商表") == ("shang1", "biao3") and syllables("商标") == ("shang1", "biao1")
    assert h.correct("商表被抢注") == ("商标被抢注", (("商表", "商标"),))  # toneless, as an input method types


def test_homophone_targets_the_tones_do_not_tell_apart_leave_the_text_alone():
    assert syllables("公式") == syllables("公示")
    assert _homophones(["公式", "公示"]).correct("功市") == ("功市", ())
    assert _homophones(["公式"]).correct("功市") == ("公式", (("功市", "公式"),))


def test_an_index_word_needs_its_tones_and_unknown_characters_alone():
    h = _homophones([], ["委员", "执法"])
    assert h.correct("为元") == ("为元", ())  # wei2 yuan2 is not wei3 yuan2
    assert h.correct("委原会") == ("委员会", (("委原", "委员"),))  # 原 yuan2 as 员 yuan2: same tones


def test_the_lexicon_holds_the_terms_of_the_issue():
    assert {"贯标", "商标", "专利", "知识产权", "首件发明专利"} <= set(LEXICON_TERMS)


# --------------------------------------------------------------------------- robustness, time


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("惯标商表專利發明abc THE patents,。？!😀\n-/'") + ["how much", "的", "专利"]),
                max_size=30).map("".join))
def test_reading_never_raises_and_keeps_the_segmentation_whole(text):
    seg = _get_tokenizer()
    assert "".join(seg.cut(text)) == text
    index = _shared_index()
    index.route(text)
    assert isinstance(index.read(text).text, str)


_INDEX: list[PolicySearch] = []


def _shared_index() -> PolicySearch:
    if not _INDEX:
        _INDEX.append(PolicySearch(policy_documents()))
    return _INDEX[0]


def test_a_question_is_routed_in_under_5_ms(index):
    questions = [q for q, _ in _labelled()] + [case["q"] for _, case in _cases()]
    fresh = PolicySearch(policy_documents())  # nothing cached: each question's first time
    times = []
    for question in questions:
        started = time.process_time()
        fresh.route(question)
        times.append(time.process_time() - started)
    p95 = statistics.quantiles(times, n=20, method="inclusive")[-1]
    assert p95 < 0.005, f"p95 {p95 * 1000:.2f} ms"
