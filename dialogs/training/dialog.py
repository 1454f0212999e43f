"""The training windows and the router: /training opens an organiser's sessions or a member's enrolments."""

from __future__ import annotations

from contextlib import suppress
from typing import Any, Awaitable, Callable

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, StartMode, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Back, Button, Cancel, Column, Group, Row, ScrollingGroup, Select, SwitchTo
from aiogram_dialog.widgets.text import Format

from dialogs.training import getters as g
from dialogs.training import handlers as h
from dialogs.training.render import TrainingCalendar
from dialogs.training.states import ManageSG, NewSG
from locales import t
from services import training as tr
from services.errors import Refusal

TEXT = Format("{text}")


def _new_dialog() -> Dialog:
    cancel = Cancel(Format("{b_cancel}"))

    def step(state: Any, *widgets: Any) -> Window:
        return Window(TEXT, *widgets, cancel, state=state, getter=g.new_getter)

    return Dialog(
        step(NewSG.title, MessageInput(h.on_title, content_types=["text"])),
        step(NewSG.category, Column(Select(Format("{item[1]}"), id="cat", item_id_getter=lambda i: i[0],
                                           items="categories", on_click=h.on_category))),
        step(NewSG.day, TrainingCalendar(id="day", on_click=h.on_day)),
        step(NewSG.time, MessageInput(h.on_time, content_types=["text"])),
        step(NewSG.place, MessageInput(h.on_place, content_types=["text"])),
        step(NewSG.region, Row(Button(Format("{b_mine}"), id="mine", on_click=h.on_region_mine, when="has_region"),
                               Button(Format("{b_skip}"), id="skip", on_click=h.on_region_skip)),
             MessageInput(h.on_region_text, content_types=["text"])),
        step(NewSG.capacity, Group(Select(Format("{item[1]}"), id="cap", item_id_getter=lambda i: i[0],
                                          items="capacities", on_click=h.on_capacity_quick), width=4),
             MessageInput(h.on_capacity_text, content_types=["text"])),
        step(NewSG.confirm,
             Button(Format("{b_save}"), id="save", on_click=h.on_save),
             Group(SwitchTo(Format("{b_title}"), id="e_title", state=NewSG.title),
                   SwitchTo(Format("{b_category}"), id="e_cat", state=NewSG.category),
                   SwitchTo(Format("{b_day}"), id="e_day", state=NewSG.day),
                   SwitchTo(Format("{b_time}"), id="e_time", state=NewSG.time),
                   SwitchTo(Format("{b_place}"), id="e_place", state=NewSG.place),
                   SwitchTo(Format("{b_region}"), id="e_region", state=NewSG.region),
                   SwitchTo(Format("{b_capacity}"), id="e_cap", state=NewSG.capacity), width=2)),
        on_start=h.on_new_start,
    )


def _manage_dialog() -> Dialog:
    back_to_card = SwitchTo(Format("{b_back}"), id="to_card", state=ManageSG.card)
    return Dialog(
        Window(TEXT,
               ScrollingGroup(Select(Format("{item[1]}"), id="ses", item_id_getter=lambda i: i[0], items="sessions",
                                     on_click=h.on_pick_session), id="sesg", width=1, height=8,
                              hide_on_single_page=True),
               Button(Format("{b_new}"), id="new", on_click=h.on_new),
               Cancel(Format("{b_close}")),
               state=ManageSG.sessions, getter=g.sessions_getter),
        Window(TEXT,
               Row(Button(Format("{b_roster}"), id="roster", on_click=h.on_roster, when="managed"),
                   Button(Format("{b_add}"), id="add", on_click=h.on_add, when="active")),
               Row(Button(Format("{b_qr}"), id="qr", on_click=h.on_qr, when="active"),
                   Button(Format("{b_edit}"), id="edit", on_click=h.on_edit, when="active")),
               Button(Format("{b_cancel_session}"), id="cancel", on_click=h.on_cancel_ask, when="active"),
               SwitchTo(Format("{b_back}"), id="to_list", state=ManageSG.sessions),
               state=ManageSG.card, getter=g.card_getter),
        Window(TEXT,
               ScrollingGroup(Select(Format("{item[1]}"), id="ros", item_id_getter=lambda i: i[0], items="lines",
                                     on_click=h.on_roster_tap), id="rosg", width=3, height=10,
                              hide_on_single_page=True),
               back_to_card,
               state=ManageSG.roster, getter=g.roster_getter),
        Window(TEXT,
               MessageInput(h.on_add_text, content_types=["text"]),
               MessageInput(h.on_add_file, content_types=["document"]),
               back_to_card,
               state=ManageSG.add, getter=g.add_getter),
        Window(TEXT,
               Button(Format("{b_yes}"), id="yes", on_click=h.on_cancel_yes),
               back_to_card,
               state=ManageSG.cancel, getter=g.cancel_getter),
        Window(TEXT,
               Column(Select(Format("{item[1]}"), id="un", item_id_getter=lambda i: i[0], items="enrolments",
                             on_click=h.on_unenrol)),
               Cancel(Format("{b_close}")),
               state=ManageSG.mine, getter=g.mine_getter),
        on_start=h.on_manage_start,
    )


