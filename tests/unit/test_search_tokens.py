"""search.tokens segments through jieba-rs; its words must be the Python jieba's.

The index was calibrated on the Python ``jieba`` (precise mode, HMM on, the SYNONYMS entries
added as words). jieba-rs builds the index for 50 documents in under a second, where the
Python jieba takes about three (bench/questions.py); this holds the two to the same tokens
on the shipped texts, the labelled questions and the Chinese strings of the locale files.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import yaml

from search import policy_documents, tokenize
from search.clauses import split_clauses
from search.lexicon import STOP_WORDS, SYNONYMS
from search.tokens import GROUPS, _get_tokenizer, _is_word, groups_in, normalise

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def jieba_tokenize():
    """tokenize() as it was written on the Python jieba."""
    jieba = pytest.importorskip("jieba")
    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()
    for word in sorted({normalise(a) for group in SYNONYMS for a in group}):
        if not tok.FREQ.get(word):
            tok.add_word(word)

    def tokens(text: str) -> list[str]:
        norm = normalise(text)
        out: list[str] = []
        for word in tok.lcut(norm):
            word = word.strip()
            if not word or not _is_word(word):
                continue
            n = len(word) if len(word) <= 16 else 0
            subs = (word[i: i + size] for size in range(2, n) for i in range(n - size + 1))
            out.extend(s for s in subs if tok.FREQ.get(s) and s not in STOP_WORDS)
            if word not in STOP_WORDS:
                out.append(word)
        return out + [t for t, _ in groups_in(norm)]

    return tokens


def _strings(node) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return []


def _texts() -> list[str]:
    texts = [f"{c.context} {c.text}" for d in policy_documents() for c in split_clauses(d)]
    data = yaml.safe_load((ROOT / "tests/unit/data/question_routing.yaml").read_text(encoding="utf-8"))
    texts += [item["q"] if isinstance(item, dict) else item for items in data.values() for item in items]
    for path in sorted((ROOT / "locales").glob("zh.*.yaml")):
        texts += _strings(yaml.safe_load(path.read_text(encoding="utf-8")))
    return texts


def test_tokens_are_the_python_jieba_s(jieba_tokenize):
    texts = _texts()
    assert len(texts) > 500
    differ = [t for t in texts if tokenize(t) != jieba_tokenize(t)]
    assert differ == []


@pytest.mark.parametrize("text, words", [
    ("2018-2020年", ["2018", "-", "2020", "年"]),  # jieba-rs alone keeps "2018-2020" whole
    ("pm.jsipp.cn", ["pm", ".", "jsipp", ".", "cn"]),
    ("增长2.5%以上", ["增长", "2.5%", "以上"]),
    ("c# c++", ["c#", " ", "c++"]),  # dictionary words stay whole
])
def test_ascii_runs_are_cut_as_jieba_cuts_them(text, words, jieba_tokenize):
    assert _get_tokenizer().cut(text) == words
    assert tokenize(text) == jieba_tokenize(text)


def test_synonym_entries_are_words():
    seg = _get_tokenizer()
    assert all(seg.known(e) for _, entries in GROUPS for e in entries)
    assert "首件发明专利" in seg.cut("首件发明专利有补贴吗")
