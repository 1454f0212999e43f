"""bot.middlewares.CleanText: every incoming text and caption through the gate's base, before any handler.

Checked on a real aiogram Dispatcher with a real aiogram-dialog MessageInput (aiogram-dialog's
test tools stand in for Telegram), so what a dialog reads is what the middleware passed on.
"""

from __future__ import annotations

from datetime import datetime, timezone

from aiogram import Dispatcher, F, Router
from aiogram.filters import Command
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.types import Chat, Message, MessageEntity, Update, User
from aiogram_dialog import Dialog, DialogManager, StartMode, Window, setup_dialogs
from aiogram_dialog.test_tools import BotClient, MockMessageManager
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.text import Const

from bot.middlewares import CleanText, cleaned_message

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=timezone.utc)
CHAT = Chat(id=1, type="private")
USER = User(id=1, is_bot=False, first_name="王")


def _message(text: str | None = None, entities=None, **extra) -> Message:
    return Message(message_id=1, date=NOW, chat=CHAT, from_user=USER, text=text, entities=entities, **extra)


def _utf16_slice(text: str, entity: MessageEntity) -> str:
    raw = text.encode("utf-16-le")
    return raw[2 * entity.offset: 2 * (entity.offset + entity.length)].decode("utf-16-le")


def test_a_clean_message_is_passed_on_as_it_is():
    message = _message("请帮我查一下首件发明专利的补贴条件 👨\u200d👩\u200d👧\n第二行")
    assert cleaned_message(message) is message  # nothing copied on the common path


def test_entities_still_cover_the_same_words_after_cleaning():
    text = "/start\u202e abc\x00 😀 粗体\u200b字 end"
    bold_at = len("/start\u202e abc\x00 😀 ".encode("utf-16-le")) // 2
    entities = [MessageEntity(type="bot_command", offset=0, length=6),
                MessageEntity(type="bold", offset=bold_at, length=4),
                MessageEntity(type="italic", offset=6, length=1)]  # covers only the override: dropped
    cleaned = cleaned_message(_message(text, entities))
    assert cleaned.text == "/start abc 😀 粗体\u200b字 end"  # the base keeps zero-width characters
    assert [(e.type, _utf16_slice(cleaned.text, e)) for e in cleaned.entities] == [
        ("bot_command", "/start"), ("bold", "粗体\u200b字")]


def test_a_caption_is_cleaned_too():
    message = _message(caption="照片\x00说明\u202e", photo=None)
    assert cleaned_message(message).caption == "照片说明"


class AskSG(StatesGroup):
    ask = State()


async def test_dialog_message_inputs_and_handlers_read_the_cleaned_text():
    seen: list[str] = []

    async def on_text(message: Message, _widget, _manager: DialogManager) -> None:
        seen.append(message.text)

    router = Router()

    @router.message(Command("go"))
    async def go(_message: Message, dialog_manager: DialogManager) -> None:
        await dialog_manager.start(AskSG.ask, mode=StartMode.RESET_STACK)

    @router.edited_message(F.text)
    async def edited(message: Message) -> None:
        seen.append("edited:" + message.text)

    dp = Dispatcher(storage=MemoryStorage())
    dp.update.outer_middleware(CleanText())
    dp.include_router(router)
    dp.include_router(Dialog(Window(Const("企业名称？"), MessageInput(on_text), state=AskSG.ask)))
    setup_dialogs(dp, message_manager=MockMessageManager())
    client = BotClient(dp)
    await client.send("/go")
    await client.send("太仓\x00精工\u202e机械\r\n有限公司\u2066")
    assert seen == ["太仓精工机械\n有限公司"]
    edited_update = Update(update_id=99, edited_message=_message("改\x00过\u202e", edit_date=int(NOW.timestamp())))
    await dp.feed_update(client.bot, edited_update)
    assert seen[-1] == "edited:改过"
