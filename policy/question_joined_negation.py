"""A negation said once before two things joined by 和/及/或: "无失信和非正常申请", "无违法或失信记录".

"没有A和B" is read as negating both already (没有 is a negation of the near kind, a few characters
before the word). 无 is not, alone, since it opens words of their own (无锡, 无形资产); but 无 that
opens a clause, followed by one short item and a joining word, negates what comes after the joining
word too: the company has neither. Pure.
"""

from __future__ import annotations

import re

__all__ = ["negated_with_joined"]

#: 无 opening the clause or after its subject (or 均/并/也), one item of a few characters, then 和/及/与/或 right before the word
_JOINED = re.compile(r"(?:^|[,，。;；:：\s]|我们|我司|本公司|公司|企业)\s*(?:均|并|也|都)?无(?!锡|形|论|人|需|须|法)[^,，。;；、!！?？和及与或\d]{1,8}"
                     r"(?:和|及|与|以及|或|或者)$")


def negated_with_joined(before: str) -> bool:
    """Whether ``before`` (its clause up to the word) ends with 无 + an item + a joining word."""
    return _JOINED.search(before) is not None
