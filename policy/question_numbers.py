"""Numbers, times and clauses of a question: the raw material of the facts it states.

* A number is arabic, Chinese (``cn2an``: 三十五, 两千万, 1.2亿) or English ("seven", "2.5
  million"), with its unit: 件/个/项 for counts, 人 for people, 年/years for years,
  元/万元/亿元/yuan for money, %/百分之三/percent for ratios, 星/star for a star level. A
  number with a word that makes it inexact ("超过50件", "30多件", "十几件", "三四件", "about
  40") is kept as inexact: the reader reports it, never guesses.
* A time word (今年, 去年, 近三年, 2025年, "last year") is placed against the question's date.
* Clauses end at ，。；、!? (and "." between sentences), and at a space between two Chinese
  characters: on a phone "我们不是重点企业 就普通小厂" is two clauses.

Pure: no services, no database.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date

import cn2an

from .question_asides import asides_as_clauses
from .question_inline_lists import drop_inline_marks
from .question_years import join_year_lists, year_spans
from .question_year_end import year_end_stock
from .question_copula import with_copula_figure
from .question_form_title import titled
from .question_topics import as_topic
from .question_vocab import (LAST_YEAR, OTHER, THIS_YEAR, THREE_YEARS_AGO, TWO_YEARS_AGO, Vocabulary, latin,
                             word_pattern)

__all__ = ["Figure", "figures", "prepare_text", "times", "clauses", "clause_of", "clause_end", "english_numbers", "CLAUSE_END",
           "COUNT_UNITS", "PEOPLE_UNITS", "MONEY_UNITS", "SKIP_UNITS", "STAR_UNITS", "KIND_LINK"]

#: what joins a kind to the thing counted: "战略性新兴产业的发明", "战略性新兴产业领域的发明"
KIND_LINK = re.compile(r"(?:领域|方面|行业|相关|类)?的")

_CN_DIGITS = "零〇一二两三四五六七八九"
_CN_NUMBER = f"[{_CN_DIGITS}十][{_CN_DIGITS}十百千万亿点]*"
_NUMBER = re.compile(
    rf"(?P<pct_cn>百分之(?P<pct_num>\d+(?:\.\d+)?|{_CN_NUMBER}))"
    rf"|(?P<num>\d+(?:\.\d+)?|{_CN_NUMBER})\s*"
    r"(?P<unit>%|个百分点|千万元|千万|百万元|百万|万元|万块|万|个亿元|个亿|亿元|亿|千元|元|块钱|块|件|份|个|项|篇|人|名|位|年|"
    r"星级|颗星|星|月|日|号|天|周|岁|次|倍|:|：|"
    r"(?:per\s?cent|percent|years?|yrs?|yuan|rmb|cny|-?stars?|people|persons|employees|staff|months?|days?|times)(?![a-z]))?",
    re.IGNORECASE)
_UNIT_WORDS = {"percent": "%", "per cent": "%", "percent ": "%", "year": "年", "years": "年", "yr": "年", "yrs": "年",
               "yuan": "元", "rmb": "元", "cny": "元", "star": "星", "stars": "星", "-star": "星", "-stars": "星",
               "people": "人", "persons": "人", "employees": "人", "staff": "人", "month": "月", "months": "月", "day": "日",
               "days": "日", "times": "次"}
_APPROX_AFTER = re.compile(r"\s*(多(?!少)|余|来|几(?!星|颗|级|个星)|左右|上下|以上|以下|以内|出头|不到|开外|or so|or more|or less|plus|\+|odd)",
                           re.IGNORECASE)
_APPROX_BEFORE = re.compile(r"(超过|多于|大于|高于|不少于|不低于|至少|最少|不到|少于|低于|不足|约|大约|大概|差不多|将近|接近|近|上|第|"
                            r"more than|over|at least|about|around|nearly|almost|roughly|less than|under|up to|"
                            r"fewer than|approximately|~)\s*$", re.IGNORECASE)
#: a space between two Chinese words, or after an amount ("900w 知识产权制度健全"), is a pause
#: … and a colon after a question ("门槛我们够吗：有效发明24件"): what follows is the company's list, not the rule asked of
CLAUSE_END = re.compile(r"[,，。;；、!！?？\n.]|(?<=[吗呢嘛])\s*[:：]|(?:(?<=[\u4e00-\u9fff%])|(?<=\d[wW]))\s+(?=[\u4e00-\u9fff])")
_RATE_ASKED = re.compile(r"(多少钱|多少|几个钱)\s*$")
#: "还没有一件授权的", "没有一个专职的": not one, said before the count
_NONE_BEFORE = re.compile(r"(没有|没)$")
_NONE_AFTER = re.compile(r"^.{0,10}?(都|也)(还)?(没有|没|未)|^\s*(没有|没)\s*$")  # "国外一件没有": none
#: "都还在审，一件没授权": none granted; not "有一件没授权", "其中一件没授权" (one of them not)
_NONE_GRANTED = re.compile(r"^\s*(还)?(没|未)(授权|获批|下证|批下来)")
_ONE_OF = re.compile(r"(有|其中|里面|中|另)\s*$")

COUNT_UNITS = {"件", "个", "项", "篇", "份"}  # 份: certificates ("发明授权证书5份")
PEOPLE_UNITS = {"人", "名", "位"}
MONEY_UNITS = {"元": 1, "块": 1, "块钱": 1, "千元": 1_000, "万": 10_000, "万元": 10_000, "万块": 10_000,
               "百万": 1_000_000, "百万元": 1_000_000, "千万": 10_000_000, "千万元": 10_000_000,
               "亿": 100_000_000, "亿元": 100_000_000, "个亿": 100_000_000, "个亿元": 100_000_000}
SKIP_UNITS = {"月", "日", "号", "天", "周", "岁", "次", "倍", ":", "："}
STAR_UNITS = {"星", "星级", "颗星"}


#: two neighbouring Chinese digits: "五六", "两三" (not "二三": people say 两三)
_PAIR = re.compile("一两|两三|三四|四五|五六|六七|七八|八九")
_RANGE_SIGN = re.compile(r"\s*(到|至|-|~|～|—|–|to)\s*")


@dataclass
class Figure:
    start: int
    end: int
    text: str
    value: float
    unit: str
    exact: bool
    high: float | None = None  # a range's upper end ("五六件", "45到48件"): value is its lower end


def _number(raw: str) -> float | None:
    if re.fullmatch(r"\d+(?:\.\d+)?", raw):
        return float(raw)
    if re.fullmatch(f"[{_CN_DIGITS}]{{2,}}", raw) and not re.fullmatch("[零〇].*", raw):
        return None  # "三四件": a range, not a number
    try:
        return float(cn2an.cn2an(raw, "smart"))
    except (ValueError, KeyError, TypeError, IndexError):
        return None


_ABOUT = re.compile(r"\s*(多|余|几|来)\s*(件|个|项|篇|人|名|位)")
#: "四十出头", "30件出头": a little over a round number
_JUST_OVER = re.compile(r"\s*出头")
#: two neighbouring digits before a place: "一百五六十" is 150 to 160, "三四十" 30 to 40
_PLACE_PAIR = re.compile("(一两|两三|三四|四五|五六|六七|七八|八九)(?=[十百千万亿])")


def _just_over(value: float | None) -> float | None:
    """The upper end of "N出头" (a round N of ten or more): N plus a tenth of it, at least 2 (40 -> 44)."""
    if value is None or value < 10 or value != int(value) or value % 10:
        return None
    return value + max(2, value // 10)


def _place_range(raw: str) -> tuple[float, float] | None:
    """(low, high) of a number said with two neighbouring digits before a place ("一百五六十": 150, 160)."""
    m = _PLACE_PAIR.search(raw)
    if m is None:
        return None
    i = m.start()
    low, high = _number(raw[:i] + raw[i] + raw[i + 2:]), _number(raw[:i] + raw[i + 1] + raw[i + 2:])
    return (low, high) if low is not None and high is not None and low < high else None


def _about(text: str, at: int, value: float | None) -> tuple[float, float, str, int] | None:
    """"二十多件" is 21 to 29 件, "一百多件" 101 to 199, "十几人" 11 to 19: a round number and 多/余/几
    before a count's unit, as a range (the engine answers only where both ends agree); "十来件" is
    about ten, perhaps a little more: 10 to 12 ("一百来件" 100 to 120)."""
    m = _ABOUT.match(text, at)
    if m is None or value is None or value < 10 or value != int(value):
        return None
    step = 10 ** (len(str(int(value))) - 1)
    if value % step:
        return None  # "35多件" is no way of speaking
    if m.group(1) == "来":
        return value, value + max(1, step // 5), m.group(2), m.end()
    return value + 1, value + step - 1, m.group(2), m.end()


def figures(text: str, masked: list[tuple[int, int]]) -> list[Figure]:
    """Every number of ``text`` outside ``masked`` (the time words), with its unit."""
    out = []
    for m in _NUMBER.finditer(text):
        s, e = m.span()
        if any(ms <= s < me for ms, me in masked):
            continue
        if s and text[s - 1].isascii() and text[s - 1].isalpha():
            continue  # a number glued to Latin letters is part of a name: "GB/T29490", "B2B"
        if m.group("pct_cn"):
            value, unit, num_end = _number(m.group("pct_num")), "%", e
        else:
            raw = m.group("num")
            unit = m.group("unit") or ""
            about = None if unit else _about(text, m.end("num"), _number(raw))
            if about is not None:  # "二十多件", "30多个", "十几人": the round number's next ten (or hundred)
                low, high, unit, end = about
                out.append(Figure(s, end, text[s:end].strip(), low, unit, True, high))
                continue
            over = _JUST_OVER.match(text, m.end("num")) or (_JUST_OVER.match(text, e) if unit else None)
            high = _just_over(_number(raw)) if over else None
            if high is not None:  # "四十出头", "30件出头": 41 to 44
                unit = unit or next((u for u in ("件", "个", "项", "人") if text.startswith(u, over.end())), "")
                end = over.end() + len(unit) if not m.group("unit") else over.end()
                out.append(Figure(s, end, text[s:end].strip(), _number(raw) + 1, _UNIT_WORDS.get(unit, unit), True, high))
                continue
            if raw == "零" and not unit and _IS_BEFORE.search(text, max(0, s - 3), s):
                out.append(Figure(s, e, raw, 0.0, "", True))  # "发明申请数为零": a count said as none
                continue
            if raw[0] not in "0123456789" and not unit and not re.search("[万亿]$", raw):
                if _APPROX_AFTER.match(text[m.end("num"):]):  # "十几万", "二十多年"
                    out.append(Figure(s, e, text[s:e], 0, "", False))
                continue  # a Chinese numeral with no unit: 一企一策, 一定数量
            if raw == "零" and unit == "件" and re.match(r"[\u4e00-\u9fff]", text[e:e + 1]):
                continue  # 零件: parts of a machine
            unit = _UNIT_WORDS.get(re.sub(r"\s+", " ", unit.lower()), unit)
            value = _number(raw)
            if unit == "个百分点":
                unit = "%"
            if not unit and re.search("[万亿]$", raw):
                unit = "元"  # 两千万: cn2an has taken the 万
            num_end = m.end("num")
        if value == 1 and _RATE_ASKED.search(text, 0, s):
            continue  # "奖励多少钱一个": a rate asked, per one, not the company's count
        placed = _place_range(m.group("num") or "") if value is None else None
        if placed is not None:  # "一百五六十件": 150 to 160
            out.append(Figure(s, e, text[s:e].strip(), placed[0], unit, True, placed[1]))
            continue
        if value is None and _PAIR.fullmatch(m.group("num") or ""):
            low = "一两三四五六七八".index(m.group("num")[0]) + 1
            out.append(Figure(s, e, text[s:e].strip(), float(low), unit, True, float(low + 1)))
            continue  # "五六件", "两三件": two neighbouring numbers, a range
        if value is None:
            out.append(Figure(s, e, text[s:e], 0, unit, False))
            continue
        if out and (unit in COUNT_UNITS or unit in PEOPLE_UNITS or unit in MONEY_UNITS or unit == "%") and not out[-1].unit and out[-1].high is None and _RANGE_SIGN.fullmatch(text[out[-1].end:s]):
            first = out.pop()  # "45到48件": the first number takes the second's unit
            out.append(Figure(first.start, e, text[first.start:e].strip(), first.value, unit, True, value))
            continue
        exact = not (_APPROX_BEFORE.search(text[max(0, s - 12):s]) or _APPROX_AFTER.match(text[num_end:])
                     or _APPROX_AFTER.match(text[e:]))
        if value == 1 and (_NONE_AFTER.match(text[e:clause_end(text, e)]) or _NONE_BEFORE.search(text, max(0, s - 4), s)
                           or _NONE_GRANTED.match(text[e:]) and not _ONE_OF.search(text, max(0, s - 3), s)):
            value = 0.0  # "一件发明专利都没有", "一件都还没授权", "还没有一件授权的"
        out.append(Figure(s, e, text[s:e].strip(), value, unit, exact))
    return [_head_count(text, f) for f in out]


#: after "个": a head count ("二十几个人", "50个员工"), no count of things
_PEOPLE_AFTER = re.compile(r"\s*(人|员工|职工|工人|雇员|研发人员|技术人员)")


def _head_count(text: str, fig: Figure) -> Figure:
    """A count in 个 of people is a head count, as 人 is: "公司挺小的，二十几个人" states no patents."""
    if fig.unit == "个" and _PEOPLE_AFTER.match(text, fig.end):
        return replace(fig, unit="人")
    return fig


#: circled list numbers ("①重点中小企业") and list marks opening a line ("1. ", "2、", "- "): an item's mark, no figure
_CIRCLED = re.compile("[\u2460-\u2473\u2776-\u277f]")
_LIST_MARK = re.compile(r"(?:^|\n)[ \t]*(?:(?:\d{1,2}|[a-z])[ \t]*[.、)]|[-*•·])[ \t]*(?!\d)")


def prepare_text(text: str) -> str:
    """The question as the reader reads it: NFKC, "1,200" as 1200, English numbers as digits,
    list marks taken out, a topic's pause before its figure too (policy.question_topics)."""
    norm = unicodedata.normalize("NFKC", _CIRCLED.sub("\n", text or ""))
    norm = _LIST_MARK.sub(lambda m: "\n" if m.group(0).startswith("\n") else "", norm)
    norm = with_copula_figure(as_topic(asides_as_clauses(drop_inline_marks(titled(norm)))))  # "有效发明嘛，29件": one clause
    norm = re.sub(r"(?<=\d)[,，](?=\d{3}(?!\d))", "", norm)
    norm = _CHAT_PERCENT.sub("%", _CHAT_WAN.sub("万", norm))
    norm = _CAPITAL.sub(lambda m: m.group(0).translate(_CAPITAL_DIGITS), norm)
    norm = _SLASH_LIST.sub("、", norm)
    return join_year_lists(english_numbers(shared_units(norm)))


