"""Command-line entry points, dispatched by ``ipbot``:

    ipbot eligibility --facts FILE|- [--as-of YYYY-MM-DD] [--policy ID ...] [--json] [--policy-dir DIR]
    ipbot policy check [PATH ...] [--policy-dir DIR]

Results go to stdout; bad input goes to stderr with exit code 2.  ``policy check`` exits
with 1 when a pack has problems (listed on stdout) and 0 when every pack is good.  This
module (not the engine) reads ``IPBOT_POLICY_DIR`` as the default for ``--policy-dir``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

from .catalog import PackError, UnknownPolicyError, load_catalog
from .check import check_pack, collect_cases
from .facts import FactError, loads_facts, parse_date
from .report import render_table, results_to_json

__all__ = ["eligibility_main", "policy_check_main"]

ENV_POLICY_DIR = "IPBOT_POLICY_DIR"


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so the caller gets an exit code."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(message)


class _UsageError(Exception):
    pass


def _err(prog: str, message: str) -> int:
    for line in str(message).splitlines() or [""]:
        print(f"{prog}: {line}", file=sys.stderr)
    return 2


def _as_of(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return parse_date(text)
    except ValueError as exc:
        raise _UsageError(f"--as-of: {exc}") from None


def _read_facts(source: str) -> Any:
    try:
        if source == "-":
            text = sys.stdin.read()
            where = "标准输入 / stdin"
        else:
            path = Path(source)
            text = path.read_text(encoding="utf-8")
            where = str(path)
    except FileNotFoundError:
        raise _UsageError(f"--facts: 文件不存在 / no such file: {source}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise _UsageError(f"--facts: 无法读取 / cannot read {source}: {exc}") from None
    try:
        return loads_facts(text)  # FactError for a key given twice
    except json.JSONDecodeError as exc:
        raise _UsageError(
            f"--facts: {where} 不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}）/ "
            f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None


def eligibility_main(argv: list[str]) -> int:
    prog = "ipbot eligibility"
    parser = _Parser(prog=prog, description="资格自查：按政策包评估企业事实 / evaluate a company's facts against the policy packs")
    parser.add_argument("--facts", required=True, metavar="FILE|-", help="JSON 对象（事实名称: 值），- 表示标准输入")
    parser.add_argument("--as-of", metavar="YYYY-MM-DD", help="评估日期（默认今天）")
    parser.add_argument("--policy", action="extend", nargs="+", metavar="ID", help="只评估这些政策（可重复）")
    parser.add_argument("--json", action="store_true", help="输出 JSON")
    parser.add_argument("--policy-dir", default=os.environ.get(ENV_POLICY_DIR) or None, metavar="DIR",
                        help=f"额外的政策包目录（默认 ${ENV_POLICY_DIR}）")
    try:
        args = parser.parse_args(argv)
        as_of = _as_of(args.as_of)
        raw = _read_facts(args.facts)
    except _UsageError as exc:
        return _err(prog, str(exc))
    except FactError as exc:
        return _err(prog, _fact_error_text(exc))
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    try:
        catalog = load_catalog(args.policy_dir)
    except PackError as exc:
        return _err(prog, "政策包有误 / policy pack problems:\n" + str(exc))
    try:
        facts = catalog.parse_facts(raw)
    except FactError as exc:
        return _err(prog, _fact_error_text(exc))
    try:
        results = catalog.evaluate(facts, as_of, args.policy)
    except UnknownPolicyError as exc:
        return _err(prog, f"--policy: {exc}")
    if args.json:
        print(json.dumps(results_to_json(results, as_of, facts.warnings), ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(render_table(results, as_of, registry=catalog.registry, warnings=facts.warnings))
    return 0


def _fact_error_text(exc: FactError) -> str:
    """Each problem as a sentence naming the fields by label, with the JSON names to fix."""
    return "\n".join(f"{p.message('zh')}（{', '.join(p.fields or (p.field,)) if p.code != 'unknown_fact' else p.field}）"
                     f" / {p.message('en')}" for p in exc.problems)


def policy_check_main(argv: list[str]) -> int:
    prog = "ipbot policy check"
    parser = _Parser(prog=prog, description="检查政策包：结构、引文、自带测试、阈值覆盖 / validate policy packs")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="pack.yaml 所在目录或单个 YAML 文件")
    parser.add_argument("--policy-dir", default=os.environ.get(ENV_POLICY_DIR) or None, metavar="DIR",
                        help=f"未给 PATH 时检查该目录下的全部政策包（默认 ${ENV_POLICY_DIR}）")
    try:
        args = parser.parse_args(argv)
    except _UsageError as exc:
        return _err(prog, str(exc))
    except SystemExit as exc:
        return int(exc.code or 0)
    paths = [Path(p) for p in args.paths]
    if not paths:
        if not args.policy_dir:
            return _err(prog, f"请给出 PATH 或 --policy-dir（或设置 {ENV_POLICY_DIR}）/ give a PATH or --policy-dir")
        d = Path(args.policy_dir)
        if not d.is_dir():
            return _err(prog, f"--policy-dir: 目录不存在 / no such directory: {d}")
        from .catalog import _discover

        paths = _discover(d)
        if not paths:
            return _err(prog, f"--policy-dir: 目录中没有政策包 / no packs in {d}")
    missing = [p for p in paths if not p.exists()]
    if missing:
        return _err(prog, "\n".join(f"文件或目录不存在 / no such file or directory: {p}" for p in missing))
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
