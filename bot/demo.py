"""`ipbot demo`: chat with the bot in a terminal, against the built-in Bot API emulator.

The bot runs exactly as in production (long polling over HTTP), only the
Telegram side is the emulator in this process. The terminal plays one person
at a time; `:as ROLE` switches who you are. Typing a number presses that button;
`'12` or `:text 12` sends it as text, `:reply` answers the bot's last message.

Several lines make one message: a line ending in a backslash goes on on the next line, and
`:ml` … `:end` sends everything between as one message (for pasting a visit note). A
terminal in canonical mode keeps at most 4,095 bytes of a line (1,365 Chinese characters)
and drops the rest without a word; the demo reads with readline when it can (no limit)
and otherwise refuses a line that long, saying it may have been cut and how to send long
text (`:textfile PATH`, or several lines). Button numbers belong to the newest message
with buttons: an update of an earlier message (the check-in QR, renewed every minute)
is shown, its buttons unnumbered, and the numbers still press what the person looks at.
"""

from __future__ import annotations

import asyncio
import logging
import re
import signal
import socket
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bot.demo_input import LineReader, line_limit
from bot.settings import Settings
from emulator import Emulator, FakeUser, MessageRecord
from services.demo_seed import PERSONAS, newest_update_id, seed_demo
from services.session import Database, unit_of_work

DEMO_TOKEN = "123456789:DEMO-ipbot-local-emulator-token"
DEMO_USERNAME = "ipbot_demo_bot"
DEMO_DB = Path("var/demo.db")
DOWNLOADS = Path("var/demo-downloads")
DEMO_LOG = Path("var/demo.log")
DEMO_IDS = Path("var/demo-message-ids")  # where the next run's message ids start


def _ids_file(db: Path) -> Path:
    """The message-id file that goes with a demo database (var/demo-message-ids for var/demo.db)."""
    return DEMO_IDS if db == DEMO_DB else Path(f"{db}-message-ids")
MESSAGE_ID_BLOCK = 100_000  # message ids one run may use per chat (int32 allows ~21,000 runs)
STRANGER = (9999, "陌生人")
ROLE_NAMES = {"specialist": "特派员", "sme": "企业用户", "supervisor": "主管", "admin": "管理员",
              "stranger": "陌生人，未受邀；粘贴邀请链接即可加入"}

log = logging.getLogger(__name__)
INVITE_LINK = re.compile(r"(?:https?://)?t\.me/[A-Za-z0-9_]{5,32}\?start=(?P<payload>[A-Za-z0-9_-]{1,64})")
Buttons = list[tuple[int, str, str]]  # (message_id, text, callback_data), numbered from 1
QUIT, SENT, LOCAL = "quit", "sent", "local"  # what an input line did
COMMANDS = ("quit", "q", "exit", "help", "who", "as", "lang", "text", "reply", "loc", "file", "wb")  # after ":"
TELEGRAM_TEXT_LIMIT = 4096  # characters in one message; longer text goes as several, as Telegram apps do
MULTILINE, MULTILINE_END = ":ml", ":end"
EDITED = "（已修改 edited）"  # an edit is shown again in full: Telegram changes the message in place

HELP = """\
终端演示：你扮演一位用户，和机器人私聊 / terminal demo: you are a user chatting with the bot
  文字、/start、/help、/check …  发给机器人 (send to the bot)
  1、2 …                按下最近一条消息上的按钮 [1]、[2] (press button [1], [2])
  '12  或  :text 12     把 12 作为文字发送，例如回答“有几件” (send 12 as text, not a press)
  :reply 文字           回复（引用）机器人的最后一条消息，例如特派员答复企业转来的问题
                        (reply to the bot's last message, e.g. answer a forwarded question)
  :as specialist | sme | supervisor | admin | stranger
                        换身份：特派员、企业用户、主管、管理员、陌生人 (switch persona)
  :lang en | zh         当前身份改用英文或中文（发送 /language en；陌生人则改 Telegram 语言）
                        (this persona speaks English or Chinese: sends /language en)
  https://t.me/…?start=…  粘贴邀请链接即打开它，例如主管 /invite 后 :as stranger (open an invite link)
  :who 我是谁 (who am I)   :loc 31.45 121.10 发送位置 (location)   :file 路径 发送文件 (file)
  多行 several lines:  行尾加 \\ 接着输入下一行；或 :ml 开始、:end 结束，中间各行作为一条消息发送
                        (a line ending in \\ continues; or :ml … :end sends the lines between as one message)
  :textfile 路径        把文件里的文字作为一条消息发送，适合很长的文字 (send a text file's content as a message)
  :wb                   当前身份的工作台地址（已按 Telegram 的方式签名，在浏览器中打开）
                        (the workbench address for this persona, signed as Telegram signs it: open it in a browser)
  :help 本说明 (this help)   :quit 退出 (quit)
"""


