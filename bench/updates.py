"""Benchmark: updates per second through the Telegram Bot API emulator, ipbot vs a bare aiogram bot.

N simulated users (closed loops: send, wait for the bot's reply, send the next one) drive
the bot through the emulator in this process; the bot under test runs in a child process,
started exactly as in production (`ipbot run`: long polling, SQLite, migrations at start).
In the same run the same sequence of updates goes to bench/bare_echo.py, a bare aiogram 3
bot with the same polling settings, as the yardstick. Prints updates/s and latency (from
injecting the update to the first bot output in that chat) for both, and the ratio.

The last line is machine-readable (p50/p99 are ipbot's):

    {"bench": "updates", "ipbot_per_s": x, "bare_per_s": y, "ratio": x/y, "p50_ms": a, "p99_ms": b}

Goal: ipbot keeps at least 60% of the bare bot's throughput.

    .venv/bin/python bench/updates.py                 # 50 users x 40 updates, both bots
    .venv/bin/python bench/updates.py --quick         # smoke test
    .venv/bin/python bench/updates.py --only ipbot --profile-dir /tmp/prof   # cProfile the child
    .venv/bin/python bench/updates.py --pinned-yardstick   # the bare bot without aiogram's class rebuilds

Exit status: 0 when every update got the expected reply and the emulator rejected nothing,
1 otherwise (whether the 60% goal is met does not change the exit status).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from emulator import BotInfo, Emulator, FakeUser  # noqa: E402

GOAL = 0.60
IPBOT_TOKEN = "424201:BENCH-ipbot-token-for-the-emulator-only"
BARE_TOKEN = "424202:BENCH-bare-token-for-the-emulator-only"
IPBOT_USERNAME = "ipbot_bench_bot"
BARE_USERNAME = "bare_echo_bench_bot"
REGION = "320585"
FIRST_USER_ID = 910_000
START_TIMEOUT = 60.0  # child start-up (imports, migrations, setMyCommands) until it polls
WARMUP_TIMEOUT = 30.0
REPLY_TIMEOUT = 10.0  # per update in the measured window
STOP_TIMEOUT = 10.0  # SIGTERM -> SIGKILL
PROFILED_CHILD = "--profiled-child"  # internal: updates.py as the wrapper of a profiled bot
_CHILDREN: list[Child] = []  # every child started, for the last-resort kill in main()

# What simulated people write. Any reply to these counts (except ipbot's failure sentences):
# what ipbot does with free text changes as features land.
VISIT_NOTES = [
    "今天走访了太仓精工",
    "下午去昆山模具厂了解专利布局，企业有三件发明在审",
    "企业反映商标被抢注，需要跟进",
    "明天上午十点约了苏州新材料公司的研发负责人",
    "已提醒企业按时缴纳年费",
]
POLICY_QUESTIONS = [
    "首件发明专利有补贴吗？",
    "高价值专利培育项目怎么申报？",
    "PCT 国际申请有资助吗",
    "知识产权贯标认证能补多少钱？",
]
ROLE_SHARES = (("supervisor", 0.10), ("sme", 0.20))  # the rest are specialists
# ipbot replies that mean the update failed or was refused.
FAILURE_KEYS = ("error_generic", "denied", "denied_callback", "unknown_user", "stale_button")


@dataclass(frozen=True, slots=True)
class Step:
    """One update a user sends: a text, or a press of the button the previous /invite brought."""

    kind: str  # help, whoami, note, policy, cancel, invite, press
    text: str | None = None


@dataclass
class Sim:
    """A simulated person: their Telegram user, role and the updates they will send."""

    user: FakeUser
    role: str
    steps: list[Step]
    uscc: str | None = None


@dataclass
class Result:
    bot: str
    users: int = 0
    planned: int = 0
    completed: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    timeouts: int = 0
    wrong: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    bench_cpu_s: float = 0.0
    child_cpu_s: float | None = None
    child_thread_cpu_s: float | None = None  # of which threads other than the event loop's
    calls: Counter = field(default_factory=Counter)
    profile: Path | None = None

    @property
    def errors(self) -> int:
        return self.timeouts + len(self.wrong) + len(self.rejected)

    @property
    def per_s(self) -> float:
        return self.completed / self.seconds if self.seconds > 0 else 0.0

    def pct(self, p: float) -> float | None:
        return percentile(self.latencies_ms, p)


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1))]


# --- the workload ---------------------------------------------------------------------


def make_uscc(i: int) -> str:
    from stdnum.cn import uscc

    body = f"91{REGION}MA{i:07d}"
    return body + uscc.calc_check_digit(body)


def plan(users: int, updates_per_user: int, seed: int) -> list[Sim]:
    """Roles 70% specialists / 20% SMEs / 10% supervisors, each with a realistic sequence."""
    rnd = random.Random(seed)
    n_sup = max(1, round(users * ROLE_SHARES[0][1])) if users >= 3 else 0
    n_sme = max(1, round(users * ROLE_SHARES[1][1])) if users >= 2 else 0
    roles = ["supervisor"] * n_sup + ["sme"] * n_sme
    roles += ["specialist"] * (users - len(roles))
    rnd.shuffle(roles)
    sims = []
    for i, role in enumerate(roles):
        user = FakeUser(FIRST_USER_ID + i, first_name=f"压测{role}{i:03d}", language_code="zh-hans")
        sims.append(Sim(user, role, _steps(role, updates_per_user, rnd), make_uscc(i) if role == "sme" else None))
    return sims


def _steps(role: str, count: int, rnd: random.Random) -> list[Step]:
    weights = {
        "specialist": [("note", 45), ("help", 20), ("whoami", 20), ("cancel", 15)],
        "sme": [("policy", 45), ("help", 20), ("whoami", 25), ("cancel", 10)],
        "supervisor": [("invite", 35), ("help", 20), ("whoami", 20), ("note", 15), ("cancel", 10)],
    }[role]
    kinds, w = zip(*weights)
    steps: list[Step] = []
    while len(steps) < count:
        kind = rnd.choices(kinds, w)[0]
        if kind == "invite":
            if count - len(steps) < 2:
                continue
            steps += [Step("invite", "/invite"), Step("press")]
        elif kind == "note":
            steps.append(Step("note", rnd.choice(VISIT_NOTES)))
        elif kind == "policy":
            steps.append(Step("policy", rnd.choice(POLICY_QUESTIONS)))
        else:
            steps.append(Step(kind, f"/{kind}"))
    return steps


@dataclass(frozen=True)
class Target:
    """A bot under test: how to start it and what its replies look like."""

    name: str
    token: str
    argv: list[str]
    # kind -> (number of outputs the update causes, a fragment the last output contains)
    expect: dict[str, tuple[int, str | None]]
    failures: tuple[str, ...] = ()  # a reply containing one of these is an error


def ipbot_target() -> Target:
    from locales import t

    ipbot = ROOT / ".venv" / "bin" / "ipbot"
    argv = [str(ipbot), "run"] if ipbot.exists() else [sys.executable, "-m", "bot.cli", "run"]
    # Fragments of the replies as the locale files word them; free text and SMEs' questions
    # accept any reply (the features behind them change), except the failures in FAILURE_KEYS.
    return Target("ipbot", IPBOT_TOKEN, argv, {
        "help": (1, _fragment(t("help_header", "zh", role=""))),
        "whoami": (1, _fragment(t("whoami", "zh"))),
        "note": (1, None),
        "policy": (1, None),
        "cancel": (1, t("nothing_to_cancel", "zh")),
        "invite": (1, t("invite_pick_role", "zh")),
        "press": (2, f"t.me/{IPBOT_USERNAME}?start="),  # the edit removing the buttons, then the link
    }, failures=tuple(_fragment(t(key, "zh")) for key in FAILURE_KEYS))


def _fragment(text: str) -> str:
    """The longest plain stretch of a locale string (no tags, placeholders or line breaks)."""
    import re

    return max(re.split(r"<[^>]*>|\{[^}]*\}|\n", text), key=len).strip()


def bare_target() -> Target:
    return Target("bare", BARE_TOKEN, [sys.executable, str(ROOT / "bench" / "bare_echo.py")], {
        "help": (1, "/help"),
        "whoami": (1, "/whoami"),
        "note": (1, None),
        "policy": (1, None),
        "cancel": (1, "/cancel"),
        "invite": (1, "Pick:"),
        "press": (1, "pressed"),
    })


# --- the child process ----------------------------------------------------------------


class Child:
    """The bot under test in its own process (own session: Ctrl-C reaches only the bench)."""

    def __init__(self, target: Target, api_base: str, workdir: Path, database_url: str,
                 profile_dir: Path | None) -> None:
        argv = list(target.argv)
        self.profile_path: Path | None = None
        if profile_dir is not None:
            # The same bot, started through profiled_child() below: cProfile only between
            # SIGUSR1 and SIGUSR2, which the bench sends at the start and end of the window.
            profile_dir.mkdir(parents=True, exist_ok=True)
            self.profile_path = profile_dir / f"{target.name}.prof"
            self.profile_path.unlink(missing_ok=True)
            self.profile_path.with_suffix(".done").unlink(missing_ok=True)
            argv = [sys.executable, str(Path(__file__).resolve()), PROFILED_CHILD, str(self.profile_path), target.name]
        env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "WEBHOOK_URL", "WEBHOOK_SECRET")}
        env.update(
            TELEGRAM_BOT_TOKEN=target.token, TELEGRAM_API_BASE=api_base, DATABASE_URL=database_url,
            ADMIN_TELEGRAM_IDS="", PYTHONUNBUFFERED="1",
            PYTHONPATH=os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH")))),
        )
        self.name = target.name
        self.log_path = workdir / f"{target.name}.log"
        self._log = self.log_path.open("wb")
        # cwd is the temp dir, so no stray .env file changes the settings.
        self.proc = subprocess.Popen(argv, cwd=workdir, env=env, stdin=subprocess.DEVNULL, stdout=self._log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        _CHILDREN.append(self)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def profile(self, on: bool) -> None:
        if self.profile_path is not None and self.alive():
            self.proc.send_signal(signal.SIGUSR1 if on else signal.SIGUSR2)

    async def wait_profile(self, timeout: float = 15.0) -> Path | None:
        """The profile file, once the child has written it."""
        if self.profile_path is None:
            return None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.alive():
            if self.profile_path.exists() and self.profile_path.with_suffix(".done").exists():
                return self.profile_path
            await asyncio.sleep(0.1)
        return self.profile_path if self.profile_path.exists() else None

    def cpu_seconds(self) -> tuple[float, float] | None:
        """(all threads, threads other than the main one): user + system CPU seconds so far
        (Linux /proc; threads that ended are only in the total); None if unavailable."""
        try:
            total = _stat_cpu(Path(f"/proc/{self.proc.pid}/stat"))
            others = sum(_stat_cpu(task / "stat") for task in Path(f"/proc/{self.proc.pid}/task").iterdir()
                         if task.name != str(self.proc.pid))
            return total, others
        except (OSError, ValueError, IndexError):
            return None

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    async def stop(self) -> None:
        """SIGTERM (the bot stops polling and exits), SIGKILL if it does not within STOP_TIMEOUT."""
        try:
            if self.alive():
                self.proc.send_signal(signal.SIGTERM)
                deadline = time.monotonic() + STOP_TIMEOUT
                while self.alive() and time.monotonic() < deadline:
                    await asyncio.sleep(0.05)
                if self.alive():
                    print(f"  {self.name}: no exit {STOP_TIMEOUT:.0f}s after SIGTERM; killing it", file=sys.stderr)
                    self.proc.kill()
                    self.proc.wait(timeout=5)
        finally:
            self._log.close()

    def kill_now(self) -> None:
        """Last resort from synchronous code (the event loop is gone)."""
        if self.alive():
            self.proc.kill()
            self.proc.wait(timeout=5)
        if not self._log.closed:
            self._log.close()


def _stat_cpu(stat: Path) -> float:
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def wait_polling(emu: Emulator, child: Child, token: str) -> None:
    """Until the child's first getUpdates reached the emulator (begin_poll bumps the generation)."""
    queue = emu.bot_state(token).queue
    deadline = time.monotonic() + START_TIMEOUT
    while queue.poll_generation == 0:
        if not child.alive():
            raise RuntimeError(f"{child.name} exited with {child.proc.returncode} before polling:\n{child.log_tail()}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{child.name} did not poll within {START_TIMEOUT:.0f}s:\n{child.log_tail()}")
        await asyncio.sleep(0.05)


