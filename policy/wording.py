"""Words for the engine's codes: the one place policy/ turns a code and numbers into a sentence.

The engine, the fact parser and what-if return *codes with parameters* (``in_force_code``,
``Line.detail_code``, ``Diff.change_codes``, ``FactProblem.code``); the chat renders them
from its locale files, and the command line from this table (Chinese first, English
second).  Keeping the table here, not in the engine, means a reader of a result never
has to parse a Chinese sentence to learn what happened.

``say(code, lang, **params)`` formats one code; numbers are formatted by ``fmt`` (1,200,000;
0.035), dates by ISO.  A parameter that differs by language comes twice, ``label`` (Chinese)
and ``label_en``; English uses the latter.  A code missing from a language falls back to Chinese.
"""

from __future__ import annotations

from datetime import date
from typing import Any

__all__ = ["STATUS", "OP_SIGN", "TEXT", "say", "fmt"]

STATUS = {
    "zh": {"eligible": "符合", "not_eligible": "不符合", "needs_info": "需补充信息"},
    "en": {"eligible": "eligible", "not_eligible": "not eligible", "needs_info": "needs information"},
}
OP_SIGN = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "="}

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        # in force (ProgrammeResult.in_force_code)
        "not_started": "该政策自 {start} 起执行，评估日期 {as_of} 时尚未生效，请以当地现行文件为准",
        "deadline_passed": "该项目申报已于 {deadline} 截止，请以当地现行文件为准",
        "ended": "该政策执行期已于 {end} 结束，请以当地现行文件为准",
        "ended_tapering": "该政策执行期已于 {end} 结束；原文（{citation}）：“{quote}”。{as_of} 是否仍有补贴、比例多少，"
                          "请以当地现行文件为准",
        # condition lines (Line.detail_code)
        "tier_reached": "数量已达{tier_label}要求",
        "tier_reached_next": "已达{tier_label}，距{next_label}还差 {short_by}",
        "tier_below": "距{next_label}还差 {short_by}",
        "lowest_year": "最低一年 {value}",
        "last_year": "取最近一年",
        "list_count": "按专利清单计：{low} 件",
        "list_count_range": "按专利清单计：至少 {low} 件、至多 {high} 件（部分专利是否属于高价值无法判断）",
        "ratio_given": "比例 {ratio}，需{op}{need}",
        "ratio_computed": "比例 {ratio}（{num} / {den}），需{op}{need}",
        "ratio_computed_short": "比例 {ratio}（{num} / {den}），需{op}{need}，{num_label}还差 {short_by} 元",
        "ratio_zero_den": "{den_label}为 0，无法计算比例",
        "weighted_terms": "{terms}",
        "waived": "已豁免（{by}）",
        "scaled_applied": "适用减半后的要求{source}",
        "scaled_not_applied": "不适用{source}",
        "scaled_unknown": "未知，两种要求都已计算",
        "scaled_from_date": "（按{date_label}推算）",
        "manual_pending": "需人工确认，不会自动判定为满足",
        "figures": "{figures}",
        # what-if (Diff.change_codes)
        "status_changed": "结论：{before} → {after}",
        "tier_changed": "档次：{before} → {after}",
        "in_force_changed": "执行期内：{before} → {after}{note}",
        "next_tier_changed": "下一档：{before} → {after}",
        "next_tier_text": "{label}还差 {short_by}",
        "gap_closed": "差距消除：{label}",
        "gap_changed": "差距：{label}还差 {before} → {after}",
        "gap_new": "新差距：{label}",
        "gap_new_short": "新差距：{label}，还差 {short_by}",
        "no_longer_missing": "不再缺少：{facts}",
        "newly_missing": "新缺少：{facts}",
        "none": "无",
        "yes": "是",
        "no": "否",
        "unknown": "未知",
        "list_sep": "、",
    },
    "en": {
        "not_started": "in force from {start}; not yet in force on {as_of}. Check the current local document",
        "deadline_passed": "applications closed on {deadline}. Check the current local document",
        "ended": "the programme ended on {end}. Check the current local document",
        "ended_tapering": "the programme ended on {end}; the text ({citation}) says: \u201c{quote}\u201d. Whether a subsidy "
                          "is still paid on {as_of}, and how much, check the current local document",
        "tier_reached": "the count meets {tier_label}",
        "tier_reached_next": "{tier_label} reached; {short_by} short of {next_label}",
        "tier_below": "{short_by} short of {next_label}",
        "lowest_year": "lowest year {value}",
        "last_year": "the latest year",
        "list_count": "counted from the patent list: {low}",
        "list_count_range": "counted from the patent list: at least {low}, at most {high} (some patents cannot be judged)",
        "ratio_given": "ratio {ratio}, needs {op}{need}",
        "ratio_computed": "ratio {ratio} ({num} / {den}), needs {op}{need}",
        "ratio_computed_short": "ratio {ratio} ({num} / {den}), needs {op}{need}; {num_label} short by CNY {short_by}",
        "ratio_zero_den": "{den_label} is 0: no ratio",
        "weighted_terms": "{terms}",
        "waived": "waived ({by})",
        "scaled_applied": "the halved requirement applies{source}",
        "scaled_not_applied": "does not apply{source}",
        "scaled_unknown": "unknown; both requirements computed",
        "scaled_from_date": " (from {date_label})",
        "manual_pending": "a person must confirm; never assumed",
        "figures": "{figures}",
        "status_changed": "result: {before} → {after}",
        "tier_changed": "tier: {before} → {after}",
        "in_force_changed": "in force: {before} → {after}{note}",
        "next_tier_changed": "next tier: {before} → {after}",
        "next_tier_text": "{label} short by {short_by}",
        "gap_closed": "gap closed: {label}",
        "gap_changed": "gap: {label} short by {before} → {after}",
        "gap_new": "new gap: {label}",
        "gap_new_short": "new gap: {label}, short by {short_by}",
        "no_longer_missing": "no longer missing: {facts}",
        "newly_missing": "newly missing: {facts}",
        "none": "none",
        "yes": "yes",
        "no": "no",
        "unknown": "unknown",
        "list_sep": ", ",
    },
}


def fmt(x: Any) -> str:
    """A number as the tables show it (1,200,000; 0.035; 3.5), a date as ISO, anything else as text."""
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, float):
        if x.is_integer():
            x = int(x)
        else:
            return f"{x:.4g}" if abs(x) < 1 else f"{x:,.2f}"
    if isinstance(x, int):
        return f"{x:,}" if abs(x) >= 10000 else str(x)
    if isinstance(x, date):
        return x.isoformat()
    return str(x)


def say(code: str, lang: str = "zh", **params: Any) -> str:
    """The sentence for ``code`` in ``lang`` (Chinese where the language lacks it)."""
    table = TEXT.get(lang, TEXT["zh"])
    template = table.get(code) or TEXT["zh"][code]
    if lang != "zh":  # a parameter may come in both languages: "label" and "label_en"
        params = {**params, **{k[:-3]: v for k, v in params.items() if k.endswith("_" + lang) and v is not None}}
    return template.format(**{k: (v if isinstance(v, str) else fmt(v)) for k, v in params.items()})
