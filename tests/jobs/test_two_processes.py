"""Two bot processes on one PostgreSQL database: one leads, the other takes over when it is
killed, and exactly one of them sends each reminder."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from services import runs
from services.question_reminders import JOB
from services.session import Database
from storage.models import Role

from jobkit import SPECIALIST, TOKEN, add_company, add_user, ask, make_bot, reminders_to, specialist_chat

SCRIPT = Path(__file__).with_name("runner_process.py")
ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60.0  # importing aiogram, SQLAlchemy and the catalog on a busy 2-core machine


class Process:
    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc

    async def line(self, timeout: float) -> str:
        raw = await asyncio.wait_for(self.proc.stdout.readline(), timeout)
        if not raw:
            raise EOFError(f"process {self.proc.pid} ended (rc={await self.proc.wait()})")
        return raw.decode().strip()

    async def end(self) -> None:
        if self.proc.returncode is None:
            self.proc.kill()
        await self.proc.wait()


async def spawn(url: str, api: str, clock_file: Path) -> Process:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, str(SCRIPT), "--database-url", url, "--api-base", api, "--token", TOKEN,
        "--clock-file", str(clock_file), "--lifetime", "90", cwd=ROOT, stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    return Process(proc)


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

        processes = [await spawn(pg_url, emu.url, clock_file) for _ in range(2)]
        ready = await asyncio.gather(*(p.line(START_TIMEOUT) for p in processes))
        assert sorted(ready) == ["ready leader=False", "ready leader=True"]
        leader, follower = (processes if ready[0].endswith("True") else processes[::-1])

        await emu.wait_message(SPECIALIST, "⏰", timeout=10)
        await asyncio.sleep(1.0)  # both keep ticking meanwhile; a second send would show
        assert len(reminders_to(emu)) == 1

        leader.proc.send_signal(signal.SIGKILL)  # dies: no unlock, no goodbye
        await leader.proc.wait()
        killed = asyncio.get_running_loop().time()
        assert await follower.line(10) == "leader"
        print(f"takeover {asyncio.get_running_loop().time() - killed:.2f} s after SIGKILL (poll 0.2 s)")
        clock_file.write_text("2026-10-09T09:00:20+08:00")
        await emu.wait_message(SPECIALIST, "⏰", timeout=10)
        await asyncio.sleep(1.0)

        follower.proc.send_signal(signal.SIGTERM)
        assert await follower.line(30) == "stopped"
        assert await follower.proc.wait() == 0
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