#: the capital numerals of formal letters and cheques, before a unit: "授权壹件", "证书伍份" (一件, 五份)
_CAPITAL_DIGITS = str.maketrans("壹贰叁肆伍陆柒捌玖拾佰仟", "一二三四五六七八九十百千")
_CAPITAL = re.compile(r"[壹贰叁肆伍陆柒捌玖拾佰仟零]+(?=\s*(?:件|份|个|项|篇|人|名|位|万|亿|元|%))")


#: amounts listed with slashes: "2200万/2500万/2600万" (a unit before the slash: no date such as 2022/6/1)
_SLASH_LIST = re.compile(r"(?<=[万亿元件%])\s*/\s*(?=\d)")
#: a verb of being right before a number: "数量为零", "申请数是零"
_IS_BEFORE = re.compile(r"(为|是|等于|[:：])\s*$")


#: a chat's short units: "700w" / "1200W" is 700万, "7个点" is 7 % ("去年知产费用占研发7个点")
_CHAT_WAN = re.compile(r"(?<=\d)[wW](?![a-zA-Z])")
_CHAT_PERCENT = re.compile(r"(?<=\d)个点(?![\u4e00-\u9fff]{0,1}[几多])")


#: amounts side by side: "2500万2800万3000万" (a pause left out); "3100、3300、3500万" (the unit said once)
_GLUED_AMOUNT = re.compile(r"(?<=\d万)[ \t]*(?=\d{3,}(?:\.\d+)?万)")  # or a space between: "700w 800w"
_UNIT_SAID_ONCE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?=(?:、\d+(?:\.\d+)?)+\s*(万元|万|亿元|亿|件|%)(?!\d))")


