"""The windows of /check."""

from aiogram.fsm.state import State, StatesGroup


class CheckSG(StatesGroup):
    company = State()  # pick a company (specialists, supervisors, admins)
    question = State()  # one missing fact at a time
    results = State()  # one line per programme, in force first
    detail = State()  # one programme's conditions, line by line
    whatif = State()  # hypothetical changes, combined until reset
