"""The company's own status or project told with its level unknown, and a programme asked about (issue 16,
round 25a).

"我们也算专精特新企业，具体哪一级我不太清楚，优先审查能推荐吗", "项目批下来了，不记得是市里的还是省里的，有奖励吗":
the asker tells a fact of the company the programme turns on (小巨人 is a national 专精特新 level; 项目引领 asks
for a national or provincial project) and says they do not know the level. That is the company's case, not the
rule's text: the engine's answer says what it still needs to know (policy.question_project_level drops the
approval itself). Only with the speaker (我们, 我司 …) and a doubt of a level said. Pure.
"""

from __future__ import annotations

import re

from .question_flags import SPEAKER

__all__ = ["unsure_of_own_level"]

_DOUBT = r"(不太清楚|不大清楚|不清楚|不确定|不太确定|不知道|记不清|不记得|搞不清|说不准)"
#: "哪一级我不太清楚", "什么级别不确定", "不记得是市里的还是省里的", "不清楚是国家级还是省级"
_UNSURE_LEVEL = re.compile(
    rf"(哪一?级|哪个级别|什么级别|几级)[^,，。；;！？!?]{{0,6}}{_DOUBT}|"
    rf"{_DOUBT}[^,，。；;！？!?]{{0,4}}(国家|省|市|县|区)[^,，。；;！？!?]{{0,6}}还是[^,，。；;！？!?]{{0,3}}(国家|省|市|县|区)")


def unsure_of_own_level(text: str) -> bool:
    """Whether ``text`` (as read) tells of the company with a level it says it does not know."""
    return SPEAKER.search(text) is not None and _UNSURE_LEVEL.search(text) is not None
