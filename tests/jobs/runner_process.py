"""One bot process's job runner, as `test_two_processes` starts two of them on one database.

It builds the context, bot and runner exactly as the bot does, from the real feature
table, except for the clock: that is read from a file the test writes, and `tick()`
stands in for APScheduler's wake-ups on that clock. It prints `ready leader=<bool>`,
then `leader` when it takes the lead over; it stops on SIGTERM, or by itself after
`--lifetime` seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from datetime import datetime
from pathlib import Path

from bot.app import build_context, create_bot
from bot.features import all_jobs
from bot.settings import Settings
from jobs.runner import JobRunner
from services.session import Database


async def main() -> None:
    parser = argparse.ArgumentParser()
    for name in ("--database-url", "--api-base", "--token", "--clock-file"):
        parser.add_argument(name, required=True)
    parser.add_argument("--lifetime", type=float, default=90.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    settings = Settings(TELEGRAM_BOT_TOKEN=args.token, TELEGRAM_API_BASE=args.api_base,
                        DATABASE_URL=args.database_url)
    clock_file = Path(args.clock_file)
    db, bot = Database(settings.database_url), create_bot(settings)
    ctx = build_context(settings, db, bot, clock=lambda: datetime.fromisoformat(clock_file.read_text().strip()))
    runner = JobRunner(ctx, all_jobs(), poll_interval=0.2)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    await runner.start()
    print(f"ready leader={runner.is_leader}", flush=True)
    led, deadline = runner.is_leader, loop.time() + args.lifetime
    while not stop.is_set() and loop.time() < deadline:
        if runner.is_leader and not led:
            print("leader", flush=True)
        led = runner.is_leader
        await runner.tick()
        try:
            await asyncio.wait_for(stop.wait(), 0.1)
        except asyncio.TimeoutError:
            pass
    await runner.stop()
    await bot.session.close()
    await db.close()
    print("stopped", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
