"""Issue 19, item 7: the 2-hour reminder states the real time left, read off a fake clock.

At 15:50 for a 16:30 session it said "约 2 小时后（16:30）"; now it says "40 分钟后".
"""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from jobs import training_reminders

TZ = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 12, 3, 16, 30, tzinfo=TZ)


class Bot:
    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []

    async def send_message(self, chat_id: int, text: str) -> None:
        self.sent.append((chat_id, text))


@pytest.mark.parametrize(("now", "member", "organiser"), [
    ((15, 50), "16:30（40 分钟后）开始", "40 分钟后（2026-12-03 16:30）开始"),
    ((14, 55), "16:30（1 小时 35 分钟后）开始", "1 小时 35 分钟后（"),
    ((14, 30), "16:30（2 小时后）开始", "2 小时后（"),
    ((16, 29, 40), "16:30（1 分钟后）开始", "1 分钟后（"),
])
async def test_the_two_hour_reminder_says_the_real_time_left(now, member, organiser):
    clock_at = datetime(2026, 12, 3, *now, tzinfo=TZ)
    bot = Bot()
    ctx = SimpleNamespace(tz=TZ, now=lambda: clock_at, bot=bot)
    training = SimpleNamespace(starts_at=START, title="贯标内审员培训", location="报告厅", online_link=None,
                               seats_taken=3)
    assert training_reminders._kind(START - clock_at) == "2h"
    await training_reminders._send(ctx, 1, "zh", "member", "2h", training)
    await training_reminders._send(ctx, 2, "zh", "organiser", "2h", training)
    (_, to_member), (_, to_organiser) = bot.sent
    assert member in to_member and organiser in to_organiser
    assert "约 2 小时" not in to_member + to_organiser


def test_english_wording():
    assert training_reminders.time_left(timedelta(minutes=40), "en") == "in 40 min"
    assert training_reminders.time_left(timedelta(hours=1, minutes=5), "en") == "in 1 h 5 min"
