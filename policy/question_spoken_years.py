"""Years said in Chinese digits, as voice input writes them: "二零二零年通过了验收", "利税一九年两千五百万
二零年三千万" name 2020, 2019 and 2020 (issue 16, round 14).

Four Chinese digits before 年 are a year ("二零二零年", "二〇一九年"); two of them ("一九年", "二零年") are
turned into the two Arabic digits a chat would type ("19年"), so that :mod:`policy.question_short_years`
decides, with its own exceptions ("用了一九年" is no year), whether they name one. Only the digits 零〇一…九
are read so, never 十 or 两: "二十年", "十九年" and "一两年" count years. Pure.
"""

from __future__ import annotations

import re

__all__ = ["spoken_years"]

_DIGIT = {"零": "0", "〇": "0", "○": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7",
          "八": "8", "九": "9"}
_D = "[零〇○一二三四五六七八九]"
#: 一九九八年, 二零二零年: a year in full
_FULL = re.compile(rf"(?<![零〇○一二三四五六七八九十百千万两\d])([一二]{_D}{{3}})(?=\s*年)")
#: 一九年, 二零年: a year's last two digits, 15 to 29, as a chat types "19年"
_SHORT = re.compile(rf"(?<![零〇○一二三四五六七八九十百千万两\d])(一[五六七八九]|二{_D})(?=\s*年)")


def _digits(m: re.Match[str]) -> str:
    return "".join(_DIGIT[c] for c in m.group(1))


def spoken_years(text: str) -> str:
    """``text`` with each year said in Chinese digits written in Arabic ones ("二零二零年" -> "2020年",
    "一九年" -> "19年")."""
    return _SHORT.sub(_digits, _FULL.sub(_digits, text))
