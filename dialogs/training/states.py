"""The training dialogs' states."""

from aiogram.fsm.state import State, StatesGroup


class NewSG(StatesGroup):
    """Schedule a session (or edit one: the same steps, opened at `confirm`)."""

    title = State()
    category = State()
    day = State()
    time = State()
    place = State()
    region = State()
    capacity = State()
    confirm = State()


class ManageSG(StatesGroup):
    """An organiser's sessions, one session's card, its roster, adding people; a member's enrolments."""

    sessions = State()
    card = State()
    roster = State()
    add = State()
    cancel = State()
    mine = State()
