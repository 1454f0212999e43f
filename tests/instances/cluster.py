"""Several `ipbot run` processes behind one webhook address, as the tests of this folder run them.

Each instance is `ipbot run` in webhook mode in a process of its own (forked from the
fork server of tests/e2e/child_bot.py, which imported the bot once), listening on a
loopback port of its own, with one PostgreSQL database and one Redis between them. The
emulator plays Telegram and the reverse proxy: it delivers the webhook's updates to the
instances in turn (`Emulator.route_webhook`). Every wait is bounded; `stop()` ends what is
still running (SIGTERM, then SIGKILL), so each test stops by itself.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from sqlmodel import select

from emulator import Emulator, FakeUser
from services.companies import add_company
from services.invites import create_invite, redeem
from services.session import Database, unit_of_work
from storage.models import User
from tests.e2e.child_bot import ChildBot, start_bot
from tests.e2e.harness import TOKEN

SECRET = "cluster-Secret_1"
REGION = "320585"
START_SECONDS = 40.0  # fork, settings, migrations checked, the search index, the listener: a few s on 2 busy cores


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Instance:
    port: int
    log: Path
    process: ChildBot | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/telegram"

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def alive(self) -> bool:
        return self.process is not None and self.process.returncode is None


@dataclass
class Cluster:
    emu: Emulator
    folder: Path
    database_url: str
    redis_url: str | None
    size: int = 2
    env: dict[str, str] = field(default_factory=dict)
    instances: list[Instance] = field(default_factory=list)

    def environment(self, instance: Instance) -> dict[str, str]:
        keep = {k: v for k, v in os.environ.items() if not k.startswith(("IPBOT_", "WEBHOOK_", "TELEGRAM_"))
                and k not in ("DATABASE_URL", "REDIS_URL", "HEALTH_PORT")}
        env = {**keep, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE": self.emu.url,
               "DATABASE_URL": self.database_url, "ADMIN_TELEGRAM_IDS": "", "IPBOT_JOBS": "false",
               # the reverse proxy's address, the same for every instance (the emulator routes past it)
               "WEBHOOK_URL": f"http://127.0.0.1:{self.instances[0].port}", "WEBHOOK_SECRET": SECRET,
               "WEBHOOK_HOST": "127.0.0.1", "WEBHOOK_PORT": str(instance.port), **self.env}
        if self.redis_url:
            env["REDIS_URL"] = self.redis_url
        return env

    async def start(self) -> None:
        self.instances = [Instance(free_port(), self.folder / f"instance-{n}.log") for n in range(self.size)]
        self.emu.route_webhook([i.url for i in self.instances])
        hooks_before = self._set_webhooks()
        for instance in self.instances:
            await self.launch(instance)
        await self.until(lambda: self._set_webhooks() >= hooks_before + self.size, START_SECONDS,
                         "every instance to set the webhook")

    async def launch(self, instance: Instance) -> None:
        """Start (or start again) one instance and wait until its listener answers."""
        instance.process = await start_bot(self.environment(instance), instance.log)
        deadline = time.monotonic() + START_SECONDS
        async with aiohttp.ClientSession() as http:
            while True:
                try:
                    async with http.get(f"http://127.0.0.1:{instance.port}/healthz") as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                if not instance.alive() or time.monotonic() > deadline:
                    raise AssertionError(f"instance on port {instance.port} did not come up:\n{instance.log_text()[-3000:]}")
                await asyncio.sleep(0.05)

    def _set_webhooks(self) -> int:
        return sum(1 for c in self.emu.calls if c.method == "setWebhook" and c.status == 200)

    async def kill(self, n: int) -> None:
        process = self.instances[n].process
        process.send_signal(signal.SIGKILL)
        await process.wait()

    async def stop(self) -> None:
        """SIGTERM every instance still running (they finish what is in hand), SIGKILL after 15 s."""
        running = [i.process for i in self.instances if i.alive()]
        for process in running:
            process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in running:
            while process.returncode is None and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
            if process.returncode is None:
                process.kill()
                await process.wait()

    async def until(self, predicate, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                tails = "\n".join(f"--- instance {n}:\n" + "\n".join(
                    line for line in i.log_text().splitlines() if "ERROR" in line or "WARNING" in line)[-2000:]
                    for n, i in enumerate(self.instances))
                raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}\n{tails}")
            await asyncio.sleep(0.01)

    def logged(self, fragment: str) -> int:
        """How many lines of all instances' logs contain `fragment`."""
        return sum(line.count(fragment) for i in self.instances for line in i.log_text().splitlines())


async def seed_people(database_url: str, specialist: FakeUser, smes: list[FakeUser], *,
                      members: list[FakeUser] = (), newcomers: int = 0) -> list[str]:
    """A specialist, one company per SME with that specialist, the SMEs bound to them, `members`
    as specialists too; returns `newcomers` unused specialist invites (a /start each)."""
    db = Database(database_url)
    try:
        async with unit_of_work(db) as session:
            for person, role in [(specialist, "specialist"), *((m, "specialist") for m in members)]:
                ticket = await create_invite(session, role, region_code=REGION)
                await redeem(session, ticket.token, person.id, person.first_name, None, "zh")
            specialist_id = (await session.exec(select(User.id).where(User.telegram_id == specialist.id))).one()
            for n, sme in enumerate(smes):
                uscc = _uscc(n)
                await add_company(session, uscc, f"并发测试企业{n}有限公司", REGION, specialist_id=specialist_id)
                ticket = await create_invite(session, "sme", region_code=REGION, company_uscc=uscc)
                await redeem(session, ticket.token, sme.id, sme.first_name, None, "zh")
            return [(await create_invite(session, "specialist", region_code=REGION)).token for _ in range(newcomers)]
    finally:
        await db.close()


def _uscc(n: int) -> str:
    from stdnum.cn import uscc

    body = f"91{REGION}MA{n:07d}"
    return body + uscc.calc_check_digit(body)


async def forget_keys(redis_url: str, *patterns: str) -> None:
    """Remove what a test left in the shared Redis database."""
    from redis.asyncio import Redis

    client = Redis.from_url(redis_url)
    try:
        for pattern in patterns:
            keys = [key async for key in client.scan_iter(match=pattern, count=1000)]
            if keys:
                await client.delete(*keys)
    finally:
        await client.aclose()
