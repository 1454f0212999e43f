"""What a title stated implies, for the programmes that ask it: a national 专精特新 "小巨人" is an SME by
definition (the title is given to small and medium-sized enterprises only), so "我们是专精特新小巨人 贯标认证
通过了 奖励能拿吗" states an SME for the 贯标 reward, which asks for one (issue 16, round 14).

Only a fact the programmes named use, and only where the question does not state it itself, is added;
elsewhere the facts read stay what the words say. Pure.
"""

from __future__ import annotations

from typing import Any, Iterable

__all__ = ["with_implied"]

#: a fact stated true -> the facts it makes true
IMPLIED = {"is_little_giant": ("is_sme",)}


def with_implied(facts: dict[str, Any], used: Iterable[str]) -> dict[str, Any]:
    """``facts`` with what their titles imply, for the facts in ``used`` not stated."""
    wanted = set(used)
    out = dict(facts)
    for title, implied in IMPLIED.items():
        if facts.get(title) is True:
            out.update({f: True for f in implied if f in wanted and f not in facts})
    return out