# --- the simulated users --------------------------------------------------------------


async def converse(emu: Emulator, token: str, user: FakeUser, send, count: int, timeout: float):
    """Inject one update, wait for `count` outputs in the user's chat; (latency to the first, outputs)."""
    position = len(await emu.outputs(user.id, token=token)) if user.id in emu.bot_state(token).chats else 0
    started = time.perf_counter()
    await send()
    deadline = started + timeout
    got: list = []
    first_at = None
    while len(got) < count:
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            break
        new = await emu.outputs(user.id, after=position + len(got), timeout=remaining, token=token)
        if new and first_at is None:
            first_at = time.perf_counter()
        got.extend(new)
    latency = None if first_at is None or len(got) < count else (first_at - started) * 1000
    return latency, got


async def warm_up(emu: Emulator, target: Target, sims: list[Sim], tokens: dict[int, str]) -> None:
    """Not measured. ipbot: every user redeems an invite with /start <token>; bare: every user
    says /start. Then, to both, every user sends /help and every SME a question, so what a
    bot builds lazily on first use (ipbot's policy search index) is built before the window."""
    limit = asyncio.Semaphore(10)

    async def say(sim: Sim, text: str, want: str | None) -> None:
        async def send() -> None:
            await emu.send_text(sim.user, text, token=target.token)

        latency, got = await converse(emu, target.token, sim.user, send, 1, WARMUP_TIMEOUT)
        bad = latency is None or any(f in (r.text or "") for r in got for f in target.failures)
        if bad or (want is not None and want not in (got[-1].text or "")):
            seen = [r.summary() for r in got] or "nothing"
            raise RuntimeError(f"{target.name} warm-up failed for user {sim.user.id} at {text!r}: got {seen}")

    async def one(sim: Sim) -> None:
        async with limit:
            if target.name == "ipbot":
                await say(sim, f"/start {tokens[sim.user.id]}", "欢迎")
            else:
                await say(sim, "/start", "/start")
            await say(sim, "/help", target.expect["help"][1])
            if sim.role == "sme":
                await say(sim, POLICY_QUESTIONS[0], target.expect["policy"][1])

    await asyncio.gather(*(one(sim) for sim in sims))


