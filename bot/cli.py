"""The `ipbot` command line: run, demo, emulator, db, invite, company, eligibility, policy.

Two options belong to every command, wherever they are written (`ipbot --db var/demo.db
digest --dry-run` and `ipbot digest --dry-run --db var/demo.db` are the same):

- `--db PATH` reads and writes that SQLite file (or a full `DATABASE_URL`) instead of
  `DATABASE_URL`, so the database `ipbot demo` uses (`var/demo.db`) can be inspected with
  the same commands a server uses;
- `-v/--verbose` shows log lines (`-v` INFO, `-vv` DEBUG). Without it a one-shot command
  prints only its answer: library logs (Alembic's "Context impl SQLiteImpl." ...) are at
  WARNING. `run` and `emulator` are servers, whose log is their output: INFO always.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from bot import cli_ask, cli_backup, cli_companies, cli_digest, cli_training
from bot.settings import Settings, SettingsError, load_settings


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    common, argv = _common_parser().parse_known_args(argv)
    _configure_logging(common.verbose, server=argv[:1] in (["run"], ["emulator"]))
    # Subcommands with their own argparse live next to the code they drive.
    if argv[:1] == ["eligibility"]:
        from bot.cli_eligibility import eligibility_main

        return eligibility_main(argv[1:])
    if argv[:2] == ["policy", "check"]:
        from policy.cli import policy_check_main

        return policy_check_main(argv[2:])
    if argv[:2] == ["policy", "add-document"]:
        from policy.cli import policy_add_document_main

        return policy_add_document_main(argv[2:])
    args = _parser().parse_args(argv)
    args.db_file = Path(common.db).expanduser() if common.db and "://" not in common.db else None
    try:
        settings = load_settings(**({"DATABASE_URL": database_url(common.db)} if common.db else {}))
    except SettingsError as exc:
        print(f"ipbot: {exc}", file=sys.stderr)
        return 2
    from bot.logs import install_settings

    install_settings(settings)  # IPBOT_LOG_FORMAT, and the token and proxy password masked in every line
    from policy.loading import PackError
    from policy.texts import LibraryError

    try:
        return args.func(settings, args)
    except (PackError, LibraryError) as exc:  # IPBOT_POLICY_DIR does not load: each file and field, no traceback
        for line in str(exc).splitlines():
            print(f"ipbot: {line}", file=sys.stderr)
        return 2


DB_HELP = ("the database to use: an SQLite file such as var/demo.db (the one `ipbot demo` uses) "
           "or a whole DATABASE_URL; default: DATABASE_URL")
VERBOSE_HELP = "show log lines (-v INFO, -vv DEBUG); default: only warnings"


def _common_parser() -> argparse.ArgumentParser:
    """--db and -v, taken out of the command line wherever they stand (every command has them)."""
    common = argparse.ArgumentParser(add_help=False, allow_abbrev=False)  # --d must not mean --db
    common.add_argument("--db", metavar="PATH", default=None)
    common.add_argument("-v", "--verbose", action="count", default=0)
    return common


def database_url(db: str) -> str:
    """`--db var/demo.db` as a DATABASE_URL; a whole URL is taken as it is.

    A file that does not exist yet is said on stderr (a new, empty database is made
    there), so a mistyped path is not mistaken for a database with nothing in it.
    """
    if "://" in db:
        return db
    path = Path(db).expanduser()
    if not path.exists():
        print(f"ipbot: {path} does not exist yet; a new, empty database is made there", file=sys.stderr)
    return f"sqlite+aiosqlite:///{path}"


def _configure_logging(verbose: int, *, server: bool) -> None:
    from bot.logs import configure

    level = logging.DEBUG if verbose >= 2 else logging.INFO if verbose or server else logging.WARNING
    # A no-op when logging is already set up (an embedding program, the test runner).
    configure(level)  # text, redacted (bot/logs.py); JSON once the settings ask for it


def _add_common_help(parser: argparse.ArgumentParser) -> None:
    """Show --db and -v in the help of every command (main() has already taken them out)."""
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        options = parser.add_argument_group("every command")
        options.add_argument("--db", metavar="PATH", dest="_db", help=DB_HELP)
        options.add_argument("-v", "--verbose", action="count", dest="_verbose", help=VERBOSE_HELP)
        return
    for sub in subs:
        for child in set(sub.choices.values()):
            _add_common_help(child)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ipbot", description="特派员助手 — IP Envoy bot",
        epilog=f"every command also takes --db PATH ({DB_HELP}) and -v/--verbose ({VERBOSE_HELP})")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="long polling with TELEGRAM_BOT_TOKEN, webhook with WEBHOOK_URL, else the demo")
    run.set_defaults(func=_run)
    demo = sub.add_parser("demo", help="chat with the bot in this terminal, against the built-in emulator")
    demo.add_argument("--fresh", action="store_true", help="start from a new demo database")
    demo.set_defaults(func=_demo)
    emu = sub.add_parser("emulator", help="run the Telegram Bot API emulator on its own")
    emu.add_argument("--host", default="127.0.0.1")
    emu.add_argument("--port", type=int, default=8081)
    emu.add_argument("--token", default=None, help="bot token to accept (default: TELEGRAM_BOT_TOKEN or a demo one)")
    emu.set_defaults(func=_emulator)

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(required=True, metavar="ACTION")
    db_sub.add_parser("upgrade", help="apply Alembic migrations up to the newest").set_defaults(func=_db_upgrade)
    revision = db_sub.add_parser("revision", help="write a new, empty migration after the newest (edit it by hand)")
    revision.add_argument("-m", "--message", required=True, help="what the migration does")
    revision.set_defaults(func=_db_revision)
    db_sub.add_parser("status", help="the update intake: pending, handled in 24 h, parked").set_defaults(
        func=_db_status)
    cli_backup.register(db_sub, sub)  # ipbot db backup FILE, ipbot db restore FILE, ipbot retention

    invite = sub.add_parser("invite", help="print a single-use invite link")
    invite.add_argument("--role", required=True, choices=["admin", "supervisor", "specialist", "sme"])
    invite.add_argument("--region", default=None, help="region code, e.g. 320585")
    invite.add_argument("--company", default=None, help="the company's unified social credit code (sme only)")
    invite.add_argument("--expires", default="7d", help="lifetime such as 7d, 12h, 30m (at most 90d)")
    invite.add_argument("--bot-username", default=None, help="default: asked from Telegram (getMe)")
    invite.set_defaults(func=_invite)

    company = sub.add_parser("company", help="companies")
    company_sub = company.add_subparsers(required=True, metavar="ACTION")
    add = company_sub.add_parser("add", help="register a company")
    add.add_argument("--uscc", required=True)
    add.add_argument("--name", required=True)
    add.add_argument("--region", default=None)
    add.set_defaults(func=_company_add)

    imports = sub.add_parser("import", help="import data from spreadsheets").add_subparsers(required=True, metavar="WHAT")
    cli_companies.register(sub, imports)  # ipbot import companies FILE.xlsx
    cli_digest.register(sub)  # ipbot export, ipbot digest, ipbot digest-channel
    cli_training.register(sub, imports)  # ipbot import attendance, ipbot progress
    cli_ask.register(sub)  # ipbot ask "TEXT": a question as the chat answers it
    sub.add_parser("eligibility", help="run the eligibility checks on a facts file (see --help)")
    policy = sub.add_parser("policy", help="policy packs")
    policy_actions = policy.add_subparsers(metavar="ACTION")
    policy_actions.add_parser("check", help="validate a pack: schema, citations, its tests")
    policy_actions.add_parser("add-document", help="add a policy text and its metadata to IPBOT_POLICY_DIR/texts")
    for name, child in sub.choices.items():
        if name not in ("eligibility", "policy"):  # those parse their own options
            _add_common_help(child)
    return parser


def _db_revision(settings: Settings, args: argparse.Namespace) -> int:
    from alembic import command

    from storage.migrate import alembic_config

    script = command.revision(alembic_config(settings.database_url), message=args.message)
    print(script.path if script is not None and not isinstance(script, list) else script)
    return 0


def _db_status(settings: Settings, _args: argparse.Namespace) -> int:
    from services import inbox
    from bot.cli_db import migrated

    async def go() -> int:
        async with migrated(settings) as db:
            counts = await inbox.counts(db)
        print(f"pending {counts['pending']}, handled in the last 24 h {counts['done']}, parked {counts['dead']}")
        return 0

    return asyncio.run(go())


def _run(settings: Settings, _args: argparse.Namespace) -> int:
    from bot import runners

    if not settings.telegram_bot_token:
        print("TELEGRAM_BOT_TOKEN is not set: starting the demo against the built-in emulator.", file=sys.stderr)
        return _demo(settings, argparse.Namespace(fresh=False, db_file=None))
    asyncio.run(runners.run(settings))  # until SIGTERM or SIGINT, then a graceful stop
    return 0


def _demo(settings: Settings, args: argparse.Namespace) -> int:
    from bot.demo import run_demo

    logging.getLogger().setLevel(logging.WARNING)
    return asyncio.run(run_demo(settings, fresh=args.fresh, db=args.db_file))


def _emulator(settings: Settings, args: argparse.Namespace) -> int:
    from bot.demo import DEMO_TOKEN, DEMO_USERNAME
    from emulator import run_standalone

    token = args.token or settings.telegram_bot_token or DEMO_TOKEN
    run_standalone(args.host, args.port, [token], username=DEMO_USERNAME)
    return 0


def _db_upgrade(settings: Settings, _args: argparse.Namespace) -> int:
    from storage.migrate import upgrade

    upgrade(settings.database_url)
    print("database is at the newest revision")
    return 0


def _invite(settings: Settings, args: argparse.Namespace) -> int:
    from services.invites import InviteError, create_invite, deep_link, parse_lifetime
    from bot.cli_db import migrated
    from services.session import unit_of_work

    async def go() -> int:
        try:
            async with migrated(settings) as db:
                username = args.bot_username or await _bot_username(settings)
                async with unit_of_work(db) as session:
                    ticket = await create_invite(session, args.role, region_code=args.region, company_uscc=args.company,
                                                 lifetime=parse_lifetime(args.expires))
                print(deep_link(username, ticket.token))
                print(f"expires {ticket.expires_at.astimezone(settings.tz):%Y-%m-%d %H:%M} ({settings.timezone}); single use",
                      file=sys.stderr)
                return 0
        except InviteError as exc:
            print(f"ipbot invite: {exc.code.replace('_', ' ')} {exc.params or ''}".rstrip(), file=sys.stderr)
            return 2

    return asyncio.run(go())


async def _bot_username(settings: Settings) -> str:
    if not settings.telegram_bot_token:
        from bot.demo import DEMO_USERNAME

        return DEMO_USERNAME
    from bot.app import create_bot

    bot = create_bot(settings)
    async with bot.context():
        return (await bot.me()).username


def _company_add(settings: Settings, args: argparse.Namespace) -> int:
    from services.companies import CompanyError, add_company
    from bot.cli_db import migrated
    from services.session import unit_of_work

    async def go() -> int:
        try:
            async with migrated(settings) as db:
                async with unit_of_work(db) as session:
                    company = await add_company(session, args.uscc, args.name, args.region)
                print(f"company {company.uscc} {company.name} registered")
                return 0
        except CompanyError as exc:
            print(f"ipbot company add: {exc.code.replace('_', ' ')}", file=sys.stderr)
            return 2

    return asyncio.run(go())


if __name__ == "__main__":
    raise SystemExit(main())