@dataclass
class Terminal:
    """What the person at the keyboard sees: one persona's chat, buttons numbered."""

    emu: Emulator
    persona: str = "specialist"
    seen: dict[int, int] = field(default_factory=dict)  # chat id -> number of records shown
    keyboards: dict[int, Buttons] = field(default_factory=dict)  # chat id -> the buttons numbered last
    announced: dict[int, int] = field(default_factory=dict)  # chat id -> output count already announced
    pending: list[str] | None = None  # the lines of a message still being typed (after "\\" or :ml)
    block: bool = False  # the pending lines are an :ml … :end block
    #: Each persona's Telegram language (`:lang`); "zh-hans" for one never switched.
    languages: dict[str, str] = field(default_factory=dict)
    #: Bytes a line may have before the terminal may have cut it (None: the reader keeps whole lines).
    cut_at: int | None = None
    #: The workbench page on loopback (web/app.py, served by the demo's bot), None when not served.
    workbench: str | None = None
    #: Whether the bot has finished everything sent to it (None: not known, wait for quiet instead).
    bot_idle: Callable[[], bool] | None = None

    def __post_init__(self) -> None:
        """The demo people have used the bot before (the database knows them): their chats exist."""
        for persona in PERSONAS:
            self.emu.open_chat(self._user_of(persona.key))

    @property
    def prompt(self) -> str:
        """"specialist> ", or "... " while a message of several lines is being typed."""
        return "... " if self.pending is not None else f"{self.persona}> "

    @property
    def user(self) -> FakeUser:
        return self._user_of(self.persona)

    @property
    def buttons(self) -> Buttons:
        return self.keyboards.setdefault(self.user.id, [])

    @buttons.setter
    def buttons(self, buttons: Buttons) -> None:
        self.keyboards[self.user.id] = buttons

    def _user_of(self, key: str) -> FakeUser:
        for p in PERSONAS:
            if p.key == key:
                return self.emu.user(p.telegram_id, first_name=p.first_name,
                                     language_code=self.languages.get(key, "zh-hans"))
        return self.emu.user(STRANGER[0], first_name=STRANGER[1], language_code=self.languages.get(key, "zh-hans"))

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

    def _print(self, record: MessageRecord) -> None:
        """One message or edit; an edit that changed only the buttons says just that."""
        previous = record.history[-1] if record.history else None
        if previous is not None and (previous.text, previous.caption) == (record.text, record.caption):
            change = "已更新 changed" if record.inline_keyboard else "已移除 removed"
            print(f"\n🤖 （「{_first_line(record, 24)}」的按钮{change}）")
        else:
            print(f"\n🤖 {EDITED if record.edited else ''}{self._body(record)}")
            if self.buttons and self.buttons[0][0] == record.message_id and not record.inline_keyboard:
                print("   （按钮已移除 buttons removed）")
        self._number_buttons(record)

    def _body(self, record: MessageRecord) -> str:
        text = record.text or record.caption or ""  # as Telegram shows it: markup already parsed away
        for file in (record.document, record.photo):
            if file is not None:  # saved where the person can open it
                DOWNLOADS.mkdir(parents=True, exist_ok=True)
                path = DOWNLOADS / Path(file.file_name or file.file_path).name
                path.write_bytes(file.data)
                text = f"{text}\n📎 {path}".strip()
        return text

    def _number_buttons(self, record: MessageRecord) -> None:
        """Number the callback buttons of this message: typing the number presses one.

        An edit of an earlier message (the check-in QR renewed every minute, a reminder
        updated) keeps the numbers where they are: they press the buttons the person is
        looking at, never the ones of a message that just happened to change.
        """
        if not record.inline_keyboard:
            if self.buttons and self.buttons[0][0] == record.message_id:
                self.buttons = []  # the message whose buttons were numbered lost them
            return
        if record.edited and self.buttons and self.buttons[0][0] != record.message_id:
            cells = ["[" + b["text"] + "]" for row in record.inline_keyboard for b in row]
            print("   " + "  ".join(cells))
            print("   （这是较早一条消息的更新，按钮不编号；编号仍按上面那条消息的按钮"
                  " — an update of an earlier message: its buttons are not numbered, the numbers stay）")
            return
        self.buttons = []
        for row in record.inline_keyboard:
            cells = []
            for button in row:
                if "callback_data" in button:
                    self.buttons.append((record.message_id, button["text"], button["callback_data"]))
                    cells.append(f"[{len(self.buttons)}] {button['text']}")
                else:
                    cells.append(f"[{button['text']}: {button.get('url', '')}]")
            print("   " + "  ".join(cells))
        if any(text.strip().isdigit() for _id, text, _data in self.buttons):
            print("   （输入编号按按钮：1 按下 [1]；要把数字作为文字发送，输入 '12 或 :text 12"
                  " — type a number to press; '12 sends 12 as text）")

    async def step(self, line: str) -> bool:
        """Act on one input line and show what the bot answered; False means quit.

        Whatever the emulator refuses (a message that no longer exists...) is said in
        one line and logged; the session goes on.
        """
        whole = self.gather(line)
        if whole is None:  # more lines of this message to come
            return True
        try:
            outcome = await self.handle(whole)
        except (LookupError, ValueError, TypeError) as error:
            log.warning("demo input %r refused: %s", line, error)
            print(f"（模拟器拒绝了这个操作 the emulator refused this: {error}）")
            return True
        except Exception:  # a defect of the demo itself: say where to look, keep the session
            log.exception("demo input %r failed", line)
            print(f"（演示程序出错，详见 {DEMO_LOG} — the demo failed on this line, see the log）")
            return True
        if outcome == SENT:
            await _settle(self)
            self.tell_others()
        return outcome != QUIT

    def gather(self, line: str) -> str | None:
        """The message once its last line is typed; None while more lines are to come.

        A line ending in a backslash goes on on the next line; `:ml` starts a block that
        `:end` sends as one message. A line as long as the terminal's limit may have been
        cut by the terminal: it is refused with how to send long text, nothing is sent.
        """
        if self.cut_at is not None and len(line.encode("utf-8")) >= self.cut_at:
            self.pending, self.block = None, False
            print(f"（这一行有 {len(line)} 字、{len(line.encode('utf-8'))} 字节，达到终端一行的上限 {self.cut_at} 字节："
                  "后面的内容可能已被终端丢掉，所以没有发送。长文字请分几行输入（行尾加 \\ 接续），"
                  "或存进文件后用 :textfile 路径 发送。"
                  f" — this line reached the terminal's limit of {self.cut_at} bytes and may have been cut;"
                  " nothing was sent. Type long text over several lines (end a line with \\) or use :textfile PATH）")
            return None
        if self.block:
            if line.strip() == MULTILINE_END:
                text, self.pending, self.block = "\n".join(self.pending or []), None, False
                return "'" + text if text.strip() else ""  # the block is text, even "12" or ":as"
            self.pending = [*(self.pending or []), line]
            return None
        if self.pending is None and line.strip() == MULTILINE:
            self.pending, self.block = [], True
            print("（多行消息：逐行输入，单独一行 :end 发送 — several lines: type them, :end on its own line sends）")
            return None
        if line.endswith("\\") and not line.endswith("\\\\"):
            self.pending = [*(self.pending or []), line[:-1]]
            return None
        if self.pending is not None:
            line, self.pending = "\n".join([*self.pending, line]), None
        return line

    async def handle(self, line: str) -> str:
        """Act on one input line: QUIT, SENT (something went to the bot) or LOCAL."""
        line = _half_width(line.strip())
        if not line:
            return LOCAL
        link = INVITE_LINK.fullmatch(line)
        if link:  # opening a deep link in Telegram sends /start with its payload
            print(f"（打开链接 = 发送 /start {link['payload']}  opening the link sends /start)")
            return await self._send(f"/start {link['payload']}")
        if line.startswith("'"):  # as in a spreadsheet: what follows is text, even "12" or ":as"
            return await self._send(line[1:])
        if line.startswith(":"):
            return await self._command(*line.partition(" ")[::2])
        if line.isdigit():
            return await self._press(int(line))
        return await self._send(line)

    async def _command(self, name: str, arg: str) -> str:
        arg = arg.strip()
        if name in (":quit", ":q", ":exit"):
            return QUIT
        if name == ":help":
            print(HELP)
        elif name == ":who":
            print(f"（{self.describe()}）")
        elif name == ":wb":
            self.print_workbench()
        elif name == ":as":
            self._switch(arg)
            await self.show_new()
        elif name == ":lang":
            return await self._language(arg)
        elif name == ":text":
            return await self._send(arg)
        elif name == ":reply":
            return await self._reply(arg)
        elif name == ":loc":
            try:
                latitude, longitude = (float(part) for part in arg.split())
            except ValueError:
                print("用法 usage: :loc 31.45 121.10")
                return LOCAL
            await self.emu.send_location(self.user, latitude, longitude)
            return SENT
        elif name == ":textfile":
            path = Path(arg).expanduser()
            try:
                text = path.read_text(encoding="utf-8").strip()
            except (OSError, UnicodeDecodeError) as error:
                print(f"读不了这个文字文件 cannot read this text file: {path} ({error.__class__.__name__})")
                return LOCAL
            return await self._send(text)
        elif name == ":file":
            path = Path(arg).expanduser()
            if not arg or not path.is_file():
                print(f"没有这个文件 no such file: {path}")
                return LOCAL
            await self.emu.send_document(self.user, path.name, path.read_bytes(), "application/octet-stream")
            return SENT
        else:
            print(f"没有演示命令 {name}，见 :help (no such demo command, see :help)")
        return LOCAL

    async def _send(self, text: str) -> str:
        """Send text as typed; longer than one Telegram message, as several, as Telegram apps do."""
        if not text:
            print("用法 usage: :text 12  或 or  '12")
            return LOCAL
        parts = [text[i:i + TELEGRAM_TEXT_LIMIT] for i in range(0, len(text), TELEGRAM_TEXT_LIMIT)]
        if len(parts) > 1:
            print(f"（这段文字有 {len(text)} 字，Telegram 一条消息最多 {TELEGRAM_TEXT_LIMIT} 字，分成 {len(parts)} 条发送"
                  f" — {len(text)} characters, sent as {len(parts)} messages of at most {TELEGRAM_TEXT_LIMIT}）")
        for part in parts:
            await self.emu.send_text(self.user, part)
        return SENT

    async def _reply(self, text: str) -> str:
        """Reply to (quote) the bot's newest message here, as Telegram's "Reply" does."""
        if not text:
            print("用法 usage: :reply 文字 (text)")
            return LOCAL
        target = next((m for m in reversed(self.emu.messages(self.user.id)) if not m.deleted), None)
        if target is None:
            print("机器人还没有发来消息，无从回复 (nothing from the bot to reply to yet)")
            return LOCAL
        print(f"↩ 回复 replying to: {_first_line(target)}")
        await self.emu.send_text(self.user, text, reply_to=target.message_id)
        return SENT

    def tell_others(self) -> bool:
        """Say which other persona got messages since last told (a forwarded question, an answer)."""
        told = False
        for persona in PERSONAS:
            chat = self.emu.bot_state().chats.get(persona.telegram_id)
            if persona.key == self.persona or chat is None:
                continue
            known = max(self.seen.get(chat.id, 0), self.announced.get(chat.id, 0))
            if len(chat.output) > known:
                unseen = len(chat.output) - self.seen.get(chat.id, 0)
                print(f"（{persona.key} {persona.first_name} 有 {unseen} 条新消息，:as {persona.key} 查看"
                      f" — new for {persona.key}）")
                self.announced[chat.id] = len(chat.output)
                told = True
        return told

    async def _press(self, number: int) -> str:
        """Press button [number] of the keyboard shown last, if the message still has it.

        The bot may have edited that message since (a dialog moved on, the buttons were
        removed); Telegram then no longer shows the button, so neither does the demo.
        """
        if not self.buttons:
            print(f"现在没有可按的按钮。要把数字作为文字发送，输入 '{number} 或 :text {number}"
                  f" (no buttons now; to send the number as text type '{number} or :text {number})")
            return LOCAL
        if not 1 <= number <= len(self.buttons):
            print(f"没有按钮 {number}，可按 1–{len(self.buttons)}；要把 {number} 作为文字发送，输入 '{number}"
                  f" (no such button; '{number} sends it as text)")
            return LOCAL
        message_id, text, data = self.buttons[number - 1]
        current = self.emu.message(self.user.id, message_id)
        if current.deleted or all(b.get("callback_data") != data for b in current.buttons()):
            self.buttons = []
            print(f"按钮 [{number}] {text} 已不在了：那条消息已被修改或删除。"
                  f"(button [{number}] is gone: the bot edited or deleted that message)")
            return LOCAL
        await self.emu.press(self.user, message_id, data)
        return SENT

    async def _language(self, code: str) -> str:
        """`:lang en|zh`: this persona's Telegram speaks that language, and an invited persona
        tells the bot so with /language (the bot keeps it); a stranger gets it on joining."""
        code = code.lower()
        if code not in ("en", "zh"):
            print("用法 usage: :lang en  或 or  :lang zh")
            return LOCAL
        self.languages[self.persona] = "en" if code == "en" else "zh-hans"
        if self.persona == "stranger":
            print("（陌生人的 Telegram 语言已改；粘贴邀请链接加入后机器人用这种语言 — the stranger's Telegram language "
                  "is set; after joining, the bot uses it）")
            return LOCAL
        return await self._send(f"/language {code}")

    def _switch(self, key: str) -> None:
        keys = [p.key for p in PERSONAS] + ["stranger"]
        if key not in keys:
            print(f"可选 choose: {', '.join(keys)}")
            return
        self.persona = key
        print(f"（{self.describe()}）")
        self.print_workbench()

    def workbench_address(self) -> str | None:
        """The workbench as this persona opens it from Telegram: initData signed with the demo's
        token, as Telegram signs it, in the address's fragment (valid for the max age, an hour)."""
        if self.workbench is None:
            return None
        from web.auth import telegram_address

        user = {"id": self.user.id, "first_name": self.user.first_name, "language_code": self.user.language_code}
        return telegram_address(self.workbench, DEMO_TOKEN, user, int(time.time()))

    def print_workbench(self) -> None:
        address = self.workbench_address()
        if address:
            print(f"（工作台 workbench, {self.persona}，一小时内有效 valid for an hour：{address}）")

    def describe(self) -> str:
        """Who you are now, e.g. "你现在是 李总（企业用户 sme）"."""
        return f"你现在是 {self.user.first_name}（{ROLE_NAMES[self.persona]} {self.persona}）"