async def drive(emu: Emulator, target: Target, sim: Sim, stop_at: float, result: Result) -> None:
    """One closed loop; stops after its steps, at stop_at, or at its first timeout (it is out of step then)."""
    keyboard_message: int | None = None
    for step in sim.steps:
        if time.perf_counter() >= stop_at:
            return
        count, fragment = target.expect[step.kind]
        if step.kind == "press":
            if keyboard_message is None:
                continue
            data = next(b["callback_data"] for b in emu.message(sim.user.id, keyboard_message, token=target.token)
                        .buttons() if "callback_data" in b)

            async def send(data: str = data, message_id: int = keyboard_message) -> None:
                await emu.press(sim.user, message_id, data, token=target.token)
        else:

            async def send(text: str = step.text) -> None:
                await emu.send_text(sim.user, text, token=target.token)

        latency, got = await converse(emu, target.token, sim.user, send, count, REPLY_TIMEOUT)
        if latency is None:
            result.timeouts += 1
            print(f"  {target.name}: user {sim.user.id} got no reply to {step.kind!r} within {REPLY_TIMEOUT:.0f}s "
                  f"(got {[r.summary() for r in got]}); this user stops", file=sys.stderr)
            return
        last = got[-1]
        failed = [r for r in got if any(f in (r.text or "") for f in target.failures)]
        if failed or (fragment is not None and fragment not in (last.text or "")):
            result.wrong.append(f"user {sim.user.id} {step.kind}: {(failed or [last])[0].summary()}")
        result.completed += 1
        result.latencies_ms.append(latency)
        result.by_kind[step.kind].append(latency)
        keyboard_message = got[0].message_id if step.kind == "invite" and got[0].inline_keyboard else None


