"""Small rendering helpers shared by the handlers."""

from __future__ import annotations

from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from locales import t
from services.users import Actor, Role


def role_name(role: Role | str, lang: str) -> str:
    return t(f"role_{Role(role).value}", lang)


def local_time(moment: datetime, tz: ZoneInfo, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """UTC in storage, the configured zone (``ctx.tz``) on screen."""
    return moment.astimezone(tz).strftime(fmt)


def display_name(actor: Actor) -> str:
    return escape(actor.full_name or str(actor.telegram_id))
