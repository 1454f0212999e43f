"""Full-text search over the policy documents, clause by clause, with quotes to cite.

SME owners ask free-text questions in Chinese ("首件发明专利有补贴吗？"). This module finds
the clauses of the policy documents that answer them, returns each as a quotable
:class:`Hit` (文号 + clause label such as ``二（一）1``), and says whether the best hit is
good enough to answer from (:meth:`PolicySearch.answer`). When it is not, the caller
hands the question to the company's human specialist. Returns data only; prints nothing.

Pipeline
--------
1. :func:`split_clauses` cuts a document into clauses by its own numbering,
   ``一、`` > ``（一）`` > ``1.`` > ``（1）``, with ``附件N`` headings prefixing the labels.
   The smallest numbered unit is a clause. A heading with body text of its own before
   its first numbered child (e.g. the "到2020年…" targets under ``二（一）``) is a clause
   too. Preambles, sign-offs, contact lines and web-page footers are not indexed.
2. Text is segmented by a private jieba tokenizer: precise-mode words plus their
   dictionary sub-words, without punctuation and :data:`STOP_WORDS`, plus one
   ``syn:<canonical>`` token for each :data:`SYNONYMS` group present. The headings above
   a clause, and the title of the attachment it is in, are indexed with it. That is how
   "高价值专利培育 申报条件" reaches the clauses under 附件3 "三、申报条件".
3. :class:`PolicySearch` scores the clauses with BM25 (``rank_bm25.BM25Okapi``),
   multiplies each score by the clause's coverage of the question's words, and decides
   confidence with the rule on :meth:`PolicySearch.answer`.
4. :meth:`PolicySearch.route` (and :func:`classify`) sorts a question into three kinds:
   ``"answer"`` (answer with the quote), ``"forward"`` (about IP, but the texts do not
   answer it: hand it to the specialist) and ``"off_topic"`` (not about IP at all: say
   politely that the bot only handles IP policy, and do not forward it). See
   :data:`IP_TERMS` and :data:`HOW_TO`. On the 108 labelled questions of
   ``tests/unit/data/question_routing.yaml`` (46 answer, 32 forward, 30 off-topic):
   precision / recall 0.957 / 0.978 (answer), 0.968 / 0.938 (forward), 1.0 / 1.0
   (off-topic); every answer quoted an accepted clause. ``python
   tests/unit/test_policy_search.py`` prints the figures again.
"""

from __future__ import annotations

import html
import itertools
import logging
import math
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "ANSWER",
    "FORWARD",
    "OFF_TOPIC",
    "IP_TERMS",
    "PROGRAMME_GROUPS",
    "Routing",
    "classify",
    "route",
    "Answer",
    "Clause",
    "Document",
    "Hit",
    "PolicySearch",
    "split_clauses",
    "split_number_title",
    "tokenize",
]

# --------------------------------------------------------------------------- tunables
#
# Confidence rule (PolicySearch.answer). Calibrated on the five source documents
# (261 clauses) with 31 on-topic questions and 38 off-topic or too-generic ones:
#   on-topic, expected clause on top (27):  score 8.35–38.6, evidence 5.7–23.2,
#                                           coverage 0.69–1.0
#   off-topic / generic (none confident):   score ≤ 7.1 whenever evidence ≥ 4 and
#       coverage ≥ 0.65; one generic word (知识产权, 专利, 申报条件) evidence ≤ 2.9;
#       高新技术企业认定条件 coverage 0.59; 商标注册要多少钱 coverage 0.60.
# The margins are thin (一企一策是什么 scores 8.35). Re-run the calibration when the
# documents or SYNONYMS change.

#: The top hit's score (BM25 × coverage, see COVERAGE_POWER) must reach this…
MIN_SCORE = 8.0
#: …the IDF of the question words it contains must add up to this ("evidence"), so a
#: bare generic word such as "知识产权" is not answered from some random clause…
MIN_EVIDENCE = 4.0
#: …and those words must make up this share (IDF-weighted) of the question's words.
MIN_COVERAGE = 0.65
#: Ranking score = BM25 × coverage ** COVERAGE_POWER, so a clause holding all of the
#: question's words beats one that repeats a few of them many times.
COVERAGE_POWER = 1.0
#: Questions are cut to this many characters before segmentation.
MAX_QUERY_CHARS = 500
#: A clause longer than this is quoted as its best-matching sentence(s), with "…".
MAX_QUOTE_CHARS = 300

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
_PROGRAMME_WORDS = ("项目", "申报", "试点", "之星", "奖励", "补贴", "资助", "奖补", "扶持")