def shared_units(text: str) -> str:
    """Amounts said side by side, each with its unit and a pause between."""
    text = _GLUED_AMOUNT.sub("、", text)
    return _UNIT_SAID_ONCE.sub(lambda m: m.group(1) + m.group(2), text)


def _time_pattern(vocab: Vocabulary) -> re.Pattern[str]:
    cached = getattr(vocab, "_time_re", None)
    if cached is None:
        words = "|".join(word_pattern(w) for w, _ in vocab.times)
        cached = re.compile(rf"(?P<word>{words})|(?P<year>(?:19|20)\d\d)\s*年(?:度)?"
                            r"|(?<![\d.])(?P<bare>(?:19|20)\d\d)(?![\d%]|\.\d|\s*[件个项篇人名位万元亿千百块星:：-])",
                            re.IGNORECASE)
        object.__setattr__(vocab, "_time_re", cached)
    return cached


def times(text: str, as_of: date | None, vocab: Vocabulary) -> list[tuple[int, int, str]]:
    """(start, end, kind) of each time word; a year is placed against ``as_of``; a year's end that a
    count starts from is none (policy.question_year_end)."""
    kinds = {w: k for w, k in vocab.times}
    out = year_spans(text, as_of)  # "2019-2021年": the last three years named one by one
    spans = list(out)
    for m in _time_pattern(vocab).finditer(text):
        if any(s <= m.start() < e for s, e, _ in spans):
            continue
        if m.group("year") or m.group("bare"):  # "2025年"; a bare "2022" is a year too, never a count
            year = int(m.group("year") or m.group("bare"))
            years = {} if as_of is None else {as_of.year: THIS_YEAR, as_of.year - 1: LAST_YEAR,
                                                as_of.year - 2: TWO_YEARS_AGO, as_of.year - 3: THREE_YEARS_AGO}
            kind = years.get(year, OTHER)
        else:
            kind = kinds.get(re.sub(r"\s+", " ", m.group("word").lower()), OTHER)
        out.append((m.start(), m.end(), kind))
    return year_end_stock(text, sorted(out))  # "去年底29件，今年又授权3件": a stock now, added to


