"""A figure told in a clause of its own after its noun, with only a hedge or a copula before it: "有效的发明专利，
大概是三十件", "高价值专利，一共有6件" (issue 16, round 25a).

A speaker names what is counted, pauses, and gives the figure with 是 / 有 (and maybe 大概, 一共) in the next
clause. The comma cuts the figure from its noun, and a figure with a word before it is not read as "a count alone
in its clause" (which counts what the clause before named). The comma is taken out when the clause before names
no figure and asks nothing, so the noun and its figure are one clause again; the hedge stays for the reading of
approximations (policy.question_about). Pure.
"""

from __future__ import annotations

import re

__all__ = ["with_copula_figure"]

_NUM = r"(?:\d+(?:\.\d+)?|[零一二两三四五六七八九十百]+)"
#: a comma, then a clause of hedge + copula + figure + unit only
_PAUSE = re.compile(r"[,，]\s*(?=(?:大概|大约|差不多|一共|总共|总计|共)?(?:是|有)" + _NUM + r"\s*(?:件|个|项)(?:[,，。;；!！?？\n]|$))")
#: the clause before: its start
_CLAUSE_START = re.compile(r"[,，。;；!！?？\n:：]")
_ASKED_OR_FIGURE = re.compile(r"\d|[一二两三四五六七八九十]\s*(?:件|个|项|人|年|万)|多少|几|吗|什么|啥|怎么|哪|是否|能不能|要不要|有没有")


def with_copula_figure(text: str) -> str:
    """``text`` with the pause before a clause of copula and figure only taken out, where the clause before names
    no figure and asks nothing."""
    out, last = [], 0
    for m in _PAUSE.finditer(text):
        start = max((c.end() for c in _CLAUSE_START.finditer(text, 0, m.start())), default=0)
        before = text[start:m.start()]
        if not before.strip() or _ASKED_OR_FIGURE.search(before):
            continue
        out.append(text[last:m.start()])
        last = m.end()
    out.append(text[last:])
    return "".join(out)
