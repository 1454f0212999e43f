"""Presenting results: the JSON contract, a readable Chinese table, and which fact to ask next."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from .engine import NEEDS_INFO, OP_ZH, Line, ProgrammeResult, _fmt, _json_value
from .facts import REGISTRY, FactProblem, FactRegistry
from .wording import STATUS, say

__all__ = ["results_to_json", "render_table", "rank_missing_facts", "display_width", "gap_line", "have_text",
           "fmt_value", "line_text", "figures_text", "problem_json"]

fmt_value = _fmt  # numbers as the tables show them (1,200,000; 0.035)


def results_to_json(results: Iterable[ProgrammeResult], as_of: date,
                    warnings: Iterable[FactProblem] = ()) -> dict[str, Any]:
    """The command-line JSON contract::

        {"as_of": "YYYY-MM-DD", "results": [{"policy", "title", "status", "in_force", "tier",
         "missing", "gaps": [{"fact", "have", "need", "short_by", "op"}], "next_tier", "citation"}],
         "warnings": [{"code", "fields", "message_zh", "message_en"}]}

    ``op`` is the comparison the need is for (">=", ">", "<=", "<", "==" for yes/no);
    ``next_tier`` is given only for an eligible company (otherwise the gaps are the next step).
    """
    return {"as_of": as_of.isoformat(), "results": [r.to_json() for r in results],
            "warnings": [problem_json(w) for w in warnings]}


def problem_json(p: FactProblem) -> dict[str, Any]:
    return {"code": p.code, "fields": list(p.fields or (p.field,)), "message_zh": p.message("zh"),
            "message_en": p.message("en")}


def rank_missing_facts(results: Iterable[ProgrammeResult], *, in_force_only: bool = False) -> list[str]:
    """Missing facts, the one whose answer settles the most undecided programmes first.

    In a conjunction any single unknown can settle the programme (a "no" makes it
    ineligible), so a fact scores one per undecided programme that lists it; ties go to
    the fact that is the *only* thing missing in more programmes (answering it settles
    them whatever the answer), then to the order the conditions appear in.
    """
    score: dict[str, list[int]] = {}
    order = 0
    for r in results:
        if r.status != NEEDS_INFO or (in_force_only and not r.in_force):
            continue
        sole = len(r.missing) == 1
        for f in r.missing:
            s = score.get(f)
            if s is None:
                s = score[f] = [0, 0, 0, order]
                order += 1
            s[0] += 1
            s[1] += 1 if r.in_force else 0
            s[2] += 1 if sole else 0
    return sorted(score, key=lambda f: (-score[f][1], -score[f][0], -score[f][2], score[f][3]))


# --------------------------------------------------------------------------- table


def display_width(text: str) -> int:
    """Terminal columns: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def _yn(v: bool) -> str:
    return "是" if v else "否"


def have_text(v: Any, unit: str = "") -> str:
    if v is None:
        return "未知"
    if isinstance(v, bool):
        return _yn(v)
    v = _json_value(v)
    if isinstance(v, list):
        return "、".join("未知" if x is None else _fmt(x) for x in v) + (unit or "")
    return f"{_fmt(v)}{unit}"


def _need_text(g: Any) -> str:
    if g.need is None:
        return ""
    if isinstance(g.need, bool):
        return _yn(g.need)
    return f"{OP_ZH.get(g.op, '') if g.op else ''}{_fmt(g.need)}{g.node.unit_zh}"


def gap_line(g: Any, registry: FactRegistry) -> str:
    label = g.node.label_zh
    if isinstance(g.need, bool) or g.need is None:
        if g.short_by is None and g.need is None and g.have == 0:
            return f"{label}：{registry.label(g.fact)}为 0，无法满足"
        return f"{label}：目前为“{have_text(g.have)}”，需要“{have_text(g.need)}”"
    text = f"{label}：现有 {have_text(g.have, g.node.unit_zh)}，需 {_need_text(g)}"
    if g.short_by is not None:
        if g.short_by >= 0:
            text += f"，还差 {_fmt(g.short_by)}{g.node.unit_zh}"
        else:
            text += f"，超出 {_fmt(-g.short_by)}{g.node.unit_zh}"
    return text


