"""Characters typed for one that looks like them: "证卷化" is 证券化, "仟务" is 任务.

Handwriting input and a hurried pick from the candidate list give a character of the same
shape, not the same sound, so :mod:`search.homophones` (which reads by pinyin) does not
catch it: 卷 juan / 券 quan, 仟 qian / 任 ren. Such a typo leaves a word no clause holds
and the question is forwarded. A character of :data:`LOOK_ALIKE` is read as its twin only
where the two or three characters around it, as typed, are no word (neither the
dictionary nor the index knows them) and with the twin are a word of the index: correct
text ("试卷", "仟元") is never changed (round 26a).
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["LOOK_ALIKE", "read_look_alike"]

#: typed character -> the characters of the same shape it may stand for
LOOK_ALIKE: dict[str, str] = {
    "卷": "券",
    "券": "卷",
    "仟": "任",
    "侯": "候",
    "候": "侯",
    "拔": "拨",
    "拨": "拔",
    "贷": "货",
    "货": "贷",
    "汪": "注",
    "往": "注",
}


def read_look_alike(text: str, is_index_word: Callable[[str], bool],
                    known: Callable[[str], bool]) -> tuple[str, list[tuple[str, str]]]:
    """``text`` with each look-alike typo read as its twin, and the (typed, read) pairs."""
    if not any(ch in LOOK_ALIKE for ch in text):
        return text, []
    chars = list(text)
    changes: list[tuple[str, str]] = []
    for i, ch in enumerate(chars):
        for twin in LOOK_ALIKE.get(ch, ""):
            found = _window(chars, i, twin, is_index_word, known)
            if found:
                changes.append(found)
                chars[i] = twin
                break
    return "".join(chars), changes


def _window(chars: list[str], i: int, twin: str, is_index_word: Callable[[str], bool],
            known: Callable[[str], bool]) -> tuple[str, str] | None:
    for size in (3, 2):
        for start in range(max(0, i - size + 1), min(i, len(chars) - size) + 1):
            typed = "".join(chars[start:start + size])
            if not all("\u4e00" <= c <= "\u9fff" for c in typed):
                continue
            read = typed[: i - start] + twin + typed[i - start + 1:]
            if is_index_word(read) and not known(typed) and not is_index_word(typed):
                return typed, read
    return None
