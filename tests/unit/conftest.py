"""Fixtures the unit tests share."""

from __future__ import annotations

import pytest

from search import PolicySearch, policy_documents


@pytest.fixture(scope="session")
def index() -> PolicySearch:
    """The search over the shipped documents, built once per worker (it is read-only)."""
    return PolicySearch(policy_documents())
