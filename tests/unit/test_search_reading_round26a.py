"""Round 26a: a character typed for one of the same shape (search.look_alike)."""

from search.look_alike import read_look_alike

_INDEX = {"证券化", "证券", "任务", "试卷"}


def _known(word: str) -> bool:
    return word in {"试卷", "仟元"}


def test_look_alike_typo_is_read_as_its_twin() -> None:
    text, changes = read_look_alike("专利证卷化有补贴吗", _INDEX.__contains__, _known)
    assert "证券化" in text
    assert changes


def test_look_alike_leaves_correct_words() -> None:
    assert read_look_alike("试卷和仟元", _INDEX.__contains__, _known) == ("试卷和仟元", [])


def test_fangmian_is_filler_not_a_question_word() -> None:
    """"在商标方面…": 方面 only marks the topic (search.lexicon.FILLER), like 这一块."""
    from search.query import parse_query

    query = parse_query("专利方面有什么奖励", lambda w: True)
    assert "方面" not in query.words
