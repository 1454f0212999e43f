"""What each window of the company dialog shows: data in, dict out, no state changes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiogram_dialog import DialogManager

from dialogs.company.texts import card_text, coverage_line, overview_text, plan_text
from dialogs.shared import refusal_text, short_label
from locales import t
from locales.format import escape
from services import companies, plans, visits
from services.errors import Refusal
from services.users import Role


def _m(manager: DialogManager) -> tuple[dict, dict, str]:
    m = manager.middleware_data
    return manager.dialog_data, m, m.get("lang", "zh")


def buttons(lang: str) -> dict[str, str]:
    keys = ("cancel", "back", "register", "visit", "plan", "uscc", "assign", "later", "anyway", "clear", "done",
            "my_region", "titles")
    return {f"b_{k}": t(f"company_btn_{k}", lang) for k in keys}


async def overview_getter(dialog_manager: DialogManager, **_: Any) -> dict:
    data, m, lang = _m(dialog_manager)
    ctx, actor, session = m["ctx"], m["actor"], m["session"]
    search = data.get("search")
    if search:
        found = await companies.search_companies(session, actor, search)
        items = [(c.id, c.name[:40]) for c in found]
        text = t("companies_search", lang, query=escape(search), count=len(found))
    else:
        mine = actor.role == Role.specialist
        rows = await visits.company_overview(session, actor, ctx.today(), ctx.tz, mine_only=mine)
        start, end = visits.week_of(ctx.today())
        cover = None
        if mine:
            cover = coverage_line(await visits.coverage(session, actor.user_id, start, end, ctx.tz), start, end, lang)
        if mine and not rows:  # none assigned yet: the region's companies, which they may visit too
            rows = await visits.company_overview(session, actor, ctx.today(), ctx.tz, mine_only=False)
        text = overview_text(rows, cover, ctx.tz, lang, mine and all(r.specialist_id == actor.user_id for r in rows))
        if companies.lacks_region(actor):
            text = t("no_region_staff", lang)
        items = [(r.id, r.name[:40]) for r in rows]
    return {"text": text, "companies": items, "searching": bool(search),
            "may_register": actor.role in companies.REGISTRAR_ROLES, **buttons(lang)}


async def card_getter(dialog_manager: DialogManager, **_: Any) -> dict:
    data, m, lang = _m(dialog_manager)
    ctx = m["ctx"]
    try:
        card = await visits.company_card(m["session"], m["actor"], data["company_id"], ctx.today())
    except Refusal as exc:  # a forged press of another company: nothing of it, the way back to the list
        return {"text": refusal_text(exc, lang), "may_visit": False, "may_uscc": False, "may_assign": False,
                "may_edit": False, "may_plan": False, "may_back": m["actor"].role != Role.sme, **buttons(lang)}
    text = card_text(card, ctx.tz, lang, ctx.catalog)
    if data.get("notice"):
        text += f"\n\nℹ️ {data['notice']}"
    return {"text": text, "may_visit": card.may_visit, "may_uscc": card.may_edit and not card.company.uscc,
            "may_assign": card.may_assign, "may_edit": card.may_edit, "may_plan": True,
            "may_back": m["actor"].role != Role.sme, **buttons(lang)}


async def register_name_getter(dialog_manager: DialogManager, **_: Any) -> dict:
    _d, _m2, lang = _m(dialog_manager)
    return {"text": t("company_ask_name", lang), **buttons(lang)}


async def duplicate_getter(dialog_manager: DialogManager, **_: Any) -> dict:
    data, _m2, lang = _m(dialog_manager)
    return {"text": t("company_duplicate", lang, name=escape(data.get("new_name") or "")),
            "duplicates": [(cid, name[:40]) for cid, name in data.get("duplicates") or []], **buttons(lang)}


async def register_uscc_getter(dialog_manager: DialogManager, **_: Any) -> dict:
    data, _m2, lang = _m(dialog_manager)
    return {"text": t("company_ask_uscc", lang, name=escape(data.get("new_name") or "")), **buttons(lang)}


async def register_region_getter(dialog_manager: DialogManager, **_: Any) -> dict:
    _d, m, lang = _m(dialog_manager)
    mine = companies.region_name(m["actor"].region_code) if m["actor"].region_code else ""
    return {"text": t("company_ask_region", lang), "has_region": bool(mine),
            "b_my_region": t("company_btn_my_region", lang, region=escape(mine)),
            **{k: v for k, v in buttons(lang).items() if k != "b_my_region"}}


async def uscc_getter(dialog_manager: DialogManager, **_: Any) -> dict:
    _d, _m2, lang = _m(dialog_manager)
    return {"text": t("company_ask_complete_uscc", lang), **buttons(lang)}


async def _shown_company(m: dict, company_id: int | None) -> companies.Company | None:
    """The card's company, or None when the actor may not see it (the handler that opened the
    window asked the service first; this only keeps a window from showing what it must not)."""
    if company_id is None:
        return None
    try:
        return await companies.get_visible(m["session"], m["actor"], company_id)
    except Refusal:
        return None


async def assign_getter(dialog_manager: DialogManager, **_: Any) -> dict:
    data, m, lang = _m(dialog_manager)
    company = await _shown_company(m, data.get("company_id"))
    if company is None or not companies.may_assign(m["actor"], company):  # show nobody
        return {"text": t("vr_not_allowed", lang), "people": [], **buttons(lang)}
    people = await companies.specialists_for(m["session"], company)
    return {"text": t("company_pick_specialist", lang, name=escape(company.name)),
            "people": [(u.id, (u.full_name or str(u.telegram_id))[:30]) for u in people], **buttons(lang)}


async def titles_getter(dialog_manager: DialogManager, **_: Any) -> dict:
    data, m, lang = _m(dialog_manager)
    company = await _shown_company(m, data.get("company_id"))
    if company is None or not companies.may_edit(m["actor"], company):
        return {"text": t("vr_not_allowed", lang), "titles": [], **buttons(lang)}
    titles = company.titles or {}
    items = [(code, ("✅ " if titles.get(code) not in (None, False) else "▫️ ") + t(f"title_{code}", lang)
              + (f"（{titles[code]}）" if titles.get(code) else "")) for code in companies.TITLES]
    return {"text": t("company_titles", lang, name=escape(company.name)), "titles": items, **buttons(lang)}


async def plan_pick_getter(dialog_manager: DialogManager, **_: Any) -> dict:
    _d, m, lang = _m(dialog_manager)
    rows = await plans.companies_with_plans(m["session"], m["actor"])
    empty = "no_region_staff" if companies.lacks_region(m["actor"]) else "companies_none"
    return {"text": t("plan_pick", lang) if rows else t(empty, lang),
            "companies": [(cid, t("plan_pick_company", lang, name=name[:34], open=n)) for cid, name, n in rows[:30]],
            **buttons(lang)}


async def plan_getter(dialog_manager: DialogManager, **_: Any) -> dict:
    data, m, lang = _m(dialog_manager)
    try:
        company, rows = await plans.plan_for(m["session"], m["actor"], data["company_id"], today=m["ctx"].today())
    except Refusal as exc:
        return {"text": refusal_text(exc, lang), "measure_items": [], "may_back": False,
                **buttons(lang)}
    # Buttons only on the measures this person may change (an SME: the ones it owns); the
    # service refuses a forged press of the others all the same. One row per measure, numbered
    # as in the text above (creation order, so a press never renumbers the list).
    items: list[tuple[str, str]] = []
    for n, r in enumerate(rows, 1):
        if r.status == "open" and plans.may_change(m["actor"], r, company):
            items += [(f"d{r.id}", t("plan_btn_done", lang, n=n, what=short_label(r.what))),
                      (f"p{r.id}", t("plan_btn_later", lang, n=n))]
    return {"text": plan_text(company.name, rows, lang, data.get("notice")), "measure_items": items,
            "may_back": not data.get("plan_only"), **buttons(lang)}


async def postpone_getter(dialog_manager: DialogManager, **_: Any) -> dict:
    """One measure in full, its due date and the new dates each quick choice gives."""
    data, m, lang = _m(dialog_manager)
    today = m["ctx"].today()
    try:
        company, rows = await plans.plan_for(m["session"], m["actor"], data["company_id"], today=today)
    except Refusal as exc:
        return {"text": refusal_text(exc, lang), "choices": [], **buttons(lang)}
    found = next(((n, r) for n, r in enumerate(rows, 1) if r.id == data.get("postpone_id")), None)
    if found is None or found[1].status != "open":
        return {"text": t("plan_postpone_gone", lang), "choices": [], **buttons(lang)}
    n, row = found
    choices = [(days, t("plan_btn_plus", lang, days=days,
                        day=plans.postpone_target(row.due_on, today, days).strftime("%m-%d")))
               for days in plans.POSTPONE_CHOICES]
    text = t("plan_postpone_ask", lang, company=escape(company.name), n=n, what=escape(row.what),
             due=row.due_on.isoformat(), example=(today + timedelta(days=10)).isoformat())
    if data.get("notice"):
        text += f"\n\nℹ️ {data['notice']}"
    return {"text": text, "choices": choices, **buttons(lang)}
