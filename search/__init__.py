"""Full-text search over the policy documents, clause by clause, with quotes to cite.

SME owners ask free-text questions in Chinese ("首件发明专利有补贴吗？"). This package finds
the clauses of the policy documents that answer them, returns each as a quotable
:class:`Hit` (文号 + clause label such as ``二（一）1``), and says whether the best hit is
good enough to answer from (:meth:`PolicySearch.answer`). When it is not, the caller
hands the question to the company's human specialist. Pure, like ``policy/``: no
Telegram, no database; it imports nothing of ours but ``policy.texts``. Returns data only.

Pipeline, one module a step
---------------------------
1. :mod:`search.clauses`: :func:`split_clauses` cuts a document into clauses by its own
   numbering, ``一、`` > ``（一）`` > ``1.`` > ``（1）``, with ``附件N`` headings prefixing the
   labels. The smallest numbered unit is a clause. A heading with body text of its own
   before its first numbered child (e.g. the "到2020年…" targets under ``二（一）``) is a
   clause too. Preambles, sign-offs, contact lines and web-page footers are not indexed.
2. :mod:`search.tokens`: text is segmented as jieba does (precise mode, through jieba-rs):
   words plus their dictionary sub-words, without punctuation and stop words, plus one
   ``syn:<canonical>`` token for each synonym group present (the word lists are in
   :mod:`search.lexicon`). The headings above a clause, and the title of the attachment it
   is in, are indexed with it. That is how "高价值专利培育 申报条件" reaches the clauses
   under 附件3 "三、申报条件". :mod:`search.query` parses a question the same way, after
   :mod:`search.reading` has read it as meant: traditional characters as simplified
   (OpenCC), English words as Chinese terms (:mod:`search.english`, ``english.yaml``),
   input-method typos as the policy term they sound like (:mod:`search.homophones`,
   pypinyin: "惯标" is 贯标). Each step leaves correct simplified Chinese unchanged, so the
   labelled set routes exactly as without it (``PolicySearch(..., tolerant=False)``).
   The query then reads the words as a person means them (all data in :mod:`search.lexicon`):
   colloquial words as the texts' words (``COLLOQUIAL``: 报 申报, 门槛 条件, 官司 纠纷);
   words with no topic left out of coverage by their part of speech (``FUNCTION_TAGS``:
   那边, 到底, 要是); the level of government asked about (``SCOPE``: 市里) and the kind of
   clause a question asks for (``CUES``: 能不能报 → the conditions, 多少件 → a threshold)
   rank clauses without being required of them.
3. :mod:`search.index`: :class:`PolicySearch` scores the clauses with BM25, multiplies each
   score by the clause's coverage of the question's words, ranks a clause meant for another
   kind of applicant (a government, a university) below one for enterprises, and decides
   confidence with the rule on :meth:`PolicySearch.answer`; :mod:`search.quotes` picks what
   of a clause to quote.
4. :mod:`search.routing`: :meth:`PolicySearch.route` (and :func:`classify`) sorts a question
   into three kinds: ``"answer"`` (answer with the quote), ``"forward"`` (about IP, but the
   texts do not answer it: hand it to the specialist) and ``"off_topic"`` (not about IP at
   all: say politely that the bot only handles IP policy, and do not forward it). A question
   asking for what the quoted clause does not state (a sum of money, whom to call) or that
   the texts never answer (a request for a visit, what to do when something went wrong, when
   money arrives) is forwarded (``STATED``, ``NOT_IN_TEXTS``). Figures, both measured on
   questions the rules were tuned on, so neither is a held-out figure: on the 108 labelled
   questions of ``tests/unit/data/question_routing.yaml`` (46 answer, 32 forward, 30
   off-topic): precision / recall 0.979 / 1.0 (answer), 1.0 / 0.969 (forward), 1.0 / 1.0
   (off-topic); every answer quoted an accepted clause (``python
   tests/unit/test_policy_search.py`` prints them again). On the tuning part of the SME
   question set (``tests/questions/tuning.yaml``, 136 questions, through the chat's path:
   ``python bench/question_set.py tuning``, with the fact route of :mod:`services.asking`):
   route accuracy 0.971; precision / recall 1.0 / 0.909 (answer), 0.905 / 1.0 (forward),
   1.0 / 1.0 (off-topic); 39 of the 40 answers quoted an accepted clause. Round 2 also
   tuned on the spent first held-out part (``heldout.yaml``, 206 questions), so its figures
   are tuning figures too: route accuracy 0.961; 1.0 / 0.907 (answer), 0.863 / 1.0
   (forward), 0.972 / 0.972 (off-topic); 63 of 68 answers quoted an accepted clause (both
   with the fact route as it stood then). Round 2 added chat filler out of coverage
   (``FILLER``: 小厂, 有关系, 说法), words glued from function characters (后要) out too,
   rough counts read as figures (十几年: 10 年), cues for contacts, deadlines and
   definitions, a question asking only what a term means answered by the clause that
   defines it (``DEFINES``/``DEFINED``: "…等五大类高价值专利"), and dictionary-word typos read
   as a lexicon term of the same tones (:mod:`search.homophones`: 专力导航, 审察, 惯标有). Round 3
   (tuned on the same two parts, so again tuning figures: route accuracy 0.978 and 0.976; answer
   precision 1.0 on both, recall 0.932 and 0.933; accepted clauses 41 of 41 and 69 of 70) added
   the kind of clause asked for read from the clauses' own headings (``CUES`` words in
   "二、申报主体", "（二）申报条件", "一、支持重点": :data:`search.index.HEADING_WEIGHT`) and a cue's
   question word found as the texts write it (截止 in "于7月31日前"); target lines ("到2020年…")
   ranked below the measures unless a figure is asked (``TARGET_LINE``); a question for the kinds
   answered only from a clause that sorts (``KINDS``); a kind of company alone in a question about
   taxes off topic (``STATUS_TERMS``, ``OTHER_SUBJECTS``); directional complements and 一共 out of
   coverage; characters glued by the segmenter's guess (年省) read one by one; English words for
   an end to a measure (end: 取消). The figures to report are the new held-out part's
   (``heldout2``), the lead's to measure. Round 5 (tuned on tuning, heldout and the spent
   heldout2): a clause and its own section are one candidate for the clear-winner rule, which
   trusts a clear winner from half the question (``CLEAR_COVERAGE`` 0.5); a leaf clause's own
   opening sentence is no heading; the negative half of an A-not-A question (会不会, 靠不靠谱),
   adverbial adjectives (直接) and an applicant the asker says it is not (不是高校) are out of
   coverage; characters glued to a stop word read alone (市是); a permit (许可证) is no IP word.
   Round 6 (tuned on all four parts): the level of government asked about prefers its own plan
   (``OTHER_LEVEL_WEIGHT``: 县里, 江苏 in ``SCOPE``); colloquial words for hiring (聘), staff (员工),
   trust (可靠) and the national office (国家局); a count of kinds (哪五类) out of coverage; a sum asked
   with the programme between (多少…奖励); a status recognised on other grounds than IP off topic
   (``RECOGNITION``); 专利申请 and copying said plainly (抄袭) as IP words; English glossary entries.
5. :mod:`search.shipped`: the policy library (:mod:`policy.texts`: the shipped texts plus
   those of ``IPBOT_POLICY_DIR``) as documents, and :class:`SearchIndex`, the search one
   context holds (``bot.app.build_search`` makes it).
"""

from search.clauses import Clause, Document, split_clauses, split_number_title
from search.index import MIN_COVERAGE, MIN_EVIDENCE, MIN_SCORE, PolicySearch
from search.lexicon import IP_TERMS, PROGRAMME_GROUPS
from search.query import MAX_QUERY_CHARS
from search.quotes import MAX_QUOTE_CHARS
from search.results import ANSWER, FORWARD, OFF_TOPIC, Answer, Hit, Routing
from search.shipped import SearchIndex, classify, policy_documents, route
from search.tokens import tokenize

__all__ = [
    "ANSWER",
    "FORWARD",
    "OFF_TOPIC",
    "IP_TERMS",
    "PROGRAMME_GROUPS",
    "MAX_QUERY_CHARS",
    "MAX_QUOTE_CHARS",
    "MIN_COVERAGE",
    "MIN_EVIDENCE",
    "MIN_SCORE",
    "Answer",
    "Clause",
    "Document",
    "Hit",
    "PolicySearch",
    "Routing",
    "SearchIndex",
    "classify",
    "policy_documents",
    "route",
    "split_clauses",
    "split_number_title",
    "tokenize",
]
