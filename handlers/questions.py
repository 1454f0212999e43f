"""SMEs' free-text questions, answered from the policy texts or routed to their specialist.

Two routers:

* ``build_sme()``: any plain text from an SME (no command, no dialog in progress) is a
  question, answered by one use case (:func:`services.asking.answer_question`; ``ipbot ask``
  prints the same). A question stating facts about a named programme gets the engine's
  card, which names the figures on file that differ and offers a button that sends the
  change to the specialist as a question thread; a confident search answer is shown with its
  clause quoted and cited; otherwise the question goes to the company's specialist.
  ``/ask …`` always does.
  ``build_sme_in_dialogs()`` does the same for a text typed while a dialog window that is
  not waiting for text is open (/plan, /check's results): it runs before the dialogs,
  which would otherwise take the text and show their window again (issue 19).
* ``build_answers()``: a specialist's reply (quote) to one of those forwarded questions
  is the answer, relayed to the SME. Its filter looks the replied-to message up, so any
  other text falls through to the routers after it. It runs before the dialogs too, so a
  reply is an answer whatever dialog the specialist has open.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import logging
from html import escape
from typing import Any

from aiogram import Bot, F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram_dialog import DialogManager
from aiogram_dialog.api.internal import CONTEXT_KEY

from locales import t
from locales.format import fit
from locales.programmes import fact_label, force_note, joined, period, title
from locales.programmes.chat import citation_line, comparison, missing_line, pad, period_line, span, stated_text, value_text
from locales.programmes.words import SIGN, number, unit
from policy import ELIGIBLE, NOT_ELIGIBLE
from services.asking import ANSWER, FACT, OFFTOPIC, ChangeRefusal, Reply, answer_question, propose_change, shown
from services.questions import (
    MAX_ANSWER_CHARS,
    MAX_QUESTION_CHARS,
    Hit,
    Route,
    Routed,
    Thread,
    citation,
    programmes_for_clause,
    find_thread_by_specialist_message,
    record_answer,
    record_forward,
    route_to_specialist,
)
from services.session import AsyncSession, Commit
from services.users import Actor, Role

log = logging.getLogger(__name__)

#: Plain-text lengths of the pieces quoted back (before HTML escaping), so every message
#: stays far below Telegram's 4096 characters.
QUOTE_LIMIT = 1000
QUESTION_ECHO_LIMIT = 200


def clip(text: str, limit: int) -> str:
    """Plain text cut to ``limit`` characters with "…"; escape *after* clipping, so a cut
    never falls inside an HTML entity or tag."""
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def text_length(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units): an emoji counts twice."""
    return len(text.encode("utf-16-le")) // 2


async def _too_long(message: Message, lang: str, key: str, length: int, limit: int) -> bool:
    """Refuse a text over ``limit``, telling its length (``key``'s text); True when refused."""
    if length <= limit:
        return False
    await message.answer(t(key, lang, length=length, limit=limit))
    return True


# --------------------------------------------------------------------------- rendering


def answer_card(hit: Hit, lang: str, status: str = "") -> str:
    title = t("qa_doc_title", lang, title=escape(hit.title)) if hit.number else ""
    return t("qa_answer_card", lang, quote=escape(clip(hit.quote, QUOTE_LIMIT)),
             citation=escape(citation(hit)), title=title, status=status)


def clause_status(catalog: Any, hit: Hit, as_of: Any, lang: str) -> str:
    """Whether the programmes of a quoted clause are in force, and when they ended."""
    infos = programmes_for_clause(catalog, hit, as_of)
    lines = []
    for info in infos[:4]:
        name = info.title_en or info.title if lang == "en" else info.title
        state = force_note(_AtDate(info, as_of), lang)
        lines.append(t("qa_programme_state", lang, title=escape(name), period=period(info, lang), state=state))
    return "\n" + "\n".join(lines) if lines else ""


class _AtDate:
    """A programme and an as-of date, as `force_note` reads a result."""

    def __init__(self, info: Any, as_of: Any) -> None:
        from policy.engine import in_force_at

        self.info, self.as_of = info, as_of
        self.in_force = in_force_at(info, as_of)[0]


_MARK = {ELIGIBLE: "✅", NOT_ELIGIBLE: "❌"}


