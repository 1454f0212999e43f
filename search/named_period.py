"""A document named by the years of its title: "2018到2020年那个方案" is 86号.

People name a plan by the period it covers, as its title does ("江苏省中小企业知识产权战略推进工程
实施方案（2018-2020年）"): "2018到2020年那个方案里，…试点城市是哪两个？". The years and the word for the
document then say which document is asked about, not what about: counted as topic words, they
hold the question's coverage down in the very clause that answers (the plan's clauses never
repeat the years of its title). So when a question names a span of years that a document's title
holds, :class:`search.index.PolicySearch` prefers that document's clauses (the others rank at
:data:`NAMED_DOCUMENT_WEIGHT`: the asker said which document, so another's clause answers only
when it is far better) and leaves the span's words
and the document word out of coverage (round 25b). A span no title holds, or one no document
word follows ("2018到2020年增长多少"), is read as the question's own words.
"""

from __future__ import annotations

import re

__all__ = ["DOCUMENT_WORDS", "NAMED_DOCUMENT_WEIGHT", "named_period", "period_words", "title_period"]

#: the share of its score a clause of another document ranks at, when the question names one
NAMED_DOCUMENT_WEIGHT = 0.25

#: "2018到2020年", "2018-2020年", "18到20年": the span's two years, four digits each
_SPAN = re.compile(r"(?<!\d)((?:19|20)?\d\d)\s*年?\s*(?:到|至|-|—|–|~|～)\s*((?:19|20)?\d\d)\s*年")
#: words for a document ("那个方案", "那个文件")
DOCUMENT_WORDS = frozenset({"方案", "实施方案", "文件", "通知", "意见", "实施意见", "政策", "规划"})


def _year(text: str) -> str:
    return text if len(text) == 4 else "20" + text


def named_period(norm: str) -> tuple[str, ...]:
    """The span of years a question names, as (the typed years…, first year, last year), or ()."""
    m = _SPAN.search(norm)
    if not m or not any(w in norm[m.end():m.end() + 12] for w in DOCUMENT_WORDS):
        return ()  # a span with no document word after it ("2018到2020年增长多少") names no document
    return (m.group(1), m.group(2), _year(m.group(1)), _year(m.group(2)))


def title_period(title: str, period: tuple[str, ...]) -> bool:
    """Whether a document's title holds the span's first and last years."""
    return bool(period) and period[-2] in title and period[-1] in title


def period_words(period: tuple[str, ...]) -> frozenset[str]:
    """The question words that name the document rather than the topic: the years, 年, the document word."""
    return frozenset(period) | {"年"} | DOCUMENT_WORDS