#: a short run of words without a figure before 、, and a clause with a figure after it: the
#: words are said together of that figure ("商标注册、使用才4年"), one clause
_JOINED = re.compile(r"[^\d,，。;；、!！?？\n.]{1,12}")
_FIGURED = re.compile(r"[^\d,，。;；、!！?？\n.]{1,6}\d")


def clauses(text: str) -> list[tuple[int, int]]:
    bounds, start = [], 0
    for m in CLAUSE_END.finditer(text):
        if m.group() in ",." and 0 < m.start() < len(text) - 1 and text[m.start() - 1].isdigit() \
                and text[m.start() + 1].isdigit():
            continue  # 1,200 or 3.5
        if m.group() == "、" and _JOINED.fullmatch(text[start:m.start()]) and _FIGURED.match(text, m.end()):
            continue  # words listed for one figure: "商标注册、使用才4年"
        bounds.append((start, m.start()))
        start = m.end()
    bounds.append((start, len(text)))
    return bounds


def clause_end(text: str, pos: int) -> int:
    for m in CLAUSE_END.finditer(text, pos):
        if m.group() in ",." and 0 < m.start() < len(text) - 1 and text[m.start() - 1].isdigit() \
                and text[m.start() + 1].isdigit():
            continue
        return m.start()
    return len(text)


