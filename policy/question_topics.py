"""A topic said first, then its figure after a pause: "有效发明嘛，去年底是29件", "高价值专利呢，有6件".

People name what they are about to count, pause with a particle (嘛, 呢, 啊, 呀) and a comma, and give the
figure in the next clause. The comma would cut the figure from its word, and the figure would count what an
earlier clause named. The particle and the comma are taken out, so the topic and its figure are one clause
again ("有效发明去年底是29件"). Only a short topic of no figure and no question ("多少件呢，") opening its
clause, with a figure early in the next clause. Pure.
"""

from __future__ import annotations

import re

__all__ = ["as_topic"]

#: a topic said alone, then a pause particle and a comma, then its figure: "有效发明嘛，去年底是29件",
#: "高价值专利呢，有6件": a few words of no figure or question opening the clause
_TOPIC = re.compile(r"(?:(?<=^)|(?<=[,，。;；:：\s]))(?P<topic>[\u4e00-\u9fffA-Za-z]{2,8}?)(?:嘛|呢|么|啊|呀|哈)[,，]\s*"
                    r"(?=[^,，。;；!！?？\n]{0,12}?(?:\d|[一二两三四五六七八九十]+\s*(?:件|个|项|人)))")
_ASKED = re.compile(r"多少|几|吗|什么|啥|怎么|哪|是否|能不能|要不要|有没有")


def as_topic(text: str) -> str:
    """``text`` with a topic's pause particle and comma taken out, so that its figure is read with it."""
    return _TOPIC.sub(lambda m: m.group(0) if _ASKED.search(m.group("topic")) else m.group("topic"), text)
