"""The search over the policy library (:mod:`policy.texts`): what the bot answers from.

:func:`policy_documents` reads the library's documents as search documents (文号 and title
apart, from each document's metadata file); :class:`SearchIndex` is the search one context
holds, over the library it was given (the shipped documents unless told otherwise), built
from them on first use. The composition root (``bot.app.build_search``) makes one per
context, over the shipped documents plus those of ``IPBOT_POLICY_DIR``; this module keeps none.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

from policy.texts import Library, shipped_library
from search.clauses import Document
from search.index import PolicySearch
from search.results import Answer, Routing

__all__ = ["SearchIndex", "classify", "policy_documents", "route"]


def policy_documents(library: Library | None = None) -> list[Document]:
    """The library's documents (default: the shipped ones) as search documents: 文号 and title
    from each document's metadata, the id its file name without ``.txt``."""
    return [Document(d.id, d.title, d.number, d.text) for d in (library or shipped_library())]


class SearchIndex:
    """The search a context holds: a :class:`PolicySearch` over the documents of ``library``
    (the shipped ones unless told otherwise), built once, on first use, thread-safe.
    ``library`` is kept: it is what the search answers from (/policies lists it). A test may
    pass ``documents`` (a callable returning search documents) instead.

    Building costs about 0.6 s of CPU the first time in a process (the dictionaries of
    jieba-rs, pypinyin and OpenCC) and
    about 0.1 s after that, so the bot builds it in a worker thread at start-up
    (:meth:`warm_up`), and a context that never searches never pays for it.
    """

    def __init__(self, documents: Callable[[], Iterable[Document]] | None = None, *,
                 library: Library | None = None) -> None:
        self.library = library or shipped_library()
        self._documents = documents or (lambda: policy_documents(self.library))
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
