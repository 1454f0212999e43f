"""What the company dialog does with each press and message; services decide and refuse."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from aiogram.types import CallbackQuery, Message
from aiogram_dialog import DialogManager, StartMode

from dialogs.shared import CompanySG, VisitSG, lang_of, mw, refusal_text, say
from locales import t
from locales.format import escape
from services import companies, plans, regions, visits
from services.errors import Refusal
from services.users import Actor, Role


async def _refused(manager: DialogManager, exc: Exception) -> None:
    await mw(manager)["commit"]()  # keep the audit entry of a refusal
    await say(manager, refusal_text(exc, lang_of(manager)))


_NOT_DONE = object()


async def _done(manager: DialogManager, action: Awaitable[Any]) -> Any:
    """Run a use case: its result after committing, or `_NOT_DONE` once a refusal was said."""
    try:
        result = await action
    except Refusal as exc:
        await _refused(manager, exc)
        return _NOT_DONE
    await mw(manager)["commit"]()
    return result


# ---------------------------------------------------------------- entry points


async def start_companies(message: Message, dialog_manager: DialogManager, actor: Actor, lang: str,
                          query: str | None) -> None:
    if actor.role == Role.sme:
        if actor.company_id is None:
            await message.answer(t("check_no_company", lang))
            return
        await dialog_manager.start(CompanySG.card, data={"company_id": actor.company_id}, mode=StartMode.RESET_STACK)
        return
    await dialog_manager.start(CompanySG.overview, data={"search": query} if query else None,
                               mode=StartMode.RESET_STACK)


async def start_plan(message: Message, dialog_manager: DialogManager, actor: Actor, lang: str) -> None:
    if actor.role == Role.sme:
        if actor.company_id is None:
            await message.answer(t("check_no_company", lang))
            return
        await dialog_manager.start(CompanySG.plan, data={"company_id": actor.company_id, "plan_only": True},
                                   mode=StartMode.RESET_STACK)
        return
    await dialog_manager.start(CompanySG.plan_pick, mode=StartMode.RESET_STACK)


async def on_start(start_data: Any, manager: DialogManager) -> None:
    data = start_data if isinstance(start_data, dict) else {}
    manager.dialog_data.update(search=data.get("search"), company_id=data.get("company_id"),
                               return_company=bool(data.get("return_company")), plan_only=bool(data.get("plan_only")))


# ---------------------------------------------------------------- overview and search


async def on_search(message: Message, _w: Any, manager: DialogManager) -> None:
    manager.dialog_data["search"] = (message.text or "").strip()[:64] or None


async def clear_search(_c: CallbackQuery, _b: Any, manager: DialogManager) -> None:
    manager.dialog_data["search"] = None


async def open_card(_c: CallbackQuery, _w: Any, manager: DialogManager, item_id: str) -> None:
    manager.dialog_data["company_id"] = int(item_id)
    manager.dialog_data["notice"] = None
    await manager.switch_to(CompanySG.card)


async def start_visit(_c: CallbackQuery, _b: Any, manager: DialogManager) -> None:
    try:
        await visits.ensure_may_visit(mw(manager)["session"], mw(manager)["actor"])
    except Refusal as exc:
        await _refused(manager, exc)
        return
    await manager.start(VisitSG.company, data={"company_id": manager.dialog_data["company_id"]})


# ---------------------------------------------------------------- register


async def begin_register(_c: CallbackQuery, _b: Any, manager: DialogManager) -> None:
    manager.dialog_data.update(new_name=None, new_uscc=None, force=False)
    await manager.switch_to(CompanySG.register_name)


async def on_name(message: Message, _w: Any, manager: DialogManager) -> None:
    m = mw(manager)
    try:
        # the same gate registration applies, before asking more; the gated name is what is shown
        name = companies.clean_name(message.text or "")
    except Refusal as exc:
        await say(manager, refusal_text(exc, lang_of(manager)))
        return
    manager.dialog_data.update(new_name=name, force=False)
    found = await companies.likely_duplicates(m["session"], m["actor"], name)
    if found:
        manager.dialog_data["duplicates"] = [[c.id, c.name] for c in found]
        await manager.switch_to(CompanySG.duplicate)
        return
    await manager.switch_to(CompanySG.register_uscc)


async def register_anyway(_c: CallbackQuery, _b: Any, manager: DialogManager) -> None:
    manager.dialog_data["force"] = True
    await manager.switch_to(CompanySG.register_uscc)


async def picked_duplicate(c: CallbackQuery, w: Any, manager: DialogManager, item_id: str) -> None:
    if manager.dialog_data.get("return_company"):
        await manager.done({"company_id": int(item_id)})
        return
    await open_card(c, w, manager, item_id)


async def on_uscc(message: Message, _w: Any, manager: DialogManager) -> None:
    try:
        code = companies.normalise_uscc(message.text or "")
    except Refusal as exc:
        await say(manager, refusal_text(exc, lang_of(manager)))
        return
    manager.dialog_data["new_uscc"] = code
    region = regions.from_uscc(code)
    await _register(manager, region.code if region else None)


async def uscc_later(_c: CallbackQuery, _b: Any, manager: DialogManager) -> None:
    manager.dialog_data["new_uscc"] = None
    await manager.switch_to(CompanySG.register_region)


async def on_region(message: Message, _w: Any, manager: DialogManager) -> None:
    await _register(manager, (message.text or "").strip()[:30])


async def my_region(_c: CallbackQuery, _b: Any, manager: DialogManager) -> None:
    await _register(manager, mw(manager)["actor"].region_code)


async def _register(manager: DialogManager, region: str | None) -> None:
    m, data = mw(manager), manager.dialog_data
    try:
        company = await companies.register_company(m["session"], m["actor"], data["new_name"], data.get("new_uscc"),
                                                   region, force=bool(data.get("force")), as_of=m["ctx"].today())
    except companies.CompanyError as exc:
        if exc.code == "likely_duplicate":
            await manager.switch_to(CompanySG.duplicate)
            return
        if exc.code == "unknown_region" and not region:
            await manager.switch_to(CompanySG.register_region)
            return
        await _refused(manager, exc)
        if exc.code == "exists" and exc.params.get("company_id"):
            data["company_id"] = exc.params["company_id"]
            await manager.switch_to(CompanySG.card)
        return
    await m["commit"]()
    await say(manager, t("company_registered", lang_of(manager), name=escape(company.name),
                          region=escape(companies.region_name(company.region_code))))
    if data.get("return_company"):
        await manager.done({"company_id": company.id})
        return
    data["company_id"] = company.id
    await manager.switch_to(CompanySG.card)




# ---------------------------------------------------------------- card actions


async def _allowed(manager: DialogManager, rule: Any, action: str) -> None:
    """Refuse (audited, by the service) unless the actor may see the card's company and `rule` lets them."""
    m, company_id = mw(manager), manager.dialog_data.get("company_id")
    if company_id is None:
        raise companies.CompanyError("not_visible")
    company = await companies.get_visible(m["session"], m["actor"], company_id, action)
    if not rule(m["actor"], company):
        await companies.refuse(m["session"], m["actor"], action, "not_allowed", company_id=company_id)