# --------------------------------------------------------------------------- data types


@dataclass(frozen=True)
class Document:
    """One policy document: ``number`` is its 文号 ("" when it has none)."""

    doc_id: str
    title: str
    number: str
    text: str


@dataclass(frozen=True)
class Clause:
    """The smallest numbered unit of a document.

    ``label`` is the numbering path in the document's notation, with full-width
    brackets, e.g. ``二（一）1`` or ``附件3 三（一）1（2）``. ``path`` is the same path
    with each level's heading, for display (see :attr:`readable`). ``text`` is the
    clause with whitespace normalised. ``context`` is the headings above it: indexed
    with the clause, never quoted.
    """

    doc_id: str
    label: str
    path: tuple[str, ...]
    text: str
    context: str = ""

    @property
    def readable(self) -> str:
        """e.g. "二、主要任务 › （一）激发中小企业知识产权创造活力 › 1. 开展“专利清零”行动"."""
        return " › ".join(self.path)


@dataclass(frozen=True)
class Hit:
    """A ranked clause.

    ``quote`` is the clause text, or, if the clause is longer than
    :data:`MAX_QUOTE_CHARS`, its best-matching sentence(s) marked with "…".
    ``score`` is the ranking score (BM25 × coverage). ``coverage`` is the share of the
    question's words the clause contains (IDF-weighted, 0..1). ``evidence`` is their
    summed IDF. ``clause_path`` is :attr:`Clause.readable`.
    """

    doc_id: str
    number: str
    title: str
    clause_label: str
    quote: str
    score: float
    clause_path: str = ""
    coverage: float = 0.0
    evidence: float = 0.0


@dataclass(frozen=True)
class Answer:
    """``reason``: "ok", "empty", "no_match", "low_score" or "low_coverage"."""

    confident: bool
    hits: list[Hit] = field(default_factory=list)
    reason: str = "ok"


ANSWER = "answer"
FORWARD = "forward"
OFF_TOPIC = "off_topic"


@dataclass(frozen=True)
class Routing:
    """Where a question goes: ``kind`` is ANSWER, FORWARD or OFF_TOPIC.

    ``answer`` is the search's :class:`Answer` (hits to quote, or to show the specialist);
    ``terms`` the IP words found (empty for an off-topic question); ``how_to`` whether it
    asks how to do something with a right (see :data:`HOW_TO`).
    """

    kind: str
    answer: Answer
    terms: tuple[str, ...] = ()
    how_to: bool = False


# --------------------------------------------------------------------------- documents

_NUMBER = re.compile(r"^\s*(\S*?〔\d{4}〕\d+号)\s*(.*)$")


def split_number_title(heading: str) -> tuple[str, str]:
    """Split "苏知发〔2018〕86号 江苏省…方案" into (文号, title), or ("", heading) if no 文号."""
    heading = heading.strip()
    m = _NUMBER.match(heading)
    return (m.group(1), m.group(2).strip()) if m else ("", heading)


# --------------------------------------------------------------------------- clause splitting

_CN_NUM = "[一二三四五六七八九十]+"
_L1 = re.compile(rf"^({_CN_NUM})\s*、\s*(.*)$")  # 一、
_L2 = re.compile(rf"^[（(]\s*({_CN_NUM})\s*[）)]\s*(.*)$")  # （一） (一)
_L3 = re.compile(r"^(\d{1,2})\s*[.．、](?!\d)\s*(.*)$")  # 1. 1．1、 (not 3.5%)
_L4 = re.compile(r"^[（(]\s*(\d{1,2})\s*[）)]\s*(.*)$")  # （1） (1)
_ATTACHMENT = re.compile(r"^附件\s*(\d+)\s*$")  # a line that is only "附件 3"
_MD_HEADING = re.compile(r"^#{1,6}\s*")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_RULE = re.compile(r"^(-{3,}|\*{3,}|_{3,})$")
# a line from which on the text is a sign-off, contact block, attachment list or
# web-page footer, until the next 一、 or 附件 heading
_STOP = re.compile(
    r"^(抄送|联系人|联 系 人|电\s*话|邮\s*箱|传\s*真|相关链接|特此通知|附件\s*[:：]|主办单位)"
    r"|^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
)
_TERMINAL = "。；;：:！？!?"
_CJK_CHAR = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”‘’《》、"
_CJK = re.compile(f"[{_CJK_CHAR}]")
_CJK_GAP = re.compile(f"(?<=[{_CJK_CHAR}]) (?=[{_CJK_CHAR}])")
_PARA = "\u2029"  # marks "heading | body" inside a node until the text is emitted


