"""/visit: log a visit in the car, in at most 8 presses plus typing.

A typical on-site visit: pick the company (1), share the location, which also says
实地 (2), tick a topic (3), type the findings, send a photo, 下一步 (4), type a measure
and pick its due date (5), a second one (6), 完成 (7), 保存 (8). Phone and online visits
skip the location. tests/e2e/test_visit.py counts the presses.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from aiogram import F, Router
from aiogram.enums import ContentType
from aiogram.filters import Command
from aiogram_dialog import Dialog, DialogManager, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Calendar, CalendarConfig, Cancel, Group, Row, Select
from aiogram_dialog.widgets.kbd.calendar_kbd import (CalendarDaysView, CalendarMonthView, CalendarScope,
                                                     CalendarUserConfig, CalendarYearsView)
from aiogram_dialog.widgets.text import Format, Text

from dialogs.shared import VisitSG, wrong_content
from dialogs.visit import getters, handlers

TEXT = Format("{text}")


class _Dated(Text):
    """A calendar label in the reader's language: Chinese month and weekday names for zh."""

    WEEKDAYS_ZH = "一二三四五六日"

    def __init__(self, zh: str, en: str, weekday: bool = False) -> None:
        super().__init__()
        self.zh, self.en, self.weekday = zh, en, weekday

    async def _render_text(self, data: dict, manager: DialogManager) -> str:
        day, english = data["date"], manager.middleware_data.get("lang") == "en"
        if self.weekday:
            return day.strftime("%a") if english else self.WEEKDAYS_ZH[day.weekday()]
        return (self.en if english else self.zh).format(date=day)


class DueCalendar(Calendar):
    """The calendar in the configured zone and the reader's language, from today on (an
    earlier day pressed anyway is refused by the service)."""

    def get_offset(self, manager: DialogManager) -> date | None:
        """The page first shown is the month of the context's today (its clock, not the host's)."""
        return super().get_offset(manager) or manager.middleware_data["ctx"].today()

    def _init_views(self) -> dict[CalendarScope, Any]:
        return {
            CalendarScope.DAYS: CalendarDaysView(
                self._item_callback_data, weekday_text=_Dated("", "", weekday=True),
                header_text=_Dated("🗓 {date:%Y年%-m月}", "🗓 {date:%B %Y}"),
                next_month_text=_Dated("{date:%Y年%-m月} >>", "{date:%B %Y} >>"),
                prev_month_text=_Dated("<< {date:%Y年%-m月}", "<< {date:%B %Y}")),
            CalendarScope.MONTHS: CalendarMonthView(
                self._item_callback_data, month_text=_Dated("{date:%-m}月", "{date:%B}"),
                this_month_text=_Dated("[ {date:%-m}月 ]", "[ {date:%B} ]"),
                header_text=_Dated("🗓 {date:%Y}年", "🗓 {date:%Y}")),
            CalendarScope.YEARS: CalendarYearsView(self._item_callback_data),
        }

    async def _get_user_config(self, data: dict, manager: DialogManager) -> CalendarUserConfig:
        ctx = manager.middleware_data["ctx"]
        return CalendarUserConfig(timezone=ctx.tz, min_date=ctx.today(), max_date=date(ctx.today().year + 3, 12, 31))


def _select(id_: str, items: str, on_click: Any, width: int = 1) -> Group:
    return Group(Select(Format("{item[1]}"), id=id_, item_id_getter=lambda item: item[0], items=items,
                        on_click=on_click), width=width)


def _cancel() -> Cancel:
    return Cancel(Format("{b_cancel}"))


def _other_content() -> MessageInput:
    """Anything a window did not ask for gets a sentence, not silence (must come last)."""
    return MessageInput(wrong_content)


