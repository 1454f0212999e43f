"""What the visit dialog does with each press and message; the service decides, this only sets
what the next window shows. The draft is `dialog_data`, plain JSON values only, so it
survives a restart wherever the dialog state is kept.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from aiogram.types import (CallbackQuery, KeyboardButton, Message, ReplyKeyboardMarkup, ReplyKeyboardRemove)
from aiogram_dialog import DialogManager, StartMode

from dialogs.shared import CompanySG, VisitSG, lang_of, mw, refusal_text, say, way_label
from dialogs.visit.texts import outlook_text
from locales import t
from locales.format import escape
from policy import FactError, rank_missing_facts
from services import eligibility as elig
from services import plans, visits
from services.companies import CompanyError, ProfileConflict
from services.errors import Refusal


async def after(manager: DialogManager, state: Any) -> None:
    """Go to `state`, or back to the summary when the person is editing one field."""
    await manager.switch_to(VisitSG.summary if manager.dialog_data.get("editing") else state)


# ---------------------------------------------------------------- start


async def start_visit(message: Message, dialog_manager: DialogManager) -> None:
    """/visit; the feature's role guard already turned SMEs away (audited), on_start checks again."""
    await dialog_manager.start(VisitSG.company, mode=StartMode.RESET_STACK)


async def on_start(start_data: Any, manager: DialogManager) -> None:
    m = mw(manager)
    try:
        await visits.ensure_may_visit(m["session"], m["actor"])
    except Refusal as exc:
        await m["commit"]()
        await say(manager, refusal_text(exc, lang_of(manager)))
        await manager.done()
        return
    manager.dialog_data.update(key=uuid.uuid4().hex, topics=[], programmes=[], photos=[], voices=[], facts={},
                               facts_base={}, skipped=[], measures=[], findings="")
    if isinstance(start_data, dict) and start_data.get("company_id"):
        if await load_company(manager, int(start_data["company_id"])):
            await ask_way(manager)
        else:
            await manager.done()


async def load_company(manager: DialogManager, company_id: int) -> bool:
    m = mw(manager)
    try:
        company = await visits.company_visible(m["session"], m["actor"], company_id)
    except CompanyError as exc:
        await m["commit"]()  # the audited refusal
        await say(manager, refusal_text(exc, lang_of(manager)))
        return False
    owners = await plans.owner_candidates(m["session"], m["actor"], company)
    facts = elig.known_facts(m["ctx"].catalog, company.facts or {})
    offered = visits.programme_choices(m["ctx"].catalog, facts, m["ctx"].today())
    titles = [[r.policy, r.title_en if lang_of(manager) == "en" else r.title] for r in offered]
    manager.dialog_data.update(company_id=company.id, company=company.name, company_facts=facts,
                               programme_titles=titles, programmes=[],
                               owners=[[uid, name] for uid, name in owners], owner_id=m["actor"].user_id,
                               facts={}, facts_base={}, skipped=[])
    return True


async def ask_way(manager: DialogManager) -> None:
    """The way window, with a reply-keyboard button that shares the location (= 实地)."""
    lang = lang_of(manager)
    keyboard = ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text=t("visit_share_location", lang), request_location=True)]],
                                   resize_keyboard=True, one_time_keyboard=True)
    await say(manager, t("visit_location_hint", lang), reply_markup=keyboard)
    await manager.switch_to(VisitSG.way)


async def drop_keyboard(manager: DialogManager, text: str) -> None:
    await say(manager, text, reply_markup=ReplyKeyboardRemove())


# ---------------------------------------------------------------- company


async def picked_company(_c: CallbackQuery, _w: Any, manager: DialogManager, item_id: str) -> None:
    if await load_company(manager, int(item_id)):
        if manager.dialog_data.get("editing"):
            await manager.switch_to(VisitSG.summary)
        else:
            await ask_way(manager)


async def on_search(message: Message, _w: Any, manager: DialogManager) -> None:
    manager.dialog_data["search"] = (message.text or "")[:64]


async def on_new_company(_c: CallbackQuery, _b: Any, manager: DialogManager) -> None:
    await manager.start(CompanySG.register_name, data={"return_company": True})


async def on_company_registered(_start_data: Any, result: Any, manager: DialogManager) -> None:
    if isinstance(result, dict) and result.get("company_id") and await load_company(manager, int(result["company_id"])):
        await ask_way(manager)


