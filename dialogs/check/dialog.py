"""The /check windows, and `build()`: the command, the dialog and the company copy's buttons."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram_dialog import Dialog, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Cancel, Group, Row, ScrollingGroup, Select, SwitchTo
from aiogram_dialog.widgets.text import Format

from dialogs.check import getters, handlers
from dialogs.check.states import CheckSG


def _select(widget_id: str, items: str, on_click, width: int = 1) -> Group:  # noqa: ANN001
    return Group(Select(Format("{item[1]}"), id=widget_id, item_id_getter=lambda item: item[0], items=items,
                        on_click=on_click), width=width)


def dialog() -> Dialog:
    text = Format("{text}")
    return Dialog(
        Window(
            text,
            ScrollingGroup(
                Select(Format("{item[1]}"), id="co", item_id_getter=lambda item: item[0], items="companies",
                       on_click=handlers.picked_company),
                id="cos", width=1, height=6, hide_on_single_page=True,
            ),
            Cancel(Format("{b_cancel}")),
            state=CheckSG.company, getter=getters.company_getter,
        ),
        Window(
            text,
            # the answers above, one fixed last row below: positions never shift between questions
            _select("ans", "answers", handlers.on_answer, width=6),
            Row(Button(Format("{b_skip}"), id="skip", on_click=handlers.on_skip),
                Button(Format("{b_results}"), id="res", on_click=handlers.on_results),
                Cancel(Format("{b_cancel}"))),
            MessageInput(handlers.on_typed_answer),
            state=CheckSG.question, getter=getters.question_getter,
        ),
        Window(
            text,
            _select("pg", "programmes", handlers.picked_programme),
            Button(Format("{ended_label}"), id="ended", on_click=handlers.on_toggle_ended, when="has_ended"),
            Row(Button(Format("{b_more}"), id="more", on_click=handlers.on_more, when="has_more"),
                Button(Format("{b_whatif}"), id="wi", on_click=handlers.on_whatif_enter)),
            Row(Button(Format("{b_save}"), id="save", on_click=handlers.on_save, when="can_save"),
                Button(Format("{b_send}"), id="send", on_click=handlers.on_send, when="can_send")),
            Cancel(Format("{b_done}")),
            state=CheckSG.results, getter=getters.results_getter,
        ),
        Window(
            text,
            SwitchTo(Format("{b_back}"), id="back", state=CheckSG.results),
            state=CheckSG.detail, getter=getters.detail_getter,
        ),
        Window(
            text,
            Row(Button(Format("{b_whatif_reset}"), id="wreset", on_click=handlers.on_whatif_reset, when="has_hypo"),
                SwitchTo(Format("{b_back}"), id="wback", state=CheckSG.results)),
            MessageInput(handlers.on_whatif_text, content_types=["text"]),
            state=CheckSG.whatif, getter=getters.whatif_getter,
        ),
        on_start=handlers.on_start,
    )


def build() -> Router:
    """The /check command, its dialog and the company copy's buttons, in one router the role guard wraps."""
    router = Router(name="check")
    router.message.register(handlers.start_check, Command("check"))
    router.callback_query.register(handlers.open_from_copy, F.data.startswith(handlers.COPY_PREFIX))
    check = dialog()
    # A command typed mid-dialog (/policies, /help) goes to its own handler, not to the
    # question being asked.
    check.message.filter(~F.text.startswith("/"))
    router.include_router(check)
    return router
