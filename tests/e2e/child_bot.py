"""`ipbot run` in a child process that starts in milliseconds rather than seconds.

Starting `python -m bot.cli run` costs 3–6 s on a loaded two-core machine, nearly all of it
importing aiogram (its few hundred pydantic types); the tests that signal or kill the bot
and start it again (test_runtime_stop, test_sigkill) would spend most of their time there.
Here a multiprocessing fork server imports the bot once, and each bot is a process forked
from it that runs what the `ipbot` script runs, `bot.cli.main(["run"])`: a process of its
own, with its own pid, environment, signal handling, exit code and log. Only the imports
are shared. test_runtime_telegram_away and test_demo_and_cli still start the real command
line, so the script itself stays covered.

`start_bot(env, log)` returns a `ChildBot`, which answers what `asyncio.subprocess.Process`
does for these tests: `pid`, `returncode` (negative: killed by that signal),
`send_signal`, `kill`, `wait()`.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import sys
from pathlib import Path

#: Imported once by the fork server, before any bot is forked from it (pytest too: each child
#: imports the main module of the process that started it, here pytest's); the last one loads
#: the search's dictionaries there once (tests/e2e/child_warm.py).
PRELOAD = ["bot.cli", "bot.runners", "storage.migrate", "pytest", "tests.e2e.child_warm"]

_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload(PRELOAD)


def _run(env: dict[str, str], log: str) -> None:
    """In the child: the given environment (nothing of the fork server's), stderr to the log
    and stdout to nothing, as the tests started the script; then `ipbot run`."""
    os.environ.clear()
    os.environ.update(env)
    with open(log, "ab") as sink:
        os.dup2(sink.fileno(), 2)
    with open(os.devnull, "wb") as null:
        os.dup2(null.fileno(), 1)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # the fork server ignores ^C; a bot must not
    from bot.cli import main

    sys.exit(main(["run"]))


class ChildBot:
    def __init__(self, process: multiprocessing.process.BaseProcess) -> None:
        self.process = process

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def returncode(self) -> int | None:
        return self.process.exitcode

    def send_signal(self, signum: int) -> None:
        if self.process.exitcode is None:
            os.kill(self.process.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    async def wait(self) -> int:
        while self.process.exitcode is None:
            await asyncio.sleep(0.005)
        self.process.join()
        return self.process.exitcode


async def start_bot(env: dict[str, str], log: Path) -> ChildBot:
    process = _context.Process(target=_run, args=(dict(env), str(log)), daemon=True, name="ipbot run")
    await asyncio.to_thread(process.start)  # the first start waits for the fork server's imports
    return ChildBot(process)
