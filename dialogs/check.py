"""/check: a subsidy eligibility check for one company, from a phone, in a few taps.

Pick a company (SMEs skip this: they check their own), answer only the facts
still missing, the one that settles the most programmes first, then read a
card per programme. From there: a programme's conditions line by line, a
what-if ("+2 grants this year"), saving the facts to the company, and sending
the result to the company's own users.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, ShowMode, StartMode, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Cancel, Group, Row, ScrollingGroup, Select, SwitchTo
from aiogram_dialog.widgets.text import Format

from dialogs import check_render as render
from locales import t
from locales.format import escape, fit
from policy import FactError, rank_missing_facts, what_if
from services import eligibility as elig
from services.companies import CompanyError
from services.users import Actor, Role

QUICK_COUNTS = ("0", "1", "2", "3", "4", "5")


class CheckSG(StatesGroup):
    company = State()
    question = State()
    results = State()
    detail = State()
    whatif = State()


# ---------------------------------------------------------------- helpers


def _ctx(manager: DialogManager) -> tuple[elig.Catalog, Actor, str]:
    data = manager.middleware_data
    return data["catalog"], data["actor"], data.get("lang", "zh")


def _as_of(manager: DialogManager):  # noqa: ANN202
    return manager.middleware_data["ctx"].today()


def _evaluate(manager: DialogManager):  # noqa: ANN202
    catalog, _actor, _lang = _ctx(manager)
    return catalog.evaluate(catalog.parse_facts(manager.dialog_data["facts"]), _as_of(manager))


def _next_fact(manager: DialogManager, results: list | None = None) -> str | None:
    """The missing fact to ask next (skipped ones and ones not typed in chat left out)."""
    skipped = set(manager.dialog_data.get("skipped", []))
    for fact in rank_missing_facts(_evaluate(manager) if results is None else results):
        if fact not in skipped and _askable(manager, fact):
            return fact
    return None


def _askable(manager: DialogManager, fact: str) -> bool:
    """Patent lists are not typed in chat; confirmations are for specialists, not the company itself."""
    catalog, actor = manager.middleware_data["catalog"], manager.middleware_data["actor"]
    if fact.startswith("confirmed:"):
        return actor.role != Role.sme
    return catalog.registry.specs[fact].type != "patent_list"


def _kind(manager: DialogManager, fact: str) -> str:
    catalog = manager.middleware_data["catalog"]
    return "bool" if fact.startswith("confirmed:") else catalog.registry.specs[fact].type


async def _load(manager: DialogManager, company_id: int) -> bool:
    _catalog, actor, lang = _ctx(manager)
    try:
        subject = await elig.subject_for(manager.middleware_data["session"], actor, company_id)
    except CompanyError:
        await _say(manager, t("check_not_visible", lang))
        return False
    manager.dialog_data.update(company_id=subject.company_id, company=subject.name, facts=subject.facts,
                               skipped=[], answered=0)
    return True


async def _say(manager: DialogManager, text: str) -> None:
    event = manager.event
    message = event.message if isinstance(event, CallbackQuery) else event
    await message.answer(text)
    manager.show_mode = ShowMode.SEND


async def _go_on(manager: DialogManager) -> None:
    """The next question, or the results when nothing more can be asked."""
    await manager.switch_to(CheckSG.question if _next_fact(manager) else CheckSG.results)


async def _after_answer(manager: DialogManager) -> None:
    manager.dialog_data["answered"] = manager.dialog_data.get("answered", 0) + 1
    await _go_on(manager)


# ---------------------------------------------------------------- entry


async def start_check(message: Message, dialog_manager: DialogManager, actor: Actor, session: Any, lang: str) -> None:
    if actor.role == Role.sme:
        if actor.company_id is None:
            await message.answer(t("check_no_company", lang))
            return
        await dialog_manager.start(CheckSG.question, data={"company_id": actor.company_id},
                                   mode=StartMode.RESET_STACK)
        return
    if not await elig.choices_for(session, actor):
        await message.answer(t("check_no_companies", lang))
        return
    await dialog_manager.start(CheckSG.company, mode=StartMode.RESET_STACK)


async def on_start(start_data: Any, manager: DialogManager) -> None:
    if isinstance(start_data, dict) and "company_id" in start_data:
        if not await _load(manager, start_data["company_id"]):
            await manager.done()
            return
        if _next_fact(manager) is None:
            await manager.switch_to(CheckSG.results)


# ---------------------------------------------------------------- company window


async def company_getter(dialog_manager: DialogManager, **_: Any) -> dict:
    _catalog, actor, lang = _ctx(dialog_manager)
    companies = await elig.choices_for(dialog_manager.middleware_data["session"], actor)
    return {"prompt": t("check_pick_company", lang), "companies": [(cid, name[:40]) for cid, name in companies],
            "cancel": t("btn_cancel", lang)}


async def picked_company(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    if await _load(manager, int(item_id)):
        await _go_on(manager)


# ---------------------------------------------------------------- question window


async def question_getter(dialog_manager: DialogManager, **_: Any) -> dict:
    catalog, _actor, lang = _ctx(dialog_manager)
    results = _evaluate(dialog_manager)
    fact = _next_fact(dialog_manager, results)
    if fact is None:
        return {"text": t("check_no_more", lang), "is_bool": False, "is_count": False, "quick": [], **_buttons(lang)}
    dialog_manager.dialog_data["asking"] = fact
    remaining = len(rank_missing_facts(results))
    affects = sum(1 for r in results if fact in r.missing)
    kind = _kind(dialog_manager, fact)
    text = render.question_text(catalog, dialog_manager.dialog_data["company"], fact,
                                dialog_manager.dialog_data.get("answered", 0), remaining, affects, lang)
    hint = {"count": "hint_count", "money": "hint_money", "ratio": "hint_ratio", "money3": "hint_money3",
            "date": "hint_date"}.get(kind)
    if hint:
        text += "\n" + t(hint, lang)
    return {"text": text, "is_bool": kind == "bool", "is_count": kind == "count",
            "quick": [(v, v) for v in QUICK_COUNTS], **_buttons(lang)}


def _buttons(lang: str) -> dict:
    keys = ("yes", "no", "skip", "results", "cancel", "back", "whatif", "save", "send", "more", "done")
    return {f"b_{k}": t(f"btn_{k}", lang) for k in keys}


async def answer_value(manager: DialogManager, value: Any) -> None:
    fact = manager.dialog_data.get("asking")
    if fact is None:
        return
    manager.dialog_data["facts"] = {**manager.dialog_data["facts"], fact: value}
    await _after_answer(manager)


async def on_yes(_c: CallbackQuery, _b: Any, manager: DialogManager) -> None:
    await answer_value(manager, True)


async def on_no(_c: CallbackQuery, _b: Any, manager: DialogManager) -> None:
    await answer_value(manager, False)


async def on_quick(_c: CallbackQuery, _w: Any, manager: DialogManager, item_id: str) -> None:
    await answer_value(manager, int(item_id))


async def on_skip(_c: CallbackQuery, _b: Any, manager: DialogManager) -> None:
    fact = manager.dialog_data.get("asking")
    if fact:
        manager.dialog_data["skipped"] = [*manager.dialog_data.get("skipped", []), fact]
    await _go_on(manager)


async def on_typed_answer(message: Message, _w: Any, manager: DialogManager) -> None:
    catalog, _actor, lang = _ctx(manager)
    fact = manager.dialog_data.get("asking")
    if fact is None or not message.text:
        await _say(manager, t("check_want_text", lang))
        return
    try:
        value = elig.parse_answer(catalog, fact, message.text)
    except elig.AnswerError as exc:
        await _say(manager, t(f"answer_{exc.code}", lang, label=escape(catalog.label(fact, lang))))
        return
    except FactError as exc:
        await _say(manager, t("answer_invalid", lang, problem=escape(str(exc))[:500]))
        return
    await answer_value(manager, value)


# ---------------------------------------------------------------- results and detail


async def results_getter(dialog_manager: DialogManager, **_: Any) -> dict:
    catalog, actor, lang = _ctx(dialog_manager)
    results = _evaluate(dialog_manager)
    data = dialog_manager.dialog_data
    notice = data.pop("notice", None)
    text = render.summary_text(results, data["company"], _as_of(dialog_manager), lang, catalog)
    return {
        "text": f"ℹ️ {notice}\n\n{text}" if notice else text,
        "programmes": [(i, f"{render.icon(r)} {(r.title_en if lang == 'en' else r.title)[:30]}")
                       for i, r in enumerate(results)],
        "can_save": elig.may_save(actor),
        "can_send": actor.role in (Role.specialist, Role.admin),
        "has_more": _next_fact(dialog_manager, results) is not None,
        **_buttons(lang),
    }


async def picked_programme(_c: CallbackQuery, _w: Any, manager: DialogManager, item_id: str) -> None:
    manager.dialog_data["detail"] = int(item_id)
    await manager.switch_to(CheckSG.detail)


async def detail_getter(dialog_manager: DialogManager, **_: Any) -> dict:
    catalog, _actor, lang = _ctx(dialog_manager)
    results = _evaluate(dialog_manager)
    index = dialog_manager.dialog_data.get("detail", 0)
    result = results[index if 0 <= index < len(results) else 0]
    return {"text": render.detail_text(result, lang, catalog), **_buttons(lang)}


async def on_more(_c: CallbackQuery, _b: Any, manager: DialogManager) -> None:
    manager.dialog_data["skipped"] = []
    await _go_on(manager)


async def on_save(_c: CallbackQuery, _b: Any, manager: DialogManager) -> None:
    catalog, actor, lang = _ctx(manager)
    data, mw = manager.dialog_data, manager.middleware_data
    try:
        news = await elig.save_facts(mw["session"], actor, data["company_id"], data["facts"], _as_of(manager),
                                     mw["ctx"].settings.policy_dir)
    except (CompanyError, FactError):
        data["notice"] = t("check_save_failed", lang)
        return
    await mw["commit"]()
    data["notice"] = t("check_saved", lang)
    if news:
        text = render.news_text(news, data["company"], lang, catalog)
        await _say(manager, text)
        specialist, _smes = await elig.company_contacts(mw["session"], data["company_id"])
        if actor.role == Role.sme and specialist:
            await _notify(mw["bot"], specialist, render.news_text(news, data["company"], "zh", catalog))


async def on_send(_c: CallbackQuery, _b: Any, manager: DialogManager) -> None:
    catalog, _actor, lang = _ctx(manager)
    data, mw = manager.dialog_data, manager.middleware_data
    _specialist, smes = await elig.company_contacts(mw["session"], data["company_id"])
    if not smes:
        data["notice"] = t("check_no_sme_users", lang)
        return
    text = render.summary_text(_evaluate(manager), data["company"], _as_of(manager), "zh", catalog)
    sent = sum([await _notify(mw["bot"], chat_id, t("check_sent_intro", "zh") + "\n" + text) for chat_id in smes])
    data["notice"] = t("check_sent", lang, count=sent)


async def _notify(bot: Bot, chat_id: int, text: str) -> bool:
    from aiogram.exceptions import TelegramAPIError

    try:
        await bot.send_message(chat_id, fit(text))
        return True
    except TelegramAPIError:
        return False


# ---------------------------------------------------------------- what-if


async def whatif_getter(dialog_manager: DialogManager, **_: Any) -> dict:
    _catalog, _actor, lang = _ctx(dialog_manager)
    return {"text": dialog_manager.dialog_data.get("whatif_text") or t("whatif_prompt", lang), **_buttons(lang)}


async def on_whatif_text(message: Message, _w: Any, manager: DialogManager) -> None:
    """'发明授权 +2' style: a fact (name or label words) and a new value or a change."""
    catalog, _actor, lang = _ctx(manager)
    parsed = elig.parse_whatif(catalog, message.text or "")
    if parsed is None:
        await _say(manager, t("whatif_bad", lang))
        return
    changes, as_of_new, shown = parsed
    try:
        diffs = what_if(catalog, manager.dialog_data["facts"], changes, _as_of(manager), as_of_new)
    except (FactError, ValueError) as exc:
        await _say(manager, t("answer_invalid", lang, problem=escape(str(exc))[:500]))
        return
    manager.dialog_data["whatif_text"] = render.whatif_text(diffs, shown, lang)
    manager.show_mode = ShowMode.SEND


async def on_whatif_enter(_c: CallbackQuery, _b: Any, manager: DialogManager) -> None:
    manager.dialog_data["whatif_text"] = None
    await manager.switch_to(CheckSG.whatif)


# ---------------------------------------------------------------- dialog


def _dialog() -> Dialog:
    text = Format("{text}")
    cancel = Cancel(Format("{b_cancel}"))
    return Dialog(
        Window(
            Format("{prompt}"),
            ScrollingGroup(
                Select(Format("{item[1]}"), id="co", item_id_getter=lambda item: item[0], items="companies",
                       on_click=picked_company),
                id="cos", width=1, height=6, hide_on_single_page=True,
            ),
            Cancel(Format("{cancel}")),
            state=CheckSG.company, getter=company_getter,
        ),
        Window(
            text,
            Row(Button(Format("{b_yes}"), id="yes", on_click=on_yes),
                Button(Format("{b_no}"), id="no", on_click=on_no), when="is_bool"),
            Group(Select(Format("{item[1]}"), id="qn", item_id_getter=lambda item: item[0], items="quick",
                         on_click=on_quick), width=6, when="is_count"),
            Row(Button(Format("{b_skip}"), id="skip", on_click=on_skip),
                SwitchTo(Format("{b_results}"), id="res", state=CheckSG.results)),
            cancel,
            MessageInput(on_typed_answer),
            state=CheckSG.question, getter=question_getter,
        ),
        Window(
            text,
            Group(Select(Format("{item[1]}"), id="pg", item_id_getter=lambda item: item[0], items="programmes",
                         on_click=picked_programme), width=2),
            Row(Button(Format("{b_more}"), id="more", on_click=on_more, when="has_more"),
                Button(Format("{b_whatif}"), id="wi", on_click=on_whatif_enter)),
            Row(Button(Format("{b_save}"), id="save", on_click=on_save, when="can_save"),
                Button(Format("{b_send}"), id="send", on_click=on_send, when="can_send")),
            Cancel(Format("{b_done}")),
            state=CheckSG.results, getter=results_getter,
        ),
        Window(
            text,
            SwitchTo(Format("{b_back}"), id="back", state=CheckSG.results),
            state=CheckSG.detail, getter=detail_getter,
        ),
        Window(
            text,
            SwitchTo(Format("{b_back}"), id="wback", state=CheckSG.results),
            MessageInput(on_whatif_text, content_types=["text"]),
            state=CheckSG.whatif, getter=whatif_getter,
        ),
        on_start=on_start,
    )


def build() -> Router:
    """The /check command and its dialog, in one router the role guard wraps."""
    router = Router(name="check")
    router.message.register(start_check, Command("check"))
    dialog = _dialog()
    # A command typed mid-dialog (/policies, /help) goes to its own handler, not to the
    # question being asked.
    dialog.message.filter(~F.text.startswith("/"))
    router.include_router(dialog)
    return router

