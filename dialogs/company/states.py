"""The windows of the company dialog."""

from aiogram.fsm.state import State, StatesGroup


class CompanySG(StatesGroup):
    overview = State()         # my companies with last visit and open measures; type to search
    card = State()             # one company: profile with sources, visits, plan
    register_name = State()    # the name first
    duplicate = State()        # a likely duplicate: open it, or register anyway
    register_uscc = State()    # the USCC, or "稍后补充"
    register_region = State()  # only when the USCC does not give it
    uscc = State()             # complete a missing USCC
    assign = State()           # a supervisor picks the responsible specialist
    titles = State()           # 高新技术企业, 专精特新, … held or not
    plan_pick = State()        # /plan: which company
    plan = State()             # its measures: done, postpone
