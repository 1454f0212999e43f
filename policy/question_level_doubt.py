"""A project approved whose level the asker does not know is no approved national or provincial project
(issue 16, round 20).

项目引领 (001 三（三）) rewards a national or provincial IP project approved; a city or county one is not one.
"我们有个知识产权项目批了，但不确定算省级还是市级" and "有个项目，级别我不太清楚" tell of a project, and say
in so many words that the level which decides is not known: the approval is kept out, and the engine says
what it still needs to know. A project said not approved stays not approved, whatever its level. Pure.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .question_facts import QuestionFacts

__all__ = ["APPROVED", "level_doubted", "without_doubted_level"]

APPROVED = "ip_project_approved"
_LEVELS = r"(国家级|省级|市级|县级|区级|国家的|省里的|市里的|县里的|区里的|国家|省|市|县|区)"
_UNSURE = r"(不确定|不清楚|不太清楚|不知道|搞不清|搞不清楚|说不准|不好说|不太确定|没搞清)"
_DOUBT = re.compile(
    rf"{_LEVELS}还是{_LEVELS}|级别[^，,。；;！？!?]{{0,6}}{_UNSURE}|{_UNSURE}[^，,。；;！？!?]{{0,8}}(级别|哪一?级|什么级|几级)|"
    r"(not sure|don't know|do not know|unsure)[^.?!]{0,30}(level|provincial or|national or|city or)",
    re.IGNORECASE)


def level_doubted(text: str) -> bool:
    """Whether ``text`` says a project's level is not known, or asks which of two it is."""
    return _DOUBT.search(text) is not None


def without_doubted_level(read: QuestionFacts) -> QuestionFacts:
    """``read`` without an approved project whose level the question says is not known."""
    if read.facts.get(APPROVED) is not True or not level_doubted(read.text):
        return read
    return replace(read, facts={k: v for k, v in read.facts.items() if k != APPROVED})
