"""``ipbot eligibility``: evaluate a company's facts against the policy packs, from the command line.

    ipbot eligibility --facts FILE|- [--as-of YYYY-MM-DD] [--policy ID ...] [--json] [--lang zh|en]
                      [--policy-dir DIR]

The JSON contract comes from the engine (``policy.results_to_json``); the readable table
from the one programme renderer (``locales.programmes.render_table``), in Chinese or
English. Results go to stdout; bad input goes to stderr with exit code 2. Reads
``IPBOT_POLICY_DIR`` as the default for ``--policy-dir``.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

from locales.programmes import render_table
from policy import PackError, UnknownPolicyError, load_catalog, results_to_json
from policy.cli import ENV_POLICY_DIR, Parser, UsageError, error_exit
from policy.facts import FactError, loads_facts, parse_date

__all__ = ["eligibility_main"]


def _as_of(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return parse_date(text)
    except ValueError as exc:
        raise UsageError(f"--as-of: {exc}") from None


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
        raise UsageError(f"--facts: 文件不存在 / no such file: {source}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--facts: 无法读取 / cannot read {source}: {exc}") from None
    try:
        return loads_facts(text)  # FactError for a key given twice
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"--facts: {where} 不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}）/ "
            f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None


def _fact_error_text(exc: FactError) -> str:
    """Each problem as a sentence naming the fields by label, with the JSON names to fix."""
    return "\n".join(f"{p.message('zh')}（{', '.join(p.fields or (p.field,)) if p.code != 'unknown_fact' else p.field}）"
                     f" / {p.message('en')}" for p in exc.problems)


def eligibility_main(argv: list[str]) -> int:
    prog = "ipbot eligibility"
    parser = Parser(prog=prog, description="资格自查：按政策包评估企业事实 / evaluate a company's facts against the policy packs")
    parser.add_argument("--facts", required=True, metavar="FILE|-", help="JSON 对象（事实名称: 值），- 表示标准输入")
    parser.add_argument("--as-of", metavar="YYYY-MM-DD", help="评估日期（默认今天）")
    parser.add_argument("--policy", action="extend", nargs="+", metavar="ID", help="只评估这些政策（可重复）")
    parser.add_argument("--json", action="store_true", help="输出 JSON")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="表格的语言 / the table's language")
    parser.add_argument("--policy-dir", default=os.environ.get(ENV_POLICY_DIR) or None, metavar="DIR",
                        help=f"额外的政策包目录（默认 ${ENV_POLICY_DIR}）")
    try:
        args = parser.parse_args(argv)
        as_of = _as_of(args.as_of)
        raw = _read_facts(args.facts)
    except UsageError as exc:
        return error_exit(prog, str(exc))
    except FactError as exc:
        return error_exit(prog, _fact_error_text(exc))
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    try:
        catalog = load_catalog(args.policy_dir)
    except PackError as exc:
        return error_exit(prog, "政策包有误 / policy pack problems:\n" + str(exc))
    try:
        facts = catalog.parse_facts(raw)
    except FactError as exc:
        return error_exit(prog, _fact_error_text(exc))
    try:
        results = catalog.evaluate(facts, as_of, args.policy)
    except UnknownPolicyError as exc:
        return error_exit(prog, f"--policy: {exc}")
    if args.json:
        print(json.dumps(results_to_json(results, as_of, facts.warnings), ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(render_table(results, as_of, catalog, lang=args.lang, warnings=facts.warnings))
    return 0
