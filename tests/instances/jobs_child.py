"""One instance's scheduler, as test_leader_handover.py starts two of them on one database.

It builds the context, bot and job runner as `ipbot run` does (bot.runners.serving), from the
real feature table and settings, except for the clock: that is read from a file the test
writes, and `tick()` stands in for APScheduler's wake-ups on that clock. It is forked from the
fork server of tests/e2e/child_bot.py (the bot imported once), and writes `ready leader=<bool>`,
then `leader` when it takes the lead over, to a status file; it stops on SIGTERM, or by itself
after `lifetime` seconds.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from datetime import datetime
from pathlib import Path

from tests.e2e.child_bot import _context


def main(env: dict[str, str], clock_file: str, status_file: str, log: str, lifetime: float) -> None:
    os.environ.clear()
    os.environ.update(env)
    with open(log, "ab") as sink:
        os.dup2(sink.fileno(), 2)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    sys.exit(asyncio.run(_run(Path(clock_file), Path(status_file), lifetime)))


async def _run(clock_file: Path, status_file: Path, lifetime: float) -> int:
    from bot.app import build_context, create_bot
    from bot.features import all_jobs
    from bot.settings import load_settings
    from jobs.runner import JobRunner
    from services.session import Database

    settings = load_settings()
    db, bot = Database(settings.database_url), create_bot(settings)
    ctx = build_context(settings, db, bot, clock=lambda: datetime.fromisoformat(clock_file.read_text().strip()))
    runner = JobRunner(ctx, all_jobs(settings=settings), poll_interval=0.2)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)

    def say(line: str) -> None:
        with status_file.open("a") as out:
            out.write(line + "\n")

    await runner.start()
    say(f"ready leader={runner.is_leader}")
    led, deadline = runner.is_leader, loop.time() + lifetime
    while not stop.is_set() and loop.time() < deadline:
        if runner.is_leader and not led:
            say("leader")
        led = runner.is_leader
        await runner.tick()
        try:
            await asyncio.wait_for(stop.wait(), 0.1)
        except TimeoutError:
            pass
    await runner.stop()
    await bot.session.close()
    await db.close()
    say("stopped")
    return 0


def start(env: dict[str, str], clock_file: Path, status_file: Path, log: Path, lifetime: float = 60.0):
    """A process running `main`, from the fork server (returns the multiprocessing Process)."""
    process = _context.Process(target=main, args=(env, str(clock_file), str(status_file), str(log), lifetime),
                               daemon=True, name="ipbot jobs")
    process.start()
    return process
