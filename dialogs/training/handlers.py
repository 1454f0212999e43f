"""What the training dialogs do on a tap or a typed answer: parse, call services.training, move on.

Each step keeps its value in `dialog_data`; a problem is kept there as `error` and shown
above the same question, so nothing half-typed is lost. Permissions are the service's:
a forged press of a hidden button reaches these handlers and is refused there.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram_dialog import DialogManager, ShowMode, StartMode
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Select

from dialogs.training import render
from dialogs.training.states import ManageSG, NewSG
from locales import t
from locales.format import escape
from services import training as tr
from services.errors import Refusal
from services.trainees import CATEGORIES, PersonDraft, clean_text
from services.training_import import read_sheet
from services.training_qr import END_PREFIX, NEXT_PREFIX, checkin_link, qr_png

ORDER = [NewSG.title, NewSG.category, NewSG.day, NewSG.time, NewSG.place, NewSG.region, NewSG.capacity,
         NewSG.confirm]
QR_PREFIX, QR_END_PREFIX = NEXT_PREFIX, END_PREFIX
#: The QR message's confirmation after 结束签到: end it (yes) or keep it showing (no).
QR_END_YES_PREFIX, QR_END_NO_PREFIX = "trqy", "trqn"


def _mw(manager: DialogManager) -> tuple[Any, Any, str, Any]:
    data = manager.middleware_data
    return data["ctx"], data["actor"], data.get("lang", "zh"), data["session"]


def refusal_text(exc: Refusal, lang: str) -> str:
    params = {k: escape(str(v)) for k, v in exc.params.items()}
    return t(f"tr_err_{exc.code}", lang, **params)


async def _next(manager: DialogManager, current: Any) -> None:
    """The next question, or back to the summary when editing one field."""
    manager.dialog_data.pop("error", None)
    manager.dialog_data.pop("note", None)
    if manager.dialog_data.get("filled"):
        await manager.switch_to(NewSG.confirm)
        return
    following = ORDER[ORDER.index(current) + 1]
    if following == NewSG.confirm:  # every field asked once: from now on an edit asks only itself
        manager.dialog_data["filled"] = True
    await manager.switch_to(following)


def _fail(manager: DialogManager, exc: Refusal) -> None:
    manager.dialog_data.pop("note", None)
    manager.dialog_data["error"] = refusal_text(exc, manager.middleware_data.get("lang", "zh"))


def _note(manager: DialogManager, text: str) -> None:
    """A line above the window's text (aiogram-dialog answers the press itself, so no alert)."""
    manager.dialog_data.pop("error", None)
    manager.dialog_data["note"] = text


# ---------------------------------------------------------------- scheduling


async def on_new_start(start_data: Any, manager: DialogManager) -> None:
    """Editing opens at the summary (started there) with the stored values; a new session at the title."""
    if isinstance(start_data, dict) and start_data.get("edit_id"):
        ctx, actor, _lang, session = _mw(manager)
        training = await tr.get_session(session, start_data["edit_id"])
        draft = tr.draft_of(training)
        start, end = draft.starts_at.astimezone(ctx.tz), draft.ends_at.astimezone(ctx.tz)
        manager.dialog_data.update(
            edit_id=training.id, filled=True, title=draft.title, category=draft.category, day=start.date().isoformat(),
            start=f"{start:%H:%M}", end=f"{end:%H:%M}", location=draft.location, link=draft.online_link or "",
            region=draft.region_code or "", capacity=draft.capacity)
        # Started at NewSG.confirm already: switching here again would render the same text twice.


async def on_title(message: Message, _widget: MessageInput, manager: DialogManager) -> None:
    try:
        manager.dialog_data["title"] = clean_text(message.text, "training_title", required=True)
    except Refusal as exc:
        return _fail(manager, exc)
    await _next(manager, NewSG.title)


async def on_category(_callback: CallbackQuery, _widget: Select, manager: DialogManager, item_id: str) -> None:
    manager.dialog_data["category"] = CATEGORIES[int(item_id)]
    await _next(manager, NewSG.category)


