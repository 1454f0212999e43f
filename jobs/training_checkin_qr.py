"""Every minute, replace each open check-in QR message with the new minute's code.

The organiser opens the display from the session's card (dialogs/training); from then on
this job sends the next QR code and deletes the previous one each minute, until the
organiser ends it or 30 minutes after the session (services.training.DISPLAY_AFTER_END).
Each replacement is claimed under (job, "<session>:<minute>", chat), so two processes or
a made-up run never send two codes for one minute.
"""

from __future__ import annotations

import logging
from datetime import datetime

from aiogram.exceptions import TelegramAPIError
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup

from jobs.spec import JobSpec
from locales import t
from locales.format import escape
from services import runs
from services import training as tr
from services.context import AppContext
from services.training_qr import END_PREFIX, NEXT_PREFIX, checkin_link, qr_png

log = logging.getLogger(__name__)

NAME = "training_checkin_qr"


async def run(ctx: AppContext, due: datetime) -> None:
    now = ctx.now()
    async with ctx.db.sessions() as session:
        displays = await tr.open_displays(session, now)
        if not displays:
            return
        username = (await ctx.bot.me()).username
        for training in displays:
            period = f"{training.id}:{tr.checkin_window(now)}"
            if not await runs.claim(session, NAME, period, str(training.checkin_chat_id)):
                continue
            lang = await tr.organiser_language(session, training)
            outcome = await _replace(ctx, training, username, lang, now)
            session.add(training)
            await session.commit()
            await runs.finish(session, NAME, period, str(training.checkin_chat_id), outcome)


async def _replace(ctx: AppContext, training: tr.Training, username: str, lang: str, now: datetime) -> str:
    token = tr.checkin_token(training, now)
    keyboard = InlineKeyboardMarkup(inline_keyboard=[[
        InlineKeyboardButton(text=t("tr_b_qr_next", lang), callback_data=f"{NEXT_PREFIX}:{training.id}"),
        InlineKeyboardButton(text=t("tr_b_qr_end", lang), callback_data=f"{END_PREFIX}:{training.id}")]])
    caption = t("tr_qr_caption", lang, title=escape(training.title), code=token.code,
                until=token.valid_until.astimezone(ctx.tz).strftime("%H:%M:%S"))
    try:
        sent = await ctx.bot.send_photo(training.checkin_chat_id, BufferedInputFile(
            qr_png(checkin_link(username, token.payload)), "checkin.png"), caption=caption, reply_markup=keyboard)
    except TelegramAPIError as exc:
        training.checkin_until = None  # the chat is gone (blocked, deleted): stop rotating
        return f"failed: {type(exc).__name__}"
    old, training.checkin_message_id = training.checkin_message_id, sent.message_id
    if old is not None:
        try:
            await ctx.bot.delete_message(training.checkin_chat_id, old)
        except TelegramAPIError:
            log.info("old check-in QR message of session %s was already gone", training.id)
    return "sent"


SPEC = JobSpec(NAME, run, cron={"minute": "*"})