def _cn_int(s: str) -> int:
    """一..九十九 -> int; anything else -> 0."""
    digits = "一二三四五六七八九"
    tens, sep, ones = s.partition("十")
    try:
        if not sep:
            return digits.index(s) + 1 if len(s) == 1 else 0
        return (digits.index(tens) + 1 if tens else 1) * 10 + (digits.index(ones) + 1 if ones else 0)
    except ValueError:
        return 0


def _clean_line(line: str) -> tuple[str, bool]:
    """Strip Markdown from one line; return (text, was_a_markdown_heading)."""
    s = line.replace("\u3000", " ").strip()
    is_heading = s.startswith("#")
    s = _MD_HEADING.sub("", s).replace("**", "").replace("\\_", "_").replace("\\", "")
    s = _MD_LINK.sub(r"\1", s)
    if s.startswith("- "):
        s = s[2:]
    return re.sub(r"\s+", " ", s).strip(), is_heading


def _join(a: str, b: str) -> str:
    """Join two pieces of one paragraph (no space next to a CJK character)."""
    if not a or not b:
        return a + b
    return a + b if _CJK.match(a[-1]) or _CJK.match(b[0]) else f"{a} {b}"


def _tidy(s: str) -> str:
    """Collapse whitespace; drop spaces the PDF conversion left between CJK characters."""
    return _CJK_GAP.sub("", re.sub(r"[^\S\u2029]+", " ", s).strip())


def _short_title(text: str, limit: int = 24) -> str:
    head = re.split(r"[。；;：:]", text, maxsplit=1)[0]
    return head if len(head) <= limit else head[:limit] + "…"


@dataclass
class _Node:
    level: int  # 1: 一、  2: （一）  3: 1.  4: （1）
    token: str  # its piece of the label: "二", "（一）", "1", "（1）"
    marker: str  # as displayed: "二、", "（一）", "1.", "（1）"
    title_only: bool  # a heading line (its next paragraph is body text, not a continuation)
    parts: list[str]  # heading line, then body paragraphs
    seq: int
    children: int = 0