def engine_card(results: list, stated: dict, lang: str, catalog: Any, notes: list[str] | tuple[str, ...] = (),
                ranges: dict | None = None) -> str:
    """The engine's answer for the asker's company: ✅/❌/❓, the reason in numbers, the period, the clause
    (every piece from the programme renderer, locales.programmes); ``notes`` (what differs from
    the record, what was not counted, the star level) come right after the header; ``ranges`` holds
    a stated range's upper end by fact, so "五六件" is repeated as "5–6 件".

    A programme not in force at the as-of date is named with the day it ended (the outlook's
    line), never with "还差 N" or a verdict: the field test saw an ended award offered as open."""
    from locales.programmes.chat import outlook_line, unmet_lines  # here: this edit touches only this function

    ranges = ranges or {}
    told = joined((f"{escape(fact_label(catalog, f, lang))} {stated_text(catalog, f, v, ranges.get(f), lang)}"
                   for f, v in stated.items()), lang)
    lines = [t("qa_engine_header", lang, told=told) if stated else t("qa_engine_header_record", lang)]
    lines += list(notes)
    for r in results:
        if not r.in_force:
            lines += ["", outlook_line(r, lang, catalog), period_line(r, lang), t("qa_engine_ended_hint", lang),
                      citation_line(r, lang)]
            continue
        lines += ["", t("qa_engine_result", lang, mark=_MARK.get(r.status, "❓"), title=escape(title(r, lang)),
                        status=t(f"qa_status_{r.status}", lang))]
        reasons = (comparison(line, lang, catalog, ranges.get(line.fact) if stated.get(line.fact) == line.have else None)
                   for line in r.lines)
        lines += [pad(lang) + reason for reason in reasons if reason]
        lines += [pad(lang) + reason for reason in unmet_lines(r, lang, catalog)]
        if r.missing:
            lines.append(missing_line(r, lang, catalog))
        lines.append(period_line(r, lang))
        lines.append(citation_line(r, lang))
    lines += ["", t("qa_engine_footer", lang)]
    return fit("\n".join(lines))


def fact_notes(reply: Reply, lang: str, catalog: Any) -> list[str]:
    """What the engine card says before its verdicts: the star level asked, the figures on file
    that differ, what was read and not counted (each line escaped)."""
    lines = [line for star in reply.stars for line in star_lines(star, reply, lang, catalog)]
    if reply.differs:
        lines += ["", t("qa_differs_head", lang)]
        for d in reply.differs:
            label = escape(fact_label(catalog, d.fact, lang))
            on_file = escape(shown(catalog, d.fact, d.on_file, lang))
            if d.stated is not None:
                lines.append(t("qa_differs_item", lang, label=label, on_file=on_file,
                               stated=escape(shown(catalog, d.fact, d.stated, lang))))
            else:
                because = d.because or ""
                stated = reply.stated.get(because)
                high = reply.ranges.get(because) if because else None
                said = stated_text(catalog, because, stated, high, lang) if high is not None else escape(
                    shown(catalog, because, stated, lang))
                lines.append(t("qa_differs_conflict", lang, label=label, on_file=on_file,
                               because=escape(fact_label(catalog, because, lang)) if because else "",
                               stated=said))
        if reply.change:
            lines.append(t("qa_differs_offer", lang))
    said = [ignored_line(i, lang, catalog) for i in reply.read.ignored if i.reason != "no_fact"]
    said += [t("qa_problem", lang, message=escape(p.message(lang))) for p in reply.read.problems]
    if said:
        lines += [""] + said
    return lines


def ignored_line(item: Any, lang: str, catalog: Any) -> str:
    label = escape(fact_label(catalog, item.fact, lang)) if item.fact else ""
    options = joined((escape(fact_label(catalog, f, lang)) for f in item.options), lang, "prog_list_sep")
    time = t(f"qa_time_{item.time}", lang) if item.time else ""
    return t(f"qa_ignored_{item.reason}", lang, text=escape(clip(item.text, 40)), label=label, time=time,
             options=options)


