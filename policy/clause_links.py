"""Which programmes a quoted clause belongs to: those that cite it, a clause within it, or one
containing it.

An SME's answer quotes one clause of a library document and says whether the programmes it
belongs to are in force. Guessing them by document shows the deadlines of unrelated
programmes of the same document (a 保护示范区 clause saying 2022-02-15 under the 高价值
deadline 2022-01-30), so the link is what the packs cite: every clause a programme rests on
(``references.programme_cites``: its citation, its ``clauses:``, benefit, deadline and
conditions). A cited clause matches the quoted one when

* both are in the same library document (the pack document's ``text:``, else its 文号), and
* their labels name the same clause or one within the other, compared by numbering
  (``附件3 三(一)1`` is within ``附件3 三(一)``; brackets and spaces do not matter; an
  annex's own name, ``附件2（工业品牌）``, is part of its number), or
* the cited words and the quoted clause share a passage of at least :data:`MIN_ANCHOR`
  characters that occurs once in the whole document (how ``附件2（工业品牌） 六(五)`` finds
  the clause the search labels ``附件2-2 六（五）``; a sentence repeated in every guide,
  such as "无严重失信行为", links nothing).

No programme citing the clause means none is shown. The links of a catalog are worked out
once (reading the library of each pack's policy directory) and kept with it.
"""

from __future__ import annotations

import re
import threading
import unicodedata
import weakref
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from . import schema as S
from .catalog import Catalog
from .engine import ProgrammeInfo
from .references import programme_cites
from .texts import Library, LibraryError, library_for_dir, shipped_library

__all__ = ["MIN_ANCHOR", "clause_path", "related_labels", "programmes_citing"]

#: the shortest shared passage that links a cited clause to a quoted one by its words
MIN_ANCHOR = 8

_WS = re.compile(r"\s+")
_CN = "[一二三四五六七八九十百]+"
_SEGMENT = re.compile(rf"附件\d+(?:-\d+)?(?:\([^()]*\))?|\((?:{_CN}|\d+)\)|{_CN}|\d+")


def _norm(text: str) -> str:
    return _WS.sub("", unicodedata.normalize("NFKC", text or ""))


def clause_path(label: str) -> tuple[str, ...]:
    """A clause label's numbering, one level a segment: "附件3 三（一）1（4）" -> ("附件3", "三",
    "(一)", "1", "(4)"); words after the numbering ("三(三) 实行项目引领") are not numbering;
    a label without numbering ("印发", "标题") has none."""
    text, out, pos = _norm(label), [], 0
    while pos < len(text):
        m = _SEGMENT.match(text, pos)
        if m is None:
            break
        out.append(m.group(0))
        pos = m.end()
    return tuple(out)


def related_labels(a: str, b: str) -> bool:
    """Whether two labels name the same clause or one within the other."""
    pa, pb = clause_path(a), clause_path(b)
    n = min(len(pa), len(pb))
    return n > 0 and pa[:n] == pb[:n]


@dataclass(frozen=True)
class _Anchor:
    """One clause a programme rests on, as found in the library."""

    doc_id: str
    label: str
    words: str  # the cited words, normalised; "" when they are not once in the document


@dataclass(frozen=True)
class _Links:
    anchors: dict[tuple[str, str], tuple[_Anchor, ...]]  # (pack id, programme id) -> anchors
    bodies: dict[str, str]  # library document id -> its text, normalised


_CACHE: "weakref.WeakKeyDictionary[Catalog, _Links]" = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def _library(root: Path | None, seen: dict[Path | None, Library]) -> Library:
    if root not in seen:
        try:
            seen[root] = shipped_library() if root is None else library_for_dir(root)
        except LibraryError:  # the bot would not have started; a test's catalog may lack it
            seen[root] = shipped_library()
    return seen[root]


def _build(catalog: Catalog) -> _Links:
    libraries: dict[Path | None, Library] = {}
    anchors: dict[tuple[str, str], tuple[_Anchor, ...]] = {}
    bodies: dict[str, str] = {}
    for lp in catalog.packs:
        library = _library(None if lp.builtin else lp.home, libraries)
        docs = {d.id: d for d in lp.pack.documents}
        held: dict[str, str] = {}  # pack document id -> library document id
        for d in lp.pack.documents:
            found = library.find(d.text) or next((x for x in library if d.number and x.number == d.number), None)
            if found is not None:
                held[d.id] = found.id
                bodies.setdefault(found.id, _norm(found.text))
        for prog in lp.pack.programmes:
            out = []
            for _where, cite in programme_cites(prog):
                doc_id = held.get(cite.doc)
                if doc_id is None:
                    continue
                words = _norm(cite.quote or _clause_quote(docs.get(cite.doc), cite.clause))
                if len(words) < MIN_ANCHOR or bodies[doc_id].count(words) != 1:
                    words = ""
                out.append(_Anchor(doc_id, cite.clause, words))
            anchors[(lp.pack.pack, prog.id)] = tuple(dict.fromkeys(out))
    return _Links(anchors, bodies)


def _clause_quote(doc: S.Document | None, label: str) -> str:
    clause = doc.clauses.get(label) if doc is not None else None
    return clause.quote if isinstance(clause, S.Clause) else ""


def _links(catalog: Catalog) -> _Links:
    links = _CACHE.get(catalog)
    if links is None:
        with _LOCK:
            links = _CACHE.get(catalog)
            if links is None:
                links = _CACHE[catalog] = _build(catalog)
    return links


def _shares_words(anchor: _Anchor, pieces: list[str], body: str) -> bool:
    if anchor.words and any(anchor.words in p for p in pieces):
        return True
    return any(len(p) >= MIN_ANCHOR and p in anchor.words and body.count(p) == 1 for p in pieces)


def programmes_citing(catalog: Catalog, doc_id: str, clause_label: str, quote: str, as_of: date
                      ) -> list[ProgrammeInfo]:
    """The programmes (their editions at ``as_of``) that cite the clause ``clause_label`` of the
    library document ``doc_id``, a clause within it or one containing it; ``quote`` is what
    the search quoted of it (excerpts joined by "…"). In catalog order; empty when none does."""
    links = _links(catalog)
    body = links.bodies.get(doc_id)
    if body is None:
        return []
    pieces = [p for p in (_norm(x) for x in (quote or "").split("…")) if p]
    out = []
    for pid in catalog.programme_ids:
        info = catalog.programme(pid, as_of)
        for anchor in links.anchors.get((info.pack, pid), ()):
            if anchor.doc_id != doc_id:
                continue
            if related_labels(anchor.label, clause_label) or _shares_words(anchor, pieces, body):
                out.append(info)
                break
    return out
