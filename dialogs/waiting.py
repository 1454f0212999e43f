"""Whether the window a user has open is waiting for the message they just sent.

aiogram-dialog hands every message to the open dialog (its router admits any message while
its intent is on the stack) and, in a private chat, shows the window again when no input
took it. Most windows end with `MessageInput(wrong_content)`, which takes anything to say
"please use the buttons". So an SME who typed a question with /plan open got the plan back
and the question was lost (issue 19).

`waits_for_text` is the answer to "would a real input of this window take this message?":
an input whose filters (content types, a filter) pass and that is not the `wrong_content`
complaint. The question router asks it before the dialogs see the message, and leaves the
message to the dialog when the answer is yes (a /check question that takes typed answers,
a search box, a name being typed).
"""

from __future__ import annotations

from typing import Any

from aiogram.types import Message
from aiogram_dialog import DialogManager
from aiogram_dialog.api.exceptions import DialogsError
from aiogram_dialog.widgets.input import BaseInput, CombinedInput, MessageInput

from dialogs.shared import wrong_content

__all__ = ["waits_for_text"]


async def waits_for_text(manager: DialogManager, message: Message) -> bool:
    """True when the open window has an input (other than the wrong-content complaint) that
    would take `message`; False with no dialog open. A window this cannot read is assumed to
    wait (the dialog keeps the message, as before)."""
    if not manager.has_context():
        return False
    try:
        window = manager.dialog().windows[manager.current_context().state]
    except (DialogsError, KeyError, AttributeError):
        return True
    return await _takes(getattr(window, "on_message", None), message, manager)


async def _takes(widget: BaseInput | None, message: Message, manager: DialogManager) -> bool:
    if widget is None:
        return False
    if isinstance(widget, CombinedInput):
        if not await _passes(widget.filters, manager):
            return False
        for inner in widget.inputs:
            if await _takes(inner, message, manager):
                return True
        return False
    if isinstance(widget, MessageInput):
        if getattr(widget.func, "callback", None) is wrong_content:
            return False
        return await _passes(widget.filters, manager)
    return True  # TextInput and inputs of our own: they take text


async def _passes(filters: list[Any], manager: DialogManager) -> bool:
    """The input's own filters, called as aiogram-dialog calls them."""
    for handler_filter in filters:
        if not await handler_filter.call(manager.event, **manager.middleware_data):
            return False
    return True
