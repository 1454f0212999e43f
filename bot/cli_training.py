"""`ipbot import attendance FILE.xlsx [--json]` and `ipbot progress [--as-of DATE] [--json]`.

import attendance records sessions held offline (one row per person and session; headers
姓名, 手机, 单位, 职务, 类别, 培训名称, 培训日期; extra columns ignored) and prints
{"imported": n, "rejected": [{"row": r, "reason": "..."}]}; a session named in the file is
created once, and a row already recorded is reported, never counted twice.
progress prints the numbers behind /progress (see services.progress.Progress.as_json).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import date
from pathlib import Path

from locales import t


def register(subparsers: argparse._SubParsersAction, imports: argparse._SubParsersAction) -> None:
    """`ipbot import attendance` (in the shared `ipbot import` group) and `ipbot progress`."""
    attendance = imports.add_parser("attendance", help="attendance of sessions held offline, from an .xlsx file")
    attendance.add_argument("file", type=Path)
    attendance.add_argument("--region", default=None, help="region code of the sessions the file creates, e.g. 320585")
    attendance.add_argument("--json", action="store_true", help="print the result as JSON")
    attendance.set_defaults(func=_import_attendance)

    progress = subparsers.add_parser("progress", help="people trained toward the training target")
    progress.add_argument("--as-of", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default: today)")
    progress.add_argument("--json", action="store_true", help="print the numbers as JSON")
    progress.set_defaults(func=_progress)


def _reason(code: str, params: dict) -> str:
    return t(f"tr_err_{code}", "zh", **params)


def _import_attendance(settings, args: argparse.Namespace) -> int:  # noqa: ANN001
    from services.errors import Refusal
    from bot.cli_db import migrated
    from services.session import unit_of_work
    from services.training_import import import_attendance
    from storage.types import utcnow

    if args.region is not None and not (len(args.region) == 6 and args.region.isdigit()):
        print("ipbot import attendance: --region must be a 6-digit code such as 320585", file=sys.stderr)
        return 2
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        print(f"ipbot import attendance: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 2

    async def go() -> int:
        try:
            async with migrated(settings) as db:
                today = utcnow().astimezone(settings.tz).date()
                async with unit_of_work(db) as session:
                    result = await import_attendance(session, data, settings.tz, today, args.region)
        except Refusal as exc:
            print(f"ipbot import attendance: {_reason(exc.code, exc.params)}", file=sys.stderr)
            return 2
        rejected = [{"row": row, "reason": _reason(code, params)} for row, code, params in result.rejected]
        if args.json:
            print(json.dumps({"imported": result.imported, "rejected": rejected}, ensure_ascii=False))
        else:
            print(f"imported {result.imported} attendances ({result.sessions_created} sessions created), "
                  f"rejected {len(rejected)} rows")
            for item in rejected:
                print(f"  row {item['row']}: {item['reason']}")
        return 0

    return asyncio.run(go())


def _progress(settings, args: argparse.Namespace) -> int:  # noqa: ANN001
    from services.errors import Refusal
    from services.progress import compute_progress
    from bot.cli_db import migrated
    from services.targets import load_targets
    from storage.types import utcnow

    async def go() -> int:
        try:
            targets = load_targets(settings.training_targets)
            async with migrated(settings) as db, db.sessions() as session:
                as_of = args.as_of or utcnow().astimezone(settings.tz).date()
                progress = await compute_progress(session, targets, as_of, settings.tz)
        except Refusal as exc:
            print(f"ipbot progress: {_reason(exc.code, exc.params)}", file=sys.stderr)
            return 2
        if not progress.in_force:
            print(f"ipbot progress: no training target is in force on {as_of}; showing the latest "
                  f"({progress.target.id}, {progress.target.start}..{progress.target.end})", file=sys.stderr)
        if args.json:
            print(json.dumps(progress.as_json(), ensure_ascii=False))
        else:
            body = progress.as_json()
            print(f"{body['trained']} / {body['target']} people trained "
                  f"({body['period']['from']}..{body['period']['to']}, {body['citation']['document']} "
                  f"{body['citation']['clause']}); projected: {body['projected_date'] or 'unknown'}")
            for key in ("by_category", "by_region"):
                print(f"  {key}: " + ", ".join(f"{k} {v}" for k, v in body[key].items()))
        return 0

    return asyncio.run(go())
