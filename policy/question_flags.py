"""Yes/no facts stated in a question: "是国家专精特新小巨人", "没有贯标", "国内那个官司输了".

A flag word (``question_words.yaml``: flags) states its facts when the question says it of the
company, and their opposite when it is negated; a word only asked about, said of anyone, or
supposed ("通过贯标认证能拿到奖励吗", "小巨人企业能不能…", "如果打赢了…") states nothing.

* Said of the company: a subject (我们, 我司, 本公司 …) in the clause or, for a clause that
  is no question itself, earlier in the sentence ("我们不是重点企业 就普通小厂"); a clause
  opening with 是/属于/被 (the subject left out); the subject right before the word
  ("我们小企业"), or a count of one closing the clause ("高企一个，…"); a clause that opens with
  what was achieved ("通过贯标认证了") or tells of handing in ("报上去了"); or, for a statement that
  is neither asked, supposed nor a requirement, a message that speaks of the company anywhere
  (我们 elsewhere, or an opening "高新技术企业，…": "有独立知识产权部，制度都健全"). Then a verb of being
  or having (是, 有, 通过了, 就是 …) or a perfective 了 after it. A ``verb`` word is its own predicate ("官司打赢了", "材料都符合条件").
* A message that opens by telling something and then asks ("贯标认证通过了，有奖励吗") tells of
  the asker's own case, as does one whose first clause only says what the company is
  ("江苏独立法人工业企业，行业龙头；…"); a first clause said of some, of a kind of company
  ("高新技术企业打赢了官司，…"), or a message asking about a requirement or a choice, does not.
* Negated: a negation word right before it ("不是小巨人", "也没获过奖"), or a few characters
  before ("没有任何纠纷和调查"), or after it ("贯标还没通过").
* English: in a statement (not a question, no "if") with a subject (we, our); negated by
  not / never / no / n't a few words before.

Pure: no services, no database.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from .question_numbers import clause_of
from .question_either import asked_either
from .question_industry import trade_named
from .question_list_negation import closed_by_negation
from .question_joined_negation import negated_with_joined
from .question_others import own_denial, said_of_other
from .question_vocab import (LAST_YEAR, OTHER, THIS_YEAR, THREE_YEARS, THREE_YEARS_AGO, TWO_YEARS_AGO, Flag, Vocabulary,
                             find_words, latin, words_pattern)

__all__ = ["read_flags", "english_negation", "english_statement", "SPEAKER", "NEGATE_CLOSING"]

_RECENT = {THREE_YEARS, THIS_YEAR, LAST_YEAR, TWO_YEARS_AGO}
_QUESTION_FORM = re.compile(r"(是不是|是否|有没有|能不能|算不算|属不属于|属于不属于|可不可以|能否)")
_SUBJECT = r"(我们|我司|本公司|我公司|我们公司|公司|本企业|我们企业|企业|咱们|我厂|本厂)?"
_ASSERT_BEFORE = re.compile(
    _SUBJECT + r"(已经|已|刚刚|刚|都|也|今年|去年){0,2}(是|属于|有|拥有|设有|设立了|设了|通过了|通过|获得了|获得|拿到了|"
    r"评上了|评上|评为|获评|被评为|被认定为|被认定成|认定为|认定成|认定了|被定为|定为|被列为|列为|被列入了|被列入|列入了|列入|成为|开展了|开展|做了|在做|正在做|完成了|存在|就是|只是|算是|"
    r"就|作为|拿到|拿了|拿过|获过|得过|取得了|取得|荣获|获|"
    r"通报过|通报了|被通报|查出过|查出了|被查出|有过|确认了|确认|上了|进了|被列进|正在)"  # 正在: what it is doing
    r"[^,，。;；、!！?？]{0,10}$")
_OURS = re.compile(r"我们|我司|本公司|我公司|咱们|咱|我厂|本厂|本企业|已经|已")
#: a clause that opens with what the company is, its subject left out, after a time ("去年刚被评为重点中小企业"),
#: or as what it asks ("作为高新技术企业能拿维权资助吗": the asker is one)
_OPENS_BE = re.compile(r"^(\s|不过|但是|但|可是|只是|去年|今年|前年|刚刚|刚|已经|已|也|都){0,3}(是|属于|被|作为|身为)")
#: a clause that opens with what was achieved, its subject left out ("通过贯标认证了"), or tells of
#: handing something in ("优势企业报上去了还在评审中"): the asker's own, when it is a statement with 了
_OPENS_DONE = re.compile(r"^(已经|已|刚刚|刚|也|都)?(通过|拿到|获得|取得|评上|拿了)")
#: a clause that opens with 公司 and tells what was done ("公司申报的省级项目被驳回了"): the asker's
_COMPANY_OPENS = re.compile(r"^\s*(公司|厂里)(?!的)")
_OWN_ACT = re.compile(r"(报上去|交上去|递上去|报上去了|提交上去)")
#: the asker speaking of the company somewhere in the message
SPEAKER = re.compile(r"我们|我司|本公司|我公司|咱们|咱|我厂|本厂|本企业|情况如下|基本情况如下|具体情况如下|情况是这样")
#: a requirement before the word: "需要有知识产权部" says what a programme asks, not what the company has
_NEEDS = re.compile(r"要求|需要|必须|须|要有|得有|条件|门槛|标准")
#: (with a batch or a level between: "我们第四批国家级小巨人"), or glossed in brackets right after it: "我司（中小企业）"
_SUBJECT_RIGHT_BEFORE = re.compile(r"(我们|我司|本公司|我公司|咱们|我厂|本厂|我们公司|我们企业)"
                                   r"(第[一二三四五六七八九十\d]{1,2}批|国家级|的)*\s*[（(]?$")
_SUBJECT_IS = re.compile(r"(我们|我司|本公司|我公司|咱们|咱|我厂|本厂|本企业|公司)(已|也|现|目前)?(为|属|系)[^了,，。;；、!！?？]{0,8}$")
_ASSERT_AFTER = re.compile(r"^[^,，。;；、!！?？]{0,3}(已经通过|已通过|通过了|已做|做了|拿到了|已获得|获得了|认证了|了|"
                           r"开始做|开始了|在做|正在做|启动了|搞了|做过|还在打|正在打|在打|\d+\s*(?:个人|人|名|位))")  # "IP部门5个人": it is there
#: done at a time said after the word: "贯标认证2019年就过了", "证书去年早就拿到了"
_DONE_AT = re.compile(r"^[^,，。;；、!！?？吗]{0,8}?(就|早就|已经|早)(过了|通过了|拿到了|拿了|下来了|做了|批了)")
#: the subject after the word: "贯标认证我们去年就拿到了"
_OURS_AFTER = re.compile(r"(我们|我司|本公司|咱们).{0,8}(拿到|通过|获得|做|开展|评上|认定|评为)(了|过)")
#: (a time between: "认证审核这次没通过")
#: ... or not even applied for ("绩效评价亦未申请"): what was never applied for is not had
#: (not after 已 in between: "贯标已启动还没认证" negates the certificate, not the work begun; "审核尚未安排" is not done)
_NEGATE_AFTER = re.compile(r"^[^,，。;；、!！?？已]{0,3}(这次|这回|上次|今年|去年|又|还是|也){0,2}(还没有|还没|没有|没|未|尚未)(通过|做|开展|开始|拿到|拿|获得|下来|认证|"
                           r"参加|参与|评上|评|批|来|出|下发|过|安排|进行|完成|颁发)"
                           r"|^[^,，。;；、!！?？]{0,3}(还没有|还没|没有|没|未|尚未)(申请|申报|参评)(过|呢)?\s*(?:[,，。;；!！?？]|$)"
                           r"|^[^,，。;；、!！?？]{0,3}不(合格|达标|通过)")
#: "A和B都还没有": a negation closing a clause after 都 is said of every word before it
_NEGATE_ALL_AFTER = re.compile(r"^[^,，。;；、!！?？吗呢]{0,12}都(还)?(没有|没|未)[^,，。;；、!！?？吗呢]{0,4}$")
#: a figure counted: a flag's count ("通过PCT拿到了授权": one) yields to it
_COUNTED = re.compile(r"\d+\s*(件|个|项|patents?|grants?|applications?)", re.IGNORECASE)
#: "PCT进国家阶段的没有", "海外维权的一件都没有": a negation closing the clause right after the word
#: (or never filed: "发明从来没报过", "发明一件都没申请过"; the subject may stand between: "国外发明我们一件也没有")
_NEGATE_CLOSING = NEGATE_CLOSING = re.compile(r"^的?(我们|我司|咱们|本公司)?(一件|一个|一项)?(也|还|都|从来|从)?(还)?(没有|没|未)((申请|申报|申|报|提交|交)过|(搞|做|弄|参加|开展)?过?)$")
#: an item of a list answered after a colon: "高新技术企业：是", "海外维权：没有"
#: the label of a form's line before its answer: "申报单位：", "2. 企业资质："
_FORM_VALUE = re.compile(r"\s*(?:\d{1,2}\s*[.、．)）]\s*)?[^,，。;；:：\n]{1,14}[:：]\s*")
#: the items of a list answered together after the last one: "严重失信、非正常申请：无"
_LIST_ANSWERED_NO = re.compile(r"(、[^,，。;；:：\n、]{1,12})+[:：]\s*(没有|没|无|否|不是|未)\s*([,，。;；\n]|$)")
_ANSWERED = re.compile(r"^[^,，。;；:：\d吗？?]{0,20}[:：]\s*(?:(?P<no>没有|没|无|否|不是|未)|(?P<yes>是|有|已经?(?:开展|认证|通过|获批|立项|验收)))\s*$")
#: a list's item answered as done, right before a verb word: "贯标：已认证（2019年）"
_DONE_ITEM = re.compile(r"[:：]\s*(已经|已)$")
_GENERAL = re.compile(r"^[^,，。;；、!！?？]{0,2}(的企业|的公司|企业能|企业可以|企业有|企业怎么|能不能|可以吗|需要|要求|是什么)")
_ASKS = re.compile(r"(吗|？|\?|呢|能不能|可不可以|是否|能否|可以|能)")
_SUPPOSED = re.compile(r"(如果|假如|要是|假设|万一|若是|倘若|听说|据说|听人说)")
#: "贯标认证了就有奖励": a condition and what follows from it, not a statement
_THEN = re.compile(r"^(?!前年|去年|今年|早)[^,，。;；、!！?？]{0,3}了?就")  # not a time then 就: "证书前年就到期了" (round 23)
_WE_ARE = re.compile(r"(我们|我司|本公司|我公司|咱们)(也|就|都|只)?(是|属于)")
_NOT_A_NOUN = re.compile(r"能|要|想|可以|申请|报|吗|没|不|有|如果|未|无(?!锡)")
#: an aim before the word; not a noun ending in one of these words ("战略推进计划项目批下来了": the
#: project was approved, no aim), nor one a demonstrative makes a noun ("这件申请符合条件": the application)
_AIM = re.compile(r"(?<!这件)(?<!这个)(?<!这项)(?<!这份)(?<!该)(?<!此)"
                  r"(申请|申报|准备|想|打算|(?<!推进)(?<!培育)(?<!示范)计划|争取|要评|去评|正在评|(?<!通)报了)(?!项目)"
                  r"[^,，。;；、!！?？]{0,3}$")
#: a word saying a thing meets the conditions: a 申请 before it is the request that meets them
#: ("有一件发明申请符合优先审查条件"), not an aim ("我们在申请高新技术企业")
_MEETS = re.compile(r"符合|满足|条件")
_ATTRIBUTIVE = re.compile(r"^[^,，。;；、!！?？]{0,4}的(企业|公司|单位|厂|商家|主体|话)")
#: "已经牵头做过省高价值项目的企业，…": a kind of company, told by what it did, in a message that never says 我们
#: (not "我们…起诉了仿冒我们产品的公司": the object of what the company did)
_KIND_DONE = re.compile(r"^[^,，。;；、!！?？]{0,14}的(企业|公司|单位)(?![\u4e00-\u9fff])")
_WE = re.compile(r"我们|我司|本公司|我公司|咱们|我厂|本厂|本企业")
#: "高企一个", "小微企业一家": the word and a count of one closing the clause says what the company is
_ONE_OF = re.compile(r"^(一个|一家)\s*([,，;；、!！。]|$)")
#: A message that opens with what the company is, then a pause: "小巨人企业，…", "高企，…" (a
#: self-introduction, as people start a message); the word must be the message's first.
_INTRO = re.compile(r"^(企业|公司|单位)?\s*[,，;；:：、]")
_SENTENCE_END = re.compile(r"[。！？!?\n]")
#: the items of a list of what the company is, after a colon or a semicolon ("情况是：江苏注册的独立法人；"):
#: the text of the item before the word (after the colon), and after it, are a few other words
_LIST_OPEN = re.compile(r"[:：;；（(]")  # a bracket opens a list too: "其他条件（江苏独立法人、行业龙头）都满足"
_ITEM_REST = re.compile(r"[^\d吗呢？?]{0,8}")
_FIRST_CLAUSE = re.compile(r"^\s*([^,，。;；!！?？\n]{3,})[,，。;；]")
_ASKS_LATER = re.compile(r"吗|？|\?|呢|能不能|行不行|可不可以|能否|有没有|够不够|算不算|能报|能拿|能申请|想报|想申请|报不|怎么申请|如何申请|怎么拿|怎么报|怎么说|怎么讲|咋说|(可以|能报|能申请|能拿|能评|能批|行|够|符合|没问题|有戏)[了的]?吧")
#: said of some: "通过贯标认证的企业", "打赢官司的公司"
_SOME = re.compile(r"的(企业|公司|单位|话)|企业(能|可以|有)|哪|什么|多少|怎么|几")
#: a clause that tells: something done, had, being or not
_TELLS = re.compile(r"了|过|是|有|在|没|未|已|还|正|通过|拿|获|批|(?:19|20)\d\d年")  # a year something was done: "2019年验收的"
#: the last year named before a word, perhaps with its month and day: "2021年8月才验收的"
#: English names the year after: "passed acceptance in 2019"
_YEAR_AFTER = re.compile(r"[^.;?!\d]{0,20}?\b(?:in|by|at the end of)\s+((?:19|20)\d\d)\b")
_YEAR_BEFORE = re.compile(r"((?:19|20)\d\d)\s*年?(?:\d{1,2}\s*月(?:\d{1,2}\s*[日号])?)?[^,，。;；、!！?？\d]*$")
#: this year named before the word, no year in digits: the year asked now, so not before the year a rule names
#: (round 25a; last year is left out: asked in 2021, 去年 is 2020)
_THIS_YEAR = re.compile(r"(今年|本年度|本年)[^,，。;；、!！?？]{0,12}$")
#: "还没报呢": a statement of what is not done yet, its 呢 asks nothing
_NOT_YET = re.compile(r"(还|都)?没[^,，。;；!！?？吗]{0,4}呢$")
#: a kind of company as the subject of what is told: "高新技术企业打赢了官司，…" asks about any such
#: (not a title a company is given by a project: 优势企业, 示范企业 are applied for, as 项目 are)
_KIND_DOES = re.compile(r"^\s*[\u4e00-\u9fff]{0,8}(?<!优势)(?<!示范)(企业|公司|单位)(?!项目)(?=[^,，;；。]{2,})")
_CLAUSE_END = re.compile(r"\s*[,，;；、。\n]|\s+(?=[\u4e00-\u9fff])")
#: what may stand before an item of a list: "或者", "和", another item and "或者" ("调查或者纠纷")
_LIST_ITEM = re.compile(r"([\u4e00-\u9fff]{0,4}(或者|或是|或|和|及|以及|还有))?|也")
_KIND_OF_COMPANY = re.compile(r"企业|公司|单位|的|国家级|第[一二三四五六七八九十\d]{1,2}批|[\s\"“”'‘’]")
#: a Chinese name glossed in brackets in an English sentence: "a national 'little giant' (专精特新小巨人)"
_GLOSS = re.compile(r"[(（][^()（）]*[)）]")
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]*")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_LETTER = re.compile(r"[A-Za-z]")
#: a line of a form: a short label, then a colon ("2. 贯标认证：已通过", "行业地位：链主企业")
_FORM_LINE = re.compile(r"^\s*(?:\d{1,2}\s*[.、．)）]\s*)?[\u4e00-\u9fff/、（）()A-Za-z\d]{1,14}[：:]", re.MULTILINE)
#: left in a clause of flag words, these make it no description of the company: a programme's
#: name ("获批立项奖励"), a verb of what was done ("过了贯标认证")
_NOT_WHAT = re.compile(r"奖|补|资助|项目|政策|计划|申报|了|过")
#: a verb word that opens a reward's name ("获批立项奖励", "认证奖励"): the name, not what was done
_REWARD_NAMED = re.compile(r"^(奖励|奖金|补贴|补助|资助)")
#: a topic opening a message: a few words, then a colon or a space ("维权援助资助：", "贯标奖励 ")
_TOPIC = re.compile(r"^\s*[\u4e00-\u9fffA-Za-z]{2,12}(?:\s*[:：,，]\s*|\s+)(?=[\u4e00-\u9fff]|(?:19|20)\d\d)")
#: a short last clause asking whether the case told qualifies: "…，能报吗", "…，还能报吗", "…，行不行"
_LAST_ASK = re.compile(r"[,，;；。\s]\s*(?:那|那么|请问)?(?:还|现在|今年)?(?:能报|能申报|能申请|能拿|可以报|可以申请|行不行|能不能报|能不能申请|"
                       r"有戏|够不够|符合吗|有份)\s*(?:吗|呢|吧|啊|么)?\s*[?？]?\s*$")
#: a status whose certificate ran out or was withdrawn: "高企证书去年到期了", "资格被取消了"
_EXPIRED = re.compile(r"^[^,，。;；!！?？]{0,6}(到期|过期|失效|被取消|被撤销|没续上|摘牌|复核没通过|复核未通过|还在走流程|还在申请|正在申请|还没下来|还没批下来)")
#: a clause asking how or whether ("证书到期了怎么再认证"): it tells nothing
_HOW = re.compile(r"怎么|如何|咋|吗|？|\?")
#: what is still to come after a verb word: "认证审核下个月才来", "明年才验收"
_FUTURE = re.compile(r"下个月|下月|下周|明年|下半年|年底|才来|才能|才会|即将|快要|将要|快了|马上")
#: a time to come right before the word ("明年才认证"), or the word still under way ("认证还在做")
_FUTURE_BEFORE = re.compile(r"(下个月|下月|明年|下半年|年底)(才|再|要|准备)?$")
_UNDER_WAY = re.compile(r"^(还在|正在|在)(做|办|弄|走流程|准备|审核|进行)")
_CHOICE = re.compile(r"[^。！？!?\n]*还是[^。！？!?\n]*[？?]")

_EN_SENTENCE = re.compile(r"[^.?!;。？！；]+[.?!;。？！；]?")
_EN_QUESTION = re.compile(r"^\s*(can|could|is|are|does|do|did|will|would|should|may|might|what|which|how|who|when|"
                          r"where|why|shall)\b", re.IGNORECASE)
_EN_SUPPOSED = re.compile(r"\b(if|whether|in case|suppose|assuming)\b", re.IGNORECASE)
_EN_NAME_AFTER = re.compile(r"\s*(reward|award|subsidy|programme|program|scheme)\b", re.IGNORECASE)
#: a subject: we, our …; or a sentence that says what the company is and ends "here" ("High-tech enterprise here.")
#: …or a self-introduction, an aside after it perhaps: "Little Giant here (national list, 2021)."
_EN_SUBJECT = re.compile(r"\b(we|we're|we've|our|us|i|i'm|my)\b|\S\s+here\s*(\([^()]{0,40}\))?\s*[.!]?\s*$", re.IGNORECASE)

Keep = Callable[[str, Any, tuple[tuple[int, int], ...]], None]


def _grouped(vocab: Vocabulary) -> dict[str, tuple[Flag, ...]]:
    cached = getattr(vocab, "_flags_by_word", None)
    if cached is None:
        by_word: dict[str, list[Flag]] = {}
        for flag in vocab.flags:
            by_word.setdefault(flag.word, []).append(flag)
        cached = {w: tuple(fs) for w, fs in by_word.items()}
        object.__setattr__(vocab, "_flags_by_word", cached)
    return cached


def read_flags(text: str, vocab: Vocabulary, times: list[tuple[int, int, str]], bounds: list[tuple[int, int]],
               keep: Keep, used: frozenset[str] | set[str] = frozenset()) -> None:
    """Call ``keep(fact, value, span)`` for each yes/no fact ``text`` states of the company.

    Of the flags of one word, the one whose `with` word is nearest is read ("省战略推进计划项目
    还没验收" is about that project, not a 高价值 one named before). ``used``: the facts of the
    programmes named, for the flags read only about those (``if_used``)."""
    lower = text.lower()
    grouped = _grouped(vocab)
    found = find_words(text, tuple(grouped))
    speaks = bool(SPEAKER.search(text)) or any(not text[:s].strip() and _INTRO.match(text[e:]) for s, e, _w in found[:1]) \
        or _opens_told(text) or _topic_then_told(text) or _form(text) or (bool(found) and _bare(text, *clause_of(bounds, found[0][0]), found)
                                 and clause_of(bounds, found[0][0])[0] == 0)
    for s, e, word in found:
        c_start, c_end = clause_of(bounds, s)
        english = (latin(text[s:e]) and not re.search(r"[\u4e00-\u9fff]", _GLOSS.sub("", text[c_start:c_end]))) \
            or _in_english(text, s)
        candidates = []
        for flag in grouped.get(word, ()):
            if flag.if_used and not any(f in used for f, _v in flag.yes + flag.no):
                continue
            where = _sentence(text, s) if english else (c_start, c_end)
            if said_of_other(text, where[0], s):  # "母公司是小巨人": another company's, not the asker's
                if not english and (not flag.with_ or _qualifier(lower, flag, *where, s)[0]) and own_denial(text, c_end):
                    for fact, v in flag.no:  # "…，我们子公司自己不是": the asker is not
                        keep(fact, v, ((s, e),))
                continue
            scope = (max((m.end() for m in _SENTENCE_END.finditer(text, 0, c_start)), default=0),
                     _sentence_end(text, c_end)) if flag.sentence and not english else where
            if scope == where and not english:
                scope = (_list_start(text, c_start), c_end)  # "海外没有任何维权、调查": the list's words too
            qualified, qualifier = _qualifier(lower, flag, *scope, s)
            if qualified:
                distance = min((min(abs(qs - s), abs(qe - s)) for qs, qe in qualifier), default=len(text))  # a `with` word there first
                longest = max((qe - qs for qs, qe in qualifier), default=0)  # "国内外官司": 国内外, not 国内
                # the word's own clause before the rest of its sentence: "…战略推进计划项目还没验收，能报高价值…吗"
                elsewhere = bool(qualifier) and not any(c_start <= qs < c_end for qs, _qe in qualifier)
                candidates.append((elsewhere, distance, -longest, len(candidates), flag, where, qualifier))
        for *_order, flag, where, qualifier in sorted(candidates, key=lambda c: c[:4]):
            said_when = {k for ts, te, k in times if where[0] <= ts and te <= where[1]}
            if flag.recent and said_when & {OTHER, THREE_YEARS_AGO}:
                continue
            if not english and closed_by_negation(text, c_end, text[e:c_end]):
                value: bool | None = False  # "海外维权、337调查、涉外纠纷都没有": the closing negation holds for each
            elif not english and not flag.verb and (c_start == 0 or speaks) and _bare(text, c_start, c_end, found) \
                    and not _list_negated(text, c_start, vocab):
                # "江苏独立法人工业企业，行业龙头；…": what the company is, listed; "严重失信、非正常申请：无": none
                value = not _LIST_ANSWERED_NO.match(text, c_end)
            else:
                value = _english(text, s, e, flag, vocab, *where) if english \
                    else _chinese(text, s, e, flag, vocab, c_start, c_end, speaks)
            if value and flag.recent and not said_when & _RECENT:
                continue  # won an award, but when? only a time within three years says it
            if value and flag.before_year is not None:
                # the last year named before the word in its clause: "2019年我们牵头的高价值项目验收通过了"
                year = _YEAR_BEFORE.search(text[c_start:s]) or (_YEAR_AFTER.match(text, e) if english else None)
                if year is None:
                    if english or not _THIS_YEAR.search(text[c_start:s]):
                        continue
                    value = False  # "今年1月初刚验收完": this year, not before the year asked (round 25a)
                else:
                    value = int(year.group(1)) < flag.before_year
            if value is None or not (flag.yes if value else flag.no):
                continue  # a flag that sets nothing either way leaves the word to the next one
            for fact, v in (flag.yes if value else flag.no):
                if type(v) is int and v > 0 and _COUNTED.search(text, c_start, c_end):
                    continue  # "通过PCT授权了3件": the figure says how many, not the flag's "one at least"
                keep(fact, v, ((s, e), *qualifier))
            if not (qualifier and _both_said(text, c_start, s, qualifier)):
                break  # one reading of a word
            read_both = qualifier[0][0]  # "涉外的和国内的官司都没打过": each place joined is read too
            for later in sorted(candidates, key=lambda c: c[:4]):
                q = later[-1]
                if q and q[0][0] != read_both and c_start <= q[0][0] < s and (later[-3].yes if value else later[-3].no):
                    for fact, v in (later[-3].yes if value else later[-3].no):
                        keep(fact, v, ((s, e), *q))
            break


#: two places joined before the word: "涉外的和国内的官司", "国内和海外的纠纷" (round 19)
_JOINED = re.compile(r"[\u4e00-\u9fff]{1,4}的?(和|与|跟|及|以及)[\u4e00-\u9fff]{1,4}的?")


def _both_said(text: str, c_start: int, s: int, qualifier: tuple) -> bool:
    """Whether the qualifier read stands in a pair of places joined by 和 right before the word."""
    joined = _JOINED.search(text, max(c_start, s - 14), s)
    return joined is not None and any(joined.start() <= qs < joined.end() for qs, _qe in qualifier)


def _form(text: str) -> bool:
    """Whether the message is a form filled in ("企业性质：江苏注册独立法人，工业企业" line after
    line), or a list of lines that tell, then one that asks ("1. 江苏注册独立法人…\n2. …\n请问…符合吗"):
    what its lines say is the asker's company's, as a list after 我们 is."""
    lines = [line for line in text.split("\n") if line.strip()]
    told = lines[:-1]
    return len(_FORM_LINE.findall(text)) >= 3 or (len(told) >= 3 and not any(
        _ASKS.search(line) or _SUPPOSED.search(line) or _NEEDS.search(line) for line in told))


def _in_english(text: str, pos: int) -> bool:
    """Whether ``pos`` is in an English sentence that names a few things in Chinese ("We are a
    高新技术企业 and won a foreign-related case"): it is read as English, Chinese words and all."""
    start, end = _sentence(text, pos)
    sentence = _GLOSS.sub("", text[start:end])
    letters = len(_LETTER.findall(sentence))
    return letters >= 20 and letters >= 3 * len(_HAN.findall(sentence))


#: a gloss in brackets that tells when or by whom, not whether: "国家级小巨人（2022年认定）", "（第四批）" (round 19)
_GLOSS_WHEN = re.compile(r"[（(][^）)没未不无否申评审]{1,16}[）)]")


def _bare(text: str, c_start: int, c_end: int, found: list[tuple[int, int, str]]) -> bool:
    """Whether a clause is nothing but what the company is: flag words, a kind of company and a
    place at most ("江苏独立法人工业企业", "行业龙头"), neither asked nor negated, in a message
    that goes on (a clause ending the message is what it asks about)."""
    if c_end >= len(text.rstrip("。.!！ ")) or not _CLAUSE_END.match(text, c_end):
        return False
    first = min((s for s, e, _w in found if c_start <= s and e <= c_end), default=c_start)
    c_start = max(c_start, text.rfind(":", c_start, first) + 1, text.rfind("：", c_start, first) + 1)  # "情况如下：…"
    rest = list(text[c_start:c_end])
    for s, e, word in found:
        if c_start <= s and e <= c_end:
            cut = trade_named(text[c_start:s], word)  # "汽车零部件行业龙头": the trade led is no other statement
            rest[s - c_start - cut:e - c_start] = [""] * (e - s + cut)
    left = _KIND_OF_COMPANY.sub("", _GLOSS_WHEN.sub("", "".join(rest))).strip()
    clause = _GLOSS_WHEN.sub("", text[c_start:c_end])
    return len(left) <= 3 and not re.search(r"\d", left) and not _NOT_A_NOUN.search(clause) \
        and not _ASKS.search(clause) and not _SUPPOSED.search(clause) and not _NEEDS.search(clause) \
        and _HAN_RUN.fullmatch(left) is not None and not _NOT_WHAT.search(left) and not _SOME.search(clause)


def _opens_told(text: str) -> bool:
    """Whether the message opens by telling something, then asks: "贯标认证通过了，有奖励吗",
    "项目还在评审，没出结果，立项奖励能拿吗". An owner does not tell of another company before
    asking about a programme; a first clause that is itself asked, supposed, a requirement or
    said of some ("通过贯标认证的企业，…", "拿过奖的，…"), and a message asking about a
    requirement ("…，门槛能降吗") or a choice ("…还是…"), tell nothing."""
    m = _FIRST_CLAUSE.match(text)
    if m is None or not _ASKS_LATER.search(text, m.end()):
        return False
    first = m.group(1)
    if not _TELLS.search(first) or (first.endswith("的") and "是" not in first) or _KIND_DOES.match(first):
        return False  # a topic ("项目引领奖励，…"), some ("有非正常申请记录的，…"), a kind ("高新技术企业打赢了…")
    return not (_ASKS.search(_NOT_YET.sub("没", first)) or _SUPPOSED.search(first) or _NEEDS.search(first)
                or _QUESTION_FORM.search(first) or _SOME.search(first) or _NEEDS.search(text, m.end())
                or "还是" in text)


def _topic_then_told(text: str) -> bool:
    """Whether the message names its topic, then only tells ("维权援助资助：高企证书到期了，…",
    "贯标奖励 中小企业 认证证书拿到了"): nothing asked, supposed, required or said of some, so what
    it tells is the asker's case, put to the programme named."""
    m = _TOPIC.match(text)
    if m is None:
        return False
    last = _LAST_ASK.search(text, m.end())  # "升级项目，2019年验收的，能报吗": told, then asked whether it qualifies
    text = text[:last.start()] if last else text
    rest = text[m.end():]
    return bool(_TELLS.search(rest)) and not (_ASKS_LATER.search(text) or _ASKS.search(rest) or _SUPPOSED.search(text)
                                               or _NEEDS.search(rest) or _SOME.search(rest) or "还是" in rest)


def _sentence_end(text: str, pos: int) -> int:
    m = _SENTENCE_END.search(text, pos)
    return m.start() if m else len(text)


def _qualifier(lower: str, flag: Flag, start: int, end: int, pos: int = 0) -> tuple[bool, tuple[tuple[int, int], ...]]:
    """Whether the flag's `with` condition holds in lower[start:end], and where its word is: the one
    nearest the flag's word at ``pos`` ("项目引领那个奖励，…培育，结果没批": 培育, not the 项目 of
    the programme's name, which stays a name)."""
    if not flag.with_:
        return True, ()
    found = list(words_pattern(flag.with_).finditer(lower, start, end))
    if not found:
        return False, ()
    m = min(found, key=lambda m: (abs(m.start() - pos), m.start()))
    return True, ((m.start(), m.end()),)


def _sentence(text: str, pos: int) -> tuple[int, int]:
    for m in _EN_SENTENCE.finditer(text):
        if m.start() <= pos < m.end():
            return m.start(), m.end()
    return 0, len(text)


def _list_start(text: str, c_start: int) -> int:
    """Where the list a clause is an item of begins: items are said with 、 ("维权、调查或者纠纷")."""
    while c_start > 0 and text[c_start - 1] == "、":
        c_start = max((m.end() for m in _CLAUSE_END.finditer(text, 0, c_start - 1)), default=0)
    return c_start


def _list_negated(text: str, c_start: int, vocab: Vocabulary) -> bool:
    """Whether the first item of the list holding the clause at ``c_start`` is negated."""
    start = _list_start(text, c_start)
    return start < c_start and _near_negation(vocab.negations_near).search(text[start:text.index("、", start)]) is not None


def _negated_before(before: str, vocab: Vocabulary) -> bool:
    trimmed = before.rstrip("过了的都也还")
    if any(trimmed.endswith(n) or before.endswith(n) for n in vocab.negations) or negated_with_joined(before):
        return True
    return _near_negation(vocab.negations_near).search(before[-8:]) is not None


def _double_negated(before: str, vocab: Vocabulary) -> bool:
    """A negation right before the word, itself negated: "没有没验收的项目" (none unaccepted)."""
    inner = next((n for n in vocab.negations if before.endswith(n)), None)
    if inner is None:
        return False
    rest = before[:-len(inner)]
    return any(rest.endswith(n) for n in vocab.negations if len(n) >= 2 or n == "无")  # "无未验收省项目"


@lru_cache(maxsize=8)
def _near_negation(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("(" + "|".join(map(re.escape, words)) + r")[^,，。;；、!！?？]{0,6}$" if words else "(?!)")


def _listed(text: str, s: int, c_start: int) -> bool:
    """Whether the word opens an item of a list after a colon or a semicolon: in its clause, after
    the last colon or semicolon, only a few words without a verb before it ("江苏", "江苏独立法人"),
    or its clause follows a semicolon ("…；独立法人，…")."""
    opened = [m.end() for m in _LIST_OPEN.finditer(text, c_start, s)]
    if opened:
        head = text[opened[-1]:s]
    elif c_start > 0 and (_LIST_OPEN.match(text, c_start - 1) or text[c_start - 1] == "、" and _LIST_OPEN.search(
            text, _list_start(text, c_start), text.index("、", _list_start(text, c_start)))):
        head = text[c_start:s]  # or an item after 、 of such a list: "其他条件：江苏独立法人、行业龙头、…"
    else:
        return False
    return len(head.strip()) <= 8 and not re.search(r"\d", head) and not _NOT_A_NOUN.search(head) \
        and not _ASKS.search(head)


def _chinese(text: str, s: int, e: int, flag: Flag, vocab: Vocabulary, c_start: int, c_end: int,
             speaks: bool = False) -> bool | None:
    """True (stated), False (negated) or None (not said of the company) for a Chinese clause.

    ``speaks``: the message speaks of the company (我们 somewhere, or it opens by saying what the
    company is); then a statement without a subject of its own ("有独立知识产权部", "贯标已经在做了")
    is the company's too, unless it is asked, supposed or a requirement ("需要有知识产权部")."""
    before, after, rest = text[c_start:s], text[e:], text[e:c_end]
    if _QUESTION_FORM.search(before[-8:]) or _SUPPOSED.search(before) or _THEN.match(rest):
        return None
    if len(before) >= 2 and before[-1] == "不" and before[-2] == text[s] or asked_either(text, s - 2, e):
        return None  # "符不符合条件", "批没批我还不清楚": asked, A-not-A
    if _CHOICE.match(text[e:_sentence_end(text, e) + 1]):
        return None  # "是拿到证书才有奖励，还是绩效评价合格也行？": a choice asked, not a statement
    if _double_negated(before, vocab):
        return True  # "也没有没验收的省项目": none not accepted (before _GENERAL: "未验收的企业知识产权…项目" is a name)
    if _GENERAL.match(after) and not _ASSERT_AFTER.match(after):
        return None
    if flag.verb and _REWARD_NAMED.match(rest):
        return None  # "获批立项奖励，我们拿的是区级项目": the reward's name, no approval told
    answered = _ANSWERED.match(rest)
    if _DONE_ITEM.search(before) and not _ASKS.search(rest):
        return True  # "贯标：已认证（2019年）"
    if answered:  # "- 海外维权：没有", "高新技术企业：是"; "未验收的项目：无" (none unaccepted)
        return (answered.group("yes") is not None) != _negated_before(before, vocab)
    if _LIST_ITEM.fullmatch(before.strip()) and _list_negated(text, c_start, vocab):
        return False  # "没有任何维权、调查或者纠纷": the negation before a list's first item holds for each
    if _negated_before(before, vocab) or _NEGATE_AFTER.match(after) or _NEGATE_ALL_AFTER.match(rest) or _NEGATE_CLOSING.match(rest) \
            or (not flag.verb and _EXPIRED.match(rest) and not _HOW.search(text[c_start:c_end])):
        return False
    if not flag.verb and _FORM_VALUE.fullmatch(before) and _ITEM_REST.fullmatch(rest) and not _NOT_A_NOUN.search(rest) \
            and _form(text):
        return True  # "申报单位：江苏注册的独立法人制造企业": a form's answer (申报 is the label's, no aim)
    if _AIM.search(before) and not (flag.verb and before.rstrip().endswith("的")) and not _MEETS.search(text[s:e]):
        return None  # "我们在申请高新技术企业": an aim, not what the company is
    if not flag.verb and _ONE_OF.match(after) and not _ASKS.search(before):
        return True  # "高企一个，…": what the company is, said as people do
    if not flag.verb and not text[:s].strip() and _INTRO.match(after):
        return True  # "小巨人企业，特派员核过了…": the message opens by saying what the company is
    if not flag.verb and _listed(text, s, c_start) and _ITEM_REST.fullmatch(rest) and not _NOT_A_NOUN.search(rest):
        return True  # "情况是：江苏注册的独立法人；…", "我们想报：江苏独立法人工业企业，…": an item of a list
    sentence_start = max((m.end() for m in _SENTENCE_END.finditer(text, 0, c_start)), default=0)
    stated = not _ASKS.search(text[c_start:c_end]) and "了" in text[c_start:c_end]
    own = bool(_OURS.search(before)) or bool(_OPENS_BE.match(before)) \
        or bool(stated and (_OPENS_DONE.match(before.lstrip()) or _OWN_ACT.search(before))) \
        or bool(_COMPANY_OPENS.match(before) and (stated or _ASSERT_BEFORE.search(before)))
    told = speaks and not _ASKS.search(before) and not _NEEDS.search(before) and not _SUPPOSED.search(text[c_start:c_end])
    if _NOT_YET.search(text[s:c_end]):
        rest = rest[:-1]  # "还没报呢": its 呢 asks nothing
    carried = not own and (bool(_OURS.search(text[sentence_start:c_start])) or told) and not _ASKS.search(rest) \
        and not _NEEDS.search(before)
    if flag.verb:
        if (own or carried) and (_FUTURE.search(rest) or _FUTURE_BEFORE.search(before) or _UNDER_WAY.match(rest)):
            return False  # "认证审核下个月才来", "明年才认证", "认证还在做": not yet
        if re.search(r"(吗|？|\?|呢)", rest) or (_ATTRIBUTIVE.match(rest) and not own) \
                or (_KIND_DONE.match(rest) and not _WE.search(text)):
            return None  # asked, or said of some ("打赢官司的企业"; but "我们牵头的项目" is ours)
        # said of the company in so many words: "国内的官司打赢了，有没有维权方面的资助" without
        # 我们 may be asked for anyone (the labelled questions read it so)
        return True if own or carried else None
    if _SUBJECT_RIGHT_BEFORE.search(before) or _SUBJECT_IS.search(before):
        return True  # "我们小企业…", "我司为高新技术企业", "本企业系…"
    if _OURS_AFTER.search(rest) and not re.search(r"(吗|？|\?|呢)", rest):
        return True
    asserted = _ASSERT_BEFORE.search(before) or _ASSERT_AFTER.match(after) or _DONE_AT.match(rest)
    if (own or carried) and asserted:
        return True
    if carried and _WE_ARE.search(text[sentence_start if not told else 0:c_start]) and not _NOT_A_NOUN.search(before) \
            and not _ASKS.search(rest):
        return True  # a list after "我们是…": "我们是工业企业，江苏注册的独立法人，…"
    if _ASSERT_BEFORE.search(before) and re.search(r"了[^,，。;；、!！?？]{0,10}$", before):
        return True
    return None


def english_statement(text: str, pos: int) -> bool:
    """Whether the English sentence around ``pos`` is a statement of the company's (we, our),
    neither a question nor a supposition."""
    start, end = _sentence(text, pos)
    sentence = text[start:end]
    if sentence.rstrip().endswith("?") or _EN_QUESTION.match(sentence) or _EN_SUPPOSED.search(text[start:pos]):
        return False
    return bool(_EN_SUBJECT.search(sentence))


def _english(text: str, s: int, e: int, flag: Flag, vocab: Vocabulary, start: int, end: int) -> bool | None:
    """The same for an English sentence: a statement with a subject, perhaps negated."""
    sentence = text[start:end]
    before = text[start:s]
    if sentence.rstrip().endswith("?") or _EN_QUESTION.match(sentence) or _EN_SUPPOSED.search(before):
        return None
    if _EN_NAME_AFTER.match(text, e):
        return None  # "IP management standard reward": the programme's name
    if english_negation(vocab).search(before):
        return False
    if not _EN_SUBJECT.search(sentence) and not _EN_SUBJECT.search(_joined_before(text, start)):
        return None
    return True


def _joined_before(text: str, start: int) -> str:
    """The sentences a semicolon joins this one to ("We have one PCT application…; nothing granted yet"):
    the subject of the first is the subject of all (round 23d)."""
    first = start
    while first > 0 and text[:first].rstrip().endswith((";", "；")):
        first = _sentence(text, len(text[:first].rstrip()) - 1)[0]
    return text[first:start]


def english_negation(vocab: Vocabulary) -> re.Pattern[str]:
    """not / never / no a few words before the end of the text ("have never filed an"); n't glued."""
    cached = getattr(vocab, "_en_negation", None)
    if cached is None:
        words = "|".join(re.escape(n) for n in vocab.negations_en if "'" not in n) or "(?!)"
        glued = "|".join(re.escape(n) for n in vocab.negations_en if "'" in n) or "(?!)"
        cached = re.compile(rf"(?:\b(?:{words})\b|(?:{glued}))(?:\s+[\w'-]+){{0,3}}\s*$", re.IGNORECASE)
        object.__setattr__(vocab, "_en_negation", cached)
    return cached
