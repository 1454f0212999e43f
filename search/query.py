"""A question as the index reads it: cleaned of markup, cut short, and parsed into terms.

Questions are free text from Telegram (markup, emoji, formulas, very long pastes), so
:func:`clean_question` makes any input searchable text and never raises, and
:func:`parse_query` says which tokens to score, which words count towards coverage and
evidence, and which strings to look for when picking the sentences to quote.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from search.applicant_asked import read_applicant_asked
from search.installments import read_installments
from search.level_applied import read_level_applied
from search.named_period import named_period
from search.lexicon import ASKS_TARGET, COLLOQUIAL, CUES, DEFINES, FILLER, OTHER_ASKERS, SCOPE, STOP_WORDS
from search.stop_glued import read_stop_glued
from search.tokens import GROUPS, cut, function_word, groups_in, known_word, normalise, segment

__all__ = ["MAX_QUERY_CHARS", "Query", "clean_question", "parse_query"]

#: Questions are cut to this many characters before segmentation.
MAX_QUERY_CHARS = 500

_TAG = re.compile(r"<[^<>]{0,200}>")


def clean_question(question: object) -> str:
    """Markup, control and unassigned characters out; at most MAX_QUERY_CHARS left."""
    if not isinstance(question, str):
        return ""
    q = html.unescape(_TAG.sub(" ", question[: MAX_QUERY_CHARS * 4]))
    q = "".join(ch for ch in q if unicodedata.category(ch)[0] != "C")
    return q.strip()[:MAX_QUERY_CHARS]


@dataclass(frozen=True)
class Query:
    """What a question asks for, in the index's tokens."""

    terms: tuple[str, ...]  # BM25 query: distinct tokens, as tokenize() makes them
    #: what coverage and evidence count: the question's distinct words (precise mode,
    #: no sub-words) and syn tokens
    words: tuple[str, ...]
    #: word -> syn tokens of the matched domain terms that contain it
    subsumed: dict[str, tuple[str, ...]]
    #: (strings to look for, words whose weights they carry), to pick quote sentences
    needles: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]
    #: tokens that add to a clause's BM25 but do not make it a match: the words of the level
    #: of government asked about and of the question's cues
    boost: tuple[str, ...] = ()
    #: the question names an applicant other than an enterprise (search.lexicon.OTHER_ASKERS)
    others: bool = False
    #: the domain terms (normalised entries) of a question that asks only what they mean
    #: (search.lexicon.DEFINES): every topic word of it is inside one
    defines: tuple[str, ...] = ()
    #: the words of the texts for the kind of clause the question asks for (search.lexicon.CUES:
    #: 条件, 主体, 截止 …), whether or not the question has them: a clause whose own headings
    #: name one ranks higher (search.index.HEADING_WEIGHT)
    kinds: tuple[str, ...] = ()
    #: question word -> the words of the texts that say it for the kind of clause asked for: a
    #: question word of a cue is found where the texts' word for it is ("几月几号截止" is
    #: answered by "于7月31日前"; search.lexicon.CUES)
    alike: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: the question asks how much, how many or by when (search.lexicon.ASKS_TARGET)
    targets: bool = False
    #: the words of the texts for the level of government asked about (search.lexicon.SCOPE:
    #: 市里 -> 全市, 本市 …): a document that has none of them is another level's
    #: (search.index.OTHER_LEVEL_WEIGHT)
    scope: tuple[str, ...] = ()
    #: a span of years the question names ("2018到2020年那个方案": search.named_period): a document
    #: whose title holds it is the one asked about
    period: tuple[str, ...] = ()


#: a count in Chinese numerals with its unit, as the segmenter cuts it: 十年, 五件, 三个
_CHINESE_COUNT = re.compile(r"[零一二两三四五六七八九十百千]+[年件个人名家项次倍]")
#: a rough count, "十几年", "二十几件": at least the round figure, as a threshold reads it
_ROUGH_COUNT = re.compile(r"[一二两三四五六七八九十百千]+几[年件个人名家项次倍]")


