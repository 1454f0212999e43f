"""Policy documents cut into clauses by their own numbering: what the search indexes and quotes.

A clause is the smallest numbered unit, labelled in the document's notation (``二（一）1``,
``附件3 三（一）1（2）``), so an answer can be cited the way a civil servant would cite it.
The rules for headings, attachments, sign-offs and unnumbered texts are on
:func:`split_clauses`.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

__all__ = ["Document", "Clause", "split_clauses", "split_number_title"]


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