def split_clauses(doc: Document) -> list[Clause]:
    """Cut a document into clauses by its numbering (see the module docstring).

    Labels use full-width brackets whatever the source has ("(四)" -> "（四）"). An
    ``附件N`` heading prefixes the labels under it with "附件N ". A document that *is*
    an attachment (its first line is the 附件 heading) gets no prefix. Numbering that
    restarts at 一、 inside one attachment starts a new guide: 附件2 of
    苏知发〔2021〕140号 holds two, labelled "附件2 …" and "附件2-2 …". Before the first
    numbered heading, only 一、 and （一） start clauses. After a sign-off line, only 一、
    and 附件 do. This keeps lists such as "附件：1. …" out. Repeated labels get "#2",
    "#3". A document with no numbering at all becomes one clause per paragraph, labelled
    "¶1", "¶2"…
    """
    clauses: list[tuple[int, Clause]] = []
    stack: list[_Node] = []
    seq = itertools.count()
    prefix = ""  # "附件3", "附件2-2"
    attachment_part = 1
    part_title = ""  # the "# …申报指南" title of the current attachment/guide
    last_l1 = 0
    mode = "preamble"  # "preamble" | "body" | "stopped"
    seen_content = prev_blank = False
    after_heading_line = False

    def emit(node: _Node) -> None:
        text = _tidy("".join(node.parts)).replace(_PARA, " ")
        if not text:
            return
        chain = [*stack, node]
        label = " ".join(x for x in (prefix, "".join(n.token for n in chain)) if x)
        path = ([prefix] if prefix else []) + [
            f"{n.marker}{'' if n.marker[-1] in '、）' else ' '}{_short_title(_tidy(n.parts[0]))}" for n in chain
        ]
        context = " / ".join(x for x in (part_title, *(_tidy(a.parts[0]) for a in stack)) if x)
        clauses.append((node.seq, Clause(doc.doc_id, label, tuple(path), text, context)))

    def close_to(level: int) -> None:
        """Close (and emit) every open node at ``level`` or deeper."""
        while stack and stack[-1].level >= level:
            node = stack.pop()
            # a clause: no numbered children, or a body of its own after the heading that
            # is more than a lead-in to its list ("…应满足以下条件：")
            body = _tidy("".join(node.parts[1:]))
            if node.children == 0 or (body and body[-1] not in ":："):
                emit(node)

    for raw in doc.text.splitlines():
        line, md_heading = _clean_line(raw)
        if not line:
            prev_blank = True
            continue
        first_line, seen_content = not seen_content, True

        m_att = _ATTACHMENT.match(line)
        if m_att:
            close_to(1)
            if not first_line:  # a document that is itself "附件 8" keeps plain labels
                prefix, attachment_part, last_l1 = f"附件{m_att.group(1)}", 1, 0
            part_title, mode, prev_blank = "", "stopped", True
            continue
        if _RULE.match(line) or _STOP.match(line):
            close_to(1)
            mode, prev_blank = "stopped", True
            continue

        level, m = 0, None
        for lvl, rx in ((1, _L1), (2, _L2), (4, _L4), (3, _L3)):
            if m := rx.match(line):
                level = lvl
                break
        if (mode == "stopped" and level > 1) or (mode == "preamble" and level > 2):
            level = 0

        if level and m:
            num, rest = m.group(1), m.group(2).strip()
            if level == 1:
                n = _cn_int(num)
                if prefix and n <= last_l1:  # numbering restarts: the attachment's next guide
                    attachment_part += 1
                    prefix = f"{prefix.split('-')[0]}-{attachment_part}"
                last_l1 = n
                token, marker = num, f"{num}、"
            elif level == 3:
                token, marker = num, f"{num}."
            else:
                token = marker = f"（{num}）"
            close_to(level)
            if stack:
                stack[-1].children += 1
            title_only = md_heading or level == 1 or (len(rest) <= 20 and not re.search(r"[。；;，,：:]", rest))
            stack.append(_Node(level, token, marker, title_only, [rest], next(seq)))
            mode, prev_blank, after_heading_line = "body", False, title_only
            continue

        if mode != "body" or not stack:
            if md_heading and prefix:
                part_title = line  # "# 2022 年度省高价值专利培育计划项目 申报指南"
            prev_blank = False
            continue
        if md_heading:  # an unnumbered heading inside a section: the next guide's title
            close_to(1)
            part_title, mode, prev_blank = (line if prefix else ""), "stopped", False
            continue

        node = stack[-1]
        indented = raw.startswith(("\u3000\u3000", "  \u3000"))
        if after_heading_line or indented or (prev_blank and node.parts[-1][-1:] in _TERMINAL):
            node.parts.append((_PARA if after_heading_line else "") + line)  # a new paragraph
        else:
            # the same paragraph goes on: the source breaks lines, even words, at page ends
            node.parts[-1] = _join(node.parts[-1], line)
        after_heading_line = prev_blank = False

    close_to(1)

    if not clauses:  # no numbering at all: one clause per paragraph
        paragraphs = [_tidy(p) for p in re.split(r"\n\s*\n", doc.text) if _tidy(p)]
        return [Clause(doc.doc_id, f"¶{i}", (f"¶{i}",), p) for i, p in enumerate(paragraphs, 1)]

    seen: dict[str, int] = {}
    out: list[Clause] = []
    for _, c in sorted(clauses, key=lambda sc: sc[0]):  # document order
        k = seen[c.label] = seen.get(c.label, 0) + 1
        out.append(c if k == 1 else Clause(c.doc_id, f"{c.label}#{k}", c.path, c.text, c.context))
    return out


# --------------------------------------------------------------------------- tokenizer

_tokenizer = None
_tokenizer_lock = threading.Lock()


