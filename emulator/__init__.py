"""Telegram Bot API emulator for end-to-end tests, benchmarks and the terminal demo.

    async with Emulator("123456:TEST", "ipbot") as emu:
        bot = Bot("123456:TEST", session=AiohttpSession(api=TelegramAPIServer.from_base(emu.url)))
"""

from .serving import Emulator, run_standalone
from .errors import ApiError
from .state import BotInfo, CallbackRecord, CallRecord, FakeUser, FileRecord, MessageRecord, Rejection

__all__ = [
    "ApiError",
    "BotInfo",
    "CallRecord",
    "CallbackRecord",
    "Emulator",
    "FakeUser",
    "FileRecord",
    "MessageRecord",
    "Rejection",
    "run_standalone",
]
