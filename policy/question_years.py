"""Three years named by their numbers, read as the last three years (issue 16, round 10).

"2019-2021年利税分别2100万、1950万、2400万", "2019到2021年", "2019、2020、2021年利税…" name the
three years before the question's date one by one: the time is the packs' "近三年" (THREE_YEARS),
so three amounts said after it are the three years, oldest first, and one said of "each year" is
all three. A span of other years (not ending last year, or not three) is a time the packs do not
have (OTHER): none of its figures is a year's count. Pure.
"""

from __future__ import annotations

import re
from datetime import date

from .question_vocab import OTHER, THREE_YEARS

__all__ = ["year_spans", "join_year_lists"]

_YEAR = r"(?:19|20)\d\d"
#: "2019-2021年", "2019年到2021年度", "2019至2021", "2019、2020、2021年", "2019/2020/2021"
_SPAN = re.compile(
    rf"(?<![\d.])(?P<first>{_YEAR})\s*年?\s*(?:(?:-|~|～|—|–|到|至|to)\s*(?P<last>{_YEAR})"
    rf"|(?P<list>(?:\s*[、,，/和及]\s*{_YEAR}\s*年?){{2}}))\s*(?:年度|年)?(?![\d.%])")
_LIST = re.compile(rf"(?<![\d.])({_YEAR})\s*年?\s*[、,，/和及]\s*({_YEAR})\s*年?\s*[、,，/和及]\s*({_YEAR})(?![\d.%])")


def join_year_lists(text: str) -> str:
    """"2019、2020、2021年" as "2019-2021年": three years in a row said one by one are one time, not
    three clauses (a list is split at 、)."""
    def joined(m: re.Match) -> str:
        a, b, c = (int(m.group(i)) for i in (1, 2, 3))
        return f"{a}-{c}" if b == a + 1 and c == b + 1 else m.group(0)
    return _LIST.sub(joined, text)


def year_spans(text: str, as_of: date | None) -> list[tuple[int, int, str]]:
    """(start, end, kind) of each span of years named in ``text``."""
    out = []
    for m in _SPAN.finditer(text):
        first = int(m.group("first"))
        if m.group("last"):
            last = int(m.group("last"))
            years = list(range(first, last + 1)) if first <= last else []
        else:
            years = [first] + [int(y) for y in re.findall(_YEAR, m.group("list"))]
        last_three = as_of is not None and years == [as_of.year - 3, as_of.year - 2, as_of.year - 1]
        out.append((m.start(), m.end(), THREE_YEARS if last_three else OTHER))
    return out