def _get_tokenizer():
    """A private jieba Tokenizer, with the SYNONYMS entries added as words.

    It is private so that the words added here do not change jieba's global tokenizer.
    Loading the dictionary takes about 0.5 s, so it is done once per process, on first
    use, under a lock. jieba's logger is set to WARNING so that loading prints nothing.
    """
    global _tokenizer
    if _tokenizer is None:
        with _tokenizer_lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                tok = jieba.Tokenizer()
                tok.initialize()
                for word in sorted({_normalise(a) for group in SYNONYMS for a in group}):
                    if not tok.FREQ.get(word):
                        tok.add_word(word)  # jieba picks a frequency that keeps it whole
                _tokenizer = tok
    return _tokenizer


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def _is_word(token: str) -> bool:
    return any(unicodedata.category(ch)[0] in "LN" for ch in token)


#: (syn token, normalised entries) for each SYNONYMS group
_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    (f"syn:{g[0]}", tuple(_normalise(a) for a in g)) for g in SYNONYMS
)


def _segment(normalised: str) -> list[tuple[str, list[str]]]:
    """jieba's precise-mode words, each with its dictionary sub-words.

    This is ``lcut_for_search`` made thorough. That function adds only 2- and
    3-character sub-words, so the domain word "首件发明专利" would hide "发明专利". Here
    every dictionary sub-word of 2..n-1 characters is kept.
    """
    tok = _get_tokenizer()
    out: list[tuple[str, list[str]]] = []
    for word in tok.lcut(normalised):
        word = word.strip()
        if not word or not _is_word(word):
            continue
        n = len(word) if len(word) <= 16 else 0  # no sub-words of runs like "aaaa…"
        subs = (word[i : i + size] for size in range(2, n) for i in range(n - size + 1))
        out.append((word, [s for s in subs if tok.FREQ.get(s) and s not in STOP_WORDS]))
    return out


def _groups_in(normalised: str) -> list[tuple[str, list[str]]]:
    """(syn token, entries found) for each SYNONYMS group present in the text."""
    found = [(tok, [e for e in entries if e in normalised]) for tok, entries in _GROUPS]
    return [(tok, entries) for tok, entries in found if entries]


def tokenize(text: str) -> list[str]:
    """The index tokens of ``text``: words and their dictionary sub-words, without
    punctuation and stop words, plus a ``syn:<canonical>`` token for each
    :data:`SYNONYMS` group present."""
    norm = _normalise(text)
    out: list[str] = []
    for word, subs in _segment(norm):
        out.extend(subs)
        if word not in STOP_WORDS:
            out.append(word)
    return out + [tok for tok, _ in _groups_in(norm)]


@dataclass(frozen=True)
class _Query:
    terms: tuple[str, ...]  # BM25 query: distinct tokens, as tokenize() makes them
    #: what coverage and evidence count: the question's distinct words (precise mode,
    #: no sub-words) and syn tokens
    words: tuple[str, ...]
    #: word -> syn tokens of the matched domain terms that contain it
    subsumed: dict[str, tuple[str, ...]]
    #: (strings to look for, words whose weights they carry), to pick quote sentences
    needles: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]


def _parse_query(text: str) -> _Query:
    norm = _normalise(text)
    segments = _segment(norm)
    groups = _groups_in(norm)
    syn = [tok for tok, _ in groups]
    plain = list(dict.fromkeys(w for w, _ in segments if w not in STOP_WORDS))
    terms = tuple(dict.fromkeys([t for w, subs in segments for t in (*subs, w) if t not in STOP_WORDS] + syn))
    subsumed: dict[str, tuple[str, ...]] = {}
    for w in plain:
        if owners := tuple(t for t, found in groups if any(w in e for e in found)):
            subsumed[w] = owners
    entries = dict(_GROUPS)
    needles = tuple(((w,), (w,)) for w in plain if w not in subsumed) + tuple(
        (entries[t], (t, *(w for w, owners in subsumed.items() if t in owners))) for t in syn
    )
    return _Query(terms, tuple(plain + syn), subsumed, needles)


# --------------------------------------------------------------------------- search

_TAG = re.compile(r"<[^<>]{0,200}>")
_SENTENCE = re.compile(r"[^。；！？!?;]+[。；！？!?;]*|[。；！？!?;]+")