def clause_of(bounds: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    return next((c for c in bounds if c[0] <= pos <= c[1]), bounds[-1])


# --------------------------------------------------------------------------- English numbers

_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
         "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_WORD_NUMBER = re.compile(
    rf"(?<![a-z])(?:(?P<tens>{'|'.join(_TENS[2:])})(?:[\s-](?P<unit>{'|'.join(_ONES[1:10])}))?|"
    rf"(?P<ones>{'|'.join(sorted(_ONES, key=len, reverse=True))}))(?![a-z])", re.IGNORECASE)
_PRONOUN_ONE = re.compile(r"(first|this|that|the|each|which|any|every|a|an|another|same|new|old)\s+$", re.IGNORECASE)
_SCALE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(thousand|million|billion|bn|k)(?![a-z])", re.IGNORECASE)
_SCALES = {"thousand": 1_000, "k": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "bn": 1_000_000_000}
_CURRENCY_FIRST = re.compile(r"(?:rmb|cny|¥|￥)\s*(\d+(?:\.\d+)?)", re.IGNORECASE)
#: an amount in millions written short, as finance staff do: "22M", "1.5M" (a capital M only; round 23d)
_MILLIONS = re.compile(r"(?<![\d.A-Za-z])(\d+(?:\.\d+)?)\s?(?-i:M)(?![A-Za-z])(?!\s*(?:rmb|cny|yuan|元))", re.IGNORECASE)
_MILLIONS_NAMED = re.compile(r"(?<![\d.A-Za-z])(\d+(?:\.\d+)?)\s?(?-i:M)(?=\s*(?:rmb|cny|yuan|元))", re.IGNORECASE)


