"""`ipbot db backup FILE`, `ipbot db restore FILE [--force]` and `ipbot retention [--dry-run]`.

The work is in services/backup.py (each engine's documented backup) and services/retention.py
(what the daily job masks); here only the options and what is printed. The README's
production section walks an operator through the restore drill.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any


def register(db_sub: Any, sub: Any) -> None:
    """`backup` and `restore` under `ipbot db`; `retention` as a command of its own."""
    backup = db_sub.add_parser("backup", help="a consistent copy of the database while the bot runs "
                                              "(SQLite: the online backup API; PostgreSQL: pg_dump --format=custom)")
    backup.add_argument("file", type=Path, help="where to write it (must not exist)")
    backup.set_defaults(func=_backup)
    restore = db_sub.add_parser("restore", help="restore a backup into the database (stop the bot first), migrate it "
                                                "and print what it holds")
    restore.add_argument("file", type=Path, help="a file written by `ipbot db backup`")
    restore.add_argument("--force", action="store_true", help="replace a database that already holds data")
    restore.set_defaults(func=_restore)
    retention = sub.add_parser("retention", help="mask or delete personal data past its retention period now "
                                                 "(the daily job's run; IPBOT_RETENTION_*_DAYS)")
    retention.add_argument("--dry-run", action="store_true", help="only count what would go")
    retention.set_defaults(func=_retention)


def _counts_line(counts: Any) -> str:
    c = counts.as_dict()
    return (f"visits {c['visits']}, measures {c['measures']}, attendance {c['attendance']}, invites {c['invites']} "
            f"(users {c['users']}, companies {c['companies']}, trainees {c['trainees']})")


def _backup(settings: Any, args: argparse.Namespace) -> int:
    from services.backup import BackupError, backup, file_counts, safe_url

    async def go() -> int:
        try:
            await backup(settings.database_url, args.file)
        except BackupError as exc:
            print(f"ipbot db backup: {exc}", file=sys.stderr)
            return 2
        size = args.file.stat().st_size
        print(f"backup of {safe_url(settings.database_url)} written to {args.file} ({size:,} bytes)")
        with args.file.open("rb") as fh:
            is_sqlite = fh.read(6) == b"SQLite"
        if is_sqlite:  # a database itself: say what it holds
            print(f"it holds {_counts_line(file_counts(args.file))}")
        return 0

    return asyncio.run(go())


def _restore(settings: Any, args: argparse.Namespace) -> int:
    from services.backup import BackupError, restore, safe_url

    async def go() -> int:
        try:
            restored = await restore(args.file, settings.database_url, force=args.force)
        except BackupError as exc:
            print(f"ipbot db restore: {exc}", file=sys.stderr)
            return 2
        print(f"restored {args.file} into {safe_url(settings.database_url)}: {_counts_line(restored)}")
        return 0

    return asyncio.run(go())


def _retention(settings: Any, args: argparse.Namespace) -> int:
    from bot.cli_db import migrated
    from services import retention
    from storage.types import utcnow

    async def go() -> int:
        periods = retention.Periods.of(settings)
        async with migrated(settings) as db:
            removed = await retention.apply(db, periods, utcnow(), dry_run=args.dry_run)
        days = ", ".join(f"{k} {v or 'kept'}" for k, v in vars(periods).items())
        verb = "would mask or delete" if args.dry_run else "masked or deleted"
        counts = ", ".join(f"{k} {v}" for k, v in removed.as_dict().items())
        print(f"retention (days: {days}): {verb} {counts}")
        return 0

    return asyncio.run(go())