_MARK = {True: "✓", False: "✗", None: "?"}


def figures_text(figures: Iterable[tuple[str, Any]], registry: FactRegistry, lang: str = "zh") -> str:
    """The company's figures shown with a manual confirmation: "有效发明专利件数 3件"."""
    parts = []
    for fact, value in figures:
        spec = registry.specs.get(fact)
        unit = (spec.unit_zh if lang == "zh" else spec.unit_en) if spec else ""
        shown = say("unknown", lang) if value is None else have_text(value, unit if lang == "zh" else "")
        parts.append(f"{registry.label(fact, lang)} {shown}")
    return ("；" if lang == "zh" else "; ").join(parts)


def line_text(line: Line, registry: FactRegistry) -> list[str]:
    """One condition for the command line: mark, label, what the company has, the clause; its note below."""
    text = f"{'  ' * line.depth}{_MARK[line.value]} {line.label_zh}"
    extra = []
    if line.figures:
        extra.append(figures_text(line.figures, registry))
    elif line.kind not in ("all", "any", "scaled", "waiver") and line.have is not None and not isinstance(line.have, bool):
        extra.append(f"现有 {have_text(line.have, '')}")
    detail = line.detail("zh")
    if detail:
        extra.append(detail)
    if extra:
        text += "（" + "；".join(extra) + "）"
    if line.citation is not None and line.kind not in ("all", "any"):
        text += f"〔{line.citation.clause}〕"
    out = [text]
    if line.note:
        out.append(f"{'  ' * line.depth}    注：{line.note}")
    return out


def render_table(results: Sequence[ProgrammeResult], as_of: date, *, registry: FactRegistry | None = None,
                 details: bool = True, warnings: Iterable[FactProblem] = ()) -> str:
    """A plain-text Chinese table of the results (the chat renders its own)."""
    registry = registry or REGISTRY
    header = ["政策", "编号", "结论", "执行期内", "档次", "依据"]
    rows = []
    for r in results:
        rows.append([
            r.title,
            r.policy,
            STATUS["zh"][r.status],
            _yn(r.in_force),
            r.tier_label or "—",
            r.citation.text(),
        ])
    widths = [max(display_width(x) for x in col) for col in zip(header, *rows)]
    lines = [f"资格自查结果（评估日期 {as_of.isoformat()}）", ""]
    for w in warnings:
        lines.append(f"注意：{w.message('zh')}")
    if warnings:
        lines.append("")
    lines.append("  ".join(_pad(h, w) for h, w in zip(header, widths)).rstrip())
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(_pad(c, w) for c, w in zip(row, widths)).rstrip())
    if not details:
        return "\n".join(lines) + "\n"
    for r in results:
        lines.append("")
        lines.append(f"【{r.title}】{STATUS['zh'][r.status]}" + (f"（{r.tier_label}）" if r.tier_label else ""))
        lines.append(f"  待遇：{r.benefit}")
        lines.append(f"  执行期：{r.period_text}" + ("" if r.in_force else "（评估日期不在执行期内）"))
        if r.in_force_code:
            lines.append(f"  ！{say(r.in_force_code, 'zh', **(r.in_force_params or {}))}")
        lines.append("  条件：")
        for ln in r.lines:
            lines += ["    " + x for x in line_text(ln, registry)]
        for g in r.gaps:
            lines.append(f"  差距：{gap_line(g, registry)}")
        if r.next_tier is not None:
            lines.append(f"  下一档：{r.next_tier.label_zh}，{registry.label(r.next_tier.fact)}还差 {_fmt(r.next_tier.short_by)}")
        for f in r.missing:
            try:
                q = registry.question(f)
            except KeyError:
                q = f
            lines.append(f"  待补充：{q}（{f}）")
        for note in r.notes:
            lines.append(f"  说明：{note}")
        lines.append(f"  依据：{r.citation.text()}")
    asks = rank_missing_facts(results)
    if asks:
        lines.append("")
        lines.append("建议先补充（能确定最多项目的在前）：")
        for i, f in enumerate(asks[:5], 1):
            try:
                q = registry.question(f)
            except KeyError:
                q = f
            lines.append(f"  {i}. {q}（{f}）")
    return "\n".join(lines) + "\n"