# ---------------------------------------------------------------- way and location


async def picked_way(_c: CallbackQuery, _w: Any, manager: DialogManager, item_id: str) -> None:
    manager.dialog_data["way"] = item_id
    if item_id == "onsite":
        await manager.switch_to(VisitSG.location)
        return
    manager.dialog_data["location"] = None
    await drop_keyboard(manager, t("visit_way_chosen", lang_of(manager), way=way_label(item_id, lang_of(manager))))
    await after(manager, VisitSG.topics)


async def on_location(message: Message, _w: Any, manager: DialogManager) -> None:
    loc = message.location
    manager.dialog_data.update(location=[loc.latitude, loc.longitude], way="onsite")
    await drop_keyboard(manager, t("visit_location_saved", lang_of(manager)))
    await after(manager, VisitSG.topics)


async def skip_location(_c: CallbackQuery, _b: Any, manager: DialogManager) -> None:
    manager.dialog_data["location"] = None
    await drop_keyboard(manager, t("visit_location_none", lang_of(manager)))
    await after(manager, VisitSG.topics)


# ---------------------------------------------------------------- topics and findings


async def toggle_topic(_c: CallbackQuery, _w: Any, manager: DialogManager, item_id: str) -> None:
    if item_id not in visits.TOPICS:
        return
    topics = list(manager.dialog_data.get("topics", []))
    topics.remove(item_id) if item_id in topics else topics.append(item_id)
    manager.dialog_data["topics"] = topics


async def toggle_programme(_c: CallbackQuery, _w: Any, manager: DialogManager, item_id: str) -> None:
    offered = [p for p, _ in manager.dialog_data.get("programme_titles") or []]
    if item_id not in offered:
        return
    chosen = list(manager.dialog_data.get("programmes", []))
    chosen.remove(item_id) if item_id in chosen else chosen.append(item_id)
    manager.dialog_data["programmes"] = chosen


async def on_findings(message: Message, _w: Any, manager: DialogManager) -> None:
    text = (message.text or "").strip()
    if len(text) > visits.LIMITS["findings"]:
        await say(manager, refusal_text(visits.VisitError("findings_too_long", limit=visits.LIMITS["findings"],
                                                           got=len(text)), lang_of(manager)))
        return
    manager.dialog_data["findings"] = text
    await after(manager, VisitSG.photos)


async def on_voice(message: Message, _w: Any, manager: DialogManager) -> None:
    voice = message.voice
    try:
        visits.check_voice(voice.duration, voice.file_size)
    except visits.VisitError as exc:
        await say(manager, refusal_text(exc, lang_of(manager)))
        return
    manager.dialog_data["voices"] = [*manager.dialog_data.get("voices", []), {
        "file_id": voice.file_id, "file_unique_id": voice.file_unique_id, "duration": voice.duration,
        "size": voice.file_size}]
    await after(manager, VisitSG.photos)


async def topics_next(_c: CallbackQuery, _b: Any, manager: DialogManager) -> None:
    has_findings = manager.dialog_data.get("findings") or manager.dialog_data.get("voices")
    await (after(manager, VisitSG.photos) if has_findings else manager.switch_to(VisitSG.findings))


# ---------------------------------------------------------------- photos


async def on_photo(message: Message, _w: Any, manager: DialogManager) -> None:
    photo = message.photo[-1]
    photos = manager.dialog_data.get("photos", [])
    try:
        visits.check_photo(photo.file_size)
        if len(photos) >= visits.LIMITS["photos"]:
            raise visits.VisitError("too_many_photos", limit=visits.LIMITS["photos"])
    except visits.VisitError as exc:
        await say(manager, refusal_text(exc, lang_of(manager)))
        return
    if photo.file_unique_id not in [p.get("file_unique_id") for p in photos]:
        photos = [*photos, {"file_id": photo.file_id, "file_unique_id": photo.file_unique_id, "size": photo.file_size}]
    manager.dialog_data["photos"] = photos
    if message.caption and not manager.dialog_data.get("findings"):
        manager.dialog_data["findings"] = message.caption[: visits.LIMITS["findings"]]


async def clear_photos(_c: CallbackQuery, _b: Any, manager: DialogManager) -> None:
    manager.dialog_data["photos"] = []


