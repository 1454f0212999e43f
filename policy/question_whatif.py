"""A question that supposes its own case, or denies a negation (issue 16, round 18).

"假如今年PCT进美国那件授权了，能拿县里的PCT奖励吗", "要是明年贯标认证通过，我们能拿奖励吗": an owner who
opens with a supposition of the company's own case and asks about a programme means a what-if
(issue 16, item 3: a stated fact is a what-if); the answer is on the facts supposed, as if told.
A supposition further in ("…能拿吗？如果没有的话…") or one about any company ("如果企业打赢了
官司…") stays a supposition and states nothing.

"不是没立项，省里的项目文件已经下来了", "不是没有高价值专利，…": a negation denied (the asker
correcting what was assumed) says the thing is had or done.

"严重失信？没有。非正常申请？也没有。": a question the asker answers at once is an item of a form
answered ("严重失信：没有"). Pure text rewrites, before reading.
"""

from __future__ import annotations

import re

__all__ = ["as_told"]

#: a supposition opening the message, perhaps after a programme's name and a colon, or a follow-up's
#: opening ("还是上次那个，"): the word itself, read away
_OPENING_SUPPOSITION = re.compile(
    r"^(?P<head>\s*(?:[^,，。;；:：?？!！\n]{1,16}[:：]\s*)?)(?:假如说|假如|如果说|如果|要是|假设|假使|倘若)(?=[^,，。;；?？!！\n]{2,})")
#: about any company, not the asker's: "如果企业…", "要是一家公司…", "如果有的企业…"
_ANY_COMPANY = re.compile(r"^(?:有的|一家|某个|某家|别的)?(?:企业|公司|单位|厂家)")
#: the message asks something after the supposition
_ASKS = re.compile(r"吗|？|\?|呢|能不能|可不可以|能否|有没有|行不行|够不够|(?:可以|能报|能拿|能申请|能评|行|够|有份)吧")
#: a negation denied: "不是没有X" has X, "不是没X" / "并不是没X" did X
_DENIED_HAVE = re.compile(r"(?:并)?不是没有")
_DENIED_DONE = re.compile(r"(?:并)?不是没(?P<verb>[\u4e00-\u9fff]{1,4}?)(?=[,，。;；!！\s]|$)")
#: a short question answered by the asker right after it: "非正常申请？也没有。"
_SELF_ANSWERED = re.compile(r"(?<=[^,，。;；:：?？!！\s吗呢])[?？]\s*(?:也|都|还)?(?P<answer>没有|没|无|不是|有|是)\s*(?=[,，。;；!！.\n]|$)")


def as_told(text: str) -> str:
    """``text`` with an opening supposition of the company's own case read as told, a denied
    negation as what it affirms, and a question answered at once as a form's item."""
    text = _SELF_ANSWERED.sub(lambda m: "：" + m.group("answer"), text)
    text = _DENIED_HAVE.sub("有", text)
    text = _DENIED_DONE.sub(lambda m: m.group("verb") + "了", text)
    m = _OPENING_SUPPOSITION.match(text)
    if m and not _ANY_COMPANY.match(text, m.end()) and _ASKS.search(text, m.end()):
        return m.group("head") + text[m.end():]
    return text
