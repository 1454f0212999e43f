"""A list closed by a negation: "海外维权、337调查、涉外纠纷、国内纠纷都没有" (issue 16, round 21).

People name the things a company lacks one after another with 、 and say "都没有" once, after the last item: the
negation holds for every item, as "没有任何维权、调查或者纠纷" (a negation before the first item) does. An item
before the last is read as negated when the list's last clause is closed by "都没有" / "均无" / "全都不是" and the
item says nothing of its own after its word. Pure.
"""

from __future__ import annotations

import re

__all__ = ["closed_by_negation"]

_CLAUSE_END = re.compile(r"[,，;；、。!！?？\n]")
#: the last item's clause: a few characters of its own, then "都没有" and at most a few more ("都没有过", "都没发生")
_ALL_NONE = re.compile(r"^[^,，。;；、!！?？吗呢]{1,12}(都|均|全都|全部|一概|也都)(还|从来)?(没有|没|未|无|不是|不存在)"
                       r"[^,，。;；、!！?？吗呢]{0,4}$")
#: what an item may say after its word and still be a bare item
_BARE_REST = re.compile(r"^[的\s]{0,2}$")


def closed_by_negation(text: str, c_end: int, rest: str) -> bool:
    """Whether the clause ending at ``c_end`` (its word followed by ``rest``) is an item of a list, said with 、,
    whose last clause closes it with a negation of all."""
    if c_end >= len(text) or text[c_end] != "、" or not _BARE_REST.match(rest):
        return False
    end = c_end
    while end < len(text) and text[end] == "、":
        nxt = _CLAUSE_END.search(text, end + 1)
        last_start, end = end + 1, (nxt.start() if nxt else len(text))
    return _ALL_NONE.match(text[last_start:end]) is not None