async def open_training(message: Message, dialog_manager: DialogManager, actor: Any) -> None:
    """Organisers get their sessions; everyone else their own enrolments."""
    state = ManageSG.sessions if tr.may_organise(actor) else ManageSG.mine
    await dialog_manager.start(state, mode=StartMode.RESET_STACK)


def _from_its_message(query: CallbackQuery) -> bool:
    """The press came from a button the message shows: the QR message's own. The same data
    forged or replayed onto another message (a dialog's window) must not delete that message."""
    markup = getattr(query.message, "reply_markup", None)
    return markup is not None and any(b.callback_data == query.data for row in markup.inline_keyboard for b in row)


async def _drop(query: CallbackQuery) -> None:
    """Delete the QR message; one deleted already (a second press) is no reason to fail."""
    with suppress(TelegramBadRequest):
        await query.message.delete()


async def _qr_press(query: CallbackQuery, data: dict[str, Any], action: Callable[[int], Awaitable[Any]]) -> bool:
    """Run ``action`` on the training id a QR message's button names; a forged, stale or refused
    press is answered with an alert instead and gives False."""
    lang = data.get("lang", "zh")
    if not _from_its_message(query):
        await query.answer(t("stale_button", lang), show_alert=True)
        return False
    try:
        await action(int(query.data.split(":", 1)[1]))
    except (Refusal, ValueError) as exc:
        await data["commit"]()
        text = h.refusal_text(exc, lang) if isinstance(exc, Refusal) else t("stale_button", lang)
        await query.answer(text, show_alert=True)
        return False
    return True


async def next_qr(query: CallbackQuery, **data: Any) -> None:
    """The QR message's button: send the new minute's code, remove the old one."""

    async def rotate(training_id: int) -> None:
        await tr.roster(data["session"], data["actor"], training_id)  # the manager's permission
        await h.send_qr(data, training_id, query.message.chat.id)

    if await _qr_press(query, data, rotate):
        await _drop(query)
        await query.answer()


async def end_qr(query: CallbackQuery, **data: Any) -> None:
    """结束签到 first asks: the QR message's buttons become "end it" / "keep showing"."""
    lang = data.get("lang", "zh")

    async def ask(training_id: int) -> None:
        await tr.roster(data["session"], data["actor"], training_id)  # the manager's permission
        with suppress(TelegramBadRequest):  # pressed twice: the question is already showing
            await query.message.edit_reply_markup(reply_markup=h.qr_end_keyboard(training_id, lang))

    if await _qr_press(query, data, ask):
        await query.answer(t("tr_qr_end_ask", lang))


async def end_qr_no(query: CallbackQuery, **data: Any) -> None:
    """Keep check-in open: the QR message gets its own buttons back."""
    lang = data.get("lang", "zh")

    async def keep(training_id: int) -> None:
        await tr.roster(data["session"], data["actor"], training_id)
        with suppress(TelegramBadRequest):
            await query.message.edit_reply_markup(reply_markup=h.qr_keyboard(training_id, lang))

    if await _qr_press(query, data, keep):
        await query.answer(t("tr_qr_kept", lang))


async def end_qr_yes(query: CallbackQuery, **data: Any) -> None:
    """Stop the rotation; the QR message goes, so nobody scans a code that will not be replaced."""

    def close(training_id: int) -> Awaitable[Any]:
        return tr.close_checkin_display(data["session"], data["actor"], training_id)

    if await _qr_press(query, data, close):
        await data["commit"]()
        await _drop(query)
        await query.answer(t("tr_qr_ended", data.get("lang", "zh")))


def build() -> Router:
    router = Router(name="training")
    router.message.register(open_training, Command("training"))
    router.callback_query.register(next_qr, F.data.startswith(f"{h.QR_PREFIX}:"))
    router.callback_query.register(end_qr, F.data.startswith(f"{h.QR_END_PREFIX}:"))
    router.callback_query.register(end_qr_yes, F.data.startswith(f"{h.QR_END_YES_PREFIX}:"))
    router.callback_query.register(end_qr_no, F.data.startswith(f"{h.QR_END_NO_PREFIX}:"))
    for dialog in (_new_dialog(), _manage_dialog()):
        dialog.message.filter(~F.text.startswith("/"))  # a command typed mid-dialog reaches its own handler
        router.include_router(dialog)
    return router
