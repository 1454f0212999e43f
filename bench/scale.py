"""Benchmark: one and two `ipbot run` instances behind one webhook, on PostgreSQL and Redis.

The update mix of bench/updates.py (closed-loop simulated users: 70% specialists, 20% SMEs,
10% supervisors; /help, /whoami, /cancel, visit notes, policy questions, /invite and its
button) goes to the bot as deployed past one machine: `ipbot run` in webhook mode with
DATABASE_URL on PostgreSQL and REDIS_URL (dialog state, per-user order across instances),
once with one instance and once with two. The emulator (in this process, with the simulated
users) plays Telegram and the reverse proxy: it delivers the webhook's updates to the
instances in turn (`Emulator.route_webhook`). Each configuration gets a database of its own,
created on the server and dropped after; the Redis keys of a run are removed before the next.

This machine has two cores shared by everything: this process, PostgreSQL, Redis and the
instances. So besides updates per second it prints the CPU time the instances spent per
update, and how busy the whole machine was during each window.

The last line is machine-readable:

    {"bench": "scale", "one_per_s": x, "two_per_s": y, "ratio": y/x,
     "cpu_ms_per_update_one": a, "cpu_ms_per_update_two": b}

Goal: two instances give at least 1.3x the throughput of one, CPU per update within 10%.

    .venv/bin/python bench/scale.py              # 60 users x 40 updates, 3 rounds of both (~4 min)
    .venv/bin/python bench/scale.py --quick      # smoke test: 6 users x 6 updates
    .venv/bin/python bench/scale.py --users 100 --max-seconds 30
    .venv/bin/python bench/scale.py --cpu-cap 0.5   # each instance held to half a core (bench/cpu_cap.py)

Uncapped, one instance keeps one core busy and two fill both: the ratio then measures what the
machine has left beside PostgreSQL, Redis and the emulator. With `--cpu-cap`, each instance gets
the same budget, below what the machine can give two: the ratio measures what a second instance
adds, as on machines of their own. Both are printed in the README.

Exit status: 0 when every update got the expected reply and the emulator rejected nothing,
1 otherwise (whether the goal is met does not change it); 2 when PostgreSQL or Redis cannot
be reached or an instance does not start.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import aiohttp  # noqa: E402

from cpu_cap import CpuCap  # noqa: E402 - bench/cpu_cap.py
from postgres_db import create_database, drop_database  # noqa: E402 - bench/postgres_db.py
from emulator import BotInfo, Emulator  # noqa: E402
from updates import (  # noqa: E402 - bench/updates.py: the workload, its warm-up and the closed loops
    IPBOT_TOKEN, IPBOT_USERNAME, POLICY_QUESTIONS, PROFILED_CHILD, WARMUP_TIMEOUT, Child, Result, Sim, _stat_cpu,
    add_workload_args, checked_workload_args, converse, drive, fmt, ipbot_target, percentile, plan,
    prepare_ipbot_db, print_faults, run_bench, share, summarise_profile, warm_up)

RATIO_GOAL = 1.3
LEAD_IN_STEPS = 5  # unmeasured steps of every user before the window
CPU_TOLERANCE = 0.10
START_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0
SECRET = "bench-Scale_secret"
BOT_ID = IPBOT_TOKEN.split(":")[0]
_INSTANCES: list["Instance"] = []  # every process started, for the last-resort kill


@dataclass
class ScaleResult(Result):
    machine: float = 0.0  # share of all the machine's cores busy during the window (any process)
    stolen: float = 0.0  # share the hypervisor gave other virtual machines
    servers: dict[str, float] = field(default_factory=dict)  # CPU seconds of PostgreSQL and Redis in the window
    adopted: int = 0  # rows one instance handled for another (bot/ordering.py), from their logs
    profiles: list[Path] = field(default_factory=list)
    redis_calls: Counter = field(default_factory=Counter)  # Redis commands run in the window, by name
    transactions: int = 0  # PostgreSQL transactions in the run's database during the window (and a second after)
    sessions: int = 0  # PostgreSQL sessions (connections) opened to it meanwhile
    throttled_ms: float = 0.0  # time the instances were held back by --cpu-cap in the window


class Instance(Child):
    """`ipbot run` in webhook mode on a loopback port of its own (its own session: ^C reaches only the bench);
    stopped as bench/updates.py stops its child."""

    def __init__(self, n: int, port: int, public_port: int, api_base: str, database_url: str, redis_url: str,
                 workdir: Path, profile: Path | None = None) -> None:
        self.name, self.port, self.profile_path = f"instance-{n}", port, profile
        ipbot = ROOT / ".venv" / "bin" / "ipbot"
        argv = [str(ipbot), "run"] if ipbot.exists() else [sys.executable, "-m", "bot.cli", "run"]
        if profile is not None:  # cProfile between SIGUSR1 and SIGUSR2, as bench/updates.py --profile-dir does
            profile.unlink(missing_ok=True)
            profile.with_suffix(".done").unlink(missing_ok=True)
            argv = [sys.executable, str(ROOT / "bench" / "updates.py"), PROFILED_CHILD, str(profile), "ipbot"]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("IPBOT_", "WEBHOOK_", "TELEGRAM_", "HEALTH_"))
               and k not in ("DATABASE_URL", "REDIS_URL")}
        env.update(TELEGRAM_BOT_TOKEN=IPBOT_TOKEN, TELEGRAM_API_BASE=api_base, DATABASE_URL=database_url,
                   REDIS_URL=redis_url, WEBHOOK_URL=f"http://127.0.0.1:{public_port}", WEBHOOK_SECRET=SECRET,
                   WEBHOOK_HOST="127.0.0.1", WEBHOOK_PORT=str(port), ADMIN_TELEGRAM_IDS="", IPBOT_JOBS="false",
                   PYTHONUNBUFFERED="1",
                   PYTHONPATH=os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH")))))
        self.log_path = workdir / f"{self.name}.log"
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(argv, cwd=workdir, env=env, stdin=subprocess.DEVNULL, stdout=self._log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        _INSTANCES.append(self)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/telegram"

    def cpu_seconds(self) -> float | None:
        try:
            return _stat_cpu(Path(f"/proc/{self.proc.pid}/stat"))
        except (OSError, ValueError, IndexError):
            return None

    async def wait_listening(self, http: aiohttp.ClientSession) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                async with http.get(f"http://127.0.0.1:{self.port}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            if not self.alive():
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} did not listen within {START_TIMEOUT:.0f}s:\n{self.log_tail()}")
            await asyncio.sleep(0.1)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def servers_cpu() -> dict[int, tuple[str, float]]:
    """pid -> (server, CPU seconds so far) of the PostgreSQL and Redis server processes here."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name = text[text.index("(") + 1:text.rindex(")")]
        for server in ("postgres", "redis-server"):
            if name.startswith(server):
                found[int(stat.parent.name)] = (server, _stat_cpu(stat))
    return found


