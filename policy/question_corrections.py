"""A figure corrected by the asker: "今年拿了四件发明授权，不对，刚又查了一下系统是五件", "有效发明专利21件，
但是有一件上个月失效了，现在20件" (issue 16, round 11). A second figure of a fact already read, with a
word of correction or of the present just before it, replaces the first; without one, the first stands
and the second is reported as repeated. A yes or no said again right after a word of correction ("项目没批 哦不对
是批了", "啊不是我看错了") replaces the first too (round 14). A total told after an increase to come ("再授权两件，今年就一共有5件")
replaces the increase (round 18). Pure.
"""

from __future__ import annotations

import re

__all__ = ["corrects"]

#: a correction ("不对", "说错了", "更正一下") or the state now ("现在", "目前") shortly before the figure
_CORRECTION = re.compile(r"(不对|说错了|说错|搞错了|记错了|看错了|看错|口误|抱歉|不好意思|啊不是|哦不是|呃不是|不是不是|更正|纠正|准确地说|准确说|实际上|其实是|现在|目前|如今)"
                         r"[^。！？!?\n]{0,14}$")


#: a new application told after one made before ("去年申请过一件被驳回了 现在重新申请一件"): another one, no correction
_ANOTHER = re.compile(r"(重新|再次|再|又|准备|打算)(提交|申请|申報|申请了)[^。！？!?\n，,]{0,2}$")


#: a yes or no corrected ("项目没批 哦不对是批了"): a word of correction only, not of the present
#: ... or an apology for it ("获批了，哦抱歉，是进入答辩环节，还没批")
_SAID_WRONG = re.compile(r"(不对|说错了|说错|搞错了|记错了|看错了|看错|口误|抱歉|不好意思|啊不是|哦不是|呃不是|不是不是|更正|纠正)"
                         r"[^。！？!?\n]{0,14}$")


#: more to come, then the total ("年底前再授权两件，今年就一共有5件"): the total is the count, the first figure the increase
_TOTAL_AFTER_MORE = re.compile(r"(再|又|还要|还会|还能)[^。！？!?\n]{0,20}(一共|总共|加起来|合计|总计)[^。！？!?\n]{0,8}$")


def corrects(text: str, start: int, flag: bool = False) -> bool:
    """Whether the figure (``flag``: the yes/no word) at ``start`` corrects an earlier one of the same fact."""
    if flag:
        return _SAID_WRONG.search(text, max(0, start - 16), start) is not None
    if _ANOTHER.search(text, max(0, start - 16), start):
        return False
    return _CORRECTION.search(text, max(0, start - 16), start) is not None \
        or _TOTAL_AFTER_MORE.search(text, max(0, start - 36), start) is not None