async def on_day(_callback: CallbackQuery, _widget: Any, manager: DialogManager, day: date) -> None:
    ctx, _actor, _lang, _session = _mw(manager)
    if day < ctx.today():
        return _fail(manager, Refusal("starts_in_past"))
    manager.dialog_data["day"] = day.isoformat()
    await _next(manager, NewSG.day)


def parse_hours(text: str) -> tuple[time, time]:
    """'09:00-12:00', '9:00～12:00', '9点-12点半' → (start, end)."""
    cleaned = unicodedata.normalize("NFKC", text or "").replace("点半", ":30").replace("点", ":00")
    match = re.fullmatch(r"\s*(\d{1,2})[:.](\d{2})\s*(?:-|~|至|到|—|–)\s*(\d{1,2})[:.](\d{2})\s*", cleaned)
    if not match:
        raise Refusal("hours_shape")
    h1, m1, h2, m2 = map(int, match.groups())
    if not (h1 < 24 and h2 < 24 and m1 < 60 and m2 < 60):
        raise Refusal("hours_shape")
    start, end = time(h1, m1), time(h2, m2)
    if end <= start:
        raise Refusal("ends_before_start")
    return start, end


async def on_time(message: Message, _widget: MessageInput, manager: DialogManager) -> None:
    try:
        start, end = parse_hours(message.text or "")
    except Refusal as exc:
        return _fail(manager, exc)
    ctx = manager.middleware_data["ctx"]
    day = manager.dialog_data.get("day")
    if day and datetime.combine(date.fromisoformat(day), start, ctx.tz) <= ctx.now():
        return _fail(manager, Refusal("starts_in_past"))  # said here, not first at 保存
    manager.dialog_data.update(start=f"{start:%H:%M}", end=f"{end:%H:%M}")
    await _next(manager, NewSG.time)


async def on_place(message: Message, _widget: MessageInput, manager: DialogManager) -> None:
    """A venue, an online link, or both (one per line)."""
    parts = [p.strip() for p in (message.text or "").splitlines() if p.strip()]
    links = [p for p in parts if p.lower().startswith(("http://", "https://"))]
    venue = " ".join(p for p in parts if p not in links)
    try:
        location = clean_text(venue, "location")
        if not location and not links:
            raise Refusal("venue_missing")
        if len(links) > 1 or (links and not tr._is_web_link(links[0])):
            raise Refusal("link_invalid")
    except Refusal as exc:
        return _fail(manager, exc)
    manager.dialog_data.update(location=location, link=links[0] if links else "")
    await _next(manager, NewSG.place)


async def on_region_text(message: Message, _widget: MessageInput, manager: DialogManager) -> None:
    code = unicodedata.normalize("NFKC", message.text or "").strip()
    if not re.fullmatch(r"\d{6}", code):
        return _fail(manager, Refusal("region_invalid"))
    manager.dialog_data["region"] = code
    await _next(manager, NewSG.region)