def servers_spent(before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]]) -> dict[str, float]:
    """CPU seconds each server spent in between (a process that ended meanwhile is not counted)."""
    spent = {"postgres": 0.0, "redis-server": 0.0}
    for pid, (server, cpu) in after.items():
        spent[server] += cpu - before.get(pid, (server, 0.0))[1]
    return spent


def machine_busy() -> tuple[float, float, float]:
    """(busy, stolen, total) jiffies of all CPUs so far, from /proc/stat: busy is neither idle,
    waiting for I/O nor stolen by the hypervisor for other machines."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    steal = fields[7] if len(fields) > 7 else 0
    total = sum(fields[:8])
    return total - idle - steal, steal, total


# --- servers --------------------------------------------------------------------------


async def forget_bot_keys(redis_url: str) -> None:
    """The bench bot's dialog state from an earlier run (its per-user queues are named by the database)."""
    from redis.asyncio import Redis

    client = Redis.from_url(redis_url)
    try:
        keys = [k async for k in client.scan_iter(match=f"fsm:{BOT_ID}:*", count=1000)]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


async def redis_commands(redis_url: str) -> Counter:
    """Commands the Redis server has run so far, by name (INFO commandstats; the whole server's)."""
    from redis.asyncio import Redis

    client = Redis.from_url(redis_url)
    try:
        stats = await client.info("commandstats")
    finally:
        await client.aclose()
    return Counter({name.removeprefix("cmdstat_"): int(v["calls"]) for name, v in stats.items()})


