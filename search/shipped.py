"""The search over the policy texts shipped in ``policy/texts``: what the bot answers from.

:func:`policy_documents` reads them as search documents (文号 and title apart);
:class:`SearchIndex` is the search one context holds, built from them on first use. The
composition root (``bot.app.build_search``) makes one per context; this module keeps none.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable

from policy.texts import load_documents
from search.clauses import Document, split_number_title
from search.index import PolicySearch
from search.results import Answer, Routing

__all__ = ["SearchIndex", "classify", "policy_documents", "route"]

# an editor's note closing a title: "（附件8，某县级市，2021-2023）" -> "（附件8）"
_TITLE_NOTE = re.compile(r"（([^（），,]+)[，,][^（）]*）$")


def policy_documents() -> list[Document]:
    """The shipped policy texts as search documents: 文号 and title split apart.

    A document without a 文号 (the county plan) keeps its title, with the editor's
    note trimmed to its first part, as the catalog cites it.
    """
    docs = []
    for text in load_documents():
        number, title = split_number_title(text.title)
        docs.append(Document(text.file.removesuffix(".txt"), _TITLE_NOTE.sub(r"（\1）", title), number, text.text))
    return docs


class SearchIndex:
    """The search a context holds: a :class:`PolicySearch` over ``documents()`` (the shipped
    texts unless told otherwise), built once, on first use, thread-safe.

    Building costs about 0.7 s of CPU the first time in a process (jieba's dictionary) and
    about 0.1 s after that, so the bot builds it in a worker thread at start-up
    (:meth:`warm_up`), and a context that never searches never pays for it.
    """

    def __init__(self, documents: Callable[[], Iterable[Document]] = policy_documents) -> None:
        self._documents = documents
        self._search: PolicySearch | None = None
        self._lock = threading.Lock()

    def get(self) -> PolicySearch:
        if self._search is None:
            with self._lock:
                if self._search is None:
                    self._search = PolicySearch(self._documents())
        return self._search

    def warm_up(self) -> None:
        self.get()

    def answer(self, question: str) -> Answer:
        """Search the policy texts; ``confident`` says whether the top hit answers it.

        The first call builds the index; callers on an event loop run it in a thread.
        Never raises on odd input (markup, emoji, formulas): such text is searched as words.
        """
        return self.get().answer(question)

    def route(self, question: str) -> Routing:
        """Answer with the quote, forward to the specialist, or off-topic (:mod:`search.routing`)."""
        return self.get().route(question)


def route(question: str, search: PolicySearch | None = None) -> Routing:
    """:meth:`PolicySearch.route` on ``search``; without one, a new index over the shipped
    texts (about 0.7 s: the bot passes the one its context holds)."""
    if search is None:
        search = PolicySearch(policy_documents())
    return search.route(question)


def classify(question: str, search: PolicySearch | None = None) -> str:
    """``"answer"`` (answer with the quote), ``"forward"`` (IP, but the texts do not answer it:
    to the specialist) or ``"off_topic"`` (not IP: say the bot only handles IP policy)."""
    return route(question, search).kind
