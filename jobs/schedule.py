"""The digest's schedule as written in settings ("mon 09:00"), read into cron fields.

Kept apart from the job so that reading the settings (every ``ipbot`` command does) does
not import the job, and with it aiogram: a command that never talks to Telegram starts in
a fraction of the time.
"""

from __future__ import annotations

from typing import Any

__all__ = ["parse_schedule"]

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_schedule(text: str) -> dict[str, Any]:
    """'mon 09:00' -> APScheduler cron fields; raises ValueError naming the problem."""
    parts = (text or "").lower().split()
    if len(parts) != 2 or parts[0] not in _DAYS or ":" not in parts[1]:
        raise ValueError(f"digest schedule {text!r} must look like 'mon 09:00' (day of week, then HH:MM)")
    hour, minute = parts[1].split(":", 1)
    if not (hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60):
        raise ValueError(f"digest schedule {text!r}: the time must be HH:MM, 00:00 to 23:59")
    return {"day_of_week": parts[0], "hour": int(hour), "minute": int(minute)}