def _half_width(line: str) -> str:
    """What a Chinese input method makes of the demo's own syntax: "：as sme", "‘12"."""
    if line[:1] == "：" and line[1:].split(" ", 1)[0] in COMMANDS:
        return ":" + line[1:]
    if line[:1] in "‘’＇" and line[1:].strip().isdigit():
        return "'" + line[1:]
    return line


def _first_line(record: MessageRecord, limit: int = 40) -> str:
    line = (record.text or record.caption or "").strip().split("\n", 1)[0]
    return line if len(line) <= limit else line[:limit] + "…"


async def _settle(terminal: Terminal, first_wait: float = 5.0, quiet: float = 0.25) -> None:
    """Show the bot's replies to the line just sent: until the bot has finished with it, or
    (where that is not known) until its first reply and a moment's quiet after it."""
    waited, quiet_for, shown_any = 0.0, 0.0, False
    while waited < first_wait and quiet_for < quiet:
        await asyncio.sleep(0.02)
        waited += 0.02
        finished = terminal.bot_idle is not None and terminal.bot_idle()  # asked first: then all is shown
        shown = await terminal.show_new()
        if finished:
            return
        shown_any = shown_any or bool(shown)
        quiet_for = 0.0 if shown or not shown_any else quiet_for + 0.02