async def transactions(admin_dsn: str, name: str) -> tuple[int, int]:
    """(transactions committed or rolled back, sessions opened) in database `name` so far (pg_stat_database)."""
    import asyncpg

    admin = await asyncpg.connect(admin_dsn, timeout=5)
    try:
        row = await admin.fetchrow("SELECT xact_commit + xact_rollback AS xacts, sessions FROM pg_stat_database "
                                   "WHERE datname = $1", name)
        return (row["xacts"], row["sessions"]) if row else (0, 0)
    finally:
        await admin.close()


async def check_servers(admin_dsn: str, redis_url: str) -> None:
    import asyncpg
    from redis.asyncio import Redis

    try:
        await (await asyncpg.connect(admin_dsn, timeout=3)).close()
    except Exception as exc:  # noqa: BLE001
        raise RuntimeError(f"no PostgreSQL reachable at {admin_dsn}: {exc}") from None
    client = Redis.from_url(redis_url)
    try:
        await client.ping()
    except Exception as exc:  # noqa: BLE001
        raise RuntimeError(f"no Redis reachable at {redis_url}: {exc}") from None
    finally:
        await client.aclose()


# --- one configuration ----------------------------------------------------------------


async def meet_every_instance(emu: Emulator, sims, count: int) -> None:
    """Not measured. Each instance has caches of its own (who a user is, the search index an SME's
    question builds on first use): one update at a time, so that the emulator's turns take each
    user's `count` updates to `count` different instances, every user says /help to each instance
    and every SME asks each a question. Done the same way with one instance."""
    for sim in sims:
        texts = ["/help"] * count + ([POLICY_QUESTIONS[0]] * count if sim.role == "sme" else [])
        for text in texts:
            async def send(text: str = text) -> None:
                await emu.send_text(sim.user, text, token=IPBOT_TOKEN)

            latency, _got = await converse(emu, IPBOT_TOKEN, sim.user, send, 1, WARMUP_TIMEOUT)
            if latency is None:
                raise RuntimeError(f"warm-up: user {sim.user.id} got no reply to {text!r}")



