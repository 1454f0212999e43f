"""A stock counted at the end of last year, then more granted since: "有效发明去年底29件，今年又授权了3件".

A count of patents held is a stock: said "at the end of last year" (去年底, 去年年底, 上年末, 2021年底) it was the
count then, which the programmes, asking for the count now, cannot use alone. When the same sentence goes on to
say how many came since, with 又 ("今年又授权了3件", policy.question_added), the asker gives the count now as the
one then plus the new ones: the year-end time is then no time of the figure but the start of the count, and the
figure is read as the stock, to which question_added adds the grants. Without a 又 after it the time stays, and
the figure is still dropped as a count of another time. Pure.
"""

from __future__ import annotations

import re

from .question_added import MORE
from .question_vocab import LAST_YEAR

__all__ = ["year_end_stock"]

#: the end of the year, right after the time word: "去年底", "去年年底", "上年末", "去年12月底"
_END = re.compile(r"\s*(?:年?底|年?末|年终|12月底|12月31日)")
#: the end of the sentence: the 又 must be said in the same one
_SENTENCE_END = re.compile(r"[。；;!！?？\n]")


def year_end_stock(text: str, time_words: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """``time_words`` without a last-year end ("去年底") that a count added to with 又 follows in its sentence."""
    kept = []
    for start, end, kind in time_words:
        if kind == LAST_YEAR and _END.match(text, end):
            stop = _SENTENCE_END.search(text, end)
            more = MORE.search(text, end, stop.start() if stop else len(text))
            if more is not None and more.start() - end <= 40:
                continue
        kept.append((start, end, kind))
    return kept
