"""find_words over a prefix tree (policy.question_vocab.words_pattern): the longest word at a position, Latin words
whole and in the plural, a space as any run of spaces - what the reading relied on when each word was an
alternative of its own, which it did at ten times the cost."""

from __future__ import annotations

import pytest

from policy.question_vocab import find_words

WORDS = ("发明", "发明专利", "发明专利申请", "专利", "ip", "ip staff", "ipr", "high-value patent", "IP部门".lower())


@pytest.mark.parametrize("text, found", [
    ("发明专利申请3件，发明专利2件，发明1件", ["发明专利申请", "发明专利", "发明"]),
    ("发明专利权", ["发明专利"]),  # the longest listed word, not a longer unlisted one
    ("我们发明专申请", ["发明"]),  # a path of the tree that breaks off falls back to the word before it
    ("5 IP  staff and 2 VIP staff", ["ip staff"]),  # any run of spaces; not inside "VIP"
    ("ipr and ips, not ipx", ["ipr", "ip"]),  # "ips": the plural of ip; "ipx" is no word
    ("two High-Value Patents", ["high-value patent"]),
    ("独立IP部门", ["ip部门"]),
])
def test_the_longest_word_at_each_position(text, found):
    assert [w for _s, _e, w in find_words(text, WORDS)] == found


def test_positions_are_the_words_as_typed():
    text = "有 IP  staff 和发明专利"
    assert [text[s:e] for s, e, _w in find_words(text, WORDS)] == ["IP  staff", "发明专利"]
