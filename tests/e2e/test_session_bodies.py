"""The bot's HTTP session (bot.session): calls go as JSON, uploads as multipart, and nothing
is lost or mangled on the way, against the emulator over real HTTP."""

from __future__ import annotations

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup

from bot.session import make_session

TOKEN = "424242:TEST-token-for-the-emulator-only"  # the emu fixture's token (tests/e2e/conftest.py)

AWKWARD = "专利+商标 & 版权=100%20 「测试」 😀\n第二行 &lt;b&gt;不是粗体&lt;/b&gt; <b>粗体</b>"


async def test_text_keyboard_edit_and_file_arrive_as_sent(emu):
    user = emu.user(81000, first_name="会话")
    await emu.send_text(user, "/start")  # the chat exists once the user wrote to the bot
    bot = Bot(TOKEN, session=make_session(TelegramAPIServer.from_base(emu.url)),
              default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    try:
        keyboard = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="保存 ✅", callback_data="v:1:保存")]])
        sent = await bot.send_message(user.id, AWKWARD, reply_markup=keyboard, disable_notification=False)
        shown = emu.message(user.id, sent.message_id)
        assert shown.text == "专利+商标 & 版权=100%20 「测试」 😀\n第二行 <b>不是粗体</b> 粗体"
        assert [b["callback_data"] for b in shown.buttons()] == ["v:1:保存"]
        assert sent.text == shown.text  # the reply parsed back into aiogram's Message

        await bot.edit_message_text("改好了 +&=", chat_id=user.id, message_id=sent.message_id, reply_markup=None)
        assert emu.message(user.id, sent.message_id).text == "改好了 +&="

        workbook = b"PK\x03\x04" + bytes(range(256)) * 4  # binary, as an .xlsx is
        doc = await bot.send_document(user.id, BufferedInputFile(workbook, filename="苏州市_2026-W47_走访.xlsx"),
                                      caption="第 47 周 & 花名册")
        record = emu.message(user.id, doc.message_id)
        assert record.caption == "第 47 周 & 花名册"
        assert record.document.file_name == "苏州市_2026-W47_走访.xlsx"
        assert record.document.data == workbook
    finally:
        await bot.session.close()
    assert emu.rejected == []
