"""The conditions of a programme asked by a company that says what it is: "项目引领这块奖励，我们是高企，具体要满足啥".

An owner who tells a status of the company (高企, 小巨人, 中小企业 …) and asks what the programme requires wants
the conditions held against the company: the engine's answer lists what is met and what is still to be told,
which is the rule and the verdict at once. The status need not be one the programme uses (a high-tech enterprise
asking about the project reward): it is said as the company's case. Without a status told ("项目引领要满足啥")
the question asks the rule and is searched. Pure.
"""

from __future__ import annotations

import re
from typing import Any

from .question_flags import SPEAKER

__all__ = ["asks_conditions_told"]

#: the conditions asked: "要满足啥", "需要满足什么", "要什么条件", "具体有啥要求"
_CONDITIONS = re.compile(r"(要|需要|得|必须)满足(啥|什么|哪些|些什么)|(要|需要)(啥|什么|哪些)条件|(有|是)(啥|什么|哪些)(条件|要求)"
                         r"|条件是(啥|什么)|要求是(啥|什么)")


def asks_conditions_told(text: str, facts: dict[str, Any]) -> bool:
    """Whether ``text`` (as read), in which the company is told of (``facts``, 我们 …), asks the conditions."""
    return bool(facts) and SPEAKER.search(text) is not None and _CONDITIONS.search(text) is not None