@contextmanager
def _logging_to(path: Path) -> Iterator[None]:
    """Send every log record (the emulator's rejections, aiogram, the bot) to a file.

    The terminal is the chat: a warning printed between the bot's messages reads as
    if the bot had said it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    logging.captureWarnings(True)
    try:
        yield
    finally:
        logging.captureWarnings(False)
        root.handlers[:], level = saved
        root.setLevel(level)
        handler.close()


async def run_demo(settings: Settings, *, fresh: bool = False, db: Path | None = None) -> int:
    """The demo on ``db`` (an SQLite file; var/demo.db unless ``ipbot demo --db`` names
    another), never on DATABASE_URL: a demo must not write into a deployment's database."""
    with _logging_to(DEMO_LOG):
        return await _run_demo(settings, fresh=fresh, db=db or DEMO_DB)


async def _run_demo(settings: Settings, *, fresh: bool, db: Path) -> int:
    print(HELP)
    print("（正在启动机器人，几秒钟 starting the bot, a few seconds…）", flush=True)
    from bot.runners import polling  # aiogram takes most of the start-up: the help is read meanwhile

    if fresh:
        for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), _ids_file(db)):
            path.unlink(missing_ok=True)
    db.parent.mkdir(parents=True, exist_ok=True)
    url = f"sqlite+aiosqlite:///{db}"
    seeded, newest = await _prepare_database(url)
    emulator = Emulator(DEMO_TOKEN, username=DEMO_USERNAME,
                        first_update_id=newest + 1, first_message_id=_reserve_message_ids(_ids_file(db)))
    async with emulator as emu:
        log.info("demo emulator on %s (control API under %s/_emu/)", emu.url, emu.url)
        demo_settings = settings.model_copy(update={
            "telegram_bot_token": DEMO_TOKEN, "telegram_api_base": emu.url, "database_url": url, "webhook_url": None,
            "telegram_proxy": None, "health_port": None,  # the emulator is on loopback; a server's settings stay its own
            # the workbench on a free loopback port (web/app.py), opened with the address `:wb` prints
            "workbench_port": (port := _free_port()), "workbench_host": "127.0.0.1",
            "workbench_url": f"http://127.0.0.1:{port}/workbench",
        })
        async with polling(demo_settings, polling_timeout=1) as running:
            terminal = Terminal(emu, workbench=demo_settings.workbench_url,
                                bot_idle=lambda: not emu.pending_updates() and running.intake.idle)
            data = "新建，已填入演示数据 new, seeded" if seeded else "沿用上次的数据 kept from last time (--fresh starts over)"
            print(f"（数据库 {db}：{data}；日志 log: {DEMO_LOG}；机器人 bot: @{DEMO_USERNAME}）")
            print(f"（{terminal.describe()}；:help 查看用法）")
            terminal.print_workbench()
            await _chat(terminal)
    return 0


