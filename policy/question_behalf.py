"""A question asked for a client: "帮客户问一下 客户是江苏注册的独立法人…", "替客户问 他们是国家级小巨人",
"我是财务顾问 帮我们客户问…" (issue 16, round 14). An agent, an accountant or an adviser tells the client's
facts as a company owner tells the company's own: when the message says it asks for a client, the client
(客户, 他们) is read as the asker's company (我们), so that the readers of figures and yes/no facts, which
look for 我们 as the subject, read them. The words keep their length, so positions in the text hold. Pure.
"""

from __future__ import annotations

import re

__all__ = ["as_asker"]

#: the message says it asks for a client
_FOR_CLIENT = re.compile(r"(帮|替|代|给)(我们的?|我的)?(客户|委托人)(问|咨询|打听|了解)|(客户|委托人)(让|叫|托|请)我(问|咨询)|"
                         r"代理机构|代理公司|我是代理|我是财务|我是顾问|帮客户|替客户")
#: the client as the subject: "客户是…", "客户去年…", "他们是…"; not the asker's own clients ("我们的客户")
_CLIENT = re.compile(r"(?<!的)(?<!我们)(客户|他们)")


def as_asker(text: str) -> str:
    """``text`` with the client named as 我们 where the message asks for a client, else unchanged."""
    if not _FOR_CLIENT.search(text):
        return text
    return _CLIENT.sub("我们", text)
