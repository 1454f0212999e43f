"""Funds asked about as paid at once or in parts: a question of how they are paid (round 23e).

SME owners ask how a programme's money comes by offering the two ways: "钱是一次给还是分两次",
"资金是一次拨还是分两次拨", "是不是分期拨". The guides answer it in the words 拨付 ("立项后拨付一定启动资金，
…根据评估情况拨付剩余资金", 140号 附件2/3 五（三）), which such a question never uses, while its own words
(一次, 两次) are in no clause: it used to miss the clause on coverage and was forwarded. Read as the
question the texts answer, "怎么拨付" (search.lexicon PAID_HOW: answered only from a clause that says
拨付). When the money arrives ("什么时候拨") stays a specialist's (NOT_IN_TEXTS). Pure.
"""

from __future__ import annotations

import re

__all__ = ["INSTALLMENTS", "read_installments"]

_GIVE = r"(给|拨|发|付|拨付|下拨|下达|到位|打款)"
#: "一次(性)给还是分两次(给)", "是分期拨还是一次拨完", "分几次拨付", "分两笔给"
INSTALLMENTS = re.compile(
    rf"一次(性)?{_GIVE}{{0,2}}(完|清|齐)?(的)?(呢)?(,)?还是(要)?分(成)?(两|二|2|几|多|三|3)?(次|期|笔|批){_GIVE}{{0,2}}"
    rf"|(是不是|是)?分(成)?(两|二|2|几|多|三|3)?(次|期|笔|批){_GIVE}(的)?(还是一次(性)?{_GIVE}?(完|清|齐)?)?"
)


def read_installments(normalised: str) -> str:
    """``normalised`` with an offer of the two ways to pay read as "怎么拨付"; unchanged otherwise."""
    return INSTALLMENTS.sub("怎么拨付", normalised)
