"""The windows of the visit dialog, in the order a visit is logged."""

from aiogram.fsm.state import State, StatesGroup


class VisitSG(StatesGroup):
    company = State()   # my recent companies, search, or a new one
    way = State()       # 实地/电话/线上; sharing the location here means 实地
    location = State()  # after 实地: share the location or skip
    topics = State()    # topics and programmes discussed; typing the findings goes on
    findings = State()  # findings text or a voice note (when edited, or not typed above)
    photos = State()    # several photos, optional
    facts = State()     # optional quick update of IP facts, the questions /check asks
    measures = State()  # 一企一策: type what, then pick its due date
    due = State()       # the calendar, and the owner
    summary = State()   # the card, an edit button per field, save
