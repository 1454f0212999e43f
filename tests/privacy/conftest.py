"""The end-to-end fixtures (a real bot polling the in-process emulator) for the /privacy chat tests."""

from tests.e2e.conftest import _one_search_index, bot_clock, emu, harness, settings  # noqa: F401