async def on_region_mine(_callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    manager.dialog_data["region"] = manager.middleware_data["actor"].region_code or ""
    await _next(manager, NewSG.region)


async def on_region_skip(_callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    manager.dialog_data["region"] = ""
    await _next(manager, NewSG.region)


async def on_capacity_quick(_callback: CallbackQuery, _widget: Select, manager: DialogManager, item_id: str) -> None:
    manager.dialog_data["capacity"] = int(item_id)
    await _next(manager, NewSG.capacity)


async def on_capacity_text(message: Message, _widget: MessageInput, manager: DialogManager) -> None:
    text = unicodedata.normalize("NFKC", message.text or "").strip().removesuffix("人")
    if not text.isdigit() or not 1 <= int(text) <= tr.MAX_CAPACITY:
        return _fail(manager, Refusal("capacity_range", limit=tr.MAX_CAPACITY))
    manager.dialog_data["capacity"] = int(text)
    await _next(manager, NewSG.capacity)


def draft_from(data: dict[str, Any], tz: Any) -> tr.SessionDraft:
    day = date.fromisoformat(data["day"])
    start = datetime.combine(day, time.fromisoformat(data["start"]), tz)
    end = datetime.combine(day, time.fromisoformat(data["end"]), tz)
    return tr.SessionDraft(title=data["title"], category=data["category"], starts_at=start, ends_at=end,
                           capacity=int(data["capacity"]), location=data.get("location", ""),
                           online_link=data.get("link") or None, region_code=data.get("region") or None)


async def on_save(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    ctx, actor, lang, session = _mw(manager)
    data = manager.dialog_data
    try:
        draft = draft_from(data, ctx.tz)
        if data.get("edit_id"):
            notice = await tr.update_session(session, actor, data["edit_id"], draft, ctx.now())
            training = notice.training
        else:
            training, notice = await tr.create_session(session, actor, draft, ctx.now()), None
    except Refusal as exc:
        await manager.middleware_data["commit"]()  # keeps the audit entry of a refused edit
        return _fail(manager, exc)
    await manager.middleware_data["commit"]()
    if notice is not None and notice.changes:
        await notify(manager.middleware_data["bot"], notice, "tr_notice_changed", ctx.tz, actor.telegram_id)
    await manager.start(ManageSG.card, data={"training_id": training.id}, mode=StartMode.RESET_STACK)


async def notify(bot: Bot, notice: tr.Notice, key: str, tz: Any, skip: int | None = None) -> int:
    """Tell everyone enrolled (who uses the bot) what changed; a person who blocked the bot is skipped."""
    sent = 0
    for telegram_id, lang in notice.recipients:
        if telegram_id == skip:
            continue
        text = t(key, lang, title=escape(notice.training.title), when=render.when(notice.training, tz, lang),
                 place=render.place(notice.training, lang))
        try:
            await bot.send_message(telegram_id, text)
            sent += 1
        except TelegramAPIError:  # one unreachable person (blocked the bot) must not stop the others
            continue
    return sent


# ---------------------------------------------------------------- managing


async def on_pick_session(_callback: CallbackQuery, _widget: Select, manager: DialogManager, item_id: str) -> None:
    """The id comes from the button, so it may be forged: the service decides who may open it."""
    _ctx, actor, _lang, session = _mw(manager)
    if not item_id.isdigit():
        return _fail(manager, Refusal("session_not_found"))
    if await _checked(manager, tr.roster(session, actor, int(item_id))):
        manager.dialog_data["training_id"] = int(item_id)
        await manager.switch_to(ManageSG.card)


async def on_new(_callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    actor = manager.middleware_data["actor"]
    if not tr.may_organise(actor):
        return _fail(manager, Refusal("not_allowed"))
    await manager.start(NewSG.title)


async def on_manage_start(start_data: Any, manager: DialogManager) -> None:
    if isinstance(start_data, dict) and start_data.get("training_id"):
        manager.dialog_data["training_id"] = start_data["training_id"]


async def _checked(manager: DialogManager, action: Any) -> bool:
    """Run a permission-checking service call before moving; on refusal stay and say why."""
    try:
        await action
    except Refusal as exc:
        await manager.middleware_data["commit"]()
        _fail(manager, exc)
        return False
    manager.dialog_data.pop("error", None)
    manager.dialog_data.pop("note", None)
    return True


async def _may_manage(manager: DialogManager) -> bool:
    """The actor may still manage the open session (reading its roster is the permission check)."""
    _ctx, actor, _lang, session = _mw(manager)
    return await _checked(manager, tr.roster(session, actor, manager.dialog_data["training_id"]))


async def on_roster(_callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    if await _may_manage(manager):
        await manager.switch_to(ManageSG.roster)


async def on_add(_callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    if await _may_manage(manager):
        manager.dialog_data.pop("report", None)
        await manager.switch_to(ManageSG.add)


async def on_edit(_callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    if await _may_manage(manager):
        await manager.start(NewSG.confirm, data={"edit_id": manager.dialog_data["training_id"]})


async def on_cancel_ask(_callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    if await _may_manage(manager):
        await manager.switch_to(ManageSG.cancel)


async def on_cancel_yes(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    ctx, actor, lang, session = _mw(manager)
    try:
        notice = await tr.cancel_session(session, actor, manager.dialog_data["training_id"])
    except Refusal as exc:
        await manager.middleware_data["commit"]()
        _fail(manager, exc)
        await manager.switch_to(ManageSG.card)
        return
    await manager.middleware_data["commit"]()
    sent = await notify(manager.middleware_data["bot"], notice, "tr_notice_cancelled", ctx.tz, actor.telegram_id)
    _note(manager, t("tr_cancelled_session", lang, n=sent))
    await manager.switch_to(ManageSG.card)


async def on_roster_tap(callback: CallbackQuery, _widget: Select, manager: DialogManager, item_id: str) -> None:
    """签到, 缺席 or 请假 for one person; the status the button was drawn with must still hold."""
    ctx, actor, lang, session = _mw(manager)
    enrolment_id, expected, mark = (item_id.split(":") + ["", ""])[:3]
    if not enrolment_id.isdigit():
        return _fail(manager, Refusal("enrolment_not_found"))
    try:
        outcome = await tr.mark_roster(session, actor, int(enrolment_id), expected, mark, ctx.now())
    except Refusal as exc:
        await manager.middleware_data["commit"]()
        return _fail(manager, exc)
    await manager.middleware_data["commit"]()
    if outcome is None:
        _note(manager, t("tr_roster_changed", lang))
        return
    _note(manager, t("tr_roster_set", lang, status=render.status_name(outcome.status, lang)))
    await tell_promoted(manager.middleware_data["bot"], outcome, ctx.tz)


async def on_add_text(message: Message, _widget: MessageInput, manager: DialogManager) -> None:
    """One person a line: 姓名 手机 [单位] [职务] [类别], separated by commas or spaces."""
    ctx, actor, lang, session = _mw(manager)
    lines = [line for line in (message.text or "").splitlines() if line.strip()][:50]
    done, problems = [], []
    for number, line in enumerate(lines, 1):
        parts = [p for p in re.split(r"[,，、;；\s]+", unicodedata.normalize("NFKC", line).strip()) if p]
        try:
            if len(parts) < 2:
                raise Refusal("person_shape")
            person = PersonDraft.parse(parts[0], parts[1], *(parts[2:5]))
            outcome = await tr.enrol_person(session, actor, manager.dialog_data["training_id"], person, ctx.now())
        except Refusal as exc:
            problems.append(t("tr_line_problem", lang, n=number, reason=refusal_text(exc, lang)))
            continue
        done.append(_enrolled_line(outcome, lang))
    await manager.middleware_data["commit"]()
    manager.dialog_data["report"] = "\n".join(done + problems)[:3000]
    manager.dialog_data.pop("error", None)


async def on_add_file(message: Message, _widget: MessageInput, manager: DialogManager) -> None:
    """An .xlsx of people (姓名, 手机, 单位, 职务, 类别): each good row enrolled, bad rows named."""
    ctx, actor, lang, session = _mw(manager)
    document = message.document
    if not (document.file_name or "").lower().endswith(".xlsx"):
        return _fail(manager, Refusal("xlsx_unreadable"))
    if (document.file_size or 0) > 10 * 1024 * 1024:
        return _fail(manager, Refusal("xlsx_too_big", limit=10))
    buffer = await manager.middleware_data["bot"].download(document)
    try:
        sheet = read_sheet(buffer.read(), ("name", "mobile"))
    except Refusal as exc:
        return _fail(manager, exc)
    counts: dict[str, int] = {"registered": 0, "waitlisted": 0, "already": 0}
    problems = [t("tr_row_problem", lang, row=r, reason=refusal_text(Refusal(code, **params), lang))
                for r, code, params in sheet.rejected]
    for number, row in sheet.rows:
        try:
            person = PersonDraft.parse(row.get("name"), row.get("mobile"), row.get("company"), row.get("position"),
                                       row.get("category"))
            outcome = await tr.enrol_person(session, actor, manager.dialog_data["training_id"], person, ctx.now(),
                                            source="excel")
        except Refusal as exc:
            problems.append(t("tr_row_problem", lang, row=number, reason=refusal_text(exc, lang)))
            continue
        counts["already" if outcome.already else outcome.status] += 1
    await manager.middleware_data["commit"]()
    report = t("tr_excel_report", lang, **counts, rejected=len(problems))
    manager.dialog_data["report"] = "\n".join([report, *problems[:30]])
    manager.dialog_data.pop("error", None)


def _enrolled_line(outcome: tr.EnrolOutcome, lang: str) -> str:
    key = "tr_enrolled_already" if outcome.already else f"tr_enrolled_{outcome.status}"
    return t(key, lang, name=escape(outcome.trainee.name), title=escape(outcome.training.title))


async def on_qr(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    if await _may_manage(manager):
        await send_qr(manager.middleware_data, manager.dialog_data["training_id"], callback.message.chat.id)
        manager.show_mode = ShowMode.SEND  # the dialog's card moves below the QR code


def qr_keyboard(training_id: int, lang: str) -> InlineKeyboardMarkup:
    """The QR message's own buttons: the next minute's code, or end check-in (which asks first)."""
    return InlineKeyboardMarkup(inline_keyboard=[[
        InlineKeyboardButton(text=t("tr_b_qr_next", lang), callback_data=f"{QR_PREFIX}:{training_id}"),
        InlineKeyboardButton(text=t("tr_b_qr_end", lang), callback_data=f"{QR_END_PREFIX}:{training_id}")]])


def qr_end_keyboard(training_id: int, lang: str) -> InlineKeyboardMarkup:
    """结束签到 asks first: a mis-tap mid-session must not take the code away from the room."""
    return InlineKeyboardMarkup(inline_keyboard=[[
        InlineKeyboardButton(text=t("tr_b_qr_end_yes", lang), callback_data=f"{QR_END_YES_PREFIX}:{training_id}"),
        InlineKeyboardButton(text=t("tr_b_qr_end_no", lang), callback_data=f"{QR_END_NO_PREFIX}:{training_id}")]])


async def send_qr(data: dict[str, Any], training_id: int, chat_id: int) -> None:
    """The current minute's check-in QR code and typed code; jobs/training_checkin_qr replaces it each minute."""
    ctx, lang, session, bot, actor = data["ctx"], data.get("lang", "zh"), data["session"], data["bot"], data["actor"]
    training = await tr.get_session(session, training_id)
    now = ctx.now()
    token = tr.checkin_token(training, now)
    me = await bot.me()
    keyboard = qr_keyboard(training.id, lang)
    caption = t("tr_qr_caption", lang, title=escape(training.title), code=token.code,
                until=token.valid_until.astimezone(ctx.tz).strftime("%H:%M:%S"))
    sent = await bot.send_photo(chat_id, BufferedInputFile(qr_png(checkin_link(me.username, token.payload)),
                                                           "checkin.png"), caption=caption, reply_markup=keyboard)
    await tr.open_checkin_display(session, actor, training.id, chat_id, sent.message_id, now)
    await data["commit"]()


async def on_unenrol(callback: CallbackQuery, _widget: Select, manager: DialogManager, item_id: str) -> None:
    ctx, actor, lang, session = _mw(manager)
    try:
        outcome = await tr.cancel_enrolment(session, actor, int(item_id), ctx.now())
    except Refusal as exc:
        await manager.middleware_data["commit"]()
        return _fail(manager, exc)
    await manager.middleware_data["commit"]()
    _note(manager, t("tr_unenrol_already" if outcome.already else "tr_unenrolled", lang))
    await tell_promoted(manager.middleware_data["bot"], outcome, ctx.tz)


async def tell_promoted(bot: Bot, outcome: Any, tz: Any) -> None:
    if outcome.promoted is None:
        return
    telegram_id, lang = outcome.promoted
    try:
        await bot.send_message(telegram_id, t("tr_promoted", lang, title=escape(outcome.training.title),
                                              when=render.when(outcome.training, tz, lang)))
    except TelegramAPIError:  # the promotion stands even if the person cannot be reached
        pass