# --- one bot, start to finish ---------------------------------------------------------


async def prepare_ipbot_db(database_url: str, sims: list[Sim]) -> dict[int, str]:
    """Migrate, register the SMEs' companies, make one invite per user (as `ipbot invite` would)."""
    from services.companies import add_company
    from services.invites import create_invite
    from services.session import Database, unit_of_work

    db = Database(database_url)
    try:
        await db.upgrade()
        tokens: dict[int, str] = {}
        async with unit_of_work(db) as session:
            for sim in sims:
                if sim.role == "sme":
                    await add_company(session, sim.uscc, f"压测企业{sim.user.id}有限公司", REGION)
                    ticket = await create_invite(session, "sme", region_code=REGION, company_uscc=sim.uscc)
                else:
                    ticket = await create_invite(session, sim.role, region_code=REGION)
                tokens[sim.user.id] = ticket.token
        return tokens
    finally:
        await db.close()


async def run_bot(emu: Emulator, target: Target, sims: list[Sim], workdir: Path, max_seconds: float,
                  profile_dir: Path | None) -> Result:
    result = Result(target.name, users=len(sims), planned=sum(len(s.steps) for s in sims))
    database_url = f"sqlite+aiosqlite:///{workdir / f'{target.name}.db'}"
    tokens = await prepare_ipbot_db(database_url, sims) if target.name == "ipbot" else {}
    child = Child(target, emu.url, workdir, database_url, profile_dir)
    try:
        t0 = time.perf_counter()
        await wait_polling(emu, child, target.token)
        print(f"  {target.name}: polling after {time.perf_counter() - t0:.1f}s (pid {child.proc.pid}); "
              f"warming up {len(sims)} users", flush=True)
        await warm_up(emu, target, sims, tokens)

        calls_before = len(emu.calls)
        child.profile(on=True)
        child_cpu0, bench_cpu0 = child.cpu_seconds(), time.process_time()
        started = time.perf_counter()
        stop_at = started + max_seconds
        await asyncio.gather(*(drive(emu, target, sim, stop_at, result) for sim in sims))
        result.seconds = time.perf_counter() - started
        child.profile(on=False)
        result.bench_cpu_s = time.process_time() - bench_cpu0
        child_cpu1 = child.cpu_seconds()
        if child_cpu0 is not None and child_cpu1 is not None:
            result.child_cpu_s = child_cpu1[0] - child_cpu0[0]
            result.child_thread_cpu_s = max(0.0, child_cpu1[1] - child_cpu0[1])
        result.calls = Counter(c.method for c in emu.calls[calls_before:] if c.token == target.token)
        result.rejected = [f"{r.method}: {r.description}" for r in emu.rejected if r.token == target.token]
        if not child.alive():
            raise RuntimeError(f"{target.name} exited during the run:\n{child.log_tail()}")
        result.profile = await child.wait_profile()
        return result
    finally:
        await child.stop()