async def _open_if(manager: DialogManager, rule: Any, action: str, state: Any) -> None:
    if await _done(manager, _allowed(manager, rule, action)) is _NOT_DONE:
        return  # said why; the card stays
    await manager.switch_to(state)


async def open_uscc(_c: CallbackQuery, _b: Any, manager: DialogManager) -> None:
    await _open_if(manager, companies.may_edit, "company.edit", CompanySG.uscc)


async def open_titles(_c: CallbackQuery, _b: Any, manager: DialogManager) -> None:
    await _open_if(manager, companies.may_edit, "company.edit", CompanySG.titles)


async def open_assign(_c: CallbackQuery, _b: Any, manager: DialogManager) -> None:
    await _open_if(manager, companies.may_assign, "company.assign", CompanySG.assign)


async def on_complete_uscc(message: Message, _w: Any, manager: DialogManager) -> None:
    m = mw(manager)
    if await _done(manager, companies.complete_uscc(m["session"], m["actor"], manager.dialog_data["company_id"],
                                                     message.text or "", as_of=m["ctx"].today())) is _NOT_DONE:
        return
    manager.dialog_data["notice"] = t("company_uscc_saved", lang_of(manager))
    await manager.switch_to(CompanySG.card)


async def picked_specialist(_c: CallbackQuery, _w: Any, manager: DialogManager, item_id: str) -> None:
    m = mw(manager)
    if await _done(manager, companies.assign(m["session"], m["actor"], manager.dialog_data["company_id"],
                                              int(item_id), as_of=m["ctx"].today())) is _NOT_DONE:
        return
    manager.dialog_data["notice"] = t("company_assigned", lang_of(manager))
    await manager.switch_to(CompanySG.card)


