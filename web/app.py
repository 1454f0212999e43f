"""The workbench's HTTP side: an aiohttp application in the bot's own process.

URL layout (all under /workbench):

* ``GET /workbench``: the page (web/shell.py); no data, no credential needed. In Telegram
  the address carries ``#tgWebAppData=...``; ``?week=2026-W49`` passes on to the first view,
  ``?company=<id>`` opens that company's card first (a link from the chat or the digest;
  the card's own rule decides, as when it is opened from a list).
* ``GET /workbench/b/<link>``: a browser link from ``/workbench`` in chat, good once (in any
  process on the database), for LINK_MINUTES: the same page, holding a browser session for
  its user (401 once used).
* ``GET /workbench/font/cjk.otf``: the CJK font the project ships (mplfonts' Noto Sans CJK
  SC), for browsers without a Chinese font of their own; public, cached for a year.
* ``GET /workbench/view/<name>``: the views, as HTML fragments, each needing
  ``Authorization: tma <initData>`` (or ``wbs <session>``):
  ``home`` (by role: the week for supervisors and admins, the companies for specialists,
  the own company for SMEs), ``week?week=``, ``visits?week=&specialist=&district=``,
  ``overdue?week=``, ``unvisited?week=``, ``questions?week=``, ``companies``,
  ``company/<id>``, ``mine``.
* ``GET /workbench/roster.xlsx?week=``: the week's roster (services.export), same header.

No credential, a forged or stale one, or a Telegram user who is not an invited user: 401.
A page the user's role or region does not reach (another region's company, another
company for an SME, the week for a specialist): 403, audited by the service that refused.
A malformed week: 400. The body of a refusal says nothing but that.
"""

from __future__ import annotations

import gc
import secrets
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from aiohttp import web

from locales import pick_language
from services import workbench
from services.context import AppContext
from services.errors import Refusal
from services.export import export_roster
from services.progress_chart import cjk_font_path
from services.roster import default_sheets
from services.session import AsyncSession
from services.sheets import Week, WeekError, default_sources, parse_week, previous_week, week_of
from services.targets import load_targets
from services.users import Actor, Role, load_actor
from services.workbench_links import redeem
from web import pages
from web.auth import Identity, LinkBook, identify
from web.shell import FONT, shell

__all__ = ["create_app", "add_workbench", "Workbench", "PREFIX", "DEFAULT_MAX_AGE"]

PREFIX = "/workbench"
#: initData older than this is refused (setting WORKBENCH_INIT_DATA_MAX_AGE).
DEFAULT_MAX_AGE = 3600
SUPERVISORS = (Role.supervisor, Role.admin)
#: The font never changes under its address (it is the installed package's file): a year.
FONT_CACHE = "public, max-age=31536000, immutable"

View = Callable[["Request"], Awaitable[str]]


@dataclass
class Request:
    """One authenticated view request: who, in which language, with an open session."""

    http: web.Request
    actor: Actor
    lang: str
    session: AsyncSession


