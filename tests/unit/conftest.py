"""Fixtures the unit tests share."""

from __future__ import annotations

import pytest

from policy import load_catalog
from search import PolicySearch, SearchIndex, policy_documents


@pytest.fixture(scope="session")
def index() -> PolicySearch:
    """The search over the shipped documents, built once per worker (it is read-only)."""
    return PolicySearch(policy_documents())


@pytest.fixture(scope="session")
def catalog():
    """The shipped policy catalog (read-only), loaded once per worker."""
    return load_catalog()


@pytest.fixture(scope="session")
def search():
    """The question search the chat uses, built once per worker."""
    return SearchIndex().get()