# --- reporting ------------------------------------------------------------------------


def fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def report(results: dict[str, Result]) -> None:
    print()
    header = (f"{'bot':<6} {'users':>5} {'updates':>8} {'seconds':>8} {'updates/s':>10} {'p50 ms':>8} {'p90 ms':>8} "
              f"{'p99 ms':>8} {'max ms':>8} {'errors':>7} {'bot CPU':>8} {'bench CPU':>9} {'calls/upd':>9}")
    print(header)
    print("-" * len(header))
    for r in results.values():
        non_poll = sum(n for m, n in r.calls.items() if m != "getUpdates")
        print(f"{r.bot:<6} {r.users:>5} {r.completed:>8} {r.seconds:>8.2f} {r.per_s:>10.1f} {fmt(r.pct(50)):>8} "
              f"{fmt(r.pct(90)):>8} {fmt(r.pct(99)):>8} {fmt(max(r.latencies_ms, default=None)):>8} {r.errors:>7} "
              f"{share(r.child_cpu_s, r.seconds):>8} {share(r.bench_cpu_s, r.seconds):>9} "
              f"{fmt(non_poll / r.completed if r.completed else None, 2):>9}")
    print("  (CPU = share of one core during the window: 'bot' is the child process, 'bench' the emulator and "
          "the simulated users; calls/upd = Bot API calls other than getUpdates per update)")
    for r in results.values():
        kinds = ", ".join(f"{k} {len(v)}x p50 {fmt(percentile(v, 50))} p99 {fmt(percentile(v, 99))}"
                          for k, v in sorted(r.by_kind.items()))
        polls = r.calls.get("getUpdates", 0)
        print(f"  {r.bot}: {kinds}")
        if r.child_cpu_s is not None and r.completed:
            print(f"  {r.bot}: CPU per update {1000 * r.child_cpu_s / r.completed:.2f} ms in the bot process, "
                  f"of which {1000 * (r.child_thread_cpu_s or 0) / r.completed:.2f} ms outside the event loop's "
                  f"thread (e.g. aiosqlite); {1000 * r.bench_cpu_s / r.completed:.2f} ms in the bench process")
        print(f"  {r.bot}: {r.completed}/{r.planned} planned updates; getUpdates calls {polls} "
              f"({fmt(r.completed / polls if polls else None)} updates each); timeouts {r.timeouts}, "
              f"wrong replies {len(r.wrong)}, rejected calls {len(r.rejected)}")
        print_faults(r)