async def run_configuration(emu: Emulator, count: int, sims, workdir: Path, args: argparse.Namespace,
                            number: int = 1) -> ScaleResult:
    target = ipbot_target()
    label = "one" if count == 1 else "two" if count == 2 else str(count)
    result = ScaleResult(label, users=len(sims), planned=sum(len(s.steps) for s in sims))
    name = await create_database(args.postgres, "ipbot_bench_scale")
    database_url = f"postgresql+asyncpg://{args.postgres.split('://', 1)[1].rsplit('/', 1)[0]}/{name}"
    instances: list[Instance] = []
    caps: list[CpuCap] = []
    try:
        tokens = await prepare_ipbot_db(database_url, sims)
        await forget_bot_keys(args.redis)
        ports = [free_port() for _ in range(count)]
        emu.route_webhook([f"http://127.0.0.1:{p}/telegram" for p in ports], token=IPBOT_TOKEN)
        hooks_before = sum(1 for c in emu.calls if c.method == "setWebhook" and c.token == IPBOT_TOKEN)
        t0 = time.perf_counter()
        profiles = [args.profile_dir / f"{label}-r{number}-{n}.prof" if args.profile_dir else None
                    for n in range(count)]
        instances = [Instance(n, p, ports[0], emu.url, database_url, args.redis, workdir, profiles[n])
                     for n, p in enumerate(ports)]
        if args.cpu_cap:  # each instance its own budget, as if on a share of a machine of its own
            caps = [CpuCap(f"ipbot-scale-{os.getpid()}-{n}", args.cpu_cap) for n in range(count)]
            for cap, instance in zip(caps, instances):
                cap.add(instance.proc.pid)
        async with aiohttp.ClientSession() as http:
            for instance in instances:
                await instance.wait_listening(http)
        deadline = time.monotonic() + START_TIMEOUT
        while sum(1 for c in emu.calls if c.method == "setWebhook" and c.token == IPBOT_TOKEN) < hooks_before + count:
            if time.monotonic() > deadline:
                raise RuntimeError("the instances did not set the webhook")
            await asyncio.sleep(0.05)
        print(f"  {label}: {count} instance(s) listening after {time.perf_counter() - t0:.1f}s; "
              f"warming up {len(sims)} users", flush=True)
        await warm_up(emu, target, sims, tokens)
        await meet_every_instance(emu, sims, count)
        # The first few steps of every user's loop, unmeasured: pools and caches grow to the
        # window's concurrency here (a PostgreSQL connection costs milliseconds of CPU to open).
        lead_in = ScaleResult(label)
        await asyncio.gather(*(drive(emu, target, Sim(sim.user, sim.role, sim.steps[:LEAD_IN_STEPS], sim.uscc),
                                     time.perf_counter() + args.max_seconds, lead_in) for sim in sims))
        if lead_in.errors:
            raise RuntimeError(f"{label}: the lead-in failed: {lead_in.wrong[:3]} {lead_in.timeouts} timeouts")

        calls_before = len(emu.calls)
        for instance in instances:
            instance.profile(on=True)
        cpu0, throttled0 = [i.cpu_seconds() for i in instances], sum(c.throttled_ms() for c in caps)
        busy0, bench0, servers0, redis0 = machine_busy(), time.process_time(), servers_cpu(), \
            await redis_commands(args.redis)
        xacts0 = await transactions(args.postgres, name)
        started = time.perf_counter()
        await asyncio.gather(*(drive(emu, target, sim, started + args.max_seconds, result) for sim in sims))
        result.seconds = time.perf_counter() - started
        busy1, result.bench_cpu_s = machine_busy(), time.process_time() - bench0
        result.servers = servers_spent(servers0, servers_cpu())
        result.redis_calls = await redis_commands(args.redis) - redis0
        await asyncio.sleep(1.0)  # PostgreSQL publishes a backend's counts within a second
        xacts1 = await transactions(args.postgres, name)
        result.transactions, result.sessions = xacts1[0] - xacts0[0], xacts1[1] - xacts0[1]
        cpu1, result.throttled_ms = [i.cpu_seconds() for i in instances], sum(c.throttled_ms() for c in caps) - throttled0
        for instance in instances:
            instance.profile(on=False)
        result.profiles = [p for p in [await i.wait_profile() for i in instances] if p is not None]
        if None not in cpu0 and None not in cpu1:
            result.child_cpu_s = sum(b - a for a, b in zip(cpu0, cpu1))
        jiffies = max(1, busy1[2] - busy0[2])
        result.machine, result.stolen = (busy1[0] - busy0[0]) / jiffies, (busy1[1] - busy0[1]) / jiffies
        result.calls = Counter(c.method for c in emu.calls[calls_before:] if c.token == IPBOT_TOKEN)
        result.rejected = [f"{r.method}: {r.description}" for r in emu.rejected if r.token == IPBOT_TOKEN]
        result.adopted = sum(i.log_path.read_text(errors="replace").count("for the process that recorded it")
                             for i in instances)
        for instance in instances:
            if not instance.alive():
                raise RuntimeError(f"{instance.name} exited during the run:\n{instance.log_tail()}")
        return result
    finally:
        for instance in instances:
            await instance.stop()
        for cap in caps:
            cap.remove()
        emu.route_webhook(None, token=IPBOT_TOKEN)
        await drop_database(args.postgres, name)


