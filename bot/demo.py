"""`ipbot demo`: chat with the bot in a terminal, against the built-in Bot API emulator.

The bot runs exactly as in production (long polling over HTTP), only the
Telegram side is the emulator in this process. The terminal plays one person
at a time; `:as ROLE` switches who you are. Typing a number presses that button.
"""

from __future__ import annotations

import asyncio
import html
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from bot.runners import polling
from bot.settings import Settings
from emulator import Emulator
from services.demo_seed import PERSONAS, seed_demo
from services.session import Database, unit_of_work

DEMO_TOKEN = "123456789:DEMO-ipbot-local-emulator-token"
DEMO_USERNAME = "ipbot_demo_bot"
DEMO_DB = Path("var/demo.db")
DOWNLOADS = Path("var/demo-downloads")
STRANGER = (9999, "陌生人")

HELP = """\
终端演示 / terminal demo
  任意文字或 /命令      发给机器人 (send to the bot)
  1, 2, …               按下上一条消息的按钮 (press a button)
  :as specialist|sme|supervisor|admin|stranger   切换身份 (switch persona)
  :who                  当前身份 (current persona)
  :loc 31.45 121.10     发送位置 (share a location)
  :file PATH            发送文件 (send a file)
  :help                 本说明   :quit 退出
"""


@dataclass
class Terminal:
    """What the person at the keyboard sees: one persona's chat, buttons numbered."""

    emu: Emulator
    persona: str = "specialist"
    seen: dict[int, int] = field(default_factory=dict)  # chat id -> number of records shown
    buttons: list[tuple[int, str, str]] = field(default_factory=list)  # (message_id, text, callback_data)

    @property
    def user(self):  # noqa: ANN201
        for p in PERSONAS:
            if p.key == self.persona:
                return self.emu.user(p.telegram_id, first_name=p.first_name, language_code="zh-hans")
        return self.emu.user(STRANGER[0], first_name=STRANGER[1], language_code="zh-hans")

    async def show_new(self) -> int:
        """Print the bot's messages and edits in this chat not shown yet; return how many."""
        chat_id = self.user.id
        try:
            records = await self.emu.outputs(chat_id, after=self.seen.get(chat_id, 0))
        except LookupError:  # this persona has not written to the bot yet
            return 0
        for record in records:
            self._print(record)
        self.seen[chat_id] = self.seen.get(chat_id, 0) + len(records)
        return len(records)

    def _print(self, record) -> None:  # noqa: ANN001
        text = _plain(record.text or "")
        if record.document:
            DOWNLOADS.mkdir(parents=True, exist_ok=True)
            path = DOWNLOADS / Path(record.document.file_name).name
            path.write_bytes(record.document.data)
            text = f"{text}\n📎 {path}".strip()
        print(f"\n🤖 {'(edited) ' if record.edited else ''}{text}")
        rows = record.inline_keyboard
        if rows:
            self.buttons = []
            for row in rows:
                cells = []
                for button in row:
                    if "callback_data" in button:
                        self.buttons.append((record.message_id, button["text"], button["callback_data"]))
                        cells.append(f"[{len(self.buttons)}] {button['text']}")
                    else:
                        cells.append(f"[{button['text']}: {button.get('url', '')}]")
                print("   " + "  ".join(cells))

    async def handle(self, line: str) -> bool:
        """Act on one input line; False means quit."""
        line = line.strip()
        if not line:
            return True
        if line in (":quit", ":q", ":exit"):
            return False
        if line == ":help":
            print(HELP)
        elif line == ":who":
            print(f"(you are {self.persona})")
        elif line.startswith(":as "):
            self._switch(line[4:].strip())
        elif line.startswith(":loc"):
            parts = line.split()
            try:
                await self.emu.send_location(self.user, float(parts[1]), float(parts[2]))
            except (IndexError, ValueError):
                print("用法 usage: :loc 31.45 121.10")
        elif line.startswith(":file "):
            path = Path(line[6:].strip()).expanduser()
            if not path.is_file():
                print(f"没有这个文件 no such file: {path}")
            else:
                await self.emu.send_document(self.user, path.name, path.read_bytes(), "application/octet-stream")
        elif line.isdigit() and self.buttons:
            index = int(line) - 1
            if 0 <= index < len(self.buttons):
                message_id, _text, data = self.buttons[index]
                await self.emu.press(self.user, message_id, data)
            else:
                print(f"没有按钮 {line} (no such button)")
        else:
            await self.emu.send_text(self.user, line)
        return True

    def _switch(self, key: str) -> None:
        keys = [p.key for p in PERSONAS] + ["stranger"]
        if key not in keys:
            print(f"可选 choose: {', '.join(keys)}")
            return
        self.persona, self.buttons = key, []
        print(f"(you are now {key})")


def _plain(text: str) -> str:
    """Telegram HTML to terminal text."""
    return html.unescape(re.sub(r"</?(b|strong|i|em|u|ins|s|strike|del|code|pre|tg-spoiler|blockquote)[^>]*>|</?a[^>]*>",
                                "", text))


async def _settle(terminal: Terminal, first_wait: float = 5.0, quiet: float = 0.4) -> None:
    """Wait for the bot's reply, then until it has been quiet for a moment."""
    waited, shown_any = 0.0, False
    while waited < first_wait:
        await asyncio.sleep(0.05)
        waited += 0.05
        if await terminal.show_new():
            shown_any = True
            break
    if not shown_any:
        return
    idle = 0.0
    while idle < quiet:
        await asyncio.sleep(0.05)
        idle = 0.0 if await terminal.show_new() else idle + 0.05


async def run_demo(settings: Settings, *, fresh: bool = False) -> int:
    if fresh and DEMO_DB.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{DEMO_DB}{suffix}").unlink(missing_ok=True)
    url = f"sqlite+aiosqlite:///{DEMO_DB}"
    db = Database(url)
    await db.upgrade()
    async with unit_of_work(db) as session:
        await seed_demo(session)
    await db.close()

    async with Emulator(DEMO_TOKEN, username=DEMO_USERNAME) as emu:
        base = await emu.start()
        demo_settings = settings.model_copy(update={
            "telegram_bot_token": DEMO_TOKEN, "telegram_api_base": base, "database_url": url, "webhook_url": None,
        })
        async with polling(demo_settings, polling_timeout=1):
            terminal = Terminal(emu)
            print(HELP)
            print(f"(you are {terminal.persona}; the bot is @{DEMO_USERNAME})")
            interactive = sys.stdin.isatty()
            while True:
                try:
                    line = await asyncio.to_thread(input, f"{terminal.persona}> " if interactive else "")
                except EOFError:
                    break
                if not interactive:
                    print(f"{terminal.persona}> {line}")
                if not await terminal.handle(line):
                    break
                await _settle(terminal)
    return 0
