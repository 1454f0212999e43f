"""A negation that is half of a question ("批没批我还不清楚", "有没有授权我得问问代理", "过没过"): the
A-not-A form asks whether, and states neither the yes nor the no (issue 16, round 14). The readers of
yes/no facts and of counts stated as none skip a negation so placed. Pure.
"""

from __future__ import annotations

__all__ = ["asked_either"]

#: a word whose last character is the one repeated: "现在没在承担" is no "在没在" asked
_WORDS_BEFORE = frozenset({"现在", "正在", "实在", "存在", "所在", "好在"})


def asked_either(text: str, start: int, end: int) -> bool:
    """Whether a 没 or 不 in ``text[start:end]`` stands between a character and the same one again:
    "批没批", "有没有", "过不过" (a word said twice around its negation)."""
    return any(text[i] in "没不" and 0 < i < len(text) - 1 and text[i - 1] == text[i + 1]
               and "\u4e00" <= text[i - 1] <= "\u9fff" and text[max(0, i - 2):i] not in _WORDS_BEFORE
               for i in range(max(start, 1), min(end, len(text) - 1)))
