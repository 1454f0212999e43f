"""An approved project whose level the asker says they do not know (issue 16, round 19). 项目引领 (001 三（三）)
rewards a national or provincial IP project approved; a city or county one is no such project. "是哪一级的我也说不清",
"是国家局的还是市局的，我得问下", "不确定算省级还是市级", "级别我不太清楚" (round 20) say the level is not known: the approval is told (the question is about the
company, and goes to the engine) but is not the fact the programme asks, so the engine says what it still needs to
know, as :mod:`policy.question_routes` does for a grant abroad whose route is unsaid. An approval told with no word
of its level at all ("立项已经批下来了") is still read as the programme's (tests/unit/test_question_reading_round7.py
holds it so, although several parts label it unknown: see the round 19 report). A no ("项目还没批") is kept whatever
the level: no approval is none at any level. Pure.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .question_facts import QuestionFacts

__all__ = ["APPROVED", "without_unsaid_level"]

APPROVED = "ip_project_approved"

#: the asker does not know the level: "哪一级的", "什么级别", "是国家局的还是市局的"
_UNSURE = re.compile(r"哪一级|哪级|哪一級|哪級|什么级别|什么級別|哪个级别|哪個級別|级别不清楚|级别不确定|"
                     r"(国家|國家|省)[^，。,.;；！？!?]{0,12}还是[^，。,.;；！？!?]{0,8}(市|区|县|區|縣|省)|"
                     r"which level|not sure (of|about) the level", re.IGNORECASE)
#: ... or says in so many words that it is not sure of the level (round 20)
_LEVELS = r"(国家级|省级|市级|县级|区级|国家的|省里的|市里的|县里的|区里的|国家|省|市|县|区)"
_DOUBTS = r"(不确定|不清楚|不太清楚|不知道|搞不清|搞不清楚|说不准|不好说|不太确定|没搞清)"
_DOUBT = re.compile(
    rf"{_LEVELS}还是{_LEVELS}|级别[^，,。；;！？!?]{{0,6}}{_DOUBTS}|{_DOUBTS}[^，,。；;！？!?]{{0,8}}(级别|哪一?级|什么级|几级)|"
    r"(not sure|don't know|do not know|unsure)[^.?!]{0,30}(level|provincial or|national or|city or)",
    re.IGNORECASE)


def without_unsaid_level(read: QuestionFacts) -> QuestionFacts:
    """``read`` without an approval whose level the asker says they do not know."""
    if read.facts.get(APPROVED) is not True or not (_UNSURE.search(read.text) or _DOUBT.search(read.text)):
        return read
    return replace(read, facts={k: v for k, v in read.facts.items() if k != APPROVED})