def _dialog() -> Dialog:
    return Dialog(
        Window(
            Format("{prompt}"),
            _select("co", "companies", handlers.picked_company),
            Button(Format("{b_new_company}"), id="new", on_click=handlers.on_new_company),
            _cancel(),
            MessageInput(handlers.on_search, content_types=[ContentType.TEXT]),
            _other_content(),
            state=VisitSG.company, getter=getters.company_getter,
        ),
        Window(
            TEXT,
            _select("way", "ways", handlers.picked_way, width=3),
            _cancel(),
            MessageInput(handlers.on_location, content_types=[ContentType.LOCATION]),
            _other_content(),
            state=VisitSG.way, getter=getters.way_getter,
        ),
        Window(
            TEXT,
            Button(Format("{b_skip_location}"), id="noloc", on_click=handlers.skip_location),
            _cancel(),
            MessageInput(handlers.on_location, content_types=[ContentType.LOCATION]),
            _other_content(),
            state=VisitSG.location, getter=getters.location_getter,
        ),
        Window(
            TEXT,
            _select("tp", "topics", handlers.toggle_topic, width=3),
            _select("pg", "programmes", handlers.toggle_programme, width=2),
            Row(Button(Format("{b_next}"), id="tnext", on_click=handlers.topics_next), _cancel()),
            MessageInput(handlers.on_findings, content_types=[ContentType.TEXT]),
            MessageInput(handlers.on_voice, content_types=[ContentType.VOICE]),
            MessageInput(handlers.on_photo, content_types=[ContentType.PHOTO]),  # kept, counted later
            _other_content(),
            state=VisitSG.topics, getter=getters.topics_getter,
        ),
        Window(
            TEXT,
            _cancel(),
            MessageInput(handlers.on_findings, content_types=[ContentType.TEXT]),
            MessageInput(handlers.on_voice, content_types=[ContentType.VOICE]),
            MessageInput(handlers.on_photo, content_types=[ContentType.PHOTO]),  # kept, counted later
            _other_content(),
            state=VisitSG.findings, getter=getters.findings_getter,
        ),
        Window(
            TEXT,
            Row(Button(Format("{b_next}"), id="pnext", on_click=handlers.photos_next),
                Button(Format("{b_update_facts}"), id="facts", on_click=handlers.facts_enter)),
            Button(Format("{b_clear_photos}"), id="pclear", on_click=handlers.clear_photos, when="has_photos"),
            _cancel(),
            MessageInput(handlers.on_photo, content_types=[ContentType.PHOTO]),
            _other_content(),
            state=VisitSG.photos, getter=getters.photos_getter,
        ),
        Window(
            TEXT,
            Row(Button(Format("{b_yes}"), id="fy", on_click=handlers.fact_yes),
                Button(Format("{b_no}"), id="fn", on_click=handlers.fact_no), when="is_bool"),
            Group(Select(Format("{item[1]}"), id="fq", item_id_getter=lambda item: item[0], items="quick",
                         on_click=handlers.fact_quick), width=6, when="is_count"),
            Row(Button(Format("{b_skip}"), id="fskip", on_click=handlers.fact_skip),
                Button(Format("{b_done}"), id="fdone", on_click=handlers.facts_done)),
            _cancel(),
            MessageInput(handlers.fact_typed, content_types=[ContentType.TEXT]),
            _other_content(),
            state=VisitSG.facts, getter=getters.facts_getter,
        ),
        Window(
            TEXT,
            Row(Button(Format("{b_done}"), id="mdone", on_click=handlers.measures_done),
                Button(Format("{b_drop_measure}"), id="mdrop", on_click=handlers.drop_last_measure,
                       when="has_measures")),
            _cancel(),
            MessageInput(handlers.on_measure_text, content_types=[ContentType.TEXT]),
            _other_content(),
            state=VisitSG.measures, getter=getters.measures_getter,
        ),
        Window(
            TEXT,
            DueCalendar(id="due", on_click=handlers.picked_due),
            _select("own", "owners", handlers.picked_owner, width=2),
            _cancel(),
            _other_content(),
            state=VisitSG.due, getter=getters.due_getter,
        ),
        Window(
            TEXT,
            _select("ed", "edits", handlers.edit_field, width=2),
            Row(Button(Format("{b_save}"), id="save", on_click=handlers.on_save), _cancel()),
            _other_content(),
            state=VisitSG.summary, getter=getters.summary_getter,
        ),
        on_start=handlers.on_start,
        on_process_result=handlers.on_company_registered,
    )


def build() -> Router:
    """/visit and its dialog, in one router the role guard wraps."""
    router = Router(name="visit")
    router.message.register(handlers.start_visit, Command("visit"))
    dialog = _dialog()
    # A command typed mid-dialog (/plan, /help, /cancel) reaches its own handler.
    dialog.message.filter(~F.text.startswith("/"))
    router.include_router(dialog)
    return router


__all__ = ["build", "VisitSG", "CalendarConfig"]
