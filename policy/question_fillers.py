"""Voice input's hesitation sounds left out (issue 16, round 24a).

A question dictated to a phone keeps the speaker's pauses as words: "我们今年嗯 发明专利授权了 呃 十件".
嗯 and 呃 are no part of any word the fact reader knows, but glued to a figure's time or unit they split it
from its noun ("今年嗯" is no time the reader knows). They are read as the pause they are: a space, so the
run-on reading (a space between Chinese words is a comma) sets the clauses apart as a speaker would. 呃 in
"呃不是" (a self-correction, policy.question_corrections) is kept. Pure.
"""

from __future__ import annotations

import re

__all__ = ["without_fillers"]

#: 嗯 / 呃 (repeated or not), with the spaces and commas around them; not 呃 opening a correction ("呃不是")
_FILLER = re.compile(r"[\s，,]*(?:嗯+|呃+(?!不是))[\s，,]*")


def without_fillers(text: str) -> str:
    """``text`` with each hesitation sound read as a pause (a space); at the start or end, nothing."""
    return _FILLER.sub(" ", text).strip()