async def _chat(terminal: Terminal) -> None:
    """Read lines until :quit, end of input or Ctrl-C.

    At a keyboard, what the bot sends while you type (a late answer, a message for
    another persona) is shown as it comes; from a pipe every line waits for its answers,
    so a script's transcript reads in order.
    """
    interactive = sys.stdin.isatty()
    terminal.cut_at = line_limit(interactive)
    loop = asyncio.get_running_loop()
    interrupted = asyncio.Event()
    loop.add_signal_handler(signal.SIGINT, interrupted.set)
    lines = LineReader(loop)
    try:
        while True:
            prompt = terminal.prompt
            reader = lines.read(prompt if interactive else "")
            stop = asyncio.ensure_future(interrupted.wait())
            while not reader.done() and not stop.done():
                await asyncio.wait({reader, stop}, timeout=0.3 if interactive else None,
                                   return_when=asyncio.FIRST_COMPLETED)
                if interactive and not reader.done() and not stop.done():
                    shown = await terminal.show_new()
                    if terminal.tell_others() or shown:
                        print(prompt, end="", flush=True)
            stop.cancel()
            if interrupted.is_set():
                print("\n（再见 bye）")
                return
            try:
                line = reader.result()
            except EOFError:
                return
            if not interactive:
                print(f"{prompt}{line}")
            if not await terminal.step(line):
                return
    finally:
        loop.remove_signal_handler(signal.SIGINT)


async def _prepare_database(url: str) -> tuple[bool, int]:
    """Migrate, seed a new database; return (seeded, the newest update id it has seen)."""
    db = Database(url)
    try:
        await db.upgrade()
        async with unit_of_work(db) as session:
            seeded = await seed_demo(session)
            newest = await newest_update_id(session)
    finally:
        await db.close()
    return seeded, newest


def _free_port() -> int:
    """A loopback port free right now (the workbench binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _reserve_message_ids(path: Path, block: int = MESSAGE_ID_BLOCK) -> int:
    """The first message id of this run, above every id an earlier run could have used.

    Telegram never reuses a message id in a chat, and the bot keeps some (the
    forwarded question a specialist replies to), so a new run must not start at 1
    again. The block is written before the run starts, so a killed run leaves none
    of its ids to the next; a run makes far fewer than `block` messages per chat.
    """
    try:
        first = int(path.read_text().strip())
    except (FileNotFoundError, ValueError):
        first = 1
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{first + block}\n")
    return first
