"""Working days on the Chinese calendar, with the Monday-Friday fallback for years without data."""

import logging
from datetime import date

from services import workdays
from services.workdays import is_working_day, next_working_day, working_days_between


def test_national_day_week_is_off_and_the_adjusted_saturday_is_on():
    # State Council notice for 2026: 10-01..10-07 off (with Mid-Autumn 09-25..27 nearby), Sat 10-10 worked.
    assert is_working_day(date(2026, 9, 30))
    assert not any(is_working_day(date(2026, 10, d)) for d in range(1, 8))
    assert is_working_day(date(2026, 10, 10))  # a Saturday made a working day (调休)
    assert not is_working_day(date(2026, 10, 11))  # an ordinary Sunday


def test_next_working_day_skips_the_holiday():
    assert next_working_day(date(2026, 9, 30)) == date(2026, 10, 8)
    assert next_working_day(date(2026, 10, 9)) == date(2026, 10, 10)  # Fri -> adjusted Sat
    assert next_working_day(date(2026, 10, 10)) == date(2026, 10, 12)
    assert next_working_day(date(2026, 10, 3)) == date(2026, 10, 8)  # asked on a holiday


def test_working_days_between_counts_after_start_up_to_end():
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 7)) == 0
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 8)) == 1
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 12)) == 4  # 8, 9, 10 (Sat), 12
    assert working_days_between(date(2026, 10, 8), date(2026, 10, 8)) == 0


def test_a_year_without_data_falls_back_to_weekdays_and_logs_once(caplog):
    year = 2099
    workdays._warned_years.discard(year)
    with caplog.at_level(logging.WARNING, logger="services.workdays"):
        assert is_working_day(date(year, 1, 1))  # a Thursday; New Year unknown for 2099
        assert not is_working_day(date(year, 1, 3))  # Saturday
        assert next_working_day(date(year, 1, 2)) == date(year, 1, 5)  # Fri -> Mon
    warnings = [r for r in caplog.records if "2099" in r.getMessage()]
    assert len(warnings) == 1