def star_lines(star: Any, reply: Reply, lang: str, catalog: Any) -> list[str]:
    """The level the figures reach, what the next (and the asked) level needs."""
    result = next(r for r in reply.results if r.policy == star.programme)
    info = result.info
    labels = info.tier_labels_en if lang == "en" and info.tier_labels_en else info.tier_labels
    label = escape(fact_label(catalog, star.fact, lang))
    u = unit(catalog, star.fact, lang)
    op = escape(SIGN.get(star.op, star.op))
    name = escape(title(result, lang))

    def fig(x: Any) -> str:
        return f"{number(x)}{u}"

    # a stated range ("二十多件", 21-29) reaches the same level at both ends (services.asking drops it
    # otherwise): say the range, and the shortfall from its upper end to its lower one
    high = reply.ranges.get(star.fact) if star.have is not None and reply.stated.get(star.fact) == star.have \
        else None
    have = stated_text(catalog, star.fact, star.have, high, lang) if star.have is not None else ""

    def short(x: Any) -> str:
        return fig(x) if high is None else span(x - (high - star.have), x) + u

    if star.have is None:
        tiers = joined((t("qa_stars_tier", lang, tier=escape(labels[k]), op=op, need=fig(need)) for k, need in star.tiers),
                       lang, "prog_list_sep")
        return ["", t("qa_stars_unknown", lang, title=name, label=label, tiers=tiers)]
    if star.reached:
        lines = ["", t("qa_stars_reached", lang, title=name, label=label, have=have,
                       tier=escape(labels[star.reached]))]
        if star.next_tier is not None:
            upper = labels[star.next_tier][:1].upper() + labels[star.next_tier][1:]  # "Four stars needs …"
            lines.append(t("qa_stars_next", lang, tier=escape(upper), label=label, op=op,
                           need=fig(star.next_need), short=short(star.next_short_by)))
        else:
            lines.append(t("qa_stars_top", lang, tier=escape(labels[star.reached])))
    else:
        lines = ["", t("qa_stars_below", lang, title=name, label=label, have=have,
                       tier=escape(labels[star.next_tier]), op=op, need=fig(star.next_need),
                       short=short(star.next_short_by))]
    if star.asked is not None and star.asked != star.next_tier:
        if star.asked_short_by is not None and star.asked_short_by <= 0:
            lines.append(t("qa_stars_asked_yes", lang, tier=escape(labels[star.asked]), op=op,
                           need=fig(star.asked_need)))
        else:
            lines.append(t("qa_stars_asked_no", lang, tier=escape(labels[star.asked]), label=label, op=op,
                           need=fig(star.asked_need), have=have, short=short(star.asked_short_by)))
    if star.reached and not star.eligible and star.in_force:  # an ended card lists no conditions
        lines.append(t("qa_stars_others", lang))
    if not star.in_force:
        lines.append(t("qa_stars_ended", lang))
    return lines


class ChangePress(CallbackData, prefix="qfix"):
    """The figures an SME stated that differ from the record (services.asking.encode_change)."""

    c: str


def change_keyboard(reply: Reply, lang: str) -> InlineKeyboardMarkup | None:
    if not reply.change:
        return None
    return InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(
        text=t("qa_change_button", lang), callback_data=ChangePress(c=reply.change).pack())]])


def forward_text(route: Route, actor: Actor, question: str, hits: list[Hit]) -> str:
    lang = route.specialist_language
    related = ""
    if hits:
        related = t("qa_forward_related", lang, citations=escape("；".join(citation(h) for h in hits[:3])))
    return t("qa_forward", lang, company=escape(route.company_name),
             asker=escape(actor.full_name or str(actor.telegram_id)),
             question=escape(clip(question, MAX_QUESTION_CHARS)), related=related)


def _contact(route: Route, lang: str) -> str:
    if route.contacts:
        return t("qa_contact_people", lang, names=escape("、".join(route.contacts)))
    return t("qa_contact_default", lang)


# --------------------------------------------------------------------------- SME side


def is_sme(_message: Message, actor: Actor | None) -> bool:
    """Filter: only SMEs' texts are questions; others' fall through (the role guard would
    otherwise answer a specialist's stray text with "denied")."""
    return actor is not None and actor.role == Role.sme


