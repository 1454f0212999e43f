"""A form's title in square brackets opening the message: "【高价值专利培育新建项目自查】1.江苏注册的独立法人企业；…"
(issue 16, round 25a).

A self-check pasted from a form opens with its title in 【】 and runs on with the items. The title is read as
a heading ("…自查：1.…"), as a title ending in a colon is: what follows is the company's own list, told (its
items are read as the company's, as a form's lines are), and the first item's mark "1." is a list mark. Pure.
"""

from __future__ import annotations

import re

__all__ = ["titled"]

#: a bracketed title at the very start, of a few words, not a question
_TITLE = re.compile(r"^\s*[【\[]([^】\[\]?？]{2,40})[】\]]\s*(?=\S)")


def titled(text: str) -> str:
    """``text`` with an opening bracketed title read as a heading and a colon."""
    return _TITLE.sub(lambda m: m.group(1) + "：", text, count=1)
