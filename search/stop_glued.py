"""A question word the segmenter glued from a topic character and a stop character.

"实施期是几年" is cut 实施 / 期是 / 几年: 期是 is no word of the dictionary nor of any clause, and
its 是 only links the subject to the question. Left whole, 期是 is a word no clause holds and
lowers the question's coverage; read as 期 it is found where the texts say 实施期限. Only a
two-character word that neither the dictionary nor the index knows, a topic character followed
by a stop character (search.lexicon.STOP_WORDS: 是, 的, 了 …), is read so (round 24b). Words of the
index ("报省" in "上报省…") are left as they are, and so is a modal before a verb ("能评", "想评"): the
verb there is the question's, and read alone it would make a statement of facts look like a
question about the clause that names the verb.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from search.lexicon import STOP_WORDS
from search.tokens import known_word

__all__ = ["read_stop_glued"]

_TWO_HAN = re.compile(r"[\u4e00-\u9fff]{2}")


def read_stop_glued(words: list[str], known: Callable[[str], bool] | None) -> list[str]:
    """``words`` with each unknown topic + stop pair ("期是") read as its topic character."""
    if known is None:
        return words
    out: list[str] = []
    for w in words:
        if (_TWO_HAN.fullmatch(w) and w[1] in STOP_WORDS and w[0] not in STOP_WORDS
                and not known_word(w) and not known(w)):
            out.append(w[0])
            continue
        out.append(w)
    return list(dict.fromkeys(out))
