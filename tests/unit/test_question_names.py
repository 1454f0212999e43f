"""policy.question_names: the programmes a question names, and its homophone typos (issue 16, item 2).

The expectations are read off the packs' aliases, policy/question_words.yaml's names and the
pinyin of the characters, not off the reader's output.
"""

from __future__ import annotations

import pytest

from policy import load_catalog
from policy.question_facts import prepare_text
from policy.question_names import correct_typos, named_programmes, starred_programmes
from search.tokens import known_word


@pytest.fixture(scope="module")
def cat():
    return load_catalog()


def named(cat, text):
    return named_programmes(cat, prepare_text(text))


@pytest.mark.parametrize("text, ids", [
    ("能评发明之星吗", ("invention-star",)),  # a pack alias
    ("Can we get the Invention Star award?", ("invention-star",)),  # English names
    ("Industrial brand project: can we apply?", ("industrial-brand-2022",)),
    ("Which Innovation Star level can we get?", ("innovation-star",)),
    ("Can we get enforcement aid?", ("enforcement-aid",)),
    ("Is there any subsidy for our first invention patent?", ("first-invention-subsidy",)),  # words apart
    ("我们那个高价值专利培育项目还没验收，升级项目能报吗", ("high-value-cultivation-2022", "high-value-cultivation-2022-upgrade")),
    # no name, but a star level asked: the one programme with star levels
    ("有效发明52件，能拿五星吗", ("innovation-star",)),
    ("有效发明专利35件，能评几星", ("innovation-star",)),
    ("我们是高新技术企业，能评几级", ()),  # a level, not a star level
    ("五星级酒店住宿能报销吗", ("innovation-star",)),  # named; it states no fact, so it is searched
    ("商标注册要多少钱", ()),
])
def test_programmes_named(cat, text, ids):
    assert named(cat, text) == ids


def test_the_star_programme_is_the_one_with_tiers(cat):
    assert starred_programmes(cat) == ("innovation-star",)


@pytest.mark.parametrize("typed, meant", [
    ("发明之心能报吗", "发明之星能报吗"),  # xin for xing: a fuzzy syllable, in a name of four characters
    ("我们有效发名专利33件", "我们有效发明专利33件"),  # the same syllable
    ("创新之猩怎么评", "创新之星怎么评"),
    ("贯彪有奖励吗", "贯标有奖励吗"),  # two characters: only with the dictionary's word
])
def test_homophone_typos_are_read_as_the_word(cat, typed, meant):
    assert correct_typos(cat, typed, known_word) == meant


@pytest.mark.parametrize("text", [
    "市里这些知识产权补贴会一直有吗",  # 补贴 is a word: not 知识产权部
    "优秀专利项目转移",  # 专利 is a word: 利项 is no typo of 立项
    "位居全省前列",  # 居 is read ju, not the rare ji: not 齐全
    "补贴和奖励",  # 和 is he, not huo: not 获奖
    "组建专利池",  # 池 is chi
    "应收账款质押",  # 应收 is a word: not 营收
    "发明之星能报吗",
])
def test_correct_text_is_left_alone(cat, text):
    assert correct_typos(cat, text, known_word) == text


def test_without_a_dictionary_two_characters_are_never_read(cat):
    assert correct_typos(cat, "贯彪有奖励吗") == "贯彪有奖励吗"
    assert correct_typos(cat, "发明之心能报吗") == "发明之星能报吗"
