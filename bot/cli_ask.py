"""``ipbot ask``: an SME's question from the command line, through the chat's own use case.

    ipbot ask [--company USCC] [--as-of YYYY-MM-DD] [--json] [--lang zh|en] "TEXT"

The question takes the path an SME's message takes (:func:`services.asking.answer_question`),
asked by an SME of the company with that 统一社会信用代码 in the database (``--db`` /
``DATABASE_URL``), or, without ``--company``, by an SME with nothing on file. ``--json``
prints the contract::

    {"route": "answer"|"fact"|"forward"|"offtopic",
     "quotes": [{"document", "clause", "text", "citation", "in_force"}],
     "results": [{"programme", "title", "status", "in_force", "stars"}],
     "facts_read": {...}, "ranges": {...}, "differs": [...], "ignored": [...], "problems": [...], "stars": [...], ...}

and without it, the reply the SME would see, as plain text (the chat's renderer, tags out).
Nothing is written: a question that would go to the specialist is said to, not sent.
Errors (a bad date, an unknown company, an empty question) exit 2 with one line on stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import re
import sys
from datetime import date

from locales import t

PROG = "ipbot ask"


def register(sub: argparse._SubParsersAction) -> None:
    ask = sub.add_parser("ask", help="answer a question as the chat answers an SME (see ipbot ask --help)",
                         description="企业提问：按聊天中的同一路径回答 / answer a question as the chat answers an SME")
    ask.add_argument("text", metavar="TEXT", help="the question, e.g. 我们有效发明专利35件，能拿几星创新之星？")
    ask.add_argument("--company", metavar="USCC", help="ask as an SME of this company (its record is read)")
    ask.add_argument("--as-of", metavar="YYYY-MM-DD", help="the date to answer at (default: today, Asia/Shanghai)")
    ask.add_argument("--json", action="store_true", help="print the JSON contract")
    ask.add_argument("--lang", choices=("zh", "en"), default="zh", help="the reply's language")
    ask.set_defaults(func=ask_main)


def _fail(message: str) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return 2


def plain(html_text: str) -> str:
    """Telegram's HTML as a terminal shows it: tags out, entities back to characters."""
    return html.unescape(re.sub(r"</?[a-zA-Z][^>]*>", "", html_text))


def ask_main(settings, args: argparse.Namespace) -> int:
    from storage.types import utcnow

    text = " ".join(args.text.split()) if args.text else ""
    if not text:
        return _fail("the question is empty / 问题为空")
    from services.questions import MAX_QUESTION_CHARS

    if len(text) > MAX_QUESTION_CHARS:
        return _fail(f"the question is {len(text)} characters long; at most {MAX_QUESTION_CHARS} / 问题太长")
    if args.as_of:
        try:
            as_of = date.fromisoformat(args.as_of)
        except ValueError:
            return _fail(f"--as-of: not a date YYYY-MM-DD: {args.as_of!r}")
    else:
        as_of = utcnow().astimezone(settings.tz).date()
    try:
        return asyncio.run(_ask(settings, args, text, as_of))
    except _Failure as exc:
        return _fail(str(exc))


class _Failure(Exception):
    """One line for stderr, exit 2."""


async def _ask(settings, args: argparse.Namespace, text: str, as_of: date) -> int:
    from bot.app import build_context
    from policy import PackError
    from services.companies import find_by_uscc
    from services.session import Database
    from services.users import Actor, Role

    db = Database(settings.database_url)
    try:
        try:
            ctx = build_context(settings, db)
        except PackError as exc:
            raise _Failure(f"policy pack problems: {'; '.join(exc.problems)[:300]}") from None
        await db.upgrade()
        async with db.sessions() as session:  # read only: nothing is committed
            company = None
            if args.company:
                try:
                    company = await find_by_uscc(session, args.company)
                except ValueError:
                    company = None
                if company is None:
                    raise _Failure(f"--company: no company with 统一社会信用代码 {args.company!r} in the database")
            actor = Actor(0, 0, Role.sme, "", company.region_code if company else None,
                          company.id if company else None, args.lang)
            return await _answer(session, ctx, actor, text, as_of, args)
    finally:
        await db.close()


async def _answer(session, ctx, actor, text: str, as_of: date, args: argparse.Namespace) -> int:
    from handlers.questions import answer_card, change_keyboard, clause_status, engine_card, fact_notes, route_text
    from services.asking import ANSWER, FACT, OFFTOPIC, answer_question
    from services.questions import route_to_specialist

    reply = await answer_question(session, ctx.catalog, ctx.search, actor, text, as_of)
    if reply.empty:
        raise _Failure("the question has no words to answer / 问题中没有可回答的文字")
    if args.json:
        print(json.dumps(reply.to_json(), ensure_ascii=False, indent=2))
        return 0
    lang = args.lang
    if reply.route == FACT:
        out = engine_card(list(reply.results), reply.stated, lang, ctx.catalog, fact_notes(reply, lang, ctx.catalog),
                          reply.ranges)
        if change_keyboard(reply, lang) is not None:
            out += f"\n[{t('qa_change_button', lang)}]"
    elif reply.route == ANSWER:
        out = answer_card(reply.hits[0], lang, clause_status(ctx.catalog, reply.hits[0], as_of, lang))
    elif reply.route == OFFTOPIC:
        out = t("qa_off_topic", lang)
    else:  # who it would go to, worked out in a session that is rolled back: nothing is sent
        route = await route_to_specialist(session, actor, text)
        await session.rollback()
        out = route_text(route, lang, "qa_routed")
    print(plain(out))
    return 0
