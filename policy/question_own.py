"""Whether a question asks if the asker's own company qualifies for a programme it names.

"首件发明专利补贴 我们公司符合吗", "PCT的奖励我们能不能拿": no fact is stated, yet the owner asks for a
verdict about the company, not for the text of the rule. The engine answers such a question (with
what it needs to know), as it answers one that states facts. The asker must speak of the company
(我们, 我司 …: :data:`policy.question_flags.SPEAKER`) and ask in one of the words of ``asks_own``
(policy/question_words.yaml); a question asking what the programme is (``asks_what``) is not one.

Pure: no services, no database.
"""

from __future__ import annotations

import re
from typing import Any

from .question_flags import SPEAKER
from .question_vocab import vocabulary, words_pattern

__all__ = ["asks_own_eligibility", "asks_what"]

#: "不是什么重点企业", "没什么专利": 什么 as "any", in a statement, asks nothing
_NOT_ANY = re.compile(r"(不是|不算|没有|没|也不是)什么")


def asks_what(vocab: Any, lower: str) -> bool:
    """Whether ``lower`` (as read, lower case) asks what a programme is ("是干嘛的", "what is")."""
    return bool(vocab.asks_what) and words_pattern(vocab.asks_what).search(_NOT_ANY.sub("", lower)) is not None


def asks_own_eligibility(catalog: Any, text: str) -> bool:
    """Whether ``text`` (as read: simplified, typos read) asks if the asker's company qualifies."""
    vocab = vocabulary(catalog)
    if not vocab.asks_own or not SPEAKER.search(text):
        return False
    lower = text.lower()
    if asks_what(vocab, lower):
        return False
    return bool(words_pattern(vocab.asks_own).search(lower))
