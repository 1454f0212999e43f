"""Rendering for the training dialogs: the session card, roster lines, a calendar in the reader's
language that marks Chinese public holidays and adjusted working days, the QR PNG."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from aiogram_dialog import DialogManager
from aiogram_dialog.widgets.kbd import Calendar, CalendarScope, CalendarUserConfig
from aiogram_dialog.widgets.kbd.calendar_kbd import (CalendarDaysView, CalendarMonthView, CalendarScopeView,
                                                     CalendarYearsView)
from aiogram_dialog.widgets.text import Text

from locales import t
from locales.categories import category_name
from locales.regions import region_label
from locales.format import escape
from services import training as tr

STATUS_MARK = {"registered": "⬜", "waitlisted": "⏳", "attended": "✅", "absent": "❌", "excused": "🟡"}
WEEKDAYS = "一二三四五六日"


def status_name(status: str, lang: str) -> str:
    return t(f"tr_status_{status}", lang)


def mark_label(line: Any, mark: str, lang: str) -> str:
    """One of a person's three roster buttons, e.g. "✅签到 张三"; the mark they have now is ticked."""
    current = STATUS_MARK[mark] if line.status == mark else ""
    return f"{current}{t(f'tr_mark_{mark}', lang)} {line.name}"[:40]


def when(training: tr.Training, tz: ZoneInfo, lang: str) -> str:
    start = training.starts_at.astimezone(tz)
    end = (training.ends_at or training.starts_at).astimezone(tz)
    weekday = WEEKDAYS[start.weekday()] if lang == "zh" else start.strftime("%a")
    return t("tr_when", lang, day=start.strftime("%Y-%m-%d"), weekday=weekday, start=start.strftime("%H:%M"),
             end=end.strftime("%H:%M"))


def place(training: tr.Training, lang: str) -> str:
    parts = [escape(training.location)] if training.location else []
    if training.online_link:
        parts.append(escape(training.online_link))
    return " / ".join(parts) or t("none", lang)


def card(training: tr.Training, tz: ZoneInfo, lang: str, link: str | None = None, waiting: int = 0) -> str:
    """The session as organisers and people see it; every user-typed piece escaped."""
    capacity = training.capacity or "∞"
    lines = [
        t("tr_card", lang, title=escape(training.title), category=category_name(training.category, lang),
          when=when(training, tz, lang), place=place(training, lang),
          region=region_label(training.region_code, lang) if training.region_code else t("none", lang), seats=training.seats_taken, capacity=capacity,
          waiting=waiting),
    ]
    if training.status == "cancelled":
        lines.append(t("tr_card_cancelled", lang))
    warning = tr.day_warning(training.starts_at.astimezone(tz).date())
    if warning:
        lines.append(t(f"tr_day_{warning}", lang))
    if link:
        lines.append(t("tr_card_link", lang, link=escape(link)))
    return "\n".join(lines)


# ---------------------------------------------------------------- a calendar in the reader's language


def _lang(manager: DialogManager) -> str:
    return manager.middleware_data.get("lang", "zh")


class _Weekday(Text):
    async def _render_text(self, data: dict[str, Any], manager: DialogManager) -> str:
        return t("tr_cal_weekdays", _lang(manager)).split()[data["date"].weekday()]


class _Day(Text):
    """The day number, marked on public holidays (休) and adjusted working days (班)."""

    def __init__(self, today: bool = False) -> None:
        super().__init__()
        self.today = today

    async def _render_text(self, data: dict[str, Any], manager: DialogManager) -> str:
        day: date = data["date"]
        warning = tr.day_warning(day)
        mark = t(f"tr_cal_{warning}", _lang(manager)) if warning in ("holiday", "adjusted_workday") else ""
        text = f"{day.day}{mark}"
        return f"[{text}]" if self.today else text


class _Month(Text):
    """A month's label (`key` given the year and the month's name), e.g. "🗓 2026年11月", "« Oct"."""

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key

    async def _render_text(self, data: dict[str, Any], manager: DialogManager) -> str:
        lang, day = _lang(manager), data["date"]
        return t(self.key, lang, year=day.year, month=t("tr_cal_months", lang).split()[day.month - 1])


class TrainingCalendar(Calendar):
    """aiogram-dialog's Calendar in the configured zone, from today on, labelled in the reader's language."""

    def _init_views(self) -> dict[CalendarScope, CalendarScopeView]:
        return {
            CalendarScope.DAYS: CalendarDaysView(
                self._item_callback_data, date_text=_Day(), today_text=_Day(today=True), weekday_text=_Weekday(),
                header_text=_Month("tr_cal_header"), prev_month_text=_Month("tr_cal_prev"),
                next_month_text=_Month("tr_cal_next")),
            CalendarScope.MONTHS: CalendarMonthView(
                self._item_callback_data, month_text=_Month("tr_cal_month"), this_month_text=_Month("tr_cal_this_month"),
                header_text=_Month("tr_cal_year")),
            CalendarScope.YEARS: CalendarYearsView(self._item_callback_data),
        }

    async def _get_user_config(self, data: dict, manager: DialogManager) -> CalendarUserConfig:
        ctx = manager.middleware_data["ctx"]
        return CalendarUserConfig(timezone=ctx.tz, min_date=ctx.today())