def print_faults(r: Result) -> None:
    """The first wrong replies and rejected calls of a run, for a person to read (scale.py too)."""
    for line in (r.wrong[:5] + r.rejected[:10]):
        print(f"    ! {line}")


def share(seconds: float | None, wall: float) -> str:
    """CPU seconds as a share of one core over the wall time, or "-" when unknown."""
    return "-" if seconds is None or wall <= 0 else f"{100 * seconds / wall:.0f}%"


# --- main -----------------------------------------------------------------------------


async def amain(args: argparse.Namespace) -> int:
    sims = plan(args.users, args.updates_per_user, args.seed)
    mix = Counter(step.kind for sim in sims for step in sim.steps)
    roles = Counter(sim.role for sim in sims)
    print(f"updates bench: {args.users} users ({', '.join(f'{n} {r}' for r, n in sorted(roles.items()))}) x "
          f"{args.updates_per_user} updates, at most {args.max_seconds:.0f}s per bot; mix "
          f"{', '.join(f'{k} {n}' for k, n in sorted(mix.items()))}; load average {os.getloadavg()[0]:.2f} "
          f"on {os.cpu_count()} CPUs", flush=True)
    if args.pinned_yardstick:
        os.environ["BARE_PIN_RESPONSES"] = "1"  # the children inherit it; only bare_echo.py reads it
        print("  yardstick: the bare bot keeps its Response[T] classes alive, as ipbot does", flush=True)
    targets = [t for t in (ipbot_target(), bare_target()) if args.only in (None, t.name)]
    workdir = Path(tempfile.mkdtemp(prefix="ipbot-bench-"))
    emu = Emulator({IPBOT_TOKEN: BotInfo(IPBOT_USERNAME), BARE_TOKEN: BotInfo(BARE_USERNAME)})
    results: dict[str, Result] = {}
    try:
        await emu.start("127.0.0.1", 0)
        for target in targets:
            results[target.name] = await run_bot(emu, target, sims, workdir, args.max_seconds, args.profile_dir)
    finally:
        await emu.stop()
        if args.keep:
            print(f"  bot logs and databases kept in {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    report(results)
    ipbot, bare = results.get("ipbot"), results.get("bare")
    ratio = ipbot.per_s / bare.per_s if ipbot and bare and bare.per_s > 0 else None
    if ratio is not None:
        print(f"\nratio ipbot/bare: {ratio:.3f}  goal >= {GOAL:.2f}: {'met' if ratio >= GOAL else 'NOT met'}")
        if ipbot.child_cpu_s and bare.child_cpu_s and ipbot.completed and bare.completed:
            cpu_ratio = (bare.child_cpu_s / bare.completed) / (ipbot.child_cpu_s / ipbot.completed)
            print(f"  CPU per update, bare/ipbot: {cpu_ratio:.3f} (the ratio if both bots were CPU-bound; "
                  f"steadier than the throughput ratio when other work shares the machine)")
    for r in results.values():
        if r.profile is not None:
            summarise_profile(r.profile, r.seconds, r.completed)
        elif args.profile_dir:
            print(f"\nprofile of {r.bot}: not written")
    if args.profile_dir:
        print("\n(profiled run: throughput and latency above are slowed down by cProfile)")
    print(json.dumps({
        "bench": "updates",
        "ipbot_per_s": round(ipbot.per_s, 1) if ipbot else None,
        "bare_per_s": round(bare.per_s, 1) if bare else None,
        "ratio": round(ratio, 3) if ratio is not None else None,
        "p50_ms": round(ipbot.pct(50), 1) if ipbot and ipbot.latencies_ms else None,
        "p99_ms": round(ipbot.pct(99), 1) if ipbot and ipbot.latencies_ms else None,
    }))
    return 1 if any(r.errors for r in results.values()) else 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_workload_args(parser, users=50, max_seconds=60.0, what="bot")
    parser.add_argument("--only", choices=["ipbot", "bare"], default=None, help="measure one bot only")
    parser.add_argument("--keep", action="store_true", help="keep the bots' logs and databases")
    parser.add_argument("--pinned-yardstick", action="store_true",
                        help="the bare bot keeps its Response[T] classes alive as ipbot does (see bench/bare_echo.py)")
    return checked_workload_args(parser, parser.parse_args(argv), quick_users=5)


def add_workload_args(parser: argparse.ArgumentParser, users: int, max_seconds: float, what: str) -> None:
    """The workload's options, the same in this bench and bench/scale.py."""
    parser.add_argument("--users", type=int, default=users, help=f"simulated users (default {users})")
    parser.add_argument("--updates-per-user", type=int, default=40, help="updates each user sends (default 40)")
    parser.add_argument("--max-seconds", type=float, default=max_seconds,
                        help=f"time limit of each {what}'s measured window (default {max_seconds:g}); "
                             "no update starts after it")
    parser.add_argument("--quick", action="store_true", help="smoke test: a few users x 6 updates, 20 s at most")
    parser.add_argument("--seed", type=int, default=20240601, help="seed of the workload (the same for each run)")
    parser.add_argument("--profile-dir", type=Path, default=None,
                        help=f"cProfile each {what} during its measured window into <dir> and summarise")


def checked_workload_args(parser: argparse.ArgumentParser, args: argparse.Namespace,
                          quick_users: int) -> argparse.Namespace:
    """--quick applied, sizes checked, the profile folder made absolute and created."""
    if args.quick:
        args.users, args.updates_per_user, args.max_seconds = quick_users, 6, 20.0
    if args.users < 1 or args.updates_per_user < 1 or args.max_seconds <= 0:
        parser.error("--users, --updates-per-user and --max-seconds must be positive")
    if args.profile_dir is not None:
        args.profile_dir = args.profile_dir.resolve()
        args.profile_dir.mkdir(parents=True, exist_ok=True)
    return args


def profiled_child(out: str, bot: str) -> int:
    """Run a bot as the bench would, with cProfile on between SIGUSR1 and SIGUSR2 (main thread only)."""
    import cProfile
    import runpy

    # CPU time of the event loop's thread: waits for the GIL, I/O and other processes on the
    # machine do not count, so the figures are comparable between runs on a busy machine.
    profiler = cProfile.Profile(time.thread_time)

    def start(_signum: int, _frame: object) -> None:
        profiler.enable()

    def stop(_signum: int, _frame: object) -> None:
        profiler.disable()
        profiler.dump_stats(out)
        Path(out).with_suffix(".done").touch()

    signal.signal(signal.SIGUSR1, start)
    signal.signal(signal.SIGUSR2, stop)
    if bot == "ipbot":
        from bot.cli import main as ipbot_main

        return ipbot_main(["run"])
    sys.argv = [str(ROOT / "bench" / "bare_echo.py")]
    runpy.run_path(sys.argv[0], run_name="__main__")
    return 0


def summarise_profile(path: Path, seconds: float, updates: int, top: int = 25) -> None:
    """CPU of the window by package, and the functions with the most own time."""
    import pstats

    stats = pstats.Stats(str(path))
    total = sum(row[2] for row in stats.stats.values())  # tottime
    by_area: Counter = Counter()
    for (filename, _line, _name), row in stats.stats.items():
        by_area[_area(filename)] += row[2]
    per_update = 1000 / updates if updates else 0.0
    print(f"\nprofile {path}: CPU time of the bot's event-loop thread during the window, under cProfile")
    print(f"  total {total:.2f}s CPU in a {seconds:.2f}s window = {total * per_update:.2f} ms per update")
    for area, secs in by_area.most_common(15):
        print(f"  {area:<28} {secs:7.2f}s {100 * secs / total:5.1f}%  {secs * per_update:6.3f} ms/update")
    print(f"  top {top} functions by own time:")
    rows = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)[:top]
    for (filename, line, name), (_cc, calls, tottime, cumtime, _callers) in rows:
        print(f"  {tottime:7.3f}s {calls:>9} calls  {_area(filename)}: {name} ({Path(filename).name}:{line})")


def _area(filename: str) -> str:
    """site-packages/<package>, a project package, the stdlib module, or a builtin."""
    path = Path(filename)
    parts = path.parts
    if "site-packages" in parts:
        return parts[parts.index("site-packages") + 1].removesuffix(".py")
    if filename.startswith(str(ROOT)):
        return "ipbot:" + path.relative_to(ROOT).parts[0]
    if filename in ("~", "") or filename.startswith("<"):
        return "builtins"
    return "stdlib:" + path.stem if path.parent.name.startswith("python3") else "stdlib:" + path.parent.name


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == [PROFILED_CHILD]:
        return profiled_child(argv[1], argv[2])
    return run_bench("updates", amain, parse_args(argv), _CHILDREN)


def run_bench(name: str, amain, args: argparse.Namespace, processes: list) -> int:  # noqa: ANN001
    """``amain(args)``'s exit code; ^C or a RuntimeError end it with one line, and every bot
    process it started is killed whatever happened (bench/scale.py runs the same way)."""
    try:
        return asyncio.run(amain(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except RuntimeError as exc:
        print(f"{name} bench: {exc}", file=sys.stderr)
        return 2
    finally:
        for process in processes:
            process.kill_now()


if __name__ == "__main__":
    sys.exit(main())