async def photos_next(_c: CallbackQuery, _b: Any, manager: DialogManager) -> None:
    await after(manager, VisitSG.measures)


# ---------------------------------------------------------------- quick facts update


def _merged_facts(manager: DialogManager) -> dict:
    return {**manager.dialog_data.get("company_facts", {}), **manager.dialog_data.get("facts", {})}


def next_fact(manager: DialogManager) -> str | None:
    catalog = mw(manager)["ctx"].catalog
    results = catalog.evaluate(catalog.parse_facts(_merged_facts(manager)), mw(manager)["ctx"].today())
    skipped = set(manager.dialog_data.get("skipped", []))
    for fact in rank_missing_facts(results):
        if fact not in skipped and not fact.startswith("confirmed:") and catalog.registry.specs[fact].type != "patent_list":
            return fact
    return None


async def ask_next_fact(manager: DialogManager) -> None:
    fact = next_fact(manager)
    manager.dialog_data["asking"] = fact
    if fact is None:
        await say(manager, t("visit_facts_none_left", lang_of(manager)))
        await after(manager, VisitSG.measures)
        return
    await manager.switch_to(VisitSG.facts)


async def facts_enter(_c: CallbackQuery, _b: Any, manager: DialogManager) -> None:
    await ask_next_fact(manager)


async def answer_fact(manager: DialogManager, value: Any) -> None:
    fact = manager.dialog_data.get("asking")
    if not fact:
        return
    manager.dialog_data["facts"] = {**manager.dialog_data.get("facts", {}), fact: value}
    manager.dialog_data["facts_base"] = {**manager.dialog_data.get("facts_base", {}),
                                         fact: manager.dialog_data.get("company_facts", {}).get(fact)}
    await ask_next_fact(manager)


async def fact_yes(_c: CallbackQuery, _b: Any, manager: DialogManager) -> None:
    await answer_fact(manager, True)


async def fact_no(_c: CallbackQuery, _b: Any, manager: DialogManager) -> None:
    await answer_fact(manager, False)


async def fact_quick(_c: CallbackQuery, _w: Any, manager: DialogManager, item_id: str) -> None:
    if item_id.isdigit():
        await answer_fact(manager, int(item_id))


async def fact_skip(_c: CallbackQuery, _b: Any, manager: DialogManager) -> None:
    fact = manager.dialog_data.get("asking")
    if fact:
        manager.dialog_data["skipped"] = [*manager.dialog_data.get("skipped", []), fact]
    await ask_next_fact(manager)


async def fact_typed(message: Message, _w: Any, manager: DialogManager) -> None:
    catalog, lang = mw(manager)["ctx"].catalog, lang_of(manager)
    fact = manager.dialog_data.get("asking")
    if not fact or not message.text:
        return
    try:
        value = elig.parse_answer(catalog, fact, message.text)
    except elig.AnswerError as exc:
        await say(manager, t(f"answer_{exc.code}", lang, label=catalog.label(fact, lang)))
        return
    except FactError as exc:
        await say(manager, refusal_text(exc, lang))
        return
    await answer_fact(manager, value)


async def facts_done(_c: CallbackQuery, _b: Any, manager: DialogManager) -> None:
    await after(manager, VisitSG.measures)


# ---------------------------------------------------------------- measures


async def on_measure_text(message: Message, _w: Any, manager: DialogManager) -> None:
    lang = lang_of(manager)
    what = " ".join((message.text or "").split())
    if not what or len(what) > plans.MAX_WHAT:
        await say(manager, t("vr_what_too_long", lang, limit=plans.MAX_WHAT, got=len(what)) if what
                  else t("vr_what_missing", lang))
        return
    if len(manager.dialog_data.get("measures", [])) >= visits.LIMITS["measures"]:
        await say(manager, t("vr_too_many_measures", lang, limit=visits.LIMITS["measures"]))
        return
    manager.dialog_data["pending_what"] = what
    await manager.switch_to(VisitSG.due)


async def picked_owner(_c: CallbackQuery, _w: Any, manager: DialogManager, item_id: str) -> None:
    if int(item_id) in [uid for uid, _ in manager.dialog_data.get("owners", [])]:
        manager.dialog_data["owner_id"] = int(item_id)


