"""What the /check buttons and typed answers do: call services.eligibility, set what shows next.

Permissions are the service's: a forged press of a button this user was not shown reaches
a handler here, the service refuses it (and audits it), and the user reads "无权限…" in an
alert; nothing changes, nothing is sent.
"""

from __future__ import annotations

import logging
from typing import Any

from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram_dialog import DialogManager, ShowMode, StartMode

from dialogs.check import render
from dialogs.check.getters import as_of, env, evaluate, fact_index, shown_programmes
from dialogs.check.states import CheckSG
from locales import t
from locales.format import escape, fit
from policy import FactError
from policy.whatif import apply_changes
from services import eligibility as elig
from services.companies import lacks_region
from services.errors import Refusal
from services.users import Actor, Role

log = logging.getLogger(__name__)

#: Callback data of the buttons on the copy sent to a company: "chk:o:<company id>:<programme index>".
COPY_PREFIX = "chk:o:"


# ---------------------------------------------------------------- helpers


class _AnsweredAlready:
    """The message manager for an event whose callback this handler answered itself.

    aiogram-dialog answers every callback after its handler runs; a second answer is
    refused by Telegram, so this skips that one and passes everything else through.
    """

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def answer_callback(self, *_args: Any, **_kwargs: Any) -> None:
        return None


async def alert(callback: CallbackQuery, manager: DialogManager, text: str) -> None:
    await callback.answer(text[:200], show_alert=True)
    manager.message_manager = _AnsweredAlready(manager.message_manager)  # type: ignore[attr-defined]


def set_notice(manager: DialogManager, text: str | None) -> None:
    """Show `text` above the window; when it is already shown, leave the message as it is
    (Telegram refuses an edit that changes nothing, e.g. a second press of 保存)."""
    if manager.dialog_data.get("notice") == text:
        manager.show_mode = ShowMode.NO_UPDATE
    manager.dialog_data["notice"] = text


async def refused(event: CallbackQuery | Message, manager: DialogManager, exc: Refusal) -> None:
    """Tell the user plainly; the service has audited it and changed nothing."""
    _ctx, _actor, lang = env(manager)
    text = t(f"check_refused_{exc.code}", lang)
    if isinstance(event, CallbackQuery):
        await alert(event, manager, text)
        manager.show_mode = ShowMode.NO_UPDATE  # nothing changed: the window stays as it is
    else:
        manager.dialog_data["notice"] = text


def problem_text(exc: FactError, lang: str, catalog: Any) -> str:
    """The problems as sentences naming each field by its label, in the user's language
    (the engine words them: a contradiction names both sides)."""
    return escape(exc.message(lang))


async def load(manager: DialogManager, company_id: int) -> None:
    """Raises CheckRefusal when the actor may not see the company (audited)."""
    ctx, actor, _lang = env(manager)
    subject = await elig.subject_for(manager.middleware_data["session"], ctx.catalog, actor, company_id)
    manager.dialog_data.update(company_id=subject.company_id, company=subject.name, facts=subject.facts,
                               skipped=[], answered=0, include_ended=False, notice=None, hypo=None)


def plan(manager: DialogManager) -> str | None:
    """Decide the next question (or none) and remember it for the window."""
    ctx, actor, _lang = env(manager)
    data = manager.dialog_data
    data["asking"] = elig.next_question(ctx.catalog, actor, data["facts"], as_of(manager),
                                        skipped=data.get("skipped", []), include_ended=data.get("include_ended", False))
    return data["asking"]


async def show_results(manager: DialogManager) -> None:
    ctx, actor, _lang = env(manager)
    data = manager.dialog_data
    data["asking"] = None
    data["more_to_ask"] = elig.next_question(ctx.catalog, actor, data["facts"], as_of(manager),
                                             include_ended=True) is not None
    await manager.switch_to(CheckSG.results)


async def go_on(manager: DialogManager) -> None:
    """The next question, or the results when nothing more is worth asking."""
    if plan(manager):
        await manager.switch_to(CheckSG.question)
    else:
        await show_results(manager)


async def answer(manager: DialogManager, values: dict) -> None:
    """Take the answers if they agree with what is known; else say why and ask again."""
    ctx, _actor, lang = env(manager)
    data = manager.dialog_data
    try:
        ctx.catalog.parse_facts({**data["facts"], **values})
    except FactError as exc:
        data["notice"] = problem_text(exc, lang, ctx.catalog)
        return
    data["facts"] = {**data["facts"], **values}
    data["answered"] = data.get("answered", 0) + len(values)
    data["notice"] = None
    await go_on(manager)


# ---------------------------------------------------------------- entry


async def start_check(message: Message, dialog_manager: DialogManager, actor: Actor, session: Any, lang: str) -> None:
    if actor.role == Role.sme:
        if actor.company_id is None:
            await message.answer(t("check_no_company", lang))
            return
        await dialog_manager.start(CheckSG.question, data={"company_id": actor.company_id},
                                   mode=StartMode.RESET_STACK)
        return
    choices = await elig.choices_for(session, actor)
    if not choices:
        await message.answer(t("no_region_staff" if lacks_region(actor) else "check_no_companies", lang))
        return
    await dialog_manager.start(CheckSG.company, data={"companies": choices}, mode=StartMode.RESET_STACK)


