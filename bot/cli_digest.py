"""`ipbot export`, `ipbot digest` and `ipbot digest-channel`: the roster and digest from the command line."""

from __future__ import annotations

import argparse
import asyncio
import html
import re
import sys
from pathlib import Path

from locales import t
from storage.types import utcnow


def register(sub: argparse._SubParsersAction) -> None:
    export = sub.add_parser("export", help="write a week's roster workbook (all regions without --region)")
    export.add_argument("--week", default=None, help="ISO week such as 2026-W47 (default: last week)")
    export.add_argument("--region", default=None, help="region code prefix, e.g. 320585")
    export.add_argument("--out", required=True, help="the .xlsx file to write")
    export.add_argument("--show-phones", action="store_true", help="whole phone numbers (default: masked)")
    export.set_defaults(func=_export)

    digest = sub.add_parser("digest", help="render (--dry-run) or send a week's digests")
    digest.add_argument("--week", default=None, help="ISO week such as 2026-W47 (default: last week)")
    digest.add_argument("--region", default=None, help="only supervisors and robots within this region code")
    digest.add_argument("--dry-run", action="store_true", help="print the digests, send nothing")
    digest.add_argument("--lang", default="zh", choices=["zh", "en"])
    digest.set_defaults(func=_digest)

    channel = sub.add_parser("digest-channel", help="a region's WeCom / DingTalk / Feishu group robot")
    channel.add_argument("action", choices=["set", "remove", "list"])
    channel.add_argument("--region", default=None)
    channel.add_argument("--kind", default=None, choices=["wecom", "dingtalk", "feishu"])
    channel.add_argument("--url", default=None, help="the robot's webhook address")
    channel.add_argument("--secret", default=None, help="the signing secret (DingTalk SEC…, Feishu)")
    channel.set_defaults(func=_channel)


def _week(settings, text: str | None):
    """The week asked for, or last week (the full week a supervisor forwards, as /export gives)."""
    from services.sheets import WeekError, parse_week, previous_week, week_of

    today = utcnow().astimezone(settings.tz).date()
    if text is None:
        return previous_week(week_of(today, settings.tz))
    try:
        # Weeks more than a year from today are refused, as in chat.
        return parse_week(text, settings.tz, today=today)
    except WeekError as exc:
        print("ipbot: " + t(f"export_err_{exc.code}", "zh", **exc.params), file=sys.stderr)
        return None


def _plain(html_text: str) -> str:
    """Telegram's HTML as a terminal shows it: tags out, entities back to characters."""
    return html.unescape(re.sub(r"</?[a-zA-Z][^>]*>", "", html_text))


def _context(settings, db, bot=None):
    from bot.app import build_context

    return build_context(settings, db, bot)


def _export(settings, args: argparse.Namespace) -> int:
    from services.export import export_roster
    from bot.cli_db import migrated
    from services.session import unit_of_work
    from services.sheets import default_sources
    from services.roster import default_sheets
    from services.targets import load_targets

    week = _week(settings, args.week)
    if week is None:
        return 2
    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        print("ipbot export: --out must name an .xlsx file", file=sys.stderr)
        return 2

    async def go() -> int:
        async with migrated(settings) as db:
            ctx = _context(settings, db)
            async with unit_of_work(db) as session:
                targets = load_targets(settings.training_targets)
                result = await export_roster(session, None, week, args.region,
                                             default_sheets(ctx.catalog, default_sources(targets), targets),
                                             out.parent, ctx.tz,
                                             path=out, show_phones=args.show_phones)
            rows = ", ".join(f"{name} {n}" for name, n in result.rows.items())
            print(f"{out}: {week.label} {args.region or 'all regions'}; {rows}")
            return 0

    return asyncio.run(go())


def _digest(settings, args: argparse.Namespace) -> int:
    from jobs.digest_render import markdown_text, telegram_text
    from jobs.weekly_digest import plan, send_week
    from services.channels.kinds import adapter
    from bot.cli_db import migrated

    week = _week(settings, args.week)
    if week is None:
        return 2

    async def go() -> int:
        bot = None
        async with migrated(settings) as db:
            try:
                if args.dry_run:
                    plans = await plan(_context(settings, db), week, args.region)
                    if not plans:
                        print(t("digest_unknown_region", args.lang, region=args.region or "—"), file=sys.stderr)
                        return 2
                    for p in plans.values():
                        names = [u.full_name or str(u.telegram_id) for u in p.supervisors]
                        names += [f"{c.kind}:{c.region_code}" for c in p.channels]
                        print(f"===== {p.region or 'all regions'} — " + t("digest_dry_run_to", args.lang,
                                                                           recipients=", ".join(names)))
                        print(_plain(telegram_text(p.digest, args.lang, f"周报_{week.label}.xlsx")))
                        for c in p.channels:
                            print(f"----- {c.kind} markdown")
                            print(markdown_text(p.digest, "zh", adapter(c.kind).limit_bytes))
                    return 0
                if not settings.telegram_bot_token:
                    print("ipbot digest: TELEGRAM_BOT_TOKEN is not set; use --dry-run to render only", file=sys.stderr)
                    return 2
                from bot.app import create_bot

                bot = create_bot(settings)
                report = await send_week(_context(settings, db, bot), week, args.region)
                print(f"{week.label}: {report.sent} sent, {report.skipped} already sent, {len(report.failed)} failed")
                for o in report.failed:
                    print(f"  {o.key}: {o.reason}")
                return 0 if not report.failed else 1
            finally:
                if bot is not None:
                    await bot.session.close()

    return asyncio.run(go())


def _channel(settings, args: argparse.Namespace) -> int:
    from services.channels import ChannelError
    from services.digest_channels import list_channels, remove_channel, set_channel
    from bot.cli_db import migrated
    from services.session import unit_of_work

    async def go() -> int:
        try:
            async with migrated(settings) as db:
                async with unit_of_work(db) as session:
                    if args.action == "list":
                        for c in await list_channels(session):
                            print(f"{c.region_code}\t{c.kind}\t{c.url}\t{'signed' if c.signed else 'unsigned'}")
                        return 0
                    if not args.region or not args.kind:
                        print("ipbot digest-channel: --region and --kind are required", file=sys.stderr)
                        return 2
                    if args.action == "remove":
                        removed = await remove_channel(session, args.region, args.kind)
                        print("removed" if removed else "no such robot")
                        return 0 if removed else 1
                    await set_channel(session, args.region, args.kind, args.url or "", args.secret)
                    print(f"{args.kind} robot set for region {args.region}")
                    return 0
        except ChannelError as exc:
            print("ipbot digest-channel: " + t(f"channel_err_{exc.code}", "zh", **exc.params), file=sys.stderr)
            return 2

    return asyncio.run(go())