def _clean_question(question: object) -> str:
    """Markup, control and unassigned characters out; at most MAX_QUERY_CHARS left."""
    if not isinstance(question, str):
        return ""
    q = html.unescape(_TAG.sub(" ", question[: MAX_QUERY_CHARS * 4]))
    q = "".join(ch for ch in q if unicodedata.category(ch)[0] != "C")
    return q.strip()[:MAX_QUERY_CHARS]


#: Entries per query cache of a PolicySearch (a few KB each); full, it starts again.
CACHE_ENTRIES = 4096


def _remember(cache: dict, key: object, value: object) -> None:
    if len(cache) >= CACHE_ENTRIES:
        cache.clear()
    cache[key] = value


class PolicySearch:
    """A BM25 index over the clauses of some documents: build once, query many times.

    Building the index for the five source documents takes about 0.1 s, and a query
    well under a millisecond. The first instance in a process also loads jieba's
    dictionary (about 0.5 s). Queries read the index and fill two caches of arrays
    (see `_presence`, `_scores`); threads may share it.
    """

    def __init__(self, documents: Iterable[Document]) -> None:
        from rank_bm25 import BM25Okapi

        self.documents: dict[str, Document] = {d.doc_id: d for d in documents}
        clauses = [c for d in self.documents.values() for c in split_clauses(d)]
        texts = [_normalise(f"{c.context} {c.text}") for c in clauses]
        tokens = [tokenize(t) for t in texts]
        keep = [i for i, toks in enumerate(tokens) if toks]
        self.clauses: list[Clause] = [clauses[i] for i in keep]
        self._texts: list[str] = [texts[i] for i in keep]
        self._token_sets: list[frozenset[str]] = [frozenset(tokens[i]) for i in keep]
        self._bm25 = BM25Okapi([tokens[i] for i in keep]) if keep else None
        n = len(keep)
        # Filled by queries; a thread racing another stores the same array.
        self._presence_cache: dict[tuple[str, tuple[str, ...] | None], np.ndarray] = {}
        self._term_scores: dict[str, np.ndarray] = {}
        # the weight of a word no clause has: the IDF it would have if one clause had it
        self._oov_idf = math.log((n - 0.5) / 1.5) if n > 1 else 1.0

    # -- public -----------------------------------------------------------------

    def clause(self, doc_id: str, label: str) -> Clause | None:
        """The clause of document ``doc_id`` with this label, if there is one."""
        return next((c for c in self.clauses if c.doc_id == doc_id and c.label == label), None)

    def search(self, question: str, k: int = 3) -> list[Hit]:
        """The ``k`` best clauses for ``question``, best first. Never raises."""
        query = self._query(question)
        return self._rank(query, k) if query else []

    def answer(self, question: str) -> Answer:
        """Search, then decide whether the best clause answers the question.

        Confidence rule: the top hit is trusted when all three of these hold.

        * **score**: its ranking score (BM25 × coverage) ≥ :data:`MIN_SCORE`.
        * **evidence**: the IDF of the question's words that it contains adds up to
          ≥ :data:`MIN_EVIDENCE`. A generic word alone, e.g. "知识产权", is not enough.
        * **coverage**: those words are ≥ :data:`MIN_COVERAGE` of all the question's
          words, IDF-weighted. A word that no clause contains weighs as much as the
          rarest known word (half that for a single character). So "发明专利年费减免"
          is not answered from a clause that merely mentions 发明专利. Words inside a
          matched domain term count only if the clause has that term or one of its
          aliases (see :data:`SYNONYMS`).

        ``reason`` is one of:

        * "ok";
        * "empty": nothing searchable is left after removing markup, punctuation and
          stop words;
        * "no_match": no clause contains any word of the question;
        * "low_score": score or evidence too low;
        * "low_coverage".

        Hits are returned whenever found, confident or not, so the caller can show them
        to the human specialist. Never raises.
        """
        query = self._query(question)
        if not query:
            nothing_indexed = self._bm25 is None and bool(_clean_question(question))
            return Answer(False, [], "no_match" if nothing_indexed else "empty")
        hits = self._rank(query, 3)
        if not hits:
            return Answer(False, [], "no_match")
        top = hits[0]
        if top.score < MIN_SCORE or top.evidence < MIN_EVIDENCE:
            return Answer(False, hits, "low_score")
        if top.coverage < MIN_COVERAGE:
            return Answer(False, hits, "low_coverage")
        return Answer(True, hits, "ok")

    def route(self, question: str) -> Routing:
        """Sort a question into ANSWER, FORWARD or OFF_TOPIC. Never raises.

        * ANSWER: :meth:`answer` is confident, and the question is not a how-to about a right
          that names no programme (:data:`HOW_TO`): "商业秘密怎么保护" finds a clause that
          mentions 商业秘密 in passing, but the texts do not say how.
        * FORWARD: otherwise, when the question has an IP word (:data:`IP_TERMS`, or a
          SYNONYMS entry other than the money words).
        * OFF_TOPIC: no IP word at all ("今天苏州天气怎么样？", "你好").
        """
        answer = self.answer(question)
        norm = _normalise(_clean_question(question))
        terms = _ip_terms(norm)
        how_to = bool(HOW_TO.search(norm))
        if answer.confident and not (how_to and not _names_programme(norm)):
            return Routing(ANSWER, answer, terms, how_to)
        if terms:
            return Routing(FORWARD, answer, terms, how_to)
        return Routing(OFF_TOPIC, answer, (), how_to)

    def classify(self, question: str) -> str:
        """``"answer"``, ``"forward"`` or ``"off_topic"`` (see :meth:`route`)."""
        return self.route(question).kind

    # -- internals --------------------------------------------------------------

    def _query(self, question: object) -> _Query | None:
        text = _clean_question(question)
        if not text or self._bm25 is None:
            return None
        query = _parse_query(text)
        return query if query.terms and query.words else None

    def _presence(self, word: str, owners: tuple[str, ...] | None) -> np.ndarray:
        """1.0 for each clause that contains a question word, else 0.0 (cached per word).

        A word inside matched domain terms (``owners``) counts where one of those terms'
        tokens is; otherwise where the word is a token, or (not a syn token) in the text.
        """
        key = (word, owners)
        found = self._presence_cache.get(key)
        if found is None:
            if owners is not None:
                found = np.array([any(tok in have for tok in owners) for have in self._token_sets], dtype=float)
            else:
                plain = not word.startswith("syn:")
                found = np.array([word in have or (plain and word in text)
                                  for have, text in zip(self._token_sets, self._texts)], dtype=float)
            _remember(self._presence_cache, key, found)
        return found

    def _scores(self, terms: tuple[str, ...]) -> np.ndarray:
        """BM25 of every clause for the terms: rank_bm25's `get_scores`, one cached term at a time.

        `get_scores` adds one array per term to zeros, in order; adding the cached
        arrays in the same order gives the same floats, without a pass over every
        clause's term counts per term.
        """
        assert self._bm25 is not None
        score = np.zeros(len(self.clauses))
        for term in terms:
            part = self._term_scores.get(term)
            if part is None:
                part = self._bm25.get_scores([term])
                _remember(self._term_scores, term, part)
            score = score + part
        return score

    def _weight(self, word: str) -> float:
        assert self._bm25 is not None
        idf = self._bm25.idf.get(word)
        if idf is not None:
            return max(idf, 0.0)
        return self._oov_idf / 2 if len(word) == 1 else self._oov_idf

    def _rank(self, query: _Query, k: int) -> list[Hit]:
        assert self._bm25 is not None
        bm25 = self._scores(query.terms)
        weights = {w: self._weight(w) for w in query.words}
        total = sum(weights.values()) or 1.0
        # Per clause, the weights of the question words it contains, added in word order.
        evidence = np.zeros(len(self.clauses))
        for w in query.words:
            evidence = evidence + weights[w] * self._presence(w, query.subsumed.get(w))
        ranked: list[tuple[float, int, float]] = []  # (score, clause index, evidence)
        # evidence 0: only sub-words matched ("申请专利" is not in "专利申请")
        for i in np.flatnonzero((bm25 > 0) & (evidence > 0)).tolist():
            found = float(evidence[i])
            ranked.append((float(bm25[i]) * (found / total) ** COVERAGE_POWER, i, found))
        ranked.sort(key=lambda r: (-r[0], r[1]))
        hits: list[Hit] = []
        for score, i, evidence in ranked[: max(k, 0)]:
            clause = self.clauses[i]
            doc = self.documents[clause.doc_id]
            hits.append(
                Hit(
                    doc_id=clause.doc_id,
                    number=doc.number,
                    title=doc.title,
                    clause_label=clause.label,
                    quote=_quote(clause.text, query, weights),
                    score=round(score, 3),
                    clause_path=clause.readable,
                    coverage=round(evidence / total, 3),
                    evidence=round(evidence, 3),
                )
            )
        return hits