def cpu_ms(result: ScaleResult | None) -> float | None:
    if result is None or not result.completed or result.child_cpu_s is None:
        return None
    return 1000 * result.child_cpu_s / result.completed


def report(results: dict[str, ScaleResult]) -> None:
    print()
    header = (f"{'config':<7} {'users':>5} {'updates':>8} {'seconds':>8} {'updates/s':>10} {'p50 ms':>8} "
              f"{'p99 ms':>8} {'errors':>7} {'bot CPU':>8} {'CPU ms/upd':>10} {'machine':>8} {'stolen':>7} {'adopted':>8}")
    print(header)
    print("-" * len(header))
    for r in results.values():
        print(f"{r.bot:<7} {r.users:>5} {r.completed:>8} {r.seconds:>8.2f} {r.per_s:>10.1f} {fmt(r.pct(50)):>8} "
              f"{fmt(r.pct(99)):>8} {r.errors:>7} {share(r.child_cpu_s, r.seconds):>8} {fmt(cpu_ms(r), 2):>10} "
              f"{100 * r.machine:>7.0f}% {100 * r.stolen:>6.0f}% {r.adopted:>8}")
    print(f"  (bot CPU: the instances together, as a share of one core; CPU ms/upd: theirs per completed update; "
          f"machine: all {os.cpu_count()} cores busy, whatever runs on them; stolen: taken by the hypervisor "
          f"for other virtual machines; adopted: "
          f"rows one instance handled for the other, to keep a user's order)")
    for r in results.values():
        kinds = ", ".join(f"{k} {len(v)}x p50 {fmt(percentile(v, 50))}" for k, v in sorted(r.by_kind.items()))
        print(f"  {r.bot}: {kinds}")
        servers = ", ".join(f"{name} {share(cpu, r.seconds)} ({1000 * cpu / r.completed:.2f} ms/update)"
                            for name, cpu in r.servers.items() if r.completed)
        print(f"  {r.bot}: {r.completed}/{r.planned} planned updates; bench process {share(r.bench_cpu_s, r.seconds)} "
              f"of a core; {servers}; timeouts {r.timeouts}, wrong replies {len(r.wrong)}, "
              f"rejected calls {len(r.rejected)}")
        if r.completed:
            top = ", ".join(f"{name} {n / r.completed:.2f}" for name, n in r.redis_calls.most_common(6))
            print(f"  {r.bot}: Redis commands per update {sum(r.redis_calls.values()) / r.completed:.2f} "
                  f"(the whole server's): {top}; PostgreSQL transactions per update "
                  f"{r.transactions / r.completed:.2f}, connections opened {r.sessions}")
        if r.throttled_ms:
            print(f"  {r.bot}: held back by their CPU cap for {r.throttled_ms / 1000:.1f} s "
                  f"of the instances' time in the window")
        print_faults(r)


