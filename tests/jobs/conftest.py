"""Fixtures for the job tests."""

import pytest

from jobkit import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