async def question(message: Message, actor: Actor, lang: str, session: AsyncSession, commit: Commit,
                   bot: Bot, ctx: Any) -> None:
    text = message.text.strip()
    if await _too_long(message, lang, "qa_question_too_long", len(text), MAX_QUESTION_CHARS):
        return
    reply = await answer_question(session, ctx.catalog, ctx.search, actor, text, ctx.today())
    if reply.empty:
        await message.answer(t("qa_question_empty", lang))
        return
    if reply.route == FACT:
        await message.answer(engine_card(list(reply.results), reply.stated, lang, ctx.catalog,
                                         fact_notes(reply, lang, ctx.catalog), reply.ranges),
                             reply_markup=change_keyboard(reply, lang))
        return
    if reply.route == ANSWER:
        hit = reply.hits[0]
        await message.answer(answer_card(hit, lang, clause_status(ctx.catalog, hit, reply.as_of, lang)))
        return
    if reply.route == OFFTOPIC:  # not IP policy: said so, and the specialist is not bothered
        await message.answer(t("qa_off_topic", lang))
        return
    await _route(message, actor, lang, session, commit, bot, text, list(reply.hits), "qa_routed")


async def change_pressed(callback: CallbackQuery, callback_data: ChangePress, actor: Actor, lang: str,
                         session: AsyncSession, commit: Commit, bot: Bot, ctx: Any) -> None:
    """The SME sends the figures that differ from the record to the specialist, as a question
    thread the specialist answers by replying; the button goes, so it is sent once (a press of
    it on a message that no longer shows it is refused before anything is sent)."""
    message = callback.message
    markup = getattr(message, "reply_markup", None)
    if markup is None or not any(b.callback_data == callback.data for row in markup.inline_keyboard for b in row):
        raise ChangeRefusal("qa_change_stale")
    route = await propose_change(session, ctx.catalog, actor, callback_data.c)
    if isinstance(message, Message):
        await _deliver(message, actor, lang, session, commit, bot, route, [], "qa_change_sent")
        if route.outcome == Routed.ok:
            await message.edit_reply_markup(reply_markup=None)
    await callback.answer()


async def ask(message: Message, command: CommandObject, actor: Actor, lang: str, session: AsyncSession,
              commit: Commit, bot: Bot, ctx: Any) -> None:
    text = (command.args or "").strip()
    if not text:
        await message.answer(t("qa_ask_usage", lang))
        return
    if await _too_long(message, lang, "qa_question_too_long", len(text), MAX_QUESTION_CHARS):
        return
    hits = (await asyncio.to_thread(ctx.search.answer, text)).hits  # a lead for the specialist
    await _route(message, actor, lang, session, commit, bot, text, hits, "qa_routed_ask")


async def _route(message: Message, actor: Actor, lang: str, session: AsyncSession, commit: Commit, bot: Bot,
                 text: str, hits: list[Hit], done_key: str) -> None:
    route = await route_to_specialist(session, actor, text)
    await _deliver(message, actor, lang, session, commit, bot, route, hits, done_key)


async def _deliver(message: Message, actor: Actor, lang: str, session: AsyncSession, commit: Commit, bot: Bot,
                   route: Route, hits: list[Hit], done_key: str) -> None:
    """Send a recorded thread to the specialist and tell the asker (or why it cannot go)."""
    if route.outcome != Routed.ok:
        await message.answer(route_text(route, lang, done_key))
        return
    await commit()  # the question is kept even if it cannot be delivered now
    name = escape(route.specialist_name)
    try:
        sent = await bot.send_message(route.specialist_telegram_id, forward_text(route, actor, route.question, hits))
    except TelegramAPIError as exc:
        log.warning("question thread %s not delivered to the specialist: %s", route.thread_id, exc)
        await message.answer(t("qa_undeliverable", lang, name=name))
        return
    await record_forward(session, route.thread_id, sent.message_id)
    await commit()
    await message.answer(t(done_key, lang, name=name))


def route_text(route: Route, lang: str, done_key: str) -> str:
    """What the asker is told of a routed question: sent to whom, or why it cannot go."""
    if route.outcome == Routed.no_company:
        return t("qa_no_company", lang, contact=_contact(route, lang))
    if route.outcome == Routed.no_specialist:
        return t("qa_no_specialist", lang, company=escape(route.company_name), contact=_contact(route, lang))
    return t(done_key, lang, name=escape(route.specialist_name))


#: Asked of the open dialog: would one of its window's inputs take this message?
#: (dialogs.waiting.waits_for_text; the feature table hands it in, handlers import no dialog.)
WaitsForText = Callable[[DialogManager, Message], Awaitable[bool]]