def english_numbers(text: str) -> str:
    """English numbers as digits, so one reader reads both: "seven" -> "7", "2.5 million yuan"
    -> "2500000 yuan", "RMB 3 million" -> "3000000元". "one" as a pronoun ("our first one",
    "one of them") stays a word. Text without Latin letters comes back unchanged."""
    if not latin(text):
        return text

    def word(m: re.Match) -> str:
        if m.group("ones"):
            w = m.group("ones").lower()
            if w == "one" and (_PRONOUN_ONE.search(text[:m.start()]) or not re.match(r"\s+[a-z]", text[m.end():], re.I)
                               or re.match(r"\s+of\b", text[m.end():], re.I)):
                return m.group(0)
            return str(_ONES.index(w))
        value = _TENS.index(m.group("tens").lower()) * 10
        return str(value + (_ONES.index(m.group("unit").lower()) if m.group("unit") else 0))

    text = _WORD_NUMBER.sub(word, text)

    def scale(m: re.Match) -> str:
        amount = float(m.group(1)) * _SCALES[m.group(2).lower()]
        return str(int(amount)) if amount.is_integer() else str(amount)

    text = _MILLIONS.sub(lambda m: f"{m.group(1)} million yuan", _MILLIONS_NAMED.sub(lambda m: f"{m.group(1)} million", text))
    text = _SCALE.sub(scale, text)
    return _CURRENCY_FIRST.sub(lambda m: f"{m.group(1)}元", text)
