"""The words the search knows: stop words, how people ask, domain synonyms, IP terms, and
what the texts never answer.

Data, not code: literal lists for people who know the field to review. Every other module
of the search reads them; changing one changes the ranking, so re-run the calibration
described in :mod:`search.index` (``python tests/unit/test_policy_search.py`` and
``python bench/question_set.py tuning`` print the routing figures). Each entry rests on the
documents' own wording (cited where it is not plain) or on how SME owners type.
"""

from __future__ import annotations

import re

__all__ = [
    "STOP_WORDS", "FILLER", "FUNCTION_TAGS", "DEFINES", "DEFINED", "COLLOQUIAL", "SCOPE", "CUES", "OTHER_APPLICANTS",
    "OTHER_ASKERS", "SYNONYMS",
    "IP_TERMS", "NOT_IP", "STATUS_TERMS", "OTHER_SUBJECTS", "RECOGNITION", "RECOGNISED_OTHERWISE", "HOW_TO", "AMOUNT", "MONEY_FIGURE", "CONTACT", "PHONE", "KINDS",
    "SORTED", "PAPERS", "LISTS_PAPERS", "STATED", "NOT_IN_TEXTS", "OFFICE_RULES", "PROGRAMME_WORDS", "TARGET_LINE", "ASKS_TARGET",
    "PROGRAMME_GROUPS",
]

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
    意思 啥意思 什么意思 怎么回事 是啥 干啥 干嘛 才能 才可以 才行 手上 大家 说 听说
    打算 一点 专门 走 拿 拿到 最低 最少 至少 最多 忙
    哪天 哪一天 哪年 哪一年 哪个月 几号 几月 几时 算 算不算 算是
    """.split()
)

#: Chat filler of a question that STOP_WORDS does not list, because the texts use some of
#: these words with a meaning (合作关系, 遭遇): "跟我们小厂有关系吗", "是干什么的",
#: "有没有奖励的说法". Left out of a question's words (search.query), never out of a clause's.
#: Directional complements are filler too: "结合起来做", "买回来用" ask about 结合, 买.
#: A follow-up's opening ("还是上次那个，…", "还是贯标的事，…") asks about nothing of its own (round 18).
#: A hedge ("好像", "有点") says how sure the asker is, not what about (round 24b: "文件上写的好像有点怪").
FILLER: frozenset[str] = frozenset(
    """
    干什么 干吗 做什么 哪几个 哪几项 哪几家 说法 关系 有关系 小厂 厂里 碰到 遇到 一起 什么样
    文件 文件里 里面 现成 分 分为 分成 指 是指 指的是
    起来 回来 出来 下来 上来 过来 进来 回去 下去 一共 总共 一共有 总共有
    怕 担心 坑 被坑 不想 谁 来
    干嘛用 号码 这一块 一块 这块 原话 怎么写 提到 提到过 一大笔 一大笔钱 大笔
    上次 上回 刚才 接着 事 事儿
    主要 讲 怎么讲 做到 要做到
    具体 一般 通常 界定 怎么界定 定义 怎么定义 由谁 由谁来 谁来
    好像 似乎 有点 有点儿
    方面 这方面
    """.split()
)

#: Who asks is an SME. Some clauses are for another kind of applicant: their headings name
#: it ("申报创建知识产权保护示范区的设区市应符合下列条件", "申报主体是高校、科研院所…的"; a
#: heading naming 企业 too is for enterprises). Such a clause answers a question that names
#: one of OTHER_ASKERS ("示范区是企业报还是政府报"); otherwise it ranks below a clause for
#: enterprises with the same words (search.index.FOR_OTHERS_WEIGHT).
OTHER_APPLICANTS: tuple[str, ...] = ("高校", "院所", "设区市", "县（市、区）", "人民政府", "管委会")
OTHER_ASKERS: tuple[str, ...] = ("高校", "大学", "院所", "科研", "实验室", "政府", "设区市", "县", "园区", "管委会")

#: Parts of speech (jieba's tags) of the words that carry no topic in a question:
#: pronouns (那边, 这块, 咱们, 哪一年), adverbs (到底, 一直, 慢慢), adverbial adjectives (``ad``: 直接,
#: 主动: how, not what; round 5), conjunctions (要是, 但是),
#: prepositions (以, 由), quantifiers (些, 个), localisers (上, 里, 以后), particles, modal
#: words and interjections. STOP_WORDS cannot list every such word a person types; a word
#: the segmenter's dictionary tags so is left out of a question's words
#: (:func:`search.tokens.function_word`), so "政府那边有没有风险补偿金兜底" is not held to
#: contain a word no clause has. Questions only: the clauses are indexed as written.
FUNCTION_TAGS: frozenset[str] = frozenset(
    "r rr rz rg d dg df ad c p q mq f u ud ug uj ul uv uz y e o".split()
)

#: Words people type for what the texts call otherwise: a question word (whole, as the
#: segmenter cuts it) is read as the texts' word before it is searched, so "还能报工业品牌吗"
#: meets "申报" and "利税有没有门槛" meets "条件". Each entry: the colloquial word, then
#: the word of the texts. Whole words only: "报" in 报告 or 举报 is left alone; so each
#: is a word the segmenter cuts whole (tests/unit/test_search_question_words.py).
COLLOQUIAL: dict[str, str] = {
    # to apply for a programme: the texts say 申报 (165 times), never 报 alone
    "报": "申报", "能报": "申报", "报名": "申报",
    # money: "能补吗" asks for a 补贴, "有奖吗" for a 奖励 (both SYNONYMS money words); not
    # 奖 alone, which ends the names of awards (中国专利奖 is cut 中国专利 / 奖)
    "补": "补贴", "能补": "补贴", "有奖": "奖励",
    # star levels: the texts say 二星级 … 五星级
    "几星": "星级",
    # the conditions of a programme: 申报条件, 应满足以下条件
    "门槛": "条件", "资格": "条件", "要求": "条件",
    # a duration reached: "用满几年", "满三年" is what the texts write "5年以上" (round 5; 以上, a
    # localiser, is no topic word of the question)
    "满": "以上",
    # a lawsuit: the texts say 纠纷 and 诉讼, and a case won 胜诉
    "官司": "纠纷", "打官司": "纠纷", "打赢": "胜诉", "赢": "胜诉",
    # a record of misconduct: the texts say 行为 ("无严重失信行为，无非正常专利申请行为")
    "记录": "行为",
    # counterfeits: 假冒
    "仿冒": "假冒", "山寨": "假冒", "假货": "假冒",
    # online shops: 电子商务 (86号 二（四）10 "电子商务领域专利执法维权指引")
    "网店": "电子商务", "电商": "电子商务", "网购": "电子商务",
    # idle patents sold cheaply: 86号 二（二）4 "闲置专利低价向中小企业许可或转让"
    "闲着": "闲置", "便宜": "低价", "转给": "转让",
    # from elsewhere: the county plan says 本市外 ("从本市外引进…发明专利")
    "外地": "市外", "外省": "省外",
    # professional titles: 38号 四（十二） "参评知识产权职称"; a company's staff doing IP work are
    # its 知识产权人才 there ("做知识产权的员工能评职称吗")
    "评职称": "职称", "员工": "人才",
    # an award had: the texts say 获得 ("三年内获得…中国专利奖"); "获过" is cut whole
    "获过": "获得",
    # the national office: 国家知识产权局 ("推荐函…上报至国家知识产权局"); handed up to it: 上报
    "国家局": "国家知识产权局", "报到": "上报",
    # to hire: the texts say 聘任 ("聘任知识产权特派员500人"); "要聘" is cut whole
    "聘": "聘任", "要聘": "聘任", "聘请": "聘任",
    # whether an agency can be trusted: the texts say 信用 (38号 四（十一） "代理信用评价")
    "可靠": "信用", "靠得住": "信用",
    # to use: 使用 ("许可使用")
    "能用": "使用",
    # help: the texts say 帮助 and 支持 ("帮上忙": 忙 is a stop word)
    "帮": "帮助", "帮忙": "帮助",
    # to use a trademark: 140号 附件2 工业品牌 三（三） "持续使用5年以上" ("商标要用了几年")
    "要用": "使用",
    # to grow: 工业品牌 四（二）1 "年销售额增加10%以上" ("销售额要涨多少")
    "涨": "增加", "要涨": "增加",
    # money of a project: the texts say 资金 ("拨付一定启动资金", "扶持资金")
    "钱": "资金",
    # a deadline: the texts say 截止日期; 截至 ("as of") is the input method's near miss
    "截至": "截止",
    # reporting a counterfeit: 86号 二（四）10 "12330知识产权举报投诉热线"
    "举报电话": "举报",
    # a loan on patents: the texts say 质押融资 (86号 二（二）5 "专利质押融资"), never 抵押贷款
    "抵押": "质押", "贷款": "融资",
    # targets: the guides say 目标 ("绩效目标")
    "指标": "目标",
    # a foreign government or country: the texts say 国外, 海外 and 涉外
    "美国政府": "国外政府",
    # how long a project runs: the guides say 实施期限 ("新建项目实施期限为3年"); where a thing is built: 建设
    "多长": "期限", "建在": "建设",
    # the upgraded edition of a programme: the guides say 升级项目 (140号 附件3 三（二）)
    "升级版": "升级",
    # a kind of city: 30号 一（一） "申报对象为副省级城市、地级城市（州、盟）、县级城市" (round 23)
    "县级市": "县级城市", "地级市": "地级城市",
    # a company's IP officer is one of its 知识产权人才 (38号 四（十二）), like 员工 (round 23)
    "专员": "人才",
}

#: Words that say whose policy a question is about, not what it asks: "市里有什么支持"
#: asks about the city's plan. Each is read as the words the texts use for that level
#: (the county-level city's plan says 全市, 本市, 我市, 市级), which rank a clause higher
#: but are not required of it: a clause of the city's plan need not say "全市".
SCOPE: dict[str, tuple[str, ...]] = {
    "市里": ("全市", "本市", "我市", "市级"),
    "省里": ("全省", "省级"),
    # the county plan (001) is a county-level city's: it says 全市, 本市 as 市里 does
    "县里": ("全市", "本市", "我市", "市级"),
    "江苏": ("全省", "省级", "我省"),
}

#: Question cues: what kind of clause a question asks for, by how it asks. Each entry: a
#: pattern (on the question as normalised, after COLLOQUIAL, so "还能报" reads "还能申报"),
#: and the words of the texts that such a clause has; they rank a clause higher, but are
#: not required of it (like SCOPE).
CUES: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    # whether one may apply, on what conditions: a guide's 申报条件 ("应满足以下条件")
    # (not "企业能申报吗", "哪些城市可以申报": whether that kind of applicant is one, below; round 23e)
    (re.compile(r"(?<!谁)(?<!企业)(?<!公司)(?<!城市)(?<!单位)(能|可以|可否|能否|才能)(不能)?申报|申报.{0,6}(条件|要求)|(什么|啥|哪些)(条件|要求)"),
     ("条件", "满足")),
    # how many (patents, people, …), at least: a threshold ("不少于100件", "5件以上", "超过20件")
    (re.compile(r"(多少|几)(件|个|人|名|家|项)|最低|最少|至少"), ("不少", "以上", "超过")),
    # who applies: the 申报主体
    # ("能自己报吗": whether the company itself is one)
    # ("哪些企业可以申报", "我们企业能申报吗": whether a company is one at all; "who can apply")
    # (round 23e: 30号 names its applicants 申报对象, cities: "哪些城市可以申报", "申报对象是哪些城市")
    (re.compile(r"谁(来|可以|能)?申报|申报还是|申报(主体|对象)|哪些单位|(自己|单独|直接)(来)?申报|哪些(企业|公司|城市|地方)|"
                r"(企业|公司)(能|可以)(不能)?申报|who (can|may) apply|who is eligible", re.IGNORECASE), ("主体", "申报对象")),
    # how long a project runs ("实施期多久", "项目做几年"): a guide's 实施期限 (round 23e)
    (re.compile(r"(实施期|实施期限|周期|做|实施|执行)\S{0,3}(多久|多长|几年)|how long"), ("期限",)),
    # which fields a programme supports: a guide's 支持重点 ("重点支持哪些行业")
    (re.compile(r"(支持|扶持|资助|培育)(哪些|什么|哪几个|哪类|哪个)(行业|领域|方向|产业)"), ("支持重点", "领域")),
    # whom to contact: the guides end with 联系人 and 电话 lines (140号 附件1-3)
    (re.compile(r"找谁|联系谁|联系方式|联系人|电话|咨询谁"), ("联系人", "电话", "热线")),
    # what counts as, which kinds: 001 三（四） "…等五大类高价值专利"
    (re.compile(r"(哪几|哪些|几|什么|哪[一二三四五六七八九十两])(类|种)|什么样|(才)?算(是)?|算不算|是指|定义"),
     ("大类", "类", "包括", "是指")),
    # what work a programme does ("试点城市主要开展哪几方面工作", "主要任务有哪些"): a plan's section of its
    # 主要任务 (86号 二) or 试点内容 (30号 三), not its support or procedure (round 24b)
    (re.compile(r"(开展|做|干|承担)(哪些|哪几|什么|啥)\S{0,3}(工作|任务)|主要(工作|任务|内容)|(工作|试点)内容"), ("内容", "任务")),
    # a programme's performance targets ("绩效目标，发明申请要涨多少"): the clauses under a guide's 绩效目标
    # heading (140号 附件3 四（一）2), not another that names 目标 in passing (round 24b)
    (re.compile(r"绩效(目标|指标)|考核指标"), ("绩效",)),
    # a county applying itself ("县里想申报示范区"): the conditions a guide sets for a 县（市、区）, not those
    # for a 设区市 (140号 附件1 三（二）); only 县里 or 县级 with 申报 right after: "县里企业能申报…" is not one, and "县（市、区）申报" has
    # its words already (round 24b)
    (re.compile(r"县(里|级)(想|要|能|可以|打算)?申报"), ("县",)),
    # by when: the guides' "项目申报截止日期为 2022 年 …", 30号's "于7月31日前联合行文"
    (re.compile(r"截止|几月几号|几号|哪天|(什么时候|何时)(申报|报名|交|提交)"), ("截止", "日期", "日前")),
)

#: A question asking what a term means or which kinds it has ("高价值专利是哪几类", "一企一策
#:是什么意思", "什么样的专利才算高价值专利")…
DEFINES = re.compile(r"(是|指)(什么|啥)|什么意思|啥意思|界定|定义|(哪几|哪些|几|什么|哪[一二三四五六七八九十两])(类|种)|什么样|才算|算不算|^算")
#: …is answered by a clause that defines the term: a marker of a definition next to it
#: (001 三（四） "…等五大类高价值专利"; "…是指…", "…包括…"), even where the term alone is
#: too common in the texts for MIN_EVIDENCE (search.index).
DEFINED = ("大类", "类", "是指", "包括", "指的是")

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
    ("首件发明专利", "首件发明", "首件专利", "第一件发明", "第一件专利", "第一个发明", "第一个专利", "专利清零",
     "第一次申请发明", "第一次申请专利", "首次申请发明", "首次申请专利"),
    # 贯标 = implementing the national standard 《企业知识产权管理规范》
    ("贯标", "知识产权管理规范", "贯标认证"),
    # 专精特新 "小巨人" enterprises
    ("小巨人", "专精特新"),
    # the county's awards: 发明之星 (grants in the year), 创新之星 (valid invention stock)
    ("发明之星", "发明大户"),
    ("创新之星", "知识产权密集型大户"),
    ("高价值专利", "高价值发明专利", "高价值培育"),
    # money words: a question about a 补贴 is answered by a clause granting 奖励
    ("补贴", "补助", "资助", "奖励", "奖补", "扶持资金"),
    ("优先审查", "快速审查", "加快审查", "审查绿色通道"),
    ("特派员", "专利特派员", "知识产权特派员"),
    ("质押融资", "专利质押", "知识产权质押", "知识产权贷", "专利贷"),
    ("PCT", "国际专利", "国外发明专利", "海外专利"),
    ("服务券", "创新券"),
    ("高新技术企业", "高新企业"),
    ("专利导航",),
    ("地理标志", "地标"),
    # patents built into standards: 86号 二（三）9 "专利与标准结合", the county plan 三（二） "专利与标准融合"
    ("专利与标准结合", "专利和标准结合", "专利与标准融合", "专利和标准融合", "专利标准融合", "专利标准结合"),
    ("工业品牌",),
    ("维权援助",),
    ("保护示范区",),
    ("专利倍增",),
    ("一企一策",),
    ("正版正货",),
    # named measures and terms of the texts, kept whole: 001 三（三） "一企一标"商标注册工作;
    # 86号 二（二）4 "专利普惠计划", 二（三）8 知识产权托管, 二（三）9 "对标找差"; 38号 二（四）
    # 开放许可, 二（五） 专利密集型产品, 二（六） 知识产权保险, 二（七） "百城百品", 四（十二）
    # 知识产权经理人
    ("一企一标",),
    ("专利普惠计划", "专利普惠"),
    ("知识产权托管",),
    ("对标找差",),
    ("开放许可",),
    ("专利密集型产品",),
    ("知识产权保险", "专利保险", "被侵权保险"),
    ("百城百品",),
    ("知识产权经理人",),
)

#: Words that make a question about intellectual property, whatever the texts say about it
#: (with every SYNONYMS entry except the money words: "稳岗补贴" is not an IP question).
#: Literal and small, like SYNONYMS: reviewed by people who know the field.
IP_TERMS: tuple[str, ...] = (
    "知识产权", "专利", "发明", "实用新型", "外观设计", "商标", "品牌", "著作权", "版权", "软著", "软件登记",
    "地理标志", "集成电路布图", "植物新品种", "商业秘密", "侵权", "维权", "假冒", "贯标", "pct", "马德里",
    "质押", "许可", "特派员", "高新技术企业", "高新企业", "专精特新", "小巨人", "驰名", "优先审查", "复审",
    "无效宣告", "代理人", "代理机构", "知识产权局", "国知局", "申请号", "专利号", "年费", "优势企业", "示范企业",
    "337调查", "竞业限制", "审查意见", "驳回", "专利局", "商标局", "iso56005", "12330",
    # filing itself, so that its typos are read ("专力申请费"), and a product copied, said plainly
    "专利申请", "抄袭", "照抄", "被抄", "抄我们", "抄了我们", "仿制",
    # pirated copies (copyright), a domain name squatted or disputed (round 24b)
    "盗版", "域名",
)
#: Uses of IP_TERMS words that name no right: a permit (许可证, 经营许可, 行政许可) is no licence of a
#: patent or trademark ("员工食堂要办食品经营许可证吗"). The routing reads a question's IP words with
#: these cut out; a question that also names a right still has that word.
NOT_IP = re.compile(r"许可证|(行政|经营|生产|卫生|排污|施工|建设|运输|进出口|营业)许可")
#: How-to questions about getting or using a right (registering a trademark, what a patent
#: costs, how long examination takes). The texts are programme documents: they say who gets
#: a subsidy and by when, not how an office's procedures work, so such a question is answered
#: from them only when it names a programme (PROGRAMME_GROUPS, or a word like 项目 / 申报).
HOW_TO = re.compile(
    r"(怎么|如何|怎样|咋|哪里|哪家)\S{0,3}?(申请|办理|登记|注册|买|购买|保护|查询|缴|交|续|维护|应对|处理|报名|做|写|撰写|评|准备|提交|填|投诉|举报|起诉|下架)"
    r"|多少钱|收费|费用|多久|多长时间|保护期|要交税|期限(是|有)?多(少|长)|多少个月"
    # an office's procedure asked ("驰名商标认定的流程是怎样的", "注册要走哪些步骤"; round 23)
    r"|(流程|程序|步骤|手续)(是|有|大概|一般)*(怎样|怎么|什么|啥|哪些|如何)|(走|有)(哪些|什么|啥)(流程|程序|步骤|手续)"
)
#: A question asking for a sum of money ("发明之星奖多少钱", "首件发明专利能补多少"). The texts
#: grant rewards and subsidies without amounts ("给予一定补贴", "予以奖励"), so such a question
#: is answered only from a clause that states one (MONEY_FIGURE); otherwise a specialist
#: knows this year's amounts, and it is forwarded. Funds paid out ("启动资金能拨多少", round 24b) are a sum too.
AMOUNT = re.compile(
    r"多少钱|几万|多少万|(给|补|拨)多少|多少(奖金|奖励|补贴|补助|资助|资金|经费|钱)|(奖|资助|补贴|补助|奖励|奖补|扶持|奖金).{0,2}多少|多少(资金|经费)"
    r"|(金额|额度)(是|有)?多少|(认证|代理|申请|服务|登记|注册|年)费(用)?(大概|一般|要|是)*多少"
    # a fee named after the question word ("能报销多少律师费"), or the most one can get ("最多能补几成")
    r"|多少\S{0,2}费|(报销|报)多少|最多(能|可以)?(报|补|奖|给|拿|领)"
    # the programme named between ("多少发明之星奖励": "How much is the Invention Star reward?" as read)
    r"|多少(?![件个人项年家次])\S{1,10}(奖金|奖励|补贴|补助|资助)"
    # the sum named before the question word ("启动资金有多少"), or a price to set ("许可费怎么定价")
    r"|(资金|经费|奖金|补贴|补助|资助)(大概|一般)?(有|是|能有|能给)?多少|定价"
    # a fee or a loan with its sum asked ("费用多少", "能贷多少"), or who pays a fee ("评估费谁出")
    r"|费用(大概|一般|要|是)*多少|(贷|贷款|融资)(大概|一般|能|可以)*(多少|几)|(费|费用)\S{0,2}谁(出|付|承担|掏|来出)"
)
#: a sum of money in a clause: "2000万元", "2 亿元", "500元"
MONEY_FIGURE = re.compile(r"\d[\d,.]*\s*(万|亿)?\s*元")
#: A question asking whom to contact; answered only from a clause that gives a number or a
#: hotline (86号 二（四）10 "12330知识产权举报投诉热线").
CONTACT = re.compile(r"找谁|联系谁|联系方式|联系人|电话")
PHONE = re.compile(r"\d{5,}|热线|电话")
#: A question asking which kinds there are ("一共有哪几类项目", "高价值专利有哪几种"); answered only
#: from a clause that sorts things into kinds (001 三（四） "…等五大类高价值专利"; "包括", "分为").
KINDS = re.compile(r"(哪几|哪些|几|多少|哪[一二三四五六七八九十两])(类|种)")
SORTED = re.compile(r"类|种|包括|分为|是指")
#: (what a question asks for, what the quoted clause must state to answer it)
#: A question asking which papers to hand in ("要交哪些材料", "材料怎么准备"); answered only from a
#: clause that names them (材料, 资料): a clause of conditions says who qualifies, not what to send.
PAPERS = re.compile(r"(哪些|什么|啥)(申报|申请|证明)?(材料|资料)|(材料|资料)\S{0,3}(怎么|如何|咋)|(提交|准备|交)\S{0,2}(材料|资料)"
                    r"|(要|需要|得)?准备(什么|哪些|啥)")
LISTS_PAPERS = re.compile(r"材料|资料")
#: A question asking for a share ("能贷到评估价的几成", "补贴比例是多少"); answered only from a clause
#: that states one (a percentage, 百分之…, "三成").
#: a rate of interest is a share too ("质押贷款利率一般多少")
SHARE = re.compile(r"几成|多少成|百分之几|多少比例|(比例|占比|利率|利息)(大概|一般)?(是|有|为)?(多少|几)|打几折")
STATES_SHARE = re.compile(r"\d\s*%|百分之|(?<![\d年月])[一二三四五六七八九十\d]\s*成(?![果立员本效为功熟])")
#: A question asking how long something takes ("优先审查一般多久能授权", "要弄几个月"); answered only
#: from a clause that states a span ("实施期限为3年", "30个工作日"), not a date alone ("一般要几年": round 23e);
SPAN = re.compile(r"(多久|多长时间)(?!\S{0,3}一次)|几个月|多少天|几天|几年能|多少年能|(要|需要|得)几年")
STATES_SPAN = re.compile(r"(?<![\d年月])(\d{1,2}|[一二两三四五六七八九十]+)\s*个?(月|年|天|工作日)(?!\d)")
#: ... and one asking how often ("多久搞一次"), from a clause that says it (每年, 定期) or a span
OFTEN = re.compile(r"(多久|多长时间)\S{0,3}一次|几年一次|一年几次")
STATES_OFTEN = re.compile(STATES_SPAN.pattern + r"|每(年|季|月|半年)|定期")
#: A question asking when ("今年什么时候开始申报", "几月份报"); answered only from a clause that
#: states a time (a month, a year, 每年): a clause of conditions says who, not when.
WHEN = re.compile(r"什么时候|啥时候|何时|几月|几号|哪天|哪一天|(申报|截止)(时间|日期)")
STATES_WHEN = re.compile(STATES_SPAN.pattern + r"|\d\s*月|(19|20)\d\d\s*年|第\S{1,2}年|年底|年初|年中|月底|月初|季度|"
                         r"上半年|下半年|每年|定期|中期|期满")
#: A question asking how funds are paid out ("经费怎么拨付"); answered only from a clause that says how (拨付)
#: (round 23: NOT_IN_TEXTS reads a payment's date, not its way)
PAID_HOW = re.compile(r"(怎么|如何|怎样)(拨付|拨款|兑现)")
STATES_PAID = re.compile(r"拨付|拨款|兑现")
#: A question asking how to enter for an award ("中国专利奖怎么申报"); answered only from a clause that says
#: how (to whom it is sent, what is handed in: 30号 二（二） "…联合向省（区、市）知识产权局…提出…申请") or that is
#: the award's own measure (001 三（一） "开展“发明之星”评选活动"), not from one that names the award only as
#: something won, a condition of another programme (140号 附件3 "获得…中国专利奖"; round 25b)
APPLY_HOW = re.compile(r"奖(项)?(到底|具体|要|应该|该)?(怎么|如何|怎样|咋)\S{0,2}?(申报|报名|申请|参评|评)")
STATES_APPLY = re.compile(r"申报(程序|方式|流程|材料|系统)|报送|提交|推荐|组织申报|提出|填报|登录|评选|评审|向\S{1,20}(申报|申请)")
STATED: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = ((AMOUNT, MONEY_FIGURE), (CONTACT, PHONE),
                                                               (KINDS, SORTED), (PAPERS, LISTS_PAPERS),
                                                               (SHARE, STATES_SHARE), (SPAN, STATES_SPAN),
                                                               (OFTEN, STATES_OFTEN), (WHEN, STATES_WHEN),
                                                               (PAID_HOW, STATES_PAID), (APPLY_HOW, STATES_APPLY))

#: Questions the texts never answer, whatever programme they name, so they go to the
#: specialist: a request for a person or a visit ("能不能请特派员来帮我们做贯标"; the set's
#: README labels "派个特派员来" so), what to do when something went wrong ("验收没通过怎么办"),
#: and when money arrives ("补贴去年的还没到账", "奖励什么时候发"). The texts say who may
#: apply and for what; a specialist knows the case, the office and the payments.
NOT_IN_TEXTS = re.compile(
    r"(派|请|叫|安排)(个|一个|位|一位)?(特派员|专家|人)(来|过来|上门)|上门|来(我们|我司|咱们|厂里|公司)"
    r"|(帮|替)(我们|我司|咱们|我)(做|写|申请|弄|办|看|查|改)|你们能(不能)?帮"
    r"|怎么办|咋办|咋整|怎么整|如何是好"
    r"|(出|出台|发布|公布|下发|(?<!研)发)(了)?(没有|没|吗)|(哪里|哪儿|在哪)(能|可以)?(看到|看|查到|下载)"
    # (not a kind of company told by its payments: "尾款还没拨付的企业能不能报", round 19)
    r"|到账|(?<!怎么)(?<!如何)(?<!怎样)(拨付|拨款|兑现)(?![完到位齐]{0,2}的)|(什么时候|何时|多久|几时)(能|才能|会)?(发|给|拨)(钱|下来|放)?(?![布明出表起])"
    # forms to fill in, where to collect something, and what to do when a certificate runs out:
    # an office's practice, not the programmes' texts
    r"|模板|模版|范本|范文|样表|(在|去|到)?(哪里|哪儿|哪)(领|领取|申领)|到期(了)?\S{0,2}(怎么|如何|咋)|续期|续证|换证"
    # whether a rule has changed since (the texts are as issued), and an office's online systems
    r"|(变|改|调整|变化)(了)?(没有|没|吗)|有没有(变|改|调整|变化)|登录|登陆|账号|密码|网址"
    # a provider recommended ("贯标认证机构哪家好"): a specialist's advice, never the texts'
    r"|哪家(好|强|靠谱|便宜)|推荐(一下|一个|一家|个|家)?\S{0,4}(机构|代理所|事务所|律所|律师)"
    # advice on what is fitting ("标准是多少合适", "定几成比较合理"): the texts set no such figure (round 23)
    r"|(多少|几成|多高|几个点|什么水平)(才|比较|最)?(合适|合理|恰当)"
)

#: Kinds of company (a status some programmes require), not rights: a question whose only IP
#: words are these is about IP only if it asks about IP at all. "高新技术企业认定条件" is forwarded
#: (the recognition rests on IP), but one about the company's taxes, payroll or social insurance
#: (OTHER_SUBJECTS) is not an IP question: "高新技术企业所得税税率是多少" is off topic.
STATUS_TERMS: frozenset[str] = frozenset({"高新技术企业", "高新企业", "专精特新", "小巨人", "优势企业", "示范企业"})
#: How a company gets such a status ("专精特新企业认定要什么条件"): another office's rules, not IP policy,
#: when the question names no IP word besides the status (one that does, "高新技术企业认定需要几个知识产权",
#: is about IP)
#: the kinds of company among them recognised on grounds other than IP (高新技术企业 is recognised on
#: its IP, among others: "高新技术企业认定条件" is a specialist's)
RECOGNISED_OTHERWISE: frozenset[str] = frozenset({"专精特新", "小巨人"})
RECOGNITION = re.compile(r"(认定|评定|评选|评审)(要|需要|得|有)?(什么|哪些|啥|哪几个)?(条件|标准|流程|程序|门槛|材料)"
                         r"|(怎么|如何|怎样|咋)(认定|评定|评上|才能评上|成为)"
                         # or a figure of the business it asks ("小巨人的认定需要营收多少", round 22)
                         r"|(认定|评定|评选)[^，,。？?]{0,6}(营收|营业收入|销售收入|销售额|收入|利润|员工|人数)")
#: The conditions of an office's own procedure (a priority-examination request, a re-examination, an
#: invalidation, a registration) asked in general: the texts give such a procedure only as support
#: for a kind of company (38号 一（一）: 小巨人's requests "符合条件的" recommended) and never list the
#: office's conditions, so the question is a specialist's unless it names the kind of company
#: (STATUS_TERMS) the texts give the support to (round 23: "优先审查请求要满足哪些条件").
OFFICE_RULES = re.compile(r"(优先审查|复审|无效宣告|商标注册|专利申请)(的?请求)?[^，,。；;？?！!\s]{0,6}(哪些|什么|啥|哪几个|何种)(条件|要求|标准)")
OTHER_SUBJECTS = re.compile(r"(?<!利)税率|所得税|增值税|个税|退税|印花税|报税|纳税|社保|公积金|工资|个人所得|加计扣除")

#: A target line of a plan ("完善中小企业知识产权服务体系 到2020年，…聘任知识产权特派员500人") says how
#: much by when, not what a measure is or who may have it: it ranks below the clauses of the
#: measures (search.index.TARGET_WEIGHT) unless the question asks how much, how many or by when.
TARGET_LINE = re.compile(r"(^|\s|。)(到|至)\s*20\d\d\s*年")
ASKS_TARGET = re.compile(r"多少|几|目标|指标|哪一?年|数量|比例|计划|规划|达到|增长")

#: Words that make a question name a programme of the texts (with PROGRAMME_GROUPS).
PROGRAMME_WORDS = ("项目", "申报", "试点", "之星", "奖励", "补贴", "资助", "奖补", "扶持")

#: SYNONYMS groups that name a programme or measure of the texts (not a right or a concept:
#: 地理标志, PCT, 质押融资, 专利导航 and 高新技术企业 are left out)
PROGRAMME_GROUPS: tuple[str, ...] = (
    "首件发明专利", "贯标", "小巨人", "发明之星", "创新之星", "高价值专利", "优先审查", "特派员", "服务券", "工业品牌",
    "维权援助", "保护示范区", "专利倍增", "一企一策", "正版正货",
)
