"""Spoken regional words read as the written ones (issue 16, round 16).

Family firms in Suzhou, Wuxi, Nanjing and Subei type as they speak: "俺们木有PCT" is 我们没有PCT,
"奖励有份伐" is 有份吗 (Wu 伐 closes a question), "阿能报" is 能不能报 (Suzhou 阿 before a verb asks
it), "有奖励不" is 有奖励吗 (round 22), "不晓得" is 不知道, "头一回" is 第一次 (round 23c); a status said short, "高新证书到期了", is 高新技术企业. The fact reader knows the written words only (its subject words 我们, its
negations 没有, its question forms 能不能, its doubts 不知道), so a question is read with these
words written out first. Only forms that are no other word are changed: 伐 not after 步/采/砍 (步伐,
采伐), 高新 only where it is no 高新区 or 高新技术…, 阿 only right before a verb it asks (阿里巴巴 stays). Pure.
"""

from __future__ import annotations

import re

__all__ = ["written"]

#: spoken word -> written word; longest first where one holds another
_WORDS = (("木有", "没有"), ("俺们", "我们"), ("俺家", "我们"), ("俺厂", "我厂"), ("阿拉", "我们"),
          ("伲", "我们"), ("不晓得", "不知道"), ("晓不得", "不知道"), ("晓得", "知道"),
          # spoken "the first time" (round 23c): "头一回申请发明" is 第一次申请发明, the word the 首件 reading knows
          ("头一回", "第一次"), ("第一回", "第一次"), ("头一遭", "第一次"), ("头回", "第一次"))
_WORD = re.compile("|".join(map(re.escape, (w for w, _ in _WORDS))))
_WRITTEN = dict(_WORDS)
#: Suzhou 阿 + verb asks it: "阿能报" = 能不能报, "阿有" = 有没有, "阿是" = 是不是
_ASKED = re.compile(r"阿(?=(能|有|是|可以|行|算|够|符合))")
_A_NOT_A = {"能": "能不能", "有": "有没有", "是": "是不是", "可以": "可不可以", "行": "行不行", "算": "算不算", "够": "够不够",
            "符合": "符不符合"}
#: Wu 伐 (and 不啦) closing a question: 吗; not 步伐, 采伐, 砍伐, 讨伐, 征伐
_FA = re.compile(r"(?<![步采砍讨征杀])(?<=[\u4e00-\u9fff])(伐|不啦)(?=\s*([，,。.？?！!\s]|$))")
#: spoken Mandarin's 不 closing a question is 吗 too ("有奖励不", "能报不？", round 22): not after a word that makes
#: it a negation or half of a choice (也不, 都不, 还是不, 并不, 绝不, 可不, 要不, 倒不, 不不)
_BU = re.compile(r"(?<![也都并绝可要倒不])(?<!还是)(?<=[\u4e00-\u9fff])不(?=\s*([，,。.？?！!]|$))")
#: a short form of a status: "高新" (not 高新区, 高新技术…) is 高新技术企业 ("高新证书到期了", "刚评上高新")
_HIGH_TECH = re.compile(r"高新(?!技术|区|园|开发|产业|产品|企业|材料|项目)")
#: "俺" alone (not 俺们, already written out): 我
_AN = re.compile(r"俺")


def written(text: str) -> str:
    """``text`` with its spoken regional words as the written ones (see the module docstring)."""
    if not text:
        return text
    text = _WORD.sub(lambda m: _WRITTEN[m.group()], text)
    text = _AN.sub("我", text)
    text = _HIGH_TECH.sub("高新技术企业", text)

    def asked(m: re.Match) -> str:
        verb = next(g for g in m.groups() if g)
        return _A_NOT_A[verb][:-len(verb)]  # the verb itself stays: "阿能" -> "能不" + "能"

    text = _ASKED.sub(asked, text)
    return _BU.sub("吗", _FA.sub("吗", text))
