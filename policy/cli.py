"""The pack linter's command line, dispatched by ``ipbot``:

    ipbot policy check [PATH ...] [--policy-dir DIR]

It exits with 1 when a pack has problems (listed on stdout), 0 when every pack is good, and
2 for bad input (on stderr).  Its messages are the linter's own, bilingual, for the pack's
author.  ``ipbot eligibility`` words programme results, so it lives beside the renderer it
uses (``bot.cli_eligibility``); this module (not the engine) reads ``IPBOT_POLICY_DIR``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .catalog import discover_packs
from .check import check_pack, collect_cases

__all__ = ["ENV_POLICY_DIR", "UsageError", "Parser", "error_exit", "policy_check_main"]

ENV_POLICY_DIR = "IPBOT_POLICY_DIR"


class Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so the caller gets an exit code."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


class UsageError(Exception):
    pass


def error_exit(prog: str, message: str) -> int:
    """Print ``message`` to stderr, each line after the program's name; exit code 2."""
    for line in str(message).splitlines() or [""]:
        print(f"{prog}: {line}", file=sys.stderr)
    return 2


def policy_check_main(argv: list[str]) -> int:
    prog = "ipbot policy check"
    parser = Parser(prog=prog, description="检查政策包：结构、引文、自带测试、阈值覆盖 / validate policy packs")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="pack.yaml 所在目录或单个 YAML 文件")
    parser.add_argument("--policy-dir", default=os.environ.get(ENV_POLICY_DIR) or None, metavar="DIR",
                        help=f"未给 PATH 时检查该目录下的全部政策包（默认 ${ENV_POLICY_DIR}）")
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        return error_exit(prog, str(exc))
    except SystemExit as exc:
        return int(exc.code or 0)
    paths = [Path(p) for p in args.paths]
    if not paths:
        if not args.policy_dir:
            return error_exit(prog, f"请给出 PATH 或 --policy-dir（或设置 {ENV_POLICY_DIR}）/ give a PATH or --policy-dir")
        d = Path(args.policy_dir)
        if not d.is_dir():
            return error_exit(prog, f"--policy-dir: 目录不存在 / no such directory: {d}")
        paths = discover_packs(d)
        if not paths:
            return error_exit(prog, f"--policy-dir: 目录中没有政策包 / no packs in {d}")
    missing = [p for p in paths if not p.exists()]
    if missing:
        return error_exit(prog, "\n".join(f"文件或目录不存在 / no such file or directory: {p}" for p in missing))
    status = 0
    for path in paths:
        problems = check_pack(path)
        if problems:
            status = 1
            print(f"✗ {path}: {len(problems)} 个问题 / problem{'s' if len(problems) != 1 else ''}")
            for p in problems:
                print(f"  - {p}")
        else:
            runs, _ = collect_cases(path)
            print(f"✓ {path}: 通过（{len(runs)} 个测试用例）/ OK ({len(runs)} cases)")
    return status
