"""Fixtures for the roster and digest tests: valid credit codes and synthetic rows."""

from __future__ import annotations

from datetime import date, datetime, timezone

from stdnum.cn import uscc as uscc_number


def make_uscc(n: int, region: str = "320585") -> str:
    """A valid 18-character USCC (check digit computed) for company number n."""
    body = f"91{region}{n:09d}"[:17]
    return body + uscc_number.calc_check_digit(body)


def visit_row(n: int, **over: object) -> dict:
    row = {"visited_at": datetime(2026, 11, 17, 2, 30, tzinfo=timezone.utc), "company_name": f"企业{n}",
           "uscc": make_uscc(n), "region_code": "320585", "specialist_name": "王特派",
           "contact_name": "李四", "contact_phone": "13800138000", "topic": "专利布局", "notes": "讨论了专利清零",
           "follow_up": "两周后回访"}
    return {**row, **over}


def measure_row(n: int, **over: object) -> dict:
    row = {"company_name": f"企业{n}", "uscc": make_uscc(n), "region_code": "320585", "specialist_name": "王特派",
           "measure": "申请首件发明专利", "status": "open", "due_on": date(2026, 11, 10), "done_on": None,
           "created_at": datetime(2026, 10, 1, 1, 0, tzinfo=timezone.utc)}
    return {**row, **over}


def attendance_row(n: int, **over: object) -> dict:
    row = {"training_title": "知识产权总监培训", "starts_at": datetime(2026, 11, 18, 1, 0, tzinfo=timezone.utc),
           "location": "太仓", "category": "知识产权总监", "region_code": "320585", "attendee_name": f"学员{n}",
           "attendee_phone": f"139{n:08d}", "company_name": f"企业{n}", "uscc": make_uscc(n),
           "checked_in_at": datetime(2026, 11, 18, 0, 55, tzinfo=timezone.utc)}
    return {**row, **over}


import pytest  # noqa: E402

from emulator import Emulator  # noqa: E402

TOKEN = "434343:TEST-token-for-the-digest-tests"


@pytest.fixture
async def emu():
    async with Emulator(TOKEN, username="ipbot_digest_bot") as emulator:
        yield emulator