def _quote(text: str, query: _Query, weights: dict[str, float]) -> str:
    """The clause text or, if it is longer than MAX_QUOTE_CHARS, its best sentences.

    Starts from the sentence carrying the most question-word weight. Adds neighbouring
    sentences that match at least half as well, then plain context while the quote is
    short. Marks a cut with "…".
    """
    if len(text) <= MAX_QUOTE_CHARS:
        return text
    budget = MAX_QUOTE_CHARS - 2  # room for the ellipses
    sentences = _SENTENCE.findall(text)

    def weight(sentence: str) -> float:
        ns = _normalise(sentence)
        matched = (keys for found, keys in query.needles if any(e in ns for e in found))
        return sum(weights.get(w, 0.0) for keys in matched for w in keys)

    sc = [weight(s) for s in sentences]
    best = max(range(len(sentences)), key=lambda i: (sc[i], -i))
    if len(sentences[best]) > budget:  # one long sentence: cut around its first match
        ns = _normalise(sentences[best])
        hits = [p for found, _ in query.needles for e in found if (p := ns.find(e)) >= 0]
        start = max(0, min(hits, default=0) - budget // 3)
        start = min(start, len(sentences[best]) - budget)
        cut = sentences[best][start : start + budget]
        return ("…" if best or start else "") + cut + "…"
    lo = hi = best
    length = len(sentences[best])

    def grow(accept: Callable[[int], bool]) -> None:
        nonlocal lo, hi, length
        grew = True
        while grew:
            grew = False
            for j in (hi + 1, lo - 1):
                if 0 <= j < len(sentences) and accept(j) and length + len(sentences[j]) <= budget:
                    lo, hi, length, grew = min(lo, j), max(hi, j), length + len(sentences[j]), True
                    break

    grow(lambda j: sc[best] > 0 and sc[j] >= sc[best] / 2)
    grow(lambda j: length < 80)
    body = "".join(sentences[lo : hi + 1]).strip()
    return ("…" if lo > 0 else "") + body + ("…" if hi < len(sentences) - 1 else "")


# --------------------------------------------------------------------------- routing

_MONEY_GROUP = "syn:补贴"
_TOPIC_ENTRIES: tuple[str, ...] = tuple(dict.fromkeys(
    [_normalise(t) for t in IP_TERMS] + [e for tok, entries in _GROUPS if tok != _MONEY_GROUP for e in entries]
))
#: SYNONYMS groups that name a programme or measure of the texts (not a right or a concept:
#: 地理标志, PCT, 质押融资, 专利导航 and 高新技术企业 are left out)
PROGRAMME_GROUPS: tuple[str, ...] = (
    "首件发明专利", "贯标", "小巨人", "发明之星", "创新之星", "高价值专利", "优先审查", "特派员", "服务券", "工业品牌",
    "维权援助", "保护示范区", "专利倍增", "一企一策", "正版正货",
)
_PROGRAMME_ENTRIES: tuple[str, ...] = tuple(
    [e for tok, entries in _GROUPS if tok.removeprefix("syn:") in PROGRAMME_GROUPS for e in entries]
    + list(_PROGRAMME_WORDS)
)


def _ip_terms(normalised: str) -> tuple[str, ...]:
    return tuple(t for t in _TOPIC_ENTRIES if t in normalised)


def _names_programme(normalised: str) -> bool:
    return any(t in normalised for t in _PROGRAMME_ENTRIES)


def route(question: str, search: PolicySearch | None = None) -> Routing:
    """:meth:`PolicySearch.route` on ``search``; without one, a new index over the shipped
    texts (about 0.7 s: the bot passes the one its context holds)."""
    if search is None:
        from services.questions import SearchIndex

        search = SearchIndex().get()
    return search.route(question)


def classify(question: str, search: PolicySearch | None = None) -> str:
    """``"answer"`` (answer with the quote), ``"forward"`` (IP, but the texts do not answer it:
    to the specialist) or ``"off_topic"`` (not IP: say the bot only handles IP policy)."""
    return route(question, search).kind
