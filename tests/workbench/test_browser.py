"""The workbench in a real browser (headless Chromium through Playwright): each role opens the
page as Telegram opens a Mini App (signed initData in the address's fragment), and the page's
own script fetches the views. The figures it shows are checked against the services it uses;
the refusals (forged or stale initData, another region's company, an SME asking for another
company) leave the page saying so, with no figure on it.

On SQLite only: the page's script is the same on either database, and tests/workbench's HTTP
tests run every view on both. `WORKBENCH_SHOTS=/tmp/wb-shots` keeps the screenshots (phone
and desk widths, each role) for a person to look at; without it they go to a temporary folder.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from services import workbench
from services.sheets import default_sources, parse_week
from services.targets import load_targets
from services.visits import company_overview
from services.workbench_links import LinkBook
from tests.workbench.browser import (CHROMIUM, DESK, PHONE, Chromium, figures, follow, fonts_drawing, needs_chromium,
                                     settle, text_of)
from tests.workbench.conftest import CATALOG, TZ, World
from tests.workbench.signing import TOKEN, page_url
from web.pages import percent

pytestmark = [needs_chromium, pytest.mark.parametrize("db", ["sqlite"], indirect=True)]

WEEK = parse_week("2026-W48", TZ)
ANOTHER_TOKEN = "654321:another-token-BBBBBBBBBBBBBBBB"
#: Fonts with Chinese glyphs, as Chromium names them (the served one is Noto Sans CJK SC).
CJK_FONT = re.compile(r"CJK|PingFang|YaHei|Source Han|Hiragino|WenQuanYi|Heiti|SimHei|SimSun", re.I)
HANZI = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture(scope="module")
def chromium():
    browser = Chromium(CHROMIUM)
    yield browser
    browser.close()


def address(world: World, who: str, query: str = "", *, token: str = TOKEN, age: float = 60,
            language_code: str = "zh-hans") -> str:
    """The page as Telegram opens it for `who`, signed `age` seconds ago (by the workbench's clock)."""
    base = str(world.client.make_url("/workbench"))
    return page_url(base, token, world.actors[who].telegram_id, world.now - age, query, language_code=language_code)


def _g(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


async def test_supervisor_reads_the_week_and_the_lists_behind_it(world: World, chromium: Chromium):
    async def look(page):
        await page.goto(address(world, "zhou", "?week=2026-W48"))
        seen = {"status": await settle(page), "figures": await figures(page), "text": await page.inner_text("main")}
        seen["overdue"] = await follow(page, 'a[data-view]:has([data-figure="overdue"])')
        seen["overdue_rows"] = await text_of(page, "table.list tbody tr")
        seen["back"] = await follow(page, '.nav a[data-view]')  # back to the week
        seen["unvisited"] = await follow(page, 'a[data-view]:has([data-figure="unvisited_month"])')
        seen["unvisited_rows"] = await text_of(page, "table.list tbody tr")
        seen["card"] = await follow(page, 'table.list a[data-view*="/company/"]')
        seen["company"] = await page.get_attribute("h1[data-company]", "data-company")
        return seen

    seen = await chromium.run(look)
    targets = load_targets()
    sources = default_sources(targets)
    async with world.ctx.db.sessions() as session:
        page = await workbench.week_page(session, world.actors["zhou"], WEEK, CATALOG, sources, targets)
        overdue = await workbench.week_overdue(session, world.actors["zhou"], WEEK, sources)
        unvisited = await workbench.unvisited_this_month(session, world.actors["zhou"], WEEK)
    digest = page.digest
    assert seen["status"] == "200"
    shown = seen["figures"]
    assert shown["visits"] == _g(digest.figure("visits").value) == "2"
    assert shown["companies_reached"] == _g(digest.figure("companies_reached").value)
    assert shown["coverage"] == percent(digest.figure("coverage").value)
    assert shown["overdue"] == _g(digest.overdue_total) == "1"
    assert shown["questions"] == str(digest.unanswered_total)
    assert shown["unvisited_month"] == str(page.unvisited_month) == "2"
    assert shown["new_eligible"] == _g(digest.figure("new_eligible").value)
    assert shown["people_trained"] == _g(digest.figure("people_trained").value)
    assert f"{digest.trainees.progress.target.people:,}" in shown["trainees"]
    assert "鼓楼" not in seen["text"] and "赵特派" not in seen["text"]  # Nanjing's
    assert seen["back"] == "200"
    assert seen["overdue"] == "200" and len(seen["overdue_rows"]) == len(overdue) == 1
    assert "申请首件发明专利" in seen["overdue_rows"][0]
    assert seen["unvisited"] == "200" and len(seen["unvisited_rows"]) == len(unvisited) == 2
    assert any("太仓<i>新材料</i>&有限公司" in row for row in seen["unvisited_rows"])  # shown as text, not markup
    assert seen["card"] == "200" and int(seen["company"]) in {c["company_id"] for c in unvisited}


async def test_specialist_sees_their_companies_and_a_card(world: World, chromium: Chromium):
    first = world.companies["a"]

    async def look(page):
        await page.goto(address(world, "wang"))
        seen = {"status": await settle(page), "names": await text_of(page, 'table.companies a[data-view]')}
        seen["card"] = await follow(page, f'a[data-view="/workbench/view/company/{first}"]')
        seen["company"] = await page.get_attribute("h1[data-company]", "data-company")
        seen["programmes"] = await page.eval_on_selector_all("li.result", "els => els.map(e => e.dataset.programme)")
        seen["text"] = await page.inner_text("main")
        seen["back shown"] = await page.is_visible("#wb-back")  # Telegram shows no address bar: the page's own way back
        await page.click("#wb-back")
        await page.wait_for_selector("table.companies")
        seen["back again"] = (await settle(page), await page.is_visible("#wb-back"))
        return seen

    seen = await chromium.run(look)
    wang = world.actors["wang"]
    async with world.ctx.db.sessions() as session:
        rows = await workbench.my_companies(session, wang, world.ctx.today(), TZ)
        card = await workbench.company_page(session, wang, first, CATALOG, world.ctx.today())
        assert {r.id for r in rows} == {r.id for r in await company_overview(session, wang, world.ctx.today(), TZ)}
    assert seen["status"] == "200"
    assert seen["names"] == [r.name for r in rows] and seen["names"][0] == "昆山从未走访有限公司"
    assert seen["card"] == "200" and seen["company"] == str(first)
    assert seen["programmes"] == [r.policy for r in card.results] and seen["programmes"]
    assert "申请首件发明专利" in seen["text"] and "鼓楼" not in seen["text"]
    assert seen["back shown"] and seen["back again"] == ("200", False)


async def test_sme_sees_its_own_company_only(world: World, chromium: Chromium):
    async def look(page):
        await page.goto(address(world, "sme"))
        return {"status": await settle(page), "company": await page.get_attribute("h1[data-company]", "data-company"),
                "programmes": await page.eval_on_selector_all("li.result", "els => els.map(e => e.dataset.programme)"),
                "measures": await text_of(page, "table.measures tbody tr"), "text": await page.inner_text("main"),
                "figures": await figures(page)}

    seen = await chromium.run(look)
    sme = world.actors["sme"]
    async with world.ctx.db.sessions() as session:
        own = await workbench.sme_page(session, sme, CATALOG, world.ctx.today())
    assert seen["status"] == "200" and seen["company"] == str(own.company_id) == str(sme.company_id)
    assert seen["programmes"] == [r.policy for r in own.results] and seen["programmes"]
    assert len(seen["measures"]) == len(own.measures) == 1 and "申请首件发明专利" in seen["measures"][0]
    assert seen["figures"] == {} and "吴中" not in seen["text"] and "鼓楼" not in seen["text"]


async def test_refusals_show_in_the_page_with_no_figure(world: World, chromium: Chromium):
    cases = {
        "forged": (address(world, "zhou", "?week=2026-W48", token=ANOTHER_TOKEN), "401"),
        "stale": (address(world, "zhou", "?week=2026-W48", age=3601), "401"),
        "a stranger's": (page_url(str(world.client.make_url("/workbench")), TOKEN, 999_999, world.now - 60), "401"),
        "another region's company": (address(world, "wang", f"?company={world.companies['d']}"), "403"),
        "another region's company for a supervisor": (address(world, "sun", f"?company={world.companies['a']}"), "403"),
        "an SME asking for another company": (address(world, "sme", f"?company={world.companies['b']}"), "403"),
        "an SME asking for its own company": (address(world, "sme", f"?company={world.companies['a']}"), "200"),
    }

    async def look(page):
        seen = {}
        for what, (url, _expected) in cases.items():
            await page.goto("about:blank")
            await page.goto(url)
            seen[what] = (await settle(page), await figures(page), await page.locator("h1[data-company]").count(),
                          await page.inner_text("main"), await page.is_visible("#wb-back"))
        return seen

    seen = await chromium.run(look)
    for what, (_url, expected) in cases.items():
        status, shown, cards, text, way_home = seen[what]
        assert status == expected, what
        if expected != "200":
            assert shown == {} and cards == 0, what
            assert "太仓" not in text and "吴中" not in text and "鼓楼" not in text, what
        assert way_home == ("?company=" in _url), what  # a card opened by its address offers the way to home
    # the same address with the SME's own company opens its card: the refusals were the rule's, not the page's
    assert seen["an SME asking for its own company"][2] == 1


async def test_a_browser_link_opens_the_page_once(world: World, chromium: Chromium):
    book = LinkBook(TOKEN, 3600, clock=world.clock.now.timestamp)  # issued by the workbench's clock
    link = f'{world.client.make_url("/workbench")}/b/{book.issue(world.actors["zhou"].telegram_id)}'

    async def look(page):
        await page.goto(link + "?week=2026-W48")
        first = (await settle(page), await figures(page), page.url)
        again = await page.goto(link)
        return first, again.status

    (status, shown, url), again = await chromium.run(look, viewport=DESK)
    assert status == "200" and shown["visits"] == "2" and "/b/" not in url  # the link is gone from the address
    assert again == 401


async def test_screenshots_fit_a_phone_and_a_desk_and_show_chinese(world: World, chromium: Chromium, tmp_path: Path):
    """Each role at phone and desk widths: nothing wider than the screen, the CJK font in use
    (the page's own when the machine has none), and a screenshot for a person to look at."""
    shots = Path(os.environ.get("WORKBENCH_SHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    roles = {"supervisor": ("zhou", "?week=2026-W48", "zh-hans"), "specialist": ("wang", "", "zh-hans"),
             "sme": ("sme", "", "zh-hans"), "card": ("wang", f"?company={world.companies['a']}", "zh-hans"),
             "supervisor-en": ("zhou", "?week=2026-W48", "en")}

    async def look(page):
        seen = {}
        for name, viewport in (("phone", PHONE), ("desk", DESK)):
            await page.set_viewport_size(viewport)
            for role, (who, query, language) in roles.items():
                await page.goto("about:blank")
                await page.goto(address(world, who, query, language_code=language))
                status = await settle(page)
                await page.evaluate("document.fonts.ready")
                chinese = "main h1" if language != "en" else "main p.sub"  # the English title has no Chinese
                fonts = await fonts_drawing(page, chinese)
                hanzi = len(HANZI.findall(await page.inner_text(chinese)))
                wide = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                cut = await page.evaluate(  # a table wider than its box: its right columns hidden on a phone
                    "[...document.querySelectorAll('.scroll')].map(e => e.scrollWidth - e.clientWidth)"
                    ".filter(d => d > 0)")
                await page.screenshot(path=str(shots / f"{role}-{name}.png"), full_page=True)
                seen[(role, name)] = (status, fonts, hanzi, wide, cut)
        return seen

    seen = await chromium.run(look)
    for (role, name), (status, fonts, hanzi, wide, cut) in seen.items():
        assert status == "200", (role, name)
        # the Chinese title drawn by a Chinese font: the page's own (Noto Sans CJK SC) on a machine with none
        assert hanzi and sum(n for family, n in fonts.items() if CJK_FONT.search(family)) >= hanzi, (role, name, fonts)
        assert wide <= 0, (role, name, f"{wide}px wider than the screen")
        assert cut == [], (role, name, f"tables wider than the screen by {cut}px")
        assert (shots / f"{role}-{name}.png").stat().st_size > 10_000
