"""Fixtures for the production tests: the real bot against the in-process emulator, as in
tests/e2e (harness.py), with the settings each test adds (a proxy, a health port). The
fixtures are tests/e2e's own, so both folders start a bot the same way."""

from tests.e2e.conftest import _one_search_index, emu, settings  # noqa: F401 - fixtures
