"""A project approved by the county or the city (issue 16, round 26b). 项目引领 (001 三（三）) rewards a national
or provincial IP project approved; "县里批了我们一个知识产权项目", "市级知识产权项目已立项" is an approval, but not of
that level, so no national or provincial project is approved. Read only when the approval's clause names a county,
district or city level and no national or provincial one anywhere. Pure.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .question_facts import QuestionFacts

__all__ = ["local_approval"]

APPROVED = "ip_project_approved"

#: said of the approval itself ("县里批了", "市级知识产权项目"), not of the county plan's reward ("县里那个项目引领奖励")
_LOCAL = re.compile(r"(县|区|市)(里|级|里的|知识产权局|局)[^，。,;；！？!?]{0,6}(批|立项|立了项)|(县|区|市)级的?(知识产权)?项目(?!引领)|"
                    r"(county|city[- ]level|municipal)[^,.;!?]{0,20}(project|approv)", re.IGNORECASE)
#: a national or provincial level said anywhere
_HIGH = re.compile(r"国家|国知局|省|national|provincial", re.IGNORECASE)


def local_approval(read: QuestionFacts) -> QuestionFacts:
    """``read`` with an approval of a county or city project read as no project of the programme's level."""
    if read.facts.get(APPROVED) is not True or not _LOCAL.search(read.text) or _HIGH.search(read.text):
        return read
    return replace(read, facts={**read.facts, APPROVED: False})
