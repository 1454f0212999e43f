"""Two bot processes on one PostgreSQL database: one leads, the other takes over when it is
killed, and exactly one of them sends each reminder.

Each scheduler is a process of its own (tests/instances/jobs_child.py), forked from the fork
server of tests/e2e/child_bot.py, which imported the bot once: starting two interpreters that
each import aiogram and SQLAlchemy cost most of this test's time on a busy two-core machine.
"""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

from services import runs
from services.question_reminders import JOB
from services.session import Database
from storage.models import Role
from tests.instances import jobs_child

from jobkit import SPECIALIST, TOKEN, add_company, add_user, ask, make_bot, reminders_to, specialist_chat

START_TIMEOUT = 60.0  # the fork server's first start imports aiogram, SQLAlchemy and the catalog


class Process:
    """One scheduler process and the lines it writes to its status file, read in order."""

    def __init__(self, process, status: Path) -> None:
        self.proc, self.status, self.read = process, status, 0

    async def line(self, timeout: float) -> str:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(lines := self.status.read_text().splitlines() if self.status.exists() else []) <= self.read:
            if self.proc.exitcode is not None:
                raise EOFError(f"process {self.proc.pid} ended (rc={self.proc.exitcode})")
            if loop.time() > deadline:
                raise TimeoutError(f"no line from process {self.proc.pid} within {timeout} s")
            await asyncio.sleep(0.02)
        self.read += 1
        return lines[self.read - 1]

    async def wait(self) -> int:
        while self.proc.exitcode is None:
            await asyncio.sleep(0.005)
        self.proc.join()
        return self.proc.exitcode

    def send_signal(self, signum: int) -> None:
        if self.proc.exitcode is None:
            os.kill(self.proc.pid, signum)

    async def end(self) -> None:
        self.send_signal(signal.SIGKILL)
        await self.wait()


def spawn(url: str, api: str, clock_file: Path, folder: Path, n: int) -> Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IPBOT_", "WEBHOOK_", "TELEGRAM_"))
           and k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE=api, DATABASE_URL=url, ADMIN_TELEGRAM_IDS="")
    status = folder / f"jobs-{n}.status"
    return Process(jobs_child.start(env, clock_file, status, folder / f"jobs-{n}.log", lifetime=90), status)


async def test_two_processes_one_postgres_exactly_one_sends_each_reminder(pg_url, emu, tmp_path):
    db = Database(pg_url)
    await db.upgrade()
    bot = make_bot(emu.url)
    clock_file = tmp_path / "now.txt"
    clock_file.write_text("2026-10-08T09:00:20+08:00")  # the first working day after 国庆
    processes: list[Process] = []
    try:
        specialist_id = await add_user(db, SPECIALIST, Role.specialist, "王特派")
        company_id = await add_company(db, "太仓精工", "91320585MA1W8K7Q3G", specialist_id)
        before = await ask(db, company_id, "2026-09-30 15:00", message_id=await specialist_chat(emu, bot))
        after = await ask(db, company_id, "2026-10-08 10:00", message_id=await specialist_chat(emu, bot))

        processes = [spawn(pg_url, emu.url, clock_file, tmp_path, n) for n in range(2)]
        ready = await asyncio.gather(*(p.line(START_TIMEOUT) for p in processes))
        assert sorted(ready) == ["ready leader=False", "ready leader=True"]
        leader, follower = (processes if ready[0].endswith("True") else processes[::-1])

        await emu.wait_message(SPECIALIST, "⏰", timeout=10)
        await asyncio.sleep(1.0)  # both keep ticking meanwhile; a second send would show
        assert len(reminders_to(emu)) == 1

        leader.send_signal(signal.SIGKILL)  # dies: no unlock, no goodbye
        await leader.wait()
        killed = asyncio.get_running_loop().time()
        assert await follower.line(10) == "leader"
        print(f"takeover {asyncio.get_running_loop().time() - killed:.2f} s after SIGKILL (poll 0.2 s)")
        clock_file.write_text("2026-10-09T09:00:20+08:00")
        await emu.wait_message(SPECIALIST, "⏰", timeout=10)
        await asyncio.sleep(1.0)

        follower.send_signal(signal.SIGTERM)
        assert await follower.line(30) == "stopped"
        assert await follower.wait() == 0
    finally:
        for process in processes:
            await process.end()
        await bot.session.close()

    first, second = reminders_to(emu)
    assert "09-30 15:00" in first.text and "10-08 10:00" in second.text
    async with db.sessions() as session:
        claims = [(r.period, r.outcome) for r in await runs.runs_of(session, JOB) if r.recipient != runs.RUN_RECORD]
    await db.close()
    assert claims == [(f"thread:{before}", "sent"), (f"thread:{after}", "sent")]
    assert emu.rejected == []