async def toggle_title(_c: CallbackQuery, _w: Any, manager: DialogManager, item_id: str) -> None:
    """Held <-> not held; a held title without its date is "" (the date can follow), and the
    change is kept in the history with who said so and when."""
    m = mw(manager)
    if item_id not in companies.TITLES:
        return
    try:
        company = await companies.get_visible(m["session"], m["actor"], manager.dialog_data["company_id"], "company.edit")
        held = (company.titles or {}).get(item_id) not in (None, False)
        actor = m["actor"]
        await companies.set_profile(m["session"], actor, company.id, {f"title:{item_id}": False if held else ""},
                                    source=f"chat:{actor.role.value}:{actor.user_id}", as_of=m["ctx"].today())
    except Refusal as exc:
        await _refused(manager, exc)
        return
    await m["commit"]()


# ---------------------------------------------------------------- plan


async def picked_plan_company(_c: CallbackQuery, _w: Any, manager: DialogManager, item_id: str) -> None:
    manager.dialog_data.update(company_id=int(item_id), notice=None)
    await manager.switch_to(CompanySG.plan)


async def measure_pressed(callback: CallbackQuery, widget: Any, manager: DialogManager, item_id: str) -> None:
    """A measure's row: "d<id>" marks it done, "p<id>" opens the choice of a new date."""
    kind, number = item_id[:1], item_id[1:]
    if not number.isdigit():
        return
    if kind == "d":
        await measure_done(callback, widget, manager, number)
    elif kind == "p":
        await measure_postpone(callback, widget, manager, number)


async def measure_done(_c: CallbackQuery, _w: Any, manager: DialogManager, item_id: str) -> None:
    m = mw(manager)
    result = await _done(manager, plans.mark_done(m["session"], m["actor"], int(item_id), now=m["ctx"].now()))
    if result is _NOT_DONE:
        return
    measure, changed = result
    manager.dialog_data["notice"] = t("plan_marked_done" if changed else "plan_already_done", lang_of(manager),
                                      what=escape(measure.what))


async def measure_postpone(_c: CallbackQuery, _w: Any, manager: DialogManager, item_id: str) -> None:
    """Open the date choice; the service is asked first, so a forged press is refused here."""
    m = mw(manager)
    try:
        measure = await plans.measure_for(m["session"], m["actor"], int(item_id))
    except Refusal as exc:
        await _refused(manager, exc)
        return
    if measure.status == "done":
        manager.dialog_data["notice"] = t("plan_already_done", lang_of(manager), what=escape(measure.what))
        return
    manager.dialog_data.update(postpone_id=measure.id, notice=None)
    await manager.switch_to(CompanySG.postpone)


async def _postpone_to(manager: DialogManager, **how: Any) -> None:
    m = mw(manager)
    measure = await _done(manager, plans.postpone(m["session"], m["actor"], int(manager.dialog_data["postpone_id"]),
                                                  today=m["ctx"].today(), **how))
    if measure is _NOT_DONE:
        return
    manager.dialog_data["notice"] = t("plan_postponed_to", lang_of(manager), due=measure.due_on.isoformat(),
                                      what=escape(measure.what))
    await manager.switch_to(CompanySG.plan)


async def postpone_by(_c: CallbackQuery, _w: Any, manager: DialogManager, item_id: str) -> None:
    if item_id.isdigit() and int(item_id) in plans.POSTPONE_CHOICES:
        await _postpone_to(manager, days=int(item_id))


async def postpone_on(_c: CallbackQuery, _w: Any, manager: DialogManager, day: Any) -> None:
    await _postpone_to(manager, new_due=day)


async def postpone_typed(message: Message, _w: Any, manager: DialogManager) -> None:
    day = plans.parse_due(message.text or "", mw(manager)["ctx"].today())
    if day is None:
        await say(manager, t("plan_postpone_not_a_date", lang_of(manager), text=escape((message.text or "")[:40])))
        return
    await _postpone_to(manager, new_due=day)


async def back_to_plan(_c: CallbackQuery, _b: Any, manager: DialogManager) -> None:
    manager.dialog_data["notice"] = None
    await manager.switch_to(CompanySG.plan)


async def back_to_card(_c: CallbackQuery, _b: Any, manager: DialogManager) -> None:
    await manager.switch_to(CompanySG.card)
