"""What the company and visit flows share, so neither package imports the other.

- Their state groups. A flow starts another by that flow's state (the company card starts
  a visit; a visit registers a new company), so the groups are the flows' public
  addresses and live here, as aiogram-dialog's own examples keep every group in one
  states module for the same reason. Moving a group leaves its state names
  ("VisitSG:summary") as they were, so stored dialog state still resolves.
- The manager helpers (middleware data, language, a message of its own) and the reply to
  a message of the wrong kind.
- The text of a refusal and the labels both flows show (topics, ways, fields), escaped.
"""

from __future__ import annotations

from typing import Any

from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import DialogManager, ShowMode

from locales import t
from locales.format import escape
from services.errors import Refusal

__all__ = ["CompanySG", "VisitSG", "WAY_ICON", "field_label", "lang_of", "mw", "refusal_text", "say", "short_label",
           "show_value", "topic_label", "way_label", "wrong_content"]


# ---------------------------------------------------------------- states (the flows' addresses)


class CompanySG(StatesGroup):
    """The windows of the company dialog: /companies and /plan."""

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
    postpone = State()         # one measure: +3/+7/+14 days, a calendar day or a typed date


class VisitSG(StatesGroup):
    """The windows of the visit dialog, in the order a visit is logged."""

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


# ---------------------------------------------------------------- manager helpers


def mw(manager: DialogManager) -> dict[str, Any]:
    return manager.middleware_data


def lang_of(manager: DialogManager) -> str:
    return mw(manager).get("lang", "zh")


async def say(manager: DialogManager, text: str, **kwargs: Any) -> None:
    """A message of its own (a refusal, a notice), then the window again below it."""
    event = manager.event
    message = event.message if isinstance(event, CallbackQuery) else event
    await message.answer(text, **kwargs)
    manager.show_mode = ShowMode.SEND


async def wrong_content(message: Message, _w: Any, manager: DialogManager) -> None:
    """A photo where text was asked, a sticker, …: say what the window takes."""
    await say(manager, t("visit_wrong_content", lang_of(manager)))


# ---------------------------------------------------------------- text

WAY_ICON = {"onsite": "🏭", "phone": "📞", "online": "💻"}


def refusal_text(exc: Exception, lang: str) -> str:
    """The sentence for a refused request: `vr_<code>` (USCC problems by their reason)."""
    if not isinstance(exc, Refusal):  # FactError and the like name their problem themselves
        return t("vr_fact_invalid", lang, problem=escape(str(exc))[:300])
    code = exc.code
    if code == "bad_uscc":
        code = f"bad_uscc_{exc.params.get('reason', 'length')}"
    params = {k: escape(str(v))[:80] for k, v in exc.params.items() if k != "changes"}
    if code == "conflict":
        params["changes"] = "\n".join(
            t("vr_conflict_line", lang, field=escape(field_label(f, lang)), theirs=escape(show_value(theirs, lang)),
              mine=escape(show_value(mine, lang))) for f, theirs, mine in exc.params.get("changes", []))
    try:
        return t(f"vr_{code}", lang, **params)
    except KeyError:
        return t("vr_generic", lang, code=escape(code))


def field_label(field: str, lang: str, catalog: Any = None) -> str:
    if field.startswith("fact:"):
        return catalog.label(field[5:], lang) if catalog is not None else field[5:]
    if field.startswith("title:"):
        return t(f"title_{field[6:]}", lang)
    return t(f"field_{field}", lang)


def show_value(value: Any, lang: str) -> str:
    """A fact's value as a person reads it: 是/否, 无, or the value (not escaped)."""
    if value is True:
        return t("btn_yes", lang)
    if value is False:
        return t("btn_no", lang)
    return t("none", lang) if value is None else str(value)


def topic_label(code: str, lang: str) -> str:
    return t(f"topic_{code}", lang)


def way_label(code: str | None, lang: str) -> str:
    return f"{WAY_ICON.get(code or '', '')} {t(f'way_{code}', lang)}" if code else t("none", lang)


#: Where a label may be cut: spaces and the punctuation that separates the parts of a title.
_BREAKS = " \t,，、;；:：·/（(【[-—"


def short_label(text: str, limit: int = 16) -> str:
    """A button label of at most `limit` characters (plus "…"), cut at a word boundary.

    Chinese has no spaces, so a boundary is punctuation; a cut never leaves an opening bracket
    without its closing one (a button read "（新建项目·企业申报" when cut mid-title). With no
    boundary in the second half of the limit it is cut at the limit. The full text is in the
    message above the buttons."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    head = text[:limit]
    cut = max(head.rfind(ch) for ch in _BREAKS)
    if cut >= limit // 2:
        head = head[:cut]
    for opening, closing in (("（", "）"), ("(", ")"), ("【", "】"), ("[", "]")):
        at = head.rfind(opening)
        if at > head.rfind(closing) and at > 0:
            head = head[:at]
    return head.rstrip(_BREAKS) + "…"