async def on_start(start_data: Any, manager: DialogManager) -> None:
    data = start_data if isinstance(start_data, dict) else {}
    manager.dialog_data["companies"] = data.get("companies", [])
    if "company_id" not in data:
        return
    try:
        await load(manager, data["company_id"])
    except Refusal:
        await manager.done()
        return
    if data.get("detail"):
        manager.dialog_data["detail"] = data["detail"]
        await manager.switch_to(CheckSG.detail)
    else:
        await go_on(manager)


async def open_from_copy(callback: CallbackQuery, dialog_manager: DialogManager, lang: str) -> None:
    """A button on the copy sent to a company: that programme's detail, on its saved facts."""
    ctx = dialog_manager.middleware_data["ctx"]
    try:
        company_id, index = (int(x) for x in callback.data.removeprefix(COPY_PREFIX).split(":"))
        policy = ctx.catalog.programme_ids[index]
    except (ValueError, IndexError):
        await callback.answer(t("stale_button", lang), show_alert=True)
        return
    try:
        await elig.subject_for(dialog_manager.middleware_data["session"], ctx.catalog,
                               dialog_manager.middleware_data["actor"], company_id)
    except Refusal as exc:
        await callback.answer(t(f"check_refused_{exc.code}", lang), show_alert=True)
        return
    await dialog_manager.start(CheckSG.detail, data={"company_id": company_id, "detail": policy},
                               mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)
    await callback.answer()  # last: if the start failed, the error handler answers, once


# ---------------------------------------------------------------- company and questions


