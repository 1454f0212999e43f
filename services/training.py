"""The training feature's use cases under one name, for its callers.

The feature lives in rooms of one job each; this module only re-exports them, so
`from services import training as tr` keeps working in the dialogs, handlers, jobs and
tests:

- services.training_access: who may organise and manage a session (the one copy of the
  rule, by region through services.regions.contains), `TrainingRefusal`;
- services.training_sessions: schedule, edit, cancel and list sessions;
- services.training_enrolment: enrolment with a waitlist that moves up, seat counting;
- services.training_tokens: the signed enrolment link, rotating check-in links and codes;
- services.training_checkin: the roster, checking in, the rotating QR display;
- services.training_recipients: who is reminded or told of a change.

New code may import the room it needs directly. Services return data; the handlers
render and send.
"""

from __future__ import annotations

from services.trainees import CATEGORIES
from services.training_access import ORGANISER_ROLES, TrainingRefusal, get_session, may_organise
from services.training_checkin import (CODE_WINDOW, DISPLAY_AFTER_END, DISPLAY_MAX, MARKS, ROSTER_NEXT, RosterLine,
                                       RosterMark, mark_roster,
                                       check_in_by_code, check_in_by_link, close_checkin_display,
                                       open_checkin_display, open_displays, roster, set_roster_status)
from services.training_enrolment import (SEATED, STATUSES, CancelOutcome, EnrolOutcome, cancel_enrolment,
                                         enrol_person, enrol_self, my_enrolments)
from services.training_recipients import organiser_language, reminder_recipients, sessions_starting
from services.training_sessions import (MAX_CAPACITY, Notice, SessionDraft, cancel_session, create_session,
                                        day_warning, draft_of, is_web_link, list_sessions, update_session)
from services.training_tokens import (CHECKIN_PREFIX, ENROL_PREFIX, GRACE_SECONDS, ROTATE_SECONDS, CheckinToken,
                                      checkin_token, checkin_window, enrol_link_payload, parse_enrol_payload)
from storage.models import Training

#: The old private name, still used by dialogs/training/handlers.py.
_is_web_link = is_web_link

__all__ = [
    "CATEGORIES", "CHECKIN_PREFIX", "CODE_WINDOW", "DISPLAY_AFTER_END", "DISPLAY_MAX", "ENROL_PREFIX",
    "GRACE_SECONDS", "MARKS", "MAX_CAPACITY", "ORGANISER_ROLES", "ROSTER_NEXT", "ROTATE_SECONDS", "SEATED", "STATUSES",
    "CancelOutcome", "CheckinToken", "EnrolOutcome", "Notice", "RosterLine", "RosterMark", "mark_roster", "SessionDraft", "Training",
    "TrainingRefusal", "cancel_enrolment", "cancel_session", "check_in_by_code", "check_in_by_link",
    "checkin_token", "checkin_window", "close_checkin_display", "create_session", "day_warning", "draft_of",
    "enrol_link_payload", "enrol_person", "enrol_self", "get_session", "is_web_link", "list_sessions",
    "may_organise", "my_enrolments", "open_checkin_display", "open_displays", "organiser_language",
    "parse_enrol_payload", "reminder_recipients", "roster", "sessions_starting", "set_roster_status",
    "update_session",
]
