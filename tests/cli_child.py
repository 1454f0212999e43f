"""`ipbot <args>` in a child process forked from the fork server of tests/e2e/child_bot.py,
which imported the bot once: what `subprocess.run([ipbot, *args], ...)` answers, without the
3–6 s a new interpreter spends importing aiogram on a loaded two-core machine.

The child is a process of its own: its working directory, environment, stdin (a file holding
the input: not a terminal, as `subprocess.run(input=...)`'s pipe is not), stdout and stderr
(files read back here), its own logging
set up by `ipbot` itself, and its exit code. It runs what the `ipbot` script runs,
`bot.cli.main(args)`. Only the imports are shared, so what an import alone would print is not
seen here: the tests that start the real script (test_demo_and_cli's terminal chat,
test_runtime_telegram_away) and tests/unit/test_cli_contract's first test cover that.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

from tests.e2e.child_bot import _context


def _main(args: list[str], cwd: str, env: dict[str, str], given: str, out: str, err: str) -> None:
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    with open(given, "rb") as source:
        os.dup2(source.fileno(), 0)
    with open(out, "wb") as sink:
        os.dup2(sink.fileno(), 1)
    with open(err, "wb") as sink:
        os.dup2(sink.fileno(), 2)
    # multiprocessing gave the child /dev/null as sys.stdin; the streams over fds 0-2 anew
    # (the fork server's were made before the redirection), as a new interpreter makes them
    sys.stdin = open(0, encoding="utf-8", closefd=False)
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
    sys.stderr = open(2, "w", encoding="utf-8", closefd=False)
    from bot.cli import main

    sys.exit(main(list(args)))


def run_ipbot(args: list[str], *, cwd, env: dict[str, str], input: str = "",
              timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `ipbot *args` in `cwd` with exactly `env`, typing `input`; its exit code and output."""
    with tempfile.TemporaryDirectory() as folder:
        given, out, err = (os.path.join(folder, name) for name in ("in", "out", "err"))
        with open(given, "w", encoding="utf-8") as fh:
            fh.write(input)
        process = _context.Process(target=_main, args=(list(args), str(cwd), dict(env), given, out, err),
                                   daemon=True, name="ipbot " + " ".join(args))
        process.start()
        process.join(timeout)
        if process.exitcode is None:
            process.kill()
            process.join()
            raise subprocess.TimeoutExpired(["ipbot", *args], timeout)
        with open(out, encoding="utf-8") as fh_out, open(err, encoding="utf-8") as fh_err:
            return subprocess.CompletedProcess(["ipbot", *args], process.exitcode, fh_out.read(), fh_err.read())
