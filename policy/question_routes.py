"""A grant abroad is a PCT grant only where the question says it came through PCT (issue 16, round 15).

001 三（一） rewards a foreign invention grant obtained **through PCT**; a patent filed directly abroad
(Paris route) is not one. "拿到一件德国发明专利授权，能享受PCT奖励吗" names PCT only as the reward's
name: the grant is told, its route is not, so the count is no PCT grant and the engine says what it
still needs to know. A question that names the route anywhere else ("走PCT", "PCT进入国家阶段",
"national phase") keeps it.

Round 20: the route said to be unknown ("走的巴黎公约还是PCT我得去问代理", "不知道是不是走的PCT") is unsaid too,
and grants abroad said to have come another way ("都是直接向欧洲专利局申请的，没走PCT") are no PCT grant: the count
of them is of grants abroad, and none came through PCT. Pure.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .question_facts import QuestionFacts
from .question_foreign_designs import only_other_kinds_abroad

__all__ = ["GRANTS", "route_unsaid", "without_unsaid_route", "route_doubted", "route_denied"]

GRANTS = "pct_foreign_invention_grants"
#: the reward's own names, which say nothing of how a grant came
_REWARD_NAME = re.compile(r"pct\s*的?\s*(奖励|奖|reward|award|grant reward)", re.IGNORECASE)
_ROUTE = re.compile(r"pct|ptc|国家阶段|国际申请|national phase|national-phase", re.IGNORECASE)
#: the route asked or not known: "巴黎公约还是PCT", "是不是走的PCT", "not sure whether it went through PCT"
_DOUBT = re.compile(r"还是\s*(走的?|通过|经)?\s*pct|pct\s*还是|(是不是|是否|有没有)\s*(走的?|通过|经过?)?\s*pct|"
                    r"(不知道|不清楚|不确定|搞不清|记不清|忘了)[^，,。！？!?]{0,6}(走的?|通过|经过?)\s*pct|"
                    r"(not sure|don't know|do not know|unsure)[^.?!]{0,20}(through|via) (the )?pct|"
                    r"(pct|paris)[^.?!]{0,6} or (the )?(pct|paris)", re.IGNORECASE)
#: another route said: "没走PCT", "不是通过PCT", "直接向欧洲专利局申请的", "not through PCT"
_DENIED = re.compile(r"(没有?|未|不是|并非|都不是|都没有?)\s*(走的?|通过|经过?)的?\s*pct|"
                     r"直接(向|去|在|到)[^，,。；;！？!?]{0,8}(申请|提交|递交|报)|巴黎公约|巴黎途径|"
                     r"not (through|via) (the )?pct|(did ?n[o']t|never) (go|come|went) (through|via) (the )?pct|"
                     r"(filed|applied) directly (with|at|to|in)|paris (convention|route)", re.IGNORECASE)


def route_unsaid(text: str) -> bool:
    """Whether ``text`` names PCT (or a national phase) only as the reward's name."""
    return _ROUTE.search(_REWARD_NAME.sub("", text)) is None


def route_doubted(text: str) -> bool:
    """Whether ``text`` says the grant's route is not known, or asks which it was."""
    return _DOUBT.search(_REWARD_NAME.sub("", text)) is not None  # "有没有PCT奖励" asks of the reward, not the route


def route_denied(text: str) -> bool:
    """Whether ``text`` says the grants came another way than PCT, and names PCT nowhere else as their route."""
    return _DENIED.search(text) is not None and route_unsaid(_DENIED.sub("", text))


def without_unsaid_route(read: QuestionFacts) -> QuestionFacts:
    """``read`` without a count of PCT grants whose route the question does not say (or says it does
    not know), and with none where it says they came another way."""
    if GRANTS in read.facts and route_doubted(read.text):
        return replace(read, facts={k: v for k, v in read.facts.items() if k != GRANTS})
    if read.facts.get(GRANTS) and route_denied(read.text):
        return replace(read, facts={**read.facts, GRANTS: 0})
    if GRANTS not in read.facts and only_other_kinds_abroad(read.text):  # "海外只有一件外观设计": no PCT grant
        return replace(read, facts={**read.facts, GRANTS: 0})
    if not read.facts.get(GRANTS) or not route_unsaid(read.text):
        return read
    return replace(read, facts={k: v for k, v in read.facts.items() if k != GRANTS})