class Workbench:
    """The routes of one bot: its context (database, catalog, clock, zone) and token."""

    def __init__(self, ctx: AppContext, token: str, max_age: int = DEFAULT_MAX_AGE) -> None:
        self.ctx, self.token, self.max_age = ctx, token, max_age
        self.links = LinkBook(token, max_age, clock=lambda: ctx.now().timestamp())
        self.targets = load_targets(getattr(ctx.settings, "training_targets", None))
        self.sources = ctx.row_sources if ctx.row_sources is not None else default_sources(self.targets)

    # ------------------------------------------------------------------ routes

    def add_to(self, app: web.Application) -> None:
        views: dict[str, View] = {
            "home": self.home, "week": self.week, "visits": self.visits, "overdue": self.overdue,
            "unvisited": self.unvisited, "questions": self.questions, "companies": self.companies,
            "mine": self.mine,
        }
        app.router.add_get(PREFIX, self.page)
        app.router.add_get(f"{PREFIX}/", self.page)
        app.router.add_get(PREFIX + "/b/{link}", self.browser_link)
        app.router.add_get(FONT, self.font)
        for name, view in views.items():
            app.router.add_get(f"{PREFIX}/view/{name}", self._guarded(view))
        app.router.add_get(PREFIX + "/view/company/{company_id:\\d{1,12}}", self._guarded(self.company))
        app.router.add_get(f"{PREFIX}/roster.xlsx", self.roster)
        app.on_startup.append(_settle_heap)

    def _page(self, session_token: str | None = None, start: str = f"{pages.VIEW}/home") -> web.Response:
        nonce = secrets.token_urlsafe(16)
        response = web.Response(text=shell(nonce, start, session_token), content_type="text/html")
        response.headers["Content-Security-Policy"] = (
            f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; connect-src 'self'; "
            "font-src 'self'; "
            "img-src 'self' data: blob:; base-uri 'none'; form-action 'none'")
        return _private(response)

    async def page(self, request: web.Request) -> web.Response:
        company = request.query.get("company", "")
        if company.isdigit() and len(company) <= 12:
            return self._page(start=f"{pages.VIEW}/company/{int(company)}")
        return self._page()

    async def font(self, _request: web.Request) -> web.StreamResponse:
        """The CJK font, for a browser with no Chinese font of its own: the page's @font-face
        names the usual system fonts first (web/shell.py), so a phone or a desk that has one
        never asks for this file."""
        return web.FileResponse(cjk_font_path(), headers={
            "Content-Type": "font/otf", "Cache-Control": FONT_CACHE, "X-Content-Type-Options": "nosniff"})

    async def browser_link(self, request: web.Request) -> web.Response:
        async with self.ctx.db.sessions() as session:
            telegram_id = await redeem(session, self.links, request.match_info["link"])
            if telegram_id is None:
                return _refusal(401)
            actor = await load_actor(session, telegram_id)
        if actor is None:
            return _refusal(401)
        return self._page(self.links.session(telegram_id))

    # ------------------------------------------------------------------ the guard

    async def _who(self, request: web.Request, session: AsyncSession) -> tuple[Identity, Actor] | None:
        """The signed identity the request carries and the invited user behind it, or None (401)."""
        identity = identify(request.headers.get("Authorization"), self.token, self.links,
                            self.ctx.now().timestamp(), self.max_age)
        if identity is None:
            return None
        actor = await load_actor(session, identity.telegram_id)
        return None if actor is None else (identity, actor)

    def _guarded(self, view: View) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def handle(request: web.Request) -> web.Response:
            async with self.ctx.db.sessions() as session:
                who = await self._who(request, session)
                if who is None:
                    return _refusal(401)
                identity, actor = who
                lang = pick_language(identity.language_code) if identity.language_code is not None else actor.language
                try:
                    body = await view(Request(request, actor, lang, session))
                except WeekError:
                    return _refusal(400)
                except Refusal:
                    await session.commit()  # the refusal's audit entry
                    return _refusal(403)
            return _private(web.Response(text=body, content_type="text/html"))
        return handle

    # ------------------------------------------------------------------ views

    def _week(self, request: web.Request) -> Week:
        given = request.query.get("week")
        if given:
            return parse_week(given, self.ctx.tz, today=self.ctx.today())
        return previous_week(week_of(self.ctx.today(), self.ctx.tz))

    async def home(self, r: Request) -> str:
        if r.actor.role in SUPERVISORS:
            return await self.week(r)
        if r.actor.role == Role.sme:
            return await self.mine(r)
        return await self.companies(r)

    async def week(self, r: Request) -> str:
        page = await workbench.week_page(r.session, r.actor, self._week(r.http), self.ctx.catalog, self.sources,
                                         self.targets, db=self.ctx.db)
        return pages.week_view(page, r.lang)

    async def visits(self, r: Request) -> str:
        week = self._week(r.http)
        specialist = r.http.query.get("specialist", "")
        rows = await workbench.week_visits(r.session, r.actor, week, self.sources,
                                           specialist_id=int(specialist) if specialist.isdigit() else None,
                                           district=r.http.query.get("district") or None)
        return pages.visits_view(rows, week.label, r.lang, self.ctx.tz)

    async def overdue(self, r: Request) -> str:
        week = self._week(r.http)
        return pages.overdue_view(await workbench.week_overdue(r.session, r.actor, week, self.sources),
                                  week.label, r.lang)

    async def unvisited(self, r: Request) -> str:
        week = self._week(r.http)
        return pages.unvisited_view(await workbench.unvisited_this_month(r.session, r.actor, week),
                                    week.label, r.lang)

    async def questions(self, r: Request) -> str:
        week = self._week(r.http)
        return pages.questions_view(await workbench.waiting_questions(r.session, r.actor, week), week.label,
                                    r.lang, self.ctx.tz)

    async def companies(self, r: Request) -> str:
        rows = await workbench.my_companies(r.session, r.actor, self.ctx.today(), self.ctx.tz)
        return pages.companies_view(rows, r.lang, self.ctx.tz)

    async def company(self, r: Request) -> str:
        company_id = int(r.http.match_info["company_id"])
        if r.actor.role == Role.sme:
            page = await workbench.sme_page(r.session, r.actor, self.ctx.catalog, self.ctx.today(), company_id)
            return pages.sme_view(page, self.ctx.catalog, r.lang)
        page = await workbench.company_page(r.session, r.actor, company_id, self.ctx.catalog, self.ctx.today())
        return pages.company_view(page, self.ctx.catalog, r.lang, self.ctx.tz)

    async def mine(self, r: Request) -> str:
        page = await workbench.sme_page(r.session, r.actor, self.ctx.catalog, self.ctx.today())
        return pages.sme_view(page, self.ctx.catalog, r.lang)

    # ------------------------------------------------------------------ the roster

    async def roster(self, request: web.Request) -> web.Response:
        """The week's roster, as /export makes it (its region rule, its audit entry)."""
        async with self.ctx.db.sessions() as session:
            who = await self._who(request, session)
            if who is None:
                return _refusal(401)
            actor = who[1]
            try:
                week = self._week(request)
                with tempfile.TemporaryDirectory(prefix="ipbot-workbench-") as tmp:
                    sheets = default_sheets(self.ctx.catalog, self.sources, self.targets)
                    result = await export_roster(session, actor, week, None, sheets, Path(tmp), self.ctx.tz,
                                                 now=self.ctx.now(), lang=actor.language)
                    body = result.path.read_bytes()
                    name = result.path.name
                await session.commit()
            except WeekError:
                return _refusal(400)
            except Refusal:
                await session.commit()
                return _refusal(403)
        response = web.Response(body=body, content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
        response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
        return _private(response)


def _private(response: web.Response) -> web.Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _refusal(status: int) -> web.Response:
    return _private(web.Response(status=status, text=str(status), content_type="text/plain"))


def add_workbench(app: web.Application, ctx: AppContext, token: str,
                  max_age: int = DEFAULT_MAX_AGE) -> Workbench:
    """Mount the workbench's routes on an existing application (the webhook listener)."""
    bench = Workbench(ctx, token, max_age)
    bench.add_to(app)
    return bench


async def _settle_heap(_app: web.Application) -> None:
    """Keep what the process loaded before serving (a quarter of a million objects: modules,
    the policy catalog, locales) out of Python's full garbage collections: each walked them
    all, about 200 ms on this machine's kind, every few week pages, and that pause was the
    page's p95 (bench/workbench.py). Objects made later are collected as before."""
    gc.freeze()


def create_app(ctx: AppContext, token: str, max_age: int = DEFAULT_MAX_AGE) -> web.Application:
    """An application serving only the workbench (polling mode's port, the demo, tests)."""
    app = web.Application()
    add_workbench(app, ctx, token, max_age)
    return app