def in_dialog(_message: Message, **data: Any) -> bool:
    """Filter: a dialog is open in this chat (aiogram-dialog's intent middleware put its
    context in the event's data)."""
    return data.get(CONTEXT_KEY) is not None


def question_in_dialog(waits_for_text: WaitsForText):  # noqa: ANN201
    """`question`, for a text typed while a dialog is open: skipped (left to the dialog)
    when the open window waits for text, answered as a question otherwise."""

    async def handler(message: Message, dialog_manager: DialogManager, actor: Actor, lang: str,
                      session: AsyncSession, commit: Commit, bot: Bot, ctx: Any) -> None:
        if await waits_for_text(dialog_manager, message):
            raise SkipHandler
        await question(message, actor, lang, session, commit, bot, ctx)

    return handler


# --------------------------------------------------------------------------- specialist side


def replies_to(find_thread: Callable[[AsyncSession, int, int], Awaitable[Thread | None]]):  # noqa: ANN201
    """A filter: a text reply to a message of the bot's in this user's chat that `find_thread`
    knows (a forwarded question, or a reminder about one), handing the thread on."""

    async def replies(message: Message, session: AsyncSession, actor: Actor | None) -> bool | dict[str, Any]:
        replied = message.reply_to_message
        if (actor is None or replied is None or not message.text or message.text.startswith("/")
                or replied.from_user is None or not replied.from_user.is_bot):
            return False
        thread = await find_thread(session, actor.telegram_id, replied.message_id)
        return {"thread": thread} if thread is not None else False

    return replies


replies_to_question = replies_to(find_thread_by_specialist_message)


async def relay_answer(message: Message, thread: Thread, actor: Actor, lang: str, session: AsyncSession,
                       commit: Commit, bot: Bot) -> None:
    text = message.text.strip()
    if await _too_long(message, lang, "qa_answer_too_long", text_length(text), MAX_ANSWER_CHARS):
        return
    relay = await record_answer(session, thread, text)
    await commit()
    key = "qa_relay_follow_up" if relay.follow_up else "qa_relay"
    try:
        await bot.send_message(relay.asker_telegram_id, t(
            key, relay.asker_language, answer=escape(relay.answer),
            name=escape(actor.full_name or str(actor.telegram_id)),
            question=escape(clip(relay.question, QUESTION_ECHO_LIMIT)),
        ))
    except TelegramAPIError as exc:
        log.warning("answer to question thread %s not delivered to the company: %s", thread.id, exc)
        await message.answer(t("qa_relay_undeliverable", lang))
        return
    done = "qa_follow_up_sent" if relay.follow_up else "qa_answer_sent"
    await message.answer(t(done, lang, company=escape(thread.company_name)))


# --------------------------------------------------------------------------- wiring


def build_sme() -> Router:
    """A fresh router per dispatcher, so a restarted bot in one process wires cleanly.

    Put it after the routers of dialogs and flows: it takes only texts sent outside
    any FSM state, but it takes all of those.
    """
    router = Router(name="questions")
    router.message.register(ask, Command("ask"))
    router.callback_query.register(change_pressed, ChangePress.filter())
    router.message.register(question, StateFilter(None), F.chat.type == "private", F.text,
                            ~F.text.startswith("/"), is_sme)
    return router


def build_sme_in_dialogs(waits_for_text: WaitsForText) -> Router:
    """An SME's text typed in an open dialog whose window does not wait for text is a
    question. Put it before the dialogs' routers (they take every message while open)."""
    router = Router(name="questions_in_dialogs")
    router.message.register(question_in_dialog(waits_for_text), F.chat.type == "private", F.text,
                            ~F.text.startswith("/"), is_sme, in_dialog)
    return router


def build_answers() -> Router:
    """Replies to forwarded questions, from whoever received them (see ``ANSWER_ROLES``).

    Put it before the dialogs' routers: an open dialog takes every message, a reply too."""
    router = Router(name="question_answers")
    router.message.register(relay_answer, F.text, replies_to_question)
    return router


#: Who may answer: the roles that can be a company's specialist. The filter admits only
#: the user a question was forwarded to, so this guards against nothing more than that.
ANSWER_ROLES = frozenset({Role.specialist, Role.supervisor, Role.admin})