async def amain(args: argparse.Namespace) -> int:
    await check_servers(args.postgres, args.redis)
    sims = plan(args.users, args.updates_per_user, args.seed)
    roles = Counter(sim.role for sim in sims)
    print(f"scale bench: {args.users} users ({', '.join(f'{n} {r}' for r, n in sorted(roles.items()))}) x "
          f"{args.updates_per_user} updates, at most {args.max_seconds:.0f}s per configuration, {args.rounds} "
          f"round(s) of one then two instances, webhook delivery, PostgreSQL + Redis; load average "
          f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; "
          + (f"each instance capped at {args.cpu_cap:g} core" if args.cpu_cap else "instances not capped"), flush=True)
    workdir = Path(tempfile.mkdtemp(prefix="ipbot-scale-"))
    emu = Emulator({IPBOT_TOKEN: BotInfo(IPBOT_USERNAME)})
    rounds: list[dict[str, ScaleResult]] = []
    try:
        await emu.start("127.0.0.1", 0)
        for number in range(1, args.rounds + 1):
            results: dict[str, ScaleResult] = {}
            for count in (1, 2):
                if args.only in (None, count):
                    result = await run_configuration(emu, count, sims, workdir, args, number)
                    results[result.bot] = result
            rounds.append(results)
    finally:
        await emu.stop()
        if args.keep:
            print(f"  instance logs kept in {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    for number, results in enumerate(rounds, 1):
        if len(rounds) > 1:
            print(f"\nround {number}:", end="")
        report(results)
        for r in results.values():
            if r.profiles:  # the instances' profiles together: CPU per update of the configuration
                import pstats

                merged = args.profile_dir / f"{r.bot}-r{number}.prof"
                pstats.Stats(*map(str, r.profiles)).dump_stats(str(merged))
                summarise_profile(merged, r.seconds, r.completed, top=15)
    per_s = {label: median([r[label].per_s for r in rounds if label in r]) for label in ("one", "two")}
    cpu = {label: median([cpu_ms(r[label]) for r in rounds if label in r]) for label in ("one", "two")}
    ratio = per_s["two"] / per_s["one"] if per_s["one"] and per_s["two"] else None
    a, b = cpu["one"], cpu["two"]
    if len(rounds) > 1:
        print("\nper round, two/one: " + ", ".join(
            f"throughput {r['two'].per_s / r['one'].per_s:.3f} CPU per update {cpu_ms(r['two']) / cpu_ms(r['one']) - 1:+.1%}"
            for r in rounds if "one" in r and "two" in r and cpu_ms(r["one"]) and cpu_ms(r["two"])))
        print(f"medians of {len(rounds)} rounds below")
    if ratio is not None:
        print(f"\nthroughput two/one: {ratio:.3f}  goal >= {RATIO_GOAL}: {'met' if ratio >= RATIO_GOAL else 'NOT met'}")
    if a and b:
        change = b / a - 1
        print(f"CPU per update two vs one: {change:+.1%}  goal within {CPU_TOLERANCE:.0%}: "
              f"{'met' if abs(change) <= CPU_TOLERANCE else 'NOT met'}")
    print(json.dumps({
        "bench": "scale",
        "one_per_s": round(per_s["one"], 1) if per_s["one"] else None,
        "two_per_s": round(per_s["two"], 1) if per_s["two"] else None,
        "ratio": round(ratio, 3) if ratio is not None else None,
        "cpu_ms_per_update_one": round(a, 2) if a else None,
        "cpu_ms_per_update_two": round(b, 2) if b else None,
        "cpu_cap": args.cpu_cap,
    }))
    return 1 if any(r.errors for results in rounds for r in results.values()) else 0


def median(values: list[float | None]) -> float | None:
    known = sorted(v for v in values if v is not None)
    if not known:
        return None
    middle = len(known) // 2
    return known[middle] if len(known) % 2 else (known[middle - 1] + known[middle]) / 2


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_workload_args(parser, users=60, max_seconds=40.0, what="configuration")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds of one then two instances; the last line gives the medians (default 3)")
    parser.add_argument("--only", type=int, choices=[1, 2], default=None, help="measure one configuration only")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres",
                        help="a PostgreSQL database to connect to for CREATE/DROP DATABASE (trust or password in the URL)")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/12", help="the Redis the instances share")
    parser.add_argument("--keep", action="store_true", help="keep the instances' logs")
    parser.add_argument("--cpu-cap", type=float, default=None, metavar="CORES",
                        help="give each instance at most this share of a core (a cgroup of its own; needs root): "
                             "below what the machine can give two, the ratio measures the instances, not the "
                             "machine (default: no cap)")
    args = checked_workload_args(parser, parser.parse_args(argv), quick_users=6)
    if args.quick:
        args.rounds = 1
    if args.rounds < 1:
        parser.error("--rounds must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    return run_bench("scale", amain, parse_args(argv), _INSTANCES)


if __name__ == "__main__":
    sys.exit(main())
