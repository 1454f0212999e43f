"""A quoted clause shows only the programmes that cite it (services.questions.programmes_for_clause,
policy.clause_links), and a document added under IPBOT_POLICY_DIR is searched and answered from,
through the context the composition root builds, as the SME handler uses it."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from bot.app import build_context
from bot.settings import Settings
from policy import load_catalog
from policy.clause_links import clause_path, related_labels
from search import Hit, SearchIndex, policy_documents, split_clauses
from services.questions import programmes_for_clause

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "policy-dir"
CATALOG = load_catalog()
INDEX = SearchIndex()  # the shipped library, as a context without a policy directory holds it
AS_OF = date(2022, 1, 10)  # the 2022 guides are open


def _top(question: str, index: SearchIndex = INDEX) -> Hit:
    routing = index.route(question)
    assert routing.kind == "answer", (question, routing.answer.reason)
    return routing.answer.hits[0]


def _ids(hit: Hit, catalog=CATALOG, as_of: date = AS_OF) -> list[str]:
    return [info.id for info in programmes_for_clause(catalog, hit, as_of)]


def test_labels_compare_by_numbering():
    assert clause_path("附件3 三（一）1（4）") == clause_path("附件3 三(一)1(4)") == ("附件3", "三", "(一)", "1", "(4)")
    assert clause_path("三(三) 实行项目引领") == ("三", "(三)") and clause_path("印发") == ()
    assert related_labels("附件3 三(一)1", "附件3 三（一）1（4）") and related_labels("二（一）", "二(一)1")
    assert not related_labels("二(一)1", "二（一）10") and not related_labels("附件3 三(一)", "附件3 三（二）1")
    assert not related_labels("附件2（工业品牌） 三(一)", "附件2 三（一）")  # the annex's name is part of its number
    assert not related_labels("印发", "印发")


def test_a_protection_zone_clause_shows_no_programme_of_its_document():
    """The issue's example: 附件1 says 2022-02-15; no programme rests on it, so the 高价值 deadline
    (2022-01-30) is no longer shown under it."""
    hit = _top("保护示范区什么时候截止申报")
    assert (hit.doc_id, hit.clause_label) == ("002_00e0f4675e6c9239", "附件1 六（三）")
    assert "2022 年 2 月 15 日" in hit.quote
    assert _ids(hit) == []
    same_document = [pid for pid in CATALOG.programme_ids if CATALOG.programme(pid).citation.doc == "su-zhi-fa-2021-140"]
    assert len(same_document) == 3  # what the old guess by document showed


@pytest.mark.parametrize("question, clause, expected", [
    ("首件发明专利有补贴吗？", "二（一）1", ["first-invention-subsidy"]),
    ("工业品牌申报截止日期", "附件2-2 六（五）", ["industrial-brand-2022"]),  # the pack calls it 附件2（工业品牌）
    ("工业品牌对研发投入有什么要求", "附件2-2 三（四）", ["industrial-brand-2022"]),
    ("发明之星奖励条件", "三（一）", ["invention-star", "pct-grant-reward"]),
    ("专精特新小巨人优先审查", "一（一）", ["little-giant-priority-exam"]),
])
def test_a_clause_shows_the_programmes_that_cite_it(question, clause, expected):
    hit = _top(question)
    assert hit.clause_label == clause
    assert _ids(hit) == expected


def _every_clause():
    for doc in policy_documents():
        for c in split_clauses(doc):
            yield Hit(doc.doc_id, doc.number, doc.title, c.label, c.text, 1.0)


def test_every_programme_is_shown_under_a_clause_of_its_own_document_only():
    linked: dict[str, set[str]] = {}
    for hit in _every_clause():
        for pid in _ids(hit):
            linked.setdefault(pid, set()).add(hit.doc_id)
    assert set(linked) == set(CATALOG.programme_ids)
    texts = {"county-ip-support-2021": "001_bb17abadfc902431", "su-zhi-fa-2018-86": "000_94898abcd3045e73",
             "su-zhi-fa-2021-140": "002_00e0f4675e6c9239", "guo-zhi-fa-yun-2022-38": "003_673e8463f5f46aa0"}
    for pid, docs in linked.items():
        assert docs == {texts[CATALOG.programme(pid).citation.doc]}, pid


def test_a_sentence_repeated_in_several_guides_links_by_its_label_only():
    """"无严重失信行为……" closes the conditions of the 工业品牌 guide and both 高价值 ones, and the
    工业品牌 programme cites it: its words alone must not put that programme under 附件3."""
    quote = "无严重失信行为，无非正常专利申请行为（以国家知识产权局通报为准）。"
    assert _ids(Hit("002_00e0f4675e6c9239", "", "t", "附件3 三（二）4", quote, 1.0)) == ["high-value-cultivation-2022-upgrade"]
    assert _ids(Hit("002_00e0f4675e6c9239", "", "t", "附件3 三（一）1（5）", quote, 1.0)) == ["high-value-cultivation-2022"]


def test_a_document_added_under_the_policy_dir_answers_with_its_clause_and_its_programme_only(tmp_path):
    """The path the SME handler takes: the context's search, then programmes_for_clause on its catalog."""
    policy_dir = tmp_path / "policy-dir"
    shutil.copytree(EXAMPLE, policy_dir)
    ctx = build_context(Settings(DATABASE_URL="sqlite+aiosqlite:///:memory:", IPBOT_POLICY_DIR=str(policy_dir)), None)
    assert [d.id for d in ctx.search.library.added] == ["example-trademark-international"]
    hit = _top("马德里商标国际注册有资助吗？", ctx.search)
    assert (hit.doc_id, hit.clause_label, hit.number) == ("example-trademark-international", "二（一）", "")
    assert "已在指定国家获得核准注册" in hit.quote and "示例" in hit.title
    infos = programmes_for_clause(ctx.catalog, hit, date(2026, 6, 30))
    assert [i.id for i in infos] == ["example-trademark-international-grant"]
    assert (infos[0].start, infos[0].end) == (date(2026, 1, 1), date(2030, 12, 31))
    # a clause listed under the programme's `clauses:` shows it too; the shipped texts are still answered
    assert _ids(_top("同一件商标能资助几次", ctx.search), ctx.catalog) == ["example-trademark-international-grant"]
    assert _ids(_top("首件发明专利有补贴吗？", ctx.search), ctx.catalog) == ["first-invention-subsidy"]
    # without the policy directory the document is not there
    assert "example-trademark-international" not in INDEX.library
