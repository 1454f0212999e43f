"""The words the search knows: stop words, domain synonyms, IP terms, how-to questions.

Data, not code: literal lists for people who know the field to review. Every other module
of the search reads them; changing one changes the ranking, so re-run the calibration
described in :mod:`search.index` (``python tests/unit/test_policy_search.py`` prints the
routing figures).
"""

from __future__ import annotations

import re

__all__ = ["STOP_WORDS", "SYNONYMS", "IP_TERMS", "HOW_TO", "PROGRAMME_WORDS", "PROGRAMME_GROUPS"]

#: Function words, question words and chat filler: they carry no topic. Domain words
#: (补贴, 奖励, 条件, 申报, 专利 …) are deliberately absent. 企业/公司/单位 are here because
#: in a question they mean "my company", and nearly every clause has them anyway.
STOP_WORDS: frozenset[str] = frozenset(
    """
    的 地 得 了 着 过 吗 呢 吧 啊 呀 哦 嘛 么 哈 噢 诶 喔 哎 呗 啦 嗯
    有 是 在 和 与 及 或 或者 还是 跟 对 给 为 被 把 就 都 也 还 又 再 很 太 让 向 从 到 将
    什么 怎么 怎么样 怎么办 怎样 如何 哪些 哪个 哪里 哪 多少 几 几件 几个 多久 为什么 啥 咋 咋样
    几人 几类 几种 几年 几项 几次 几家 哪几 哪几类 哪几种
    什么时候 时候 何时 今年 去年 明年 现在 目前 已经 最近 刚 刚刚 做 搞 弄 一个 这样 那样
    能 能不能 能否 不能 可以 可不可以 可否 是否 是不是 有没有 没有 会 会不会 要 需要 需 应该
    我 我们 我司 你 你们 您 他 她 它 他们 这 那 这个 那个 这些 那些 自己 本
    请 请问 问 问下 问一下 一下 想 想问 知道 告诉 谢谢 麻烦 好 好的
    企业 公司 单位
    """.split()
)

#: Domain terms. Each group is one concept: (canonical name, alias, …). A group of one
#: is a term that must match whole. Every entry is added to the tokenizer as a word.
#: Any text (clause or question) that contains one of a group's entries gets the token
#: ``syn:<canonical>``, so a question using one name finds a clause using another.
#: Question words *inside* a matched entry ("高新", "技术" in "高新技术企业") count as
#: present in a clause only if the clause has that group. A clause about
#: 高新技术产业开发区 does not answer a question about 高新技术企业.
#: Keep this small and literal: it is data, for people who know the field to review.
#: Avoid short aliases that occur inside unrelated words ("高企" is in "提高企业").
SYNONYMS: tuple[tuple[str, ...], ...] = (
    # 苏知发〔2018〕86号 二（一）1 "专利清零": subsidy for an SME's first invention patent
    ("首件发明专利", "首件发明", "首件专利", "第一件发明", "第一件专利", "第一个发明", "第一个专利", "专利清零"),
    # 贯标 = implementing the national standard 《企业知识产权管理规范》
    ("贯标", "知识产权管理规范", "贯标认证"),
    # 专精特新 "小巨人" enterprises
    ("小巨人", "专精特新"),
    # the county's awards: 发明之星 (grants in the year), 创新之星 (valid invention stock)
    ("发明之星", "发明大户"),
    ("创新之星", "知识产权密集型大户"),
    ("高价值专利", "高价值发明专利"),
    # money words: a question about a 补贴 is answered by a clause granting 奖励
    ("补贴", "补助", "资助", "奖励", "奖补", "扶持资金"),
    ("优先审查", "快速审查", "加快审查", "审查绿色通道"),
    ("特派员", "专利特派员", "知识产权特派员"),
    ("质押融资", "专利质押", "知识产权质押", "知识产权贷", "专利贷"),
    ("PCT", "国际专利", "国外发明专利", "海外专利"),
    ("服务券", "创新券"),
    ("高新技术企业",),
    ("专利导航",),
    ("地理标志",),
    ("工业品牌",),
    ("维权援助",),
    ("保护示范区",),
    ("专利倍增",),
    ("一企一策",),
    ("正版正货",),
)

#: Words that make a question about intellectual property, whatever the texts say about it
#: (with every SYNONYMS entry except the money words: "稳岗补贴" is not an IP question).
#: Literal and small, like SYNONYMS: reviewed by people who know the field.
IP_TERMS: tuple[str, ...] = (
    "知识产权", "专利", "发明", "实用新型", "外观设计", "商标", "品牌", "著作权", "版权", "软著", "软件登记",
    "地理标志", "集成电路布图", "植物新品种", "商业秘密", "侵权", "维权", "假冒", "贯标", "pct", "马德里",
    "质押", "许可", "特派员", "高新技术企业", "高新企业", "专精特新", "小巨人", "驰名", "优先审查", "复审",
    "无效宣告", "代理人", "代理机构", "知识产权局", "国知局", "申请号", "专利号", "年费", "优势企业", "示范企业",
)
#: How-to questions about getting or using a right (registering a trademark, what a patent
#: costs, how long examination takes). The texts are programme documents: they say who gets
#: a subsidy and by when, not how an office's procedures work, so such a question is answered
#: from them only when it names a programme (PROGRAMME_GROUPS, or a word like 项目 / 申报).
HOW_TO = re.compile(
    r"(怎么|如何|怎样|咋|哪里|哪家)\S{0,3}?(申请|办理|登记|注册|买|购买|保护|查询|缴|交|续|维护|应对|处理|报名|做)"
    r"|多少钱|收费|费用|多久|多长时间|保护期|要交税"
)
#: Words that make a question name a programme of the texts (with PROGRAMME_GROUPS).
PROGRAMME_WORDS = ("项目", "申报", "试点", "之星", "奖励", "补贴", "资助", "奖补", "扶持")

#: SYNONYMS groups that name a programme or measure of the texts (not a right or a concept:
#: 地理标志, PCT, 质押融资, 专利导航 and 高新技术企业 are left out)
PROGRAMME_GROUPS: tuple[str, ...] = (
    "首件发明专利", "贯标", "小巨人", "发明之星", "创新之星", "高价值专利", "优先审查", "特派员", "服务券", "工业品牌",
    "维权援助", "保护示范区", "专利倍增", "一企一策", "正版正货",
)
