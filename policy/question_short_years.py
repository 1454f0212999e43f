"""Years said by their last two digits, as in a chat: "21年利税1500万", "项目17年就验收了",
"利税19年1800万 20年2500万 21年3000万" name 2021, 2017 … (issue 16, round 12).

Only two digits from 15 to 29 followed by 年 are read so, and not where the figure counts years
("商标用了12年", "维持20年以上", "近20年来"): a word of duration just before ("用了", "满", "超过" …)
or just after ("以上", "多", "来", "左右" …) keeps it a number of years. A list of years whose 年 is said once, after the last ("2019、2020、2021年利税分别…",
round 22), names each of them: every year of it gets its 年. Pure.
"""

from __future__ import annotations

import re

__all__ = ["full_years"]

_SHORT_YEAR = re.compile(
    r"(?<![\d.%])(?<!了)(?<!用)(?<!满)(?<!近)(?<!过)(?<!达)(?<!续)(?<!持)(?<!约)(?<!有)(?<!第)(?<!超)(?<!足)(?<!每)"
    r"(1[5-9]|2\d)(?=\s*年(?!以上|以来|来|多|内|左右|之内|之久|整|半|期|限|度以上))")

#: a year of a list whose 年 comes once, after the last: "2019、2020、2021年" (not after a digit: no part of a number;
#: after "5." only where the 5 numbers a list's item: "；5.2019、2020、2021年利税…")
_LISTED_YEAR = re.compile(r"(?<!\d)(?<![^\d\s,，;；:：、]\.)(?<!\d\d\.)((?:19|20)\d\d)(?=\s*[、,，和及与]\s*(?:(?:19|20)\d\d\s*[、,，和及与]\s*)*(?:19|20)\d\d\s*年)")

#: ... said by two digits: "19、20、21年"
_LISTED_SHORT = re.compile(r"(?<![\d.])(1[5-9]|2\d)(?=\s*[、,，和及与]\s*(?:(?:1[5-9]|2\d)\s*[、,，和及与]\s*)*(?:1[5-9]|2\d)\s*年(?!以上|以来|来|多|内|左右))")


def full_years(text: str) -> str:
    """``text`` with each two-digit year written in full ("21年" -> "2021年"), and each year of a list
    its 年 ("2019、2020、2021年" -> "2019年、2020年、2021年")."""
    return _LISTED_YEAR.sub(r"\1年", _SHORT_YEAR.sub(lambda m: "20" + m.group(1), _LISTED_SHORT.sub(r"\1年", text)))
