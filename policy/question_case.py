"""The company's own case told beside a programme named, with no fact the reader can weigh (issue 16, round 24c).

Two ways owners write that are fact questions although no fact of the programme's is read:

* **told, nothing asked**: "项目引领这块，我们公司有个知识产权项目，级别我不太清楚", "贯标奖励的事，我们正在准备认证审核".
  A message that names a programme and speaks of the company (我们, 我司 …) without asking anything lays its case
  before us; the engine's answer (what is met, what it still needs to know) is what it wants, not the rule's
  text. An indirect doubt ("不知道是不是走的PCT") asks nothing.
* **how asked, a holding or a step told**: "PCT奖怎么拿？我们有国外专利", "…需要什么条件，我们今年报了个省项目".
  Asking how to get a programme while telling what the company has or has done (有, 报了, 打算申报 …) asks how
  its own case stands. A status alone ("我们是中小企业，怎么申请") is not such a step: that asks the procedure,
  and is searched (a status with the conditions asked is :mod:`policy.question_conditions`'s).

Pure.
"""

from __future__ import annotations

import re

from .question_flags import SPEAKER

__all__ = ["tells_own_case"]

#: any asking, as :mod:`policy.question_implied` reads it; a wish ("我们也想评") asks too, of a case not told
_ASKING = re.compile(r"吗|呢|？|\?|怎么|怎样|什么|啥|哪|多少|几|如何|能|可以|是否|是不是|有没有|会不会|算不算|要不要|吧|想")
#: a doubt said, not asked: "不知道是不是走的PCT", "哪一级的我也搞不清", "级别我不太清楚"
_DOUBT = re.compile(r"(不知道|不清楚|不确定|搞不清|记不清|说不准)(是不是|有没有|是否|哪|什么)|"
                    r"(是)?哪一?(级|个)的?[^，,。！？!?]{0,6}(不知道|不清楚|搞不清|要查|得查|得问|要问)")
#: a count said, not asked: "有几件国外专利", "报了好几个项目"
_SOME = re.compile(r"(有|好|十)几")
#: how the programme is got, or what it asks: "怎么拿", "怎么算", "怎么奖", "需要什么条件"
_HOW = re.compile(r"怎么(拿|算|奖|申请|申报|报|弄|办)|(需要|要)(什么|啥|哪些)条件|(要|需要)满足(啥|什么|哪些)")
#: the company's holding or step told, right after the speaker: "我们有国外专利", "我们今年报了个省项目",
#: "我们打算明年申报省级项目" (not "我们有没有", nor "我们是…": a status is no step)
_STEP = re.compile(r"(我们|我司|本公司|我公司|咱们)(公司|企业|厂)?(今年|去年|前年|已经|也|刚|之前|明年)?"
                   r"(有(?!没|无)|报了|报过|申报了|申报过|申请了|提交了|打算|准备|拿了|拿到了)")


def tells_own_case(text: str) -> bool:
    """Whether ``text`` (as read, a programme named) tells the company's case and asks nothing, or asks how to
    get the programme while telling what the company has or has done."""
    if SPEAKER.search(text) is None:
        return False
    if _ASKING.search(_SOME.sub("", _DOUBT.sub("", text))) is None:
        return True
    return _HOW.search(text) is not None and _STEP.search(text) is not None
