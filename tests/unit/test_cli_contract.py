"""What every `ipbot` command owes the person at the shell: only its answer, on the database asked for.

Run as a person runs it (a child process): logging is set up by `ipbot` itself, so
Alembic's INFO lines would show here exactly as they did in the field test. The first test
starts the installed script; the others fork `ipbot` from a server that imported the bot once
(tests/cli_child.py), the same command line in a process of its own without the import's
seconds.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

from openpyxl import Workbook

from bot.demo import DEMO_DB, _prepare_database
from tests.cli_child import run_ipbot

IPBOT = Path(sys.executable).with_name("ipbot")


def _environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_", "REDIS_"))}


def _script(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """The installed `ipbot` script in a new interpreter."""
    return subprocess.run([str(IPBOT), *args], cwd=cwd, env=_environment(), capture_output=True, text=True,
                          timeout=120)


def _ipbot(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """`ipbot *args` forked from the fork server (tests/cli_child.py)."""
    return run_ipbot(list(args), cwd=cwd, env=_environment())


def _demo_database(cwd: Path) -> Path:
    """The database `ipbot demo` makes, where it makes it (var/demo.db under the working directory)."""
    os.makedirs(cwd / "var", exist_ok=True)
    asyncio.run(_prepare_database(f"sqlite+aiosqlite:///{cwd / DEMO_DB}"))
    return cwd / DEMO_DB


def test_a_command_prints_only_its_answer_and_logs_with_verbose(tmp_path):
    quiet = _script(tmp_path, "db", "upgrade")
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stdout == "database is at the newest revision\n" and quiet.stderr == ""  # no Alembic INFO
    loud = _ipbot(tmp_path, "db", "status", "-v")
    assert loud.returncode == 0 and loud.stdout.startswith("pending 0")
    assert "INFO alembic.runtime.migration" in loud.stderr  # asked for: shown


def test_every_command_reads_the_demo_database_with_db(tmp_path):
    _demo_database(tmp_path)
    book = Workbook()
    book.active.append(["企业名称", "统一社会信用代码"])
    book.active.append(["太仓精工机械股份有限公司", "91320585MA1W8K7Q3G"])  # the demo SME's company, renamed
    book.save(tmp_path / "c.xlsx")
    # --db after the command, as the README shows; the answer names the demo's company.
    done = _ipbot(tmp_path, "import", "companies", "c.xlsx", "--json", "--db", "var/demo.db")
    assert done.returncode == 0 and done.stderr == "", done.stderr
    [renamed] = json.loads(done.stdout)["renamed"]
    assert renamed["old"] == "太仓精工机械有限公司" and renamed["row"] == 2
    # --db before the command works the same; the demo's people are there.
    status = _ipbot(tmp_path, "--db", "var/demo.db", "progress", "--json")
    assert status.returncode == 0 and status.stderr.count("\n") <= 1  # at most the "no target in force" line
    assert "trained" in json.loads(status.stdout)


def test_a_db_path_that_does_not_exist_is_said(tmp_path):
    result = _ipbot(tmp_path, "db", "status", "--db", "var/typo.db")
    assert "var/typo.db does not exist yet" in result.stderr
