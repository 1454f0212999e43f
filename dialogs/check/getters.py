"""Window data for /check. Pure: they read the dialog's data and the context, change nothing.

Which question to ask is decided by the handlers (through services.eligibility) and kept
in `dialog_data["asking"]`; a getter only shows it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from aiogram_dialog import DialogManager

from dialogs.check import render
from locales import t
from policy import ProgrammeResult
from services import eligibility as elig

QUICK_COUNTS = tuple(range(6))
BUTTONS = ("yes", "no", "skip", "results", "cancel", "back", "whatif", "save", "send", "more", "done",
           "whatif_reset")
#: Facts asked together when several are missing: related numbers in one message.
SEVERAL = {"invention_applications_total", "invention_grants_this_year", "valid_invention_patents",
           "high_value_patents"}


def env(manager: DialogManager) -> tuple[Any, Any, str]:
    data = manager.middleware_data
    return data["ctx"], data["actor"], data.get("lang", "zh")


def as_of(manager: DialogManager) -> date:
    return manager.middleware_data["ctx"].today()


def evaluate(manager: DialogManager, facts: dict | None = None, when: date | None = None) -> list[ProgrammeResult]:
    ctx = manager.middleware_data["ctx"]
    return ctx.catalog.evaluate(manager.dialog_data["facts"] if facts is None else facts, when or as_of(manager))


def fact_index(catalog: Any, fact: str) -> int:
    """A short, stable id for a fact in callback data (64 bytes at most)."""
    return catalog.registry.names().index(fact)


def buttons(lang: str) -> dict:
    return {f"b_{k}": t(f"btn_{k}", lang) for k in BUTTONS}


async def company_getter(dialog_manager: DialogManager, **_: Any) -> dict:
    _ctx, _actor, lang = env(dialog_manager)
    data = dialog_manager.dialog_data
    return {"text": t("check_pick_company", lang),
            "companies": [(cid, name[:40]) for cid, name in data.get("companies", [])], **buttons(lang)}


async def question_getter(dialog_manager: DialogManager, **_: Any) -> dict:
    ctx, _actor, lang = env(dialog_manager)
    data = dialog_manager.dialog_data
    fact = data.get("asking")
    if fact is None:
        return {"text": t("check_no_more", lang), "answers": [], "is_bool": False, "is_count": False,
                **buttons(lang)}
    kind = elig.fact_kind(ctx.catalog, fact)
    index = fact_index(ctx.catalog, fact)
    several = fact in SEVERAL and len(SEVERAL - set(data["facts"])) > 1
    text = render.question_text(ctx.catalog, data["company"], fact, data.get("answered", 0), lang, kind,
                                data.get("notice"), several)
    if kind == "bool":
        answers = [(f"{index}:1", t("btn_yes", lang)), (f"{index}:0", t("btn_no", lang))]
    elif kind == "count":
        answers = [(f"{index}:{n}", str(n)) for n in QUICK_COUNTS]
    else:
        answers = []
    return {"text": text, "answers": answers, "is_bool": kind == "bool", "is_count": kind == "count",
            **buttons(lang)}


def shown_programmes(results: list[ProgrammeResult], show_ended: bool) -> list[ProgrammeResult]:
    live, ended = render.split(results)
    return live + (ended if show_ended else [])


async def results_getter(dialog_manager: DialogManager, **_: Any) -> dict:
    ctx, actor, lang = env(dialog_manager)
    data = dialog_manager.dialog_data
    results = evaluate(dialog_manager)
    show_ended = bool(data.get("show_ended"))
    ids = ctx.catalog.programme_ids
    ended = len(render.split(results)[1])
    return {
        "text": render.summary_text(results, data["company"], as_of(dialog_manager), lang, ctx.catalog,
                                    show_ended=show_ended, notice=data.get("notice")),
        "programmes": [(ids.index(r.policy), render.button_label(r, lang))
                       for r in shown_programmes(results, show_ended)],
        "has_ended": ended > 0,
        "ended_label": t("btn_hide_ended" if show_ended else "btn_show_ended", lang, count=ended),
        "can_save": elig.may_save(actor),
        "can_send": elig.may_send(actor),
        "has_more": bool(data.get("more_to_ask")),
        **buttons(lang),
    }


async def detail_getter(dialog_manager: DialogManager, **_: Any) -> dict:
    ctx, _actor, lang = env(dialog_manager)
    results = evaluate(dialog_manager)
    policy = dialog_manager.dialog_data.get("detail")
    result = next((r for r in results if r.policy == policy), results[0])
    return {"text": render.detail_text(result, lang, ctx.catalog), **buttons(lang)}


async def whatif_getter(dialog_manager: DialogManager, **_: Any) -> dict:
    ctx, _actor, lang = env(dialog_manager)
    data = dialog_manager.dialog_data
    hypo = data.get("hypo")
    notice = data.get("notice")
    if hypo is None:
        text = t("whatif_prompt", lang)
    else:
        when = date.fromisoformat(hypo["as_of"]) if hypo.get("as_of") else None
        text = render.whatif_text(evaluate(dialog_manager), evaluate(dialog_manager, hypo["facts"], when),
                                  hypo["shown"], lang, ctx.catalog)
    return {"text": f"⚠️ {notice}\n\n{text}" if notice else text, "has_hypo": hypo is not None, **buttons(lang)}
