"""`ipbot import companies FILE.xlsx [--json]`: upsert companies from a spreadsheet.

Prints the new, updated and rejected rows (by Excel row number and reason); `--json` prints
`{"imported": n_new, "updated": n, "rejected": [{"row": r, "reason": "..."}]}`. A file that
cannot be read changes nothing and exits 2.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
from pathlib import Path

from bot.settings import Settings


def register(subparsers: argparse._SubParsersAction, imports: argparse._SubParsersAction) -> None:
    """`ipbot import companies`; `imports` is the shared `ipbot import` group."""
    companies = imports.add_parser("companies", help="companies from an .xlsx (企业名称, 统一社会信用代码, 所在地区, 行业)")
    companies.add_argument("file", help="the .xlsx file")
    companies.add_argument("--json", action="store_true", help="print the result as JSON")
    companies.set_defaults(func=import_companies)


def _reason(code: str, params: dict) -> str:
    """The same sentence a person gets in chat, without the HTML."""
    from dialogs.visit.texts import refusal_text
    from services.errors import Refusal

    text = refusal_text(Refusal(code, **params), "zh") if code != "merged_cells" else \
        f"合并单元格 {params.get('cells', '')}：请取消合并后再导入这一行。"
    return re.sub(r"<[^>]+>", "", text).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def import_companies(settings: Settings, args: argparse.Namespace) -> int:
    from services.company_import import ImportError_, import_rows, read_sheet
    from services.session import Database, unit_of_work

    try:
        rows, report = read_sheet(args.file)
    except ImportError_ as exc:
        message = {"file_missing": "file not found", "file_unreadable": "not a readable .xlsx file",
                   "no_header": "no header row with 企业名称 in the first 10 rows",
                   "too_many_rows": "too many rows"}.get(exc.code, exc.code)
        print(f"ipbot import companies: {args.file}: {message}; nothing was imported", file=sys.stderr)
        return 2

    async def go() -> None:
        db = Database(settings.database_url)
        try:
            await db.upgrade()
            async with unit_of_work(db) as session:
                await import_rows(session, rows, report, source=f"import:{Path(args.file).name}",
                                  as_of=settings_today(settings))
        finally:
            await db.close()

    asyncio.run(go())
    rejected = [{"row": r["row"], "reason": _reason(r["code"], r["params"])} for r in report.rejected]
    if args.json:
        print(json.dumps({"imported": report.imported, "updated": report.updated, "rejected": rejected},
                         ensure_ascii=False))
    else:
        print(f"imported {report.imported} new, updated {report.updated}, rejected {len(rejected)}")
        for r in rejected:
            print(f"  row {r['row']}: {r['reason']}")
        if report.merged:
            print(f"  merged cells in the data: {', '.join(report.merged)}")
    return 0


def settings_today(settings: Settings):  # noqa: ANN201
    from datetime import datetime

    return datetime.now(settings.tz).date()
