"""A thing counted by no fact, named before a figure (issue 16, round 26b).

"实用新型授权了20件" is no fact's figure: the other kind before it in its clause says what it counts. But in
"今年拿到5件外观设计和2件发明的授权证书" the 外观设计 between the two figures is the first figure's thing (said
right after it, then 和 / 及 / 、 opens the next count), not the second's: people list "N件A和M件B" with each
thing after its own count. So an other kind that follows the figure before directly and is closed by a joining
word is left out when reading what the next figure counts. Pure.
"""

from __future__ import annotations

import re

from .question_vocab import Vocabulary, words_pattern

__all__ = ["listed", "other_kind"]

#: a joining word that closes the previous count's thing: "和", "及", "与", "以及", "、", "跟", "还有"
_JOIN = re.compile(r"^\s*(和|及|与|以及|、|跟|还有|加上|and)\s*$", re.IGNORECASE)


def listed(segment: str, vocab: Vocabulary) -> bool:
    """Whether ``segment``, right after a figure, is that figure's own thing and a joining word ("外观设计和"):
    the next figure is another item of the list, read with the clause's words before the list ("今年授权了…")."""
    lower = segment.lower().lstrip()
    m = words_pattern(vocab.other_kinds).match(lower) if vocab.other_kinds else None
    return m is not None and _JOIN.match(lower[m.end():]) is not None


def other_kind(segment: str, vocab: Vocabulary, after_figure: bool = False) -> bool:
    """Whether ``segment`` (before a figure, from its clause's start or the figure before) names a thing no fact
    counts: "实用新型授权了20件" (unless a counted kind is named after it: "实用新型不算，发明授权了3件").
    ``after_figure``: the segment starts right after a figure, whose own thing ("5件外观设计和") is not this one's."""
    lower = segment.lower()
    if not vocab.other_kinds:
        return False
    if after_figure and listed(segment, vocab):
        return False
    last_other = max((m.end() for m in words_pattern(vocab.other_kinds).finditer(lower)), default=-1)
    if last_other < 0:
        return False
    return not any(m.start() >= last_other for m in words_pattern(vocab.counted_kinds).finditer(lower)) \
        if vocab.counted_kinds else True