async def picked_company(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    try:
        await load(manager, int(item_id))
    except Refusal as exc:
        await refused(callback, manager, exc)
        return
    await go_on(manager)


async def on_answer(_callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    """A button answer names its question: a second quick press lands on the next question's
    buttons with the old question's id and is ignored, never taken as that question's answer."""
    ctx, _actor, _lang = env(manager)
    fact = manager.dialog_data.get("asking")
    index, _, value = item_id.partition(":")
    if fact is None or index != str(fact_index(ctx.catalog, fact)):
        manager.show_mode = ShowMode.NO_UPDATE  # a press meant for an earlier question: nothing to redraw
        return
    kind = elig.fact_kind(ctx.catalog, fact)
    await answer(manager, {fact: (value == "1") if kind == "bool" else int(value)})


async def on_skip(_callback: CallbackQuery, _button: Any, manager: DialogManager) -> None:
    data = manager.dialog_data
    if data.get("asking"):
        data["skipped"] = [*data.get("skipped", []), data["asking"]]
    data["notice"] = None
    await go_on(manager)


async def on_results(_callback: CallbackQuery, _button: Any, manager: DialogManager) -> None:
    manager.dialog_data["notice"] = None
    await show_results(manager)


async def on_typed_answer(message: Message, _widget: Any, manager: DialogManager) -> None:
    ctx, _actor, lang = env(manager)
    data = manager.dialog_data
    fact = data.get("asking")
    if fact is None or not message.text:
        data["notice"] = t("check_want_text", lang)
        return
    try:
        values = elig.parse_answers(ctx.catalog, fact, message.text)
    except elig.AnswerError as exc:
        data["notice"] = t(f"answer_{exc.code}", lang, label=escape(ctx.catalog.label(fact, lang)))
        return
    except FactError as exc:
        data["notice"] = problem_text(exc, lang, ctx.catalog)
        return
    try:
        ctx.catalog.parse_facts({**data["facts"], **values})
    except FactError as exc:  # the answers do not agree with what is on file
        data["notice"] = problem_text(exc, lang, ctx.catalog)
        return
    await answer(manager, values)


# ---------------------------------------------------------------- results and detail


async def picked_programme(_callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    ctx, _actor, _lang = env(manager)
    ids = ctx.catalog.programme_ids
    if item_id.isdigit() and int(item_id) < len(ids):
        manager.dialog_data.update(detail=ids[int(item_id)], notice=None)
        await manager.switch_to(CheckSG.detail)
    else:
        manager.show_mode = ShowMode.NO_UPDATE


async def on_toggle_ended(_callback: CallbackQuery, _button: Any, manager: DialogManager) -> None:
    data = manager.dialog_data
    data.update(show_ended=not data.get("show_ended"), notice=None)


async def on_more(_callback: CallbackQuery, _button: Any, manager: DialogManager) -> None:
    manager.dialog_data.update(skipped=[], include_ended=True, notice=None)
    await go_on(manager)


async def _store(callback: CallbackQuery, manager: DialogManager, use_case: Any) -> tuple[bool, Any]:
    """Save the dialog's facts on the company through `use_case` and commit; (False, None) when
    refused or the facts do not fit, after saying why."""
    ctx, actor, lang = env(manager)
    data, mw = manager.dialog_data, manager.middleware_data
    try:
        outcome = await use_case(mw["session"], ctx.catalog, actor, data["company_id"], data["facts"], as_of(manager))
    except Refusal as exc:
        await refused(callback, manager, exc)
        return False, None
    except FactError as exc:
        data["notice"] = "⚠️ " + t("check_save_failed", lang, problem=problem_text(exc, lang, ctx.catalog))
        return False, None
    await mw["commit"]()
    return True, outcome


async def on_save(callback: CallbackQuery, _button: Any, manager: DialogManager) -> None:
    ctx, actor, lang = env(manager)
    data, mw = manager.dialog_data, manager.middleware_data
    saved, news = await _store(callback, manager, elig.save_facts)
    if not saved:
        return
    line = render.news_line(news, lang)
    set_notice(manager, "✅ " + t("check_saved", lang) + (f"{line}" if line else ""))
    if news and actor.role == Role.sme:
        specialist, _smes = await elig.company_contacts(mw["session"], data["company_id"])
        if specialist:
            await _deliver(mw["bot"], specialist.telegram_id,
                           render.news_text(news, data["company"], specialist.language, ctx.catalog))


async def on_send(callback: CallbackQuery, _button: Any, manager: DialogManager) -> None:
    ctx, actor, lang = env(manager)
    data, mw = manager.dialog_data, manager.middleware_data
    try:
        smes = await elig.recipients_for_send(mw["session"], actor, data["company_id"])
    except Refusal as exc:
        await refused(callback, manager, exc)
        return
    if not smes:
        set_notice(manager, "⚠️ " + t("check_no_sme_users", lang))
        return
    if data.get("sent_facts") == data["facts"]:  # pressed again: the company has this result already
        set_notice(manager, "📤 " + t("check_already_sent", lang))
        return
    # the company's own /check starts from what was sent, so it asks only what is missing
    saved, kept = await _store(callback, manager, elig.keep_sent_facts)
    if not saved:
        return
    results = evaluate(manager)
    sent = 0
    for contact in smes:  # each in their own language
        text = t("check_sent_intro", contact.language) + "\n\n" + render.summary_text(
            results, data["company"], as_of(manager), contact.language, ctx.catalog, show_ended=True)
        markup = copy_keyboard(ctx.catalog, data["company_id"], results, contact.language)
        sent += await _deliver(mw["bot"], contact.telegram_id, text, markup)
    data["sent_facts"] = data["facts"]
    set_notice(manager, "📤 " + t("check_sent", lang, count=sent)
               + ("\n" + t("check_sent_kept", lang) if kept else ""))


def copy_keyboard(catalog: Any, company_id: int, results: list, lang: str) -> InlineKeyboardMarkup:
    """One button per programme in force, in the order of the list, to open its detail."""
    ids = catalog.programme_ids
    rows = [[InlineKeyboardButton(text=render.button_label(r, lang),
                                  callback_data=f"{COPY_PREFIX}{company_id}:{ids.index(r.policy)}")]
            for r in shown_programmes(results, False)]
    return InlineKeyboardMarkup(inline_keyboard=rows)


async def _deliver(bot: Any, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None) -> bool:
    try:
        await bot.send_message(chat_id, fit(text), reply_markup=markup)
        return True
    except TelegramAPIError as exc:
        log.info("check result not delivered to a user: %s", exc)
        return False


# ---------------------------------------------------------------- what-if


async def on_whatif_enter(_callback: CallbackQuery, _button: Any, manager: DialogManager) -> None:
    manager.dialog_data["notice"] = None
    await manager.switch_to(CheckSG.whatif)


async def on_whatif_reset(_callback: CallbackQuery, _button: Any, manager: DialogManager) -> None:
    if manager.dialog_data.get("hypo") is None and manager.dialog_data.get("notice") is None:
        manager.show_mode = ShowMode.NO_UPDATE  # nothing to reset (a second press)
    manager.dialog_data.update(hypo=None, notice=None)


async def on_whatif_text(message: Message, _widget: Any, manager: DialogManager) -> None:
    """'发明授权 +2' style, or a date: applied on top of the what-ifs so far, until reset."""
    ctx, _actor, lang = env(manager)
    data = manager.dialog_data
    hypo = data.get("hypo") or {"facts": data["facts"], "as_of": None, "shown": []}
    parsed = elig.parse_whatif(ctx.catalog, message.text or "", lang)
    if parsed is None:
        data["notice"] = t("whatif_bad", lang)
        return
    changes, when, shown = parsed
    try:
        facts = apply_changes(ctx.catalog, hypo["facts"], changes).to_dict() if changes else hypo["facts"]
    except (FactError, ValueError) as exc:
        data["notice"] = (problem_text(exc, lang, ctx.catalog) if isinstance(exc, FactError)
                          else t("whatif_bad", lang))
        return
    data["hypo"] = {"facts": facts, "as_of": when.isoformat() if when else hypo["as_of"],
                    "shown": [*hypo["shown"], shown]}
    data["notice"] = None


