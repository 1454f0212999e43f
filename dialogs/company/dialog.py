"""The company dialog: /companies (mine, search, register, a card) and /plan (一企一策)."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.enums import ContentType
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from aiogram_dialog import Dialog, DialogManager, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Cancel, Group, Row, ScrollingGroup, Select, SwitchTo
from aiogram_dialog.widgets.text import Format

from dialogs.company import getters, handlers
from dialogs.shared import CompanySG, wrong_content
from dialogs.visit.dialog import DueCalendar
from services.users import Actor

TEXT = Format("{text}")


def _select(id_: str, items: str, on_click: Any, width: int = 1) -> Group:
    return Group(Select(Format("{item[1]}"), id=id_, item_id_getter=lambda item: item[0], items=items,
                        on_click=on_click), width=width)


def _text_input(handler: Any) -> list:
    return [MessageInput(handler, content_types=[ContentType.TEXT]), MessageInput(wrong_content)]


def _dialog() -> Dialog:
    cancel = Cancel(Format("{b_cancel}"))
    return Dialog(
        Window(
            TEXT,
            ScrollingGroup(Select(Format("{item[1]}"), id="co", item_id_getter=lambda item: item[0], items="companies",
                                  on_click=handlers.open_card), id="cos", width=1, height=8, hide_on_single_page=True),
            Row(Button(Format("{b_register}"), id="reg", on_click=handlers.begin_register, when="may_register"),
                Button(Format("{b_clear}"), id="clr", on_click=handlers.clear_search, when="searching")),
            cancel,
            *_text_input(handlers.on_search),
            state=CompanySG.overview, getter=getters.overview_getter,
        ),
        Window(
            TEXT,
            Row(Button(Format("{b_visit}"), id="visit", on_click=handlers.start_visit, when="may_visit"),
                SwitchTo(Format("{b_plan}"), id="plan", state=CompanySG.plan, when="may_plan")),
            # Buttons, not SwitchTo: the service is asked before the window opens, so a forged
            # press is refused in a sentence and the card stays.
            Row(Button(Format("{b_uscc}"), id="uscc", on_click=handlers.open_uscc, when="may_uscc"),
                Button(Format("{b_titles}"), id="titles", on_click=handlers.open_titles, when="may_edit"),
                Button(Format("{b_assign}"), id="assign", on_click=handlers.open_assign, when="may_assign")),
            Row(SwitchTo(Format("{b_back}"), id="back", state=CompanySG.overview, when="may_back"),
                Cancel(Format("{b_done}"))),
            MessageInput(wrong_content),
            state=CompanySG.card, getter=getters.card_getter,
        ),
        Window(
            TEXT, cancel, *_text_input(handlers.on_name),
            state=CompanySG.register_name, getter=getters.register_name_getter,
        ),
        Window(
            TEXT,
            _select("dup", "duplicates", handlers.picked_duplicate),
            Button(Format("{b_anyway}"), id="anyway", on_click=handlers.register_anyway),
            cancel,
            MessageInput(wrong_content),
            state=CompanySG.duplicate, getter=getters.duplicate_getter,
        ),
        Window(
            TEXT,
            Button(Format("{b_later}"), id="later", on_click=handlers.uscc_later),
            cancel, *_text_input(handlers.on_uscc),
            state=CompanySG.register_uscc, getter=getters.register_uscc_getter,
        ),
        Window(
            TEXT,
            Button(Format("{b_my_region}"), id="myreg", on_click=handlers.my_region, when="has_region"),
            cancel, *_text_input(handlers.on_region),
            state=CompanySG.register_region, getter=getters.register_region_getter,
        ),
        Window(
            TEXT,
            SwitchTo(Format("{b_back}"), id="uback", state=CompanySG.card),
            *_text_input(handlers.on_complete_uscc),
            state=CompanySG.uscc, getter=getters.uscc_getter,
        ),
        Window(
            TEXT,
            _select("sp", "people", handlers.picked_specialist),
            SwitchTo(Format("{b_back}"), id="aback", state=CompanySG.card),
            MessageInput(wrong_content),
            state=CompanySG.assign, getter=getters.assign_getter,
        ),
        Window(
            TEXT,
            _select("tt", "titles", handlers.toggle_title, width=1),
            SwitchTo(Format("{b_back}"), id="tback", state=CompanySG.card),
            MessageInput(wrong_content),
            state=CompanySG.titles, getter=getters.titles_getter,
        ),
        Window(
            TEXT,
            ScrollingGroup(Select(Format("{item[1]}"), id="pc", item_id_getter=lambda item: item[0], items="companies",
                                  on_click=handlers.picked_plan_company), id="pcs", width=1, height=8,
                           hide_on_single_page=True),
            cancel,
            MessageInput(wrong_content),
            state=CompanySG.plan_pick, getter=getters.plan_pick_getter,
        ),
        Window(
            TEXT,
            # One row per measure: "✅ 完成 1. <short title>" and "⏰ 推迟 1".
            _select("mx", "measure_items", handlers.measure_pressed, width=2),
            Row(Button(Format("{b_back}"), id="pback", on_click=handlers.back_to_card, when="may_back"),
                Cancel(Format("{b_done}"))),
            MessageInput(wrong_content),
            state=CompanySG.plan, getter=getters.plan_getter,
        ),
        Window(
            TEXT,
            _select("pd", "choices", handlers.postpone_by, width=3),
            DueCalendar(id="pcal", on_click=handlers.postpone_on),
            Button(Format("{b_back}"), id="ppback", on_click=handlers.back_to_plan),
            *_text_input(handlers.postpone_typed),
            state=CompanySG.postpone, getter=getters.postpone_getter,
        ),
        on_start=handlers.on_start,
    )


async def companies_command(message: Message, command: CommandObject, dialog_manager: DialogManager,
                            actor: Actor, lang: str) -> None:
    await handlers.start_companies(message, dialog_manager, actor, lang, (command.args or "").strip()[:64] or None)


async def plan_command(message: Message, dialog_manager: DialogManager, actor: Actor, lang: str) -> None:
    await handlers.start_plan(message, dialog_manager, actor, lang)


def build() -> Router:
    """/companies [words], /plan and their dialog, in one router the role guard wraps.

    (The commands live here rather than in handlers/: handlers and dialogs are sibling
    layers that do not import each other, and a command that starts a dialog needs its states.)
    """
    router = Router(name="companies")
    router.message.register(companies_command, Command("companies"))
    router.message.register(plan_command, Command("plan"))
    dialog = _dialog()
    dialog.message.filter(~F.text.startswith("/"))
    router.include_router(dialog)
    return router