async def picked_due(_c: CallbackQuery, _w: Any, manager: DialogManager, day: date) -> None:
    lang, today = lang_of(manager), mw(manager)["ctx"].today()
    what = manager.dialog_data.get("pending_what")
    if not what:
        await manager.switch_to(VisitSG.measures)
        return
    try:
        plans.check_measure(what, day, today)
    except plans.PlanError as exc:
        await say(manager, refusal_text(exc, lang))
        return
    owners = dict((uid, name) for uid, name in manager.dialog_data.get("owners", []))
    owner_id = manager.dialog_data.get("owner_id")
    manager.dialog_data["measures"] = [*manager.dialog_data.get("measures", []), {
        "what": what, "owner_id": owner_id, "owner": owners.get(owner_id, ""), "due": day.isoformat()}]
    manager.dialog_data["pending_what"] = None
    await manager.switch_to(VisitSG.measures)


async def drop_last_measure(_c: CallbackQuery, _b: Any, manager: DialogManager) -> None:
    manager.dialog_data["measures"] = manager.dialog_data.get("measures", [])[:-1]


async def measures_done(_c: CallbackQuery, _b: Any, manager: DialogManager) -> None:
    await manager.switch_to(VisitSG.summary)


# ---------------------------------------------------------------- summary and save


async def edit_field(_c: CallbackQuery, _w: Any, manager: DialogManager, item_id: str) -> None:
    states = {"company": VisitSG.company, "way": VisitSG.way, "topics": VisitSG.topics, "findings": VisitSG.findings,
              "photos": VisitSG.photos, "facts": VisitSG.facts, "measures": VisitSG.measures}
    if item_id not in states:
        return
    manager.dialog_data["editing"] = True
    manager.dialog_data["notice"] = None
    if item_id == "way":
        await ask_way(manager)
    elif item_id == "facts":
        await ask_next_fact(manager)
    else:
        await manager.switch_to(states[item_id])


async def on_save(callback: CallbackQuery, _b: Any, manager: DialogManager) -> None:
    m, lang = mw(manager), lang_of(manager)
    ctx, data = m["ctx"], manager.dialog_data
    try:
        saved = await visits.save_visit(m["session"], m["actor"], dict(data), now=ctx.now(), today=ctx.today(),
                                        catalog=ctx.catalog)
    except ProfileConflict as exc:
        # Told and shown the difference; saving again keeps this person's values knowingly.
        data["facts_base"] = {f[5:]: theirs for f, theirs, _mine in exc.params["changes"]}
        data["notice"] = refusal_text(exc, lang)
        return
    except (Refusal, FactError) as exc:
        await m["commit"]()  # an audited refusal, if any
        data["notice"] = refusal_text(exc, lang)
        return
    await m["commit"]()
    company = await visits.company_visible(m["session"], m["actor"], saved.company_id)
    news = visits.outlook(ctx.catalog, company.facts or {}, ctx.today())
    head = t("visit_saved" if saved.created else "visit_already_saved", lang, company=escape(company.name),
             measures=len(saved.measure_ids))
    await callback.message.answer(head + "\n\n" + outlook_text(news, company.name, lang, ctx.catalog))
    await manager.done()
    if saved.created:  # after the answer: the person in the car does not wait for downloads
        await keep_local_copies(manager, saved.visit_id)


async def keep_local_copies(manager: DialogManager, visit_id: int) -> None:
    """On the embedded default, a local copy of each photo and voice note under var/attachments
    (Telegram keeps files by id, but a copy on the machine outlives a deleted chat). A copy
    that fails is logged and left for later; the visit is saved either way."""
    import logging
    from pathlib import Path

    m = mw(manager)
    folder = visits.attachments_dir(m["ctx"].settings.database_url) if m["ctx"].settings else None
    if folder is None:
        return
    for attachment in await visits.pending_copies(m["session"], visit_id):
        suffix = ".jpg" if attachment.kind == "photo" else ".ogg"
        path = Path(folder) / str(visit_id) / f"{attachment.id}{suffix}"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            await m["bot"].download(attachment.file_id, destination=path, timeout=20)
        except Exception as exc:  # noqa: BLE001 - a copy is a convenience; the file id stays
            logging.getLogger(__name__).warning("local copy of attachment %s failed: %r", attachment.id, exc)
            continue
        await visits.record_copy(m["session"], attachment.id, str(path))
    await m["commit"]()
