"""The trade a leading company names before its standing: "汽车零部件行业龙头", "省重点产业链链主" (round 23d).

An owner listing what the company is says which trade it leads: the trade's name stands right before
the word of its standing (行业龙头, 链主 …). The name is no other statement about the company, so a
clause made of it and the word is still a bare item of the list ("江苏独立法人工业企业，汽车零部件行业龙头；
…"): question_flags reads it as it reads "行业龙头" alone. Only a name that ends in the word for a
trade or a chain (行业, 产业链, 领域 …), or stands before a word that opens with one, is taken as a
trade's name. Pure.
"""

from __future__ import annotations

import re

__all__ = ["trade_named"]

#: a trade's name ending in the word for a trade, right before the word read ("省重点产业链" + 链主)
_TRADE_ENDING = re.compile(r"[\u4e00-\u9fff]{1,8}(行业|产业链|产业|领域|板块|赛道)$")
#: a trade's name right before a word that opens with the word for a trade ("汽车零部件" + 行业龙头)
_TRADE_BEFORE = re.compile(r"[\u4e00-\u9fff]{1,8}$")
_OPENS_TRADE = ("行业", "产业", "领域")
#: what a trade's name never holds: a negation, an ask, a supposition, a time or a kind of company
_NOT_TRADE = re.compile(r"没|不|未|无|吗|能|想|要|如果|假如|是|有|年|企业|公司")
#: the words of a company's standing in its trade
_STANDING = re.compile(r"龙头|链主|骨干|领军|领先")


def trade_named(before: str, word: str) -> int:
    """How many characters at the end of ``before`` name the trade of ``word`` (0: none)."""
    if not _STANDING.search(word):
        return 0
    found = _TRADE_ENDING.search(before) or (_TRADE_BEFORE.search(before) if word.startswith(_OPENS_TRADE) else None)
    if found is None or _NOT_TRADE.search(found.group(0)):
        return 0
    return len(found.group(0))
