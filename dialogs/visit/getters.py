"""What each window of the visit dialog shows: data in, dict out, no state changes."""

from __future__ import annotations

from typing import Any

from aiogram_dialog import DialogManager

from dialogs.shared import short_label, topic_label, way_label
from dialogs.visit.texts import summary_text
from locales import t
from locales.format import escape, fit
from services import companies, visits

QUICK_COUNTS = ("0", "1", "2", "3", "5", "10")
EDITABLE = ("company", "way", "topics", "findings", "photos", "facts", "measures")


def _base(manager: DialogManager) -> tuple[dict, str]:
    return manager.dialog_data, manager.middleware_data.get("lang", "zh")


def buttons(lang: str) -> dict[str, str]:
    keys = ("cancel", "next", "skip", "done", "save", "yes", "no", "new_company", "skip_location", "update_facts",
            "clear_photos", "drop_measure", "back")
    return {f"b_{k}": t(f"visit_btn_{k}", lang) for k in keys}


async def company_getter(dialog_manager: DialogManager, **_: Any) -> dict:
    data, lang = _base(dialog_manager)
    m = dialog_manager.middleware_data
    search = data.get("search")
    if search:
        found = [(c.id, c.name) for c in await companies.search_companies(m["session"], m["actor"], search, limit=8)]
        prompt = t("visit_search_results", lang, query=escape(search), count=len(found))
    else:
        found = await visits.recent_companies(m["session"], m["actor"], limit=6)
        prompt = t("visit_pick_company", lang)
    return {"prompt": prompt, "companies": [(cid, name[:40]) for cid, name in found], **buttons(lang)}


async def way_getter(dialog_manager: DialogManager, **_: Any) -> dict:
    data, lang = _base(dialog_manager)
    return {"text": t("visit_pick_way", lang, company=escape(data.get("company", ""))),
            "ways": [(code, way_label(code, lang)) for code in visits.WAYS], **buttons(lang)}


async def location_getter(dialog_manager: DialogManager, **_: Any) -> dict:
    _data, lang = _base(dialog_manager)
    return {"text": t("visit_ask_location", lang), **buttons(lang)}


async def topics_getter(dialog_manager: DialogManager, **_: Any) -> dict:
    data, lang = _base(dialog_manager)
    chosen, programmes = set(data.get("topics", [])), set(data.get("programmes", []))
    return {
        "text": t("visit_pick_topics", lang, company=escape(data.get("company", ""))),
        "topics": [(code, ("✅ " if code in chosen else "") + topic_label(code, lang)) for code in visits.TOPICS],
        "programmes": [(pid, ("✅ " if pid in programmes else "📄 ") + short_label(title, 27))
                       for pid, title in data.get("programme_titles") or []],
        **buttons(lang),
    }


async def findings_getter(dialog_manager: DialogManager, **_: Any) -> dict:
    data, lang = _base(dialog_manager)
    current = data.get("findings") or ""
    text = t("visit_ask_findings", lang)
    if current:
        text += "\n\n" + t("visit_current_findings", lang, findings=escape(current[:1000]))
    return {"text": fit(text), **buttons(lang)}


async def photos_getter(dialog_manager: DialogManager, **_: Any) -> dict:
    data, lang = _base(dialog_manager)
    count = len(data.get("photos") or [])
    return {"text": t("visit_ask_photos", lang, count=count, limit=visits.LIMITS["photos"]), "has_photos": count > 0,
            **buttons(lang)}


async def facts_getter(dialog_manager: DialogManager, **_: Any) -> dict:
    data, lang = _base(dialog_manager)
    catalog = dialog_manager.middleware_data["ctx"].catalog
    fact = data.get("asking")
    if not fact:
        return {"text": t("visit_facts_none_left", lang), "is_bool": False, "is_count": False, "quick": [],
                **buttons(lang)}
    kind = catalog.registry.specs[fact].type
    answered = len(data.get("facts") or {})
    return {"text": t("visit_fact_question", lang, question=escape(catalog.question(fact, lang)), answered=answered),
            "is_bool": kind == "bool", "is_count": kind == "count", "quick": [(v, v) for v in QUICK_COUNTS],
            **buttons(lang)}


def _measure_lines(data: dict, lang: str) -> list[str]:
    return [t("visit_measure_line", lang, n=i, what=escape(m["what"]), owner=escape(m.get("owner", "")), due=m["due"])
            for i, m in enumerate(data.get("measures") or [], 1)]


async def measures_getter(dialog_manager: DialogManager, **_: Any) -> dict:
    data, lang = _base(dialog_manager)
    lines = [t("visit_ask_measure", lang, company=escape(data.get("company", "")))] + _measure_lines(data, lang)
    return {"text": fit("\n".join(lines)), "has_measures": bool(data.get("measures")), **buttons(lang)}


async def due_getter(dialog_manager: DialogManager, **_: Any) -> dict:
    data, lang = _base(dialog_manager)
    owner_id = data.get("owner_id")
    owners = [(uid, ("👤 " if uid == owner_id else "") + name[:20]) for uid, name in data.get("owners") or []]
    return {"text": t("visit_ask_due", lang, what=escape(data.get("pending_what") or "")), "owners": owners,
            "many_owners": len(owners) > 1, **buttons(lang)}


async def summary_getter(dialog_manager: DialogManager, **_: Any) -> dict:
    data, lang = _base(dialog_manager)
    catalog = dialog_manager.middleware_data["ctx"].catalog
    return {"text": summary_text(data, lang, catalog),
            "edits": [(f, "✏️ " + t(f"visit_edit_{f}", lang)) for f in EDITABLE], **buttons(lang)}
