"""A real browser for the workbench's tests: Debian's headless Chromium driven by Playwright.

The workbench under test runs on the test's own event loop (aiohttp's TestServer in the
`world` fixture), and a test's loop lives only as long as the test. One browser per test
module therefore runs on a loop of its own, in a thread: `Chromium.run(job)` hands `job`
a fresh page (a context of its own: no cookies, storage or cache from another test) on
that loop and awaits the answer from the test's loop, which meanwhile keeps serving the
page's requests. Playwright launches the Chromium on PATH (`.ci/packages` installs it);
it never downloads a browser. Without one, the tests that need it skip, saying so.
"""

from __future__ import annotations

import asyncio
import shutil
import threading
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest
from playwright.async_api import Browser, Page, Playwright, async_playwright

__all__ = ["CHROMIUM", "needs_chromium", "Chromium", "PHONE", "DESK", "settle", "figures", "follow", "text_of",
           "fonts_drawing"]

CHROMIUM = shutil.which("chromium")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium on PATH, so no real browser can open the workbench here "
                           "(Debian's chromium; .ci/packages installs it where it can)")

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1366, "height": 900}
#: Generous for a busy two-core machine; a healthy page settles in well under a second.
WAIT_MS = 20_000

T = TypeVar("T")


class Chromium:
    """One headless Chromium, driven from a thread of its own (see the module's docstring)."""

    def __init__(self, executable: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="chromium", daemon=True)
        self.thread.start()
        self.playwright: Playwright | None = None
        self.browser: Browser | None = None
        self._call(self._start(executable))

    def _call(self, coroutine: Awaitable[T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    async def _start(self, executable: str) -> None:
        self.playwright = await async_playwright().start()
        self.browser = await self.playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])

    async def run(self, job: Callable[[Page], Awaitable[T]], viewport: dict[str, int] = PHONE, **context: Any) -> T:
        """`job(page)` on a fresh page in its own context, run on the browser's loop."""
        async def inside() -> T:
            ctx = await self.browser.new_context(viewport=viewport, locale="zh-CN", **context)
            ctx.set_default_timeout(WAIT_MS)
            try:
                return await job(await ctx.new_page())
            finally:
                await ctx.close()
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(inside(), self.loop))

    def close(self) -> None:
        async def stop() -> None:
            await self.browser.close()
            await self.playwright.stop()
        try:
            self._call(stop())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=10)


async def settle(page: Page) -> str:
    """The page's status once its view has come (200, or the refusal: 401, 403, 400)."""
    await page.wait_for_selector("main#app:not([data-status=loading])", state="attached")
    return await page.get_attribute("main#app", "data-status")


async def figures(page: Page) -> dict[str, str]:
    """Every figure on the view, by its key, as the page shows it."""
    return await page.eval_on_selector_all(
        "[data-figure]", "els => Object.fromEntries(els.map(e => [e.dataset.figure, e.textContent.trim()]))")


async def follow(page: Page, selector: str) -> str:
    """Click the link `selector` finds and wait for the view behind it; its status."""
    path = await page.get_attribute(selector, "data-view")
    await page.click(selector)
    await page.wait_for_function(
        "p => { const m = document.getElementById('app'), s = m.getAttribute('data-status');"
        " return m.getAttribute('data-view') === p && s !== 'loading' || ['401', '403', '400'].includes(s); }",
        arg=path)
    return await page.get_attribute("main#app", "data-status")


async def text_of(page: Page, selector: str) -> list[str]:
    return await page.eval_on_selector_all(selector, "els => els.map(e => e.textContent.trim())")


async def fonts_drawing(page: Page, selector: str) -> dict[str, int]:
    """The fonts Chromium actually drew the first `selector`'s text with, and how many glyphs
    each (DevTools' CSS.getPlatformFontsForNode): empty squares would show as a font without
    Chinese glyphs drawing them, not as a CJK font."""
    cdp = await page.context.new_cdp_session(page)
    try:
        await cdp.send("DOM.enable")
        await cdp.send("CSS.enable")
        root = await cdp.send("DOM.getDocument", {"depth": -1})
        node = await cdp.send("DOM.querySelector", {"nodeId": root["root"]["nodeId"], "selector": selector})
        used = await cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})
        return {f["familyName"]: f["glyphCount"] for f in used["fonts"]}
    finally:
        await cdp.detach()
