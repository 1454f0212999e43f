"""`ipbot import companies FILE.xlsx [--json] [--lang zh|en]`: upsert companies from a spreadsheet.

Everything it says is in the reader's language (Chinese by default, `--lang en`), the
file-level refusals as much as the row ones: the person importing is the one who fixes
the file. Prints the counts, then every renamed company and every row not imported, by
Excel row number: a credit code repeated in the file (the first row is imported), a row
that renames a registered company ("第 7 行：信用代码 … 已登记为“A”，本次改名为“B”").
`--json` prints `{"imported": n_new, "updated": n, "renamed": [{"row", "uscc", "old", "new",
"reason"}], "rejected": [{"row": r, "reason": "..."}]}`. A file that cannot be read
changes nothing and exits 2.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
from pathlib import Path

from bot.settings import Settings
from locales import t


def register(subparsers: argparse._SubParsersAction, imports: argparse._SubParsersAction) -> None:
    """`ipbot import companies`; `imports` is the shared `ipbot import` group."""
    companies = imports.add_parser("companies", help="companies from an .xlsx (企业名称, 统一社会信用代码, 所在地区, 行业)")
    companies.add_argument("file", help="the .xlsx file")
    companies.add_argument("--json", action="store_true", help="print the result as JSON")
    companies.add_argument("--lang", default="zh", choices=["zh", "en"], help="language of the report (default zh)")
    companies.set_defaults(func=import_companies)


def _plain(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _reason(code: str, params: dict, lang: str = "zh") -> str:
    """The same sentence a person gets in chat, without the HTML; the import's own codes from imp_*."""
    from dialogs.visit.texts import refusal_text
    from services.errors import Refusal

    if code in ("merged_cells", "repeated_uscc", "repeated_name"):
        return t(f"imp_{code}", lang, **params)
    return _plain(refusal_text(Refusal(code, **params), lang))


def file_error(code: str, params: dict, file: str, lang: str) -> str:
    """The sentence for a file that cannot be imported at all."""
    try:
        return t(f"imp_err_{code}", lang, file=file, **{k: v for k, v in params.items() if k != "path"})
    except KeyError:
        return t("imp_err_generic", lang, file=file, code=code)


def import_companies(settings: Settings, args: argparse.Namespace) -> int:
    from services.company_import import ImportError_, import_rows, read_sheet
    from bot.cli_db import migrated
    from services.session import unit_of_work

    lang = getattr(args, "lang", "zh")
    try:
        rows, report = read_sheet(args.file)
    except ImportError_ as exc:
        print(f"ipbot import companies: {file_error(exc.code, exc.params, args.file, lang)}", file=sys.stderr)
        return 2

    async def go() -> None:
        async with migrated(settings) as db:
            async with unit_of_work(db) as session:
                await import_rows(session, rows, report, source=f"import:{Path(args.file).name}",
                                  as_of=settings_today(settings))

    asyncio.run(go())
    rejected = [{"row": r["row"], "reason": _reason(r["code"], r["params"], lang)} for r in report.rejected]
    renamed = [{**r, "reason": t("imp_renamed" if r["uscc"] else "imp_renamed_no_code", lang, **r)}
               for r in report.renamed]
    if args.json:
        print(json.dumps({"imported": report.imported, "updated": report.updated, "renamed": renamed,
                          "rejected": rejected}, ensure_ascii=False))
        return 0
    print(t("imp_companies_summary", lang, imported=report.imported, updated=report.updated,
            renamed=len(renamed), rejected=len(rejected)))
    if renamed:
        print(t("imp_companies_renamed_head", lang))
        for r in renamed:
            print(f"  {r['reason']}")
    if rejected:
        print(t("imp_companies_rejected_head", lang))
        for r in rejected:
            print("  " + t("imp_row", lang, row=r["row"], reason=r["reason"]))
    if report.merged:
        print("  " + t("imp_merged_ranges", lang, ranges=", ".join(report.merged)))
    return 0


def settings_today(settings: Settings):  # noqa: ANN201
    from datetime import datetime

    return datetime.now(settings.tz).date()