def _arabic(word: str) -> list[str]:
    """A Chinese-numeral count as the texts write it in figures: 十年 is 10 / 年."""
    import cn2an  # about 0.2 s to import: only when a question has such a count

    try:
        return cut(cn2an.transform(word, "cn2an"))
    except (ValueError, KeyError):
        return [word]


def colloquial(normalised: str, known: Callable[[str], bool] | None = None) -> list[str]:
    """The question's words (:func:`search.tokens.cut`), each colloquial one read as the
    texts' word (:data:`search.lexicon.COLLOQUIAL`): "还能报吗" is 还 / 能 / 申报 / 吗. The
    words are not cut again: "帮上忙" is 帮助 / 上 / 忙, not 帮助 / 上忙. With ``known`` (the
    index's words), a count in Chinese numerals that the texts do not have is read in
    figures, as they write most counts: "维持了十年以上" meets "维持年限超过10年", while
    "近三年", which they write so, stays; a rough count is read as its round figure: "维持了
    十几年" as 10 / 年."""
    words: list[str] = []
    for w in cut(normalised):
        if known is not None and _ROUGH_COUNT.fullmatch(w):
            w = w.replace("几", "")
        if known is not None and _CHINESE_COUNT.fullmatch(w) and not known(w):
            words.extend(_arabic(w))
        else:
            words.append(COLLOQUIAL.get(w, w))
    return words


def _glued(word: str, known: Callable[[str], bool] | None) -> bool:
    """A word the segmenter glued from characters with no topic, which no dictionary and
    no clause has: "立项后要完成" is cut 立项 / 后要 / 完成, and 后要 is 后 + 要."""
    return (len(word) > 1 and not known_word(word) and (known is None or not known(word))
            and all(ch in STOP_WORDS or function_word(ch) for ch in word))


def _unglued(words: list[str], known: Callable[[str], bool] | None) -> list[str]:
    """The question's words, each one the segmenter glued from single characters by guess
    (no dictionary and no clause has it) read as those characters where the clauses have each:
    "2022年省知识产权" is cut 2022 / 年省 / 知识产权, and 年省 is 年 + 省. A stop or function
    character glued to one the clauses have is left out: "哪两个市是" gives 市 (市 + 是), "我们市能
    不能报" gives 市 (市 + 能)."""
    if known is None:
        return words
    out: list[str] = []
    for w in words:
        if len(w) > 1 and _HAN_ONLY.fullmatch(w) and not known_word(w) and not known(w) \
                and all(known(ch) or _empty(ch) for ch in w) and not all(_empty(ch) for ch in w):
            out.extend(ch for ch in w if not _empty(ch))
        else:
            out.append(w)
    return list(dict.fromkeys(out))


#: "哪几方面", "几个方面", "哪些方面": the segmenter cuts 方面 alone, a count of aspects asked
_ASPECTS = re.compile(r"(几|哪些|什么|哪[一二三四五六七八九十两])个?方面")
_HAN_ONLY = re.compile(r"[\u4e00-\u9fff]+")
#: (round 24b: "哪几方面", "几个方面": how many aspects are asked for)
_KIND_COUNT = re.compile(r"[一二两三四五六七八九十几\d]+(大?[类种]|个?方面)")
#: an A-not-A question: 会不会, 靠不靠, 有没有 (the group is the character asked about)
_A_NOT_A = re.compile(r"([\u4e00-\u9fff])[不没]\1")


def _empty(ch: str) -> bool:
    """A character that carries no topic on its own: a stop word or a function word."""
    return ch in STOP_WORDS or function_word(ch)


#: a kind of applicant said not to be the asker's: "我们不是高校，是企业"
_NOT_ONE = ("不是", "并非", "不属于", "非", "不算")


