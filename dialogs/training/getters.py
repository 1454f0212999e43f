"""Getters: read the draft or the database, return what a window shows; they change nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

from aiogram_dialog import DialogManager

from dialogs.training import render
from dialogs.training.states import NewSG
from locales import t
from locales.categories import category_name
from locales.format import escape
from services import training as tr
from services.errors import Refusal

QUICK_CAPACITIES = (30, 50, 100, 200)


def _basics(manager: DialogManager) -> tuple[Any, Any, str]:
    data = manager.middleware_data
    return data["ctx"], data["actor"], data.get("lang", "zh")


def _error(manager: DialogManager, lang: str) -> str:
    """The last problem (⚠️) or note (ℹ️) of this dialog, above the window's own text."""
    error, note = manager.dialog_data.get("error"), manager.dialog_data.get("note")
    return f"⚠️ {error}\n\n" if error else f"ℹ️ {note}\n\n" if note else ""


async def new_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    ctx, actor, lang = _basics(dialog_manager)
    data = dialog_manager.dialog_data
    state = dialog_manager.current_context().state
    step = state.state.split(":")[-1]
    text = _error(dialog_manager, lang) + t(f"tr_ask_{step}", lang)
    warning = ""
    if data.get("day"):
        code = tr.day_warning(date.fromisoformat(data["day"]))
        warning = t(f"tr_day_{code}", lang) if code else ""
    if state == NewSG.confirm:
        text = _error(dialog_manager, lang) + t(
            "tr_confirm", lang, title=escape(data.get("title", "")), category=category_name(data.get("category", ""), lang),
            day=data.get("day", ""), start=data.get("start", ""), end=data.get("end", ""),
            place=escape(" / ".join(p for p in (data.get("location"), data.get("link")) if p) or t("none", lang)),
            region=escape(data.get("region") or t("none", lang)), capacity=data.get("capacity", ""))
        if warning:
            text += "\n" + warning
    elif state == NewSG.time and warning:
        text = f"{warning}\n\n{text}"
    return {
        "text": text,
        "categories": [(i, category_name(c, lang)) for i, c in enumerate(tr.CATEGORIES)],
        "capacities": [(str(n), str(n)) for n in QUICK_CAPACITIES],
        "my_region": actor.region_code or "",
        "has_region": bool(actor.region_code),
        "b_cancel": t("tr_b_cancel", lang), "b_skip": t("tr_b_skip", lang), "b_save": t("tr_b_save", lang),
        "b_mine": t("tr_b_my_region", lang, region=actor.region_code or ""),
        "b_title": t("tr_b_edit_title", lang), "b_day": t("tr_b_edit_day", lang), "b_time": t("tr_b_edit_time", lang),
        "b_place": t("tr_b_edit_place", lang), "b_capacity": t("tr_b_edit_capacity", lang),
        "b_category": t("tr_b_edit_category", lang), "b_region": t("tr_b_edit_region", lang),
    }


async def sessions_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    ctx, actor, lang = _basics(dialog_manager)
    sessions = await tr.list_sessions(dialog_manager.middleware_data["session"], actor, ctx.now())
    items = [(s.id, _label(s, ctx.tz)) for s in sessions]
    return {"text": _error(dialog_manager, lang) + t("tr_sessions" if items else "tr_sessions_none", lang),
            "sessions": items, "b_new": t("tr_b_new", lang), "b_close": t("tr_b_close", lang)}


async def card_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    ctx, actor, lang = _basics(dialog_manager)
    session = dialog_manager.middleware_data["session"]
    buttons = {"b_roster": "", "b_add": t("tr_b_add", lang), "b_qr": t("tr_b_qr", lang), "b_edit": t("tr_b_edit", lang),
               "b_cancel_session": t("tr_b_cancel_session", lang), "b_back": t("tr_b_back", lang)}
    try:
        training, lines = await tr.roster(session, actor, dialog_manager.dialog_data["training_id"])
    except Refusal as exc:  # only reachable by a forged press; show nothing of the session
        return {"text": t(f"tr_err_{exc.code}", lang, **exc.params), "active": False, "managed": False, **buttons}
    waiting = sum(1 for line in lines if line.status == "waitlisted")
    me = await dialog_manager.middleware_data["bot"].me()
    link = f"https://t.me/{me.username}?start={tr.enrol_link_payload(training)}"
    active = training.status == "scheduled"
    return {"text": _error(dialog_manager, lang) + render.card(training, ctx.tz, lang, link if active else None, waiting),
            "active": active, "managed": True, **buttons, "b_roster": t("tr_b_roster", lang, n=len(lines))}


async def roster_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    ctx, actor, lang = _basics(dialog_manager)
    try:
        training, lines = await tr.roster(dialog_manager.middleware_data["session"], actor,
                                          dialog_manager.dialog_data["training_id"])
    except Refusal as exc:
        return {"text": t(f"tr_err_{exc.code}", lang, **exc.params), "lines": [], "b_back": t("tr_b_back", lang)}
    counts = {s: sum(1 for line in lines if line.status == s) for s in render.STATUS_MARK}
    legend = " ".join(f"{render.STATUS_MARK[s]}{render.status_name(s, lang)} {n}" for s, n in counts.items())
    items = [(f"{line.enrolment_id}:{line.status}:{mark}", render.mark_label(line, mark, lang))
             for line in lines for mark in tr.MARKS]
    people = "\n".join(f"{render.STATUS_MARK.get(line.status, '')} {escape(line.name)} {line.mobile} "
                       f"{render.status_name(line.status, lang)}" for line in lines[:30])  # a message holds 4096
    if len(lines) > 30:
        people += "\n…"
    text = (t("tr_roster_marks", lang, title=escape(training.title), legend=legend, people=people)
            if lines else t("tr_roster_empty", lang))
    return {"text": _error(dialog_manager, lang) + text, "lines": items, "b_back": t("tr_b_back", lang)}


async def add_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    _ctx, _actor, lang = _basics(dialog_manager)
    report = dialog_manager.dialog_data.get("report", "")
    return {"text": (f"{report}\n\n" if report else "") + _error(dialog_manager, lang) + t("tr_ask_add", lang),
            "b_back": t("tr_b_back", lang)}


async def cancel_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    _ctx, _actor, lang = _basics(dialog_manager)
    return {"text": _error(dialog_manager, lang) + t("tr_cancel_confirm", lang),
            "b_yes": t("tr_b_cancel_yes", lang), "b_back": t("tr_b_back", lang)}


async def mine_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    ctx, actor, lang = _basics(dialog_manager)
    rows = await tr.my_enrolments(dialog_manager.middleware_data["session"], actor, ctx.now())
    lines = [f"• {escape(training.title)} — {render.when(training, ctx.tz, lang)} — "
             f"{render.status_name(e.status, lang)}" for e, training in rows]
    items = [(e.id, t("tr_b_unenrol", lang, title=training.title[:30]))
             for e, training in rows if e.status in ("registered", "waitlisted")]
    text = t("tr_mine", lang, lines="\n".join(lines)) if lines else t("tr_mine_none", lang)
    return {"text": _error(dialog_manager, lang) + text, "enrolments": items, "b_close": t("tr_b_close", lang)}


def _label(training: tr.Training, tz: Any) -> str:
    start = training.starts_at.astimezone(tz)
    mark = "🚫 " if training.status == "cancelled" else ""
    return f"{mark}{start:%m-%d %H:%M} {training.title}"[:60]