def _denied(norm: str, word: str) -> bool:
    """Whether every mention of ``word`` in the question is said not to be the asker ("不是高校")."""
    starts = [m.start() for m in re.finditer(re.escape(word), norm)]
    return bool(starts) and all(norm[max(0, s - 3):s].endswith(_NOT_ONE) for s in starts)


def _others(norm: str) -> bool:
    """Whether the question names an applicant other than an enterprise (OTHER_ASKERS) as the
    asker may be: one said not to be ("我们不是高校") does not count."""
    return any(w in norm and not _denied(norm, w) for w in OTHER_ASKERS)


def parse_query(text: str, known: Callable[[str], bool] | None = None) -> Query:
    """The query of a cleaned question (see :class:`Query`); ``known``: whether a word is one
    of the index's (see :func:`colloquial`)."""
    words = colloquial(read_level_applied(read_installments(normalise(text))), known)
    norm = "".join(words)
    segments = segment(norm, words)
    groups = groups_in(norm)
    syn = [tok for tok, _ in groups]
    # coverage and evidence count topic words: no stop words, no function words
    # (search.lexicon.FUNCTION_TAGS) and no chat filler (FILLER); BM25 ranks by every word
    # but the stop words and the filler
    plain = list(dict.fromkeys(w for w, _ in segments
                               if w not in STOP_WORDS and w not in FILLER and w not in SCOPE
                               and not function_word(w) and not _glued(w, known)))
    plain = read_stop_glued(_unglued(plain, known), known)
    # the negative half of an A-not-A question ("会不会", "靠不靠谱", "有没有") asks, it names no topic
    asking = {m.group(0)[1:] for m in _A_NOT_A.finditer(norm)}
    plain = [w for w in plain if w not in asking]
    # a count of kinds ("哪五类", "三种", "哪几方面") says how many kinds are asked for, not what about
    plain = [w for w in plain if not _KIND_COUNT.fullmatch(w) and not (w == "方面" and _ASPECTS.search(norm))]
    # an applicant the asker says it is not ("我们不是高校") is no word of the question's topic
    plain = [w for w in plain if not (w in OTHER_ASKERS and _denied(norm, w))]
    # the kind a who-may-apply question asks about ("申报主体…，个体户能报吗"): the 申报主体 answers it
    plain = read_applicant_asked(plain, norm)
    terms = tuple(dict.fromkeys([t for w, subs in segments if w not in SCOPE and w not in FILLER
                                 for t in (*subs, w) if t not in STOP_WORDS] + syn))
    # ranked by, not required: the level of government asked about, and the kind of clause
    # the question's cues ask for (search.lexicon SCOPE, CUES)
    boost = [t for w, _ in segments for t in SCOPE.get(w, ())]
    asked = [words for cue, words in CUES if cue.search(norm)]
    kinds = tuple(dict.fromkeys(t for words in asked for t in words))
    boost += kinds
    subsumed: dict[str, tuple[str, ...]] = {}
    for w in plain:
        if owners := tuple(t for t, found in groups if any(w in e for e in found)):
            subsumed[w] = owners
    entries = dict(GROUPS)
    needles = tuple(((w,), (w,)) for w in plain if w not in subsumed) + tuple(
        (entries[t], (t, *(w for w, owners in subsumed.items() if t in owners))) for t in syn
    )
    defines = ()
    if syn and DEFINES.search(norm) and all(w in subsumed for w in plain):
        defines = tuple(e for _, found in groups for e in found)
    return Query(terms, tuple(plain + syn), subsumed, needles,
                 tuple(t for t in dict.fromkeys(boost) if t not in terms),
                 _others(norm), defines, kinds,
                 {w: words for words in asked for w in plain if w in words and w not in subsumed},
                 ASKS_TARGET.search(norm) is not None,
                 tuple(dict.fromkeys(t for w, _ in segments for t in SCOPE.get(w, ()))), named_period(norm))
