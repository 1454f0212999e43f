"""The CJK font the page falls back on: served by the bot (no CDN), cached for long, allowed by
the page's Content-Security-Policy, and named after the fonts a device has of its own, so a
phone with a Chinese font downloads nothing. (tests/workbench/test_browser.py sees it in use.)"""

from __future__ import annotations

import re

from services.progress_chart import cjk_font_path
from tests.workbench.conftest import World
from web.shell import FONT


async def test_the_font_is_served_with_long_cache_headers(world: World):
    response = await world.client.get(FONT)
    body = await response.read()
    assert response.status == 200 and body == cjk_font_path().read_bytes() and body[:4] == b"OTTO"
    assert response.headers["Content-Type"] == "font/otf"
    assert "max-age=31536000" in response.headers["Cache-Control"] and "public" in response.headers["Cache-Control"]
    partial = await world.client.get(FONT, headers={"Range": "bytes=0-3"})  # a browser may ask for a part
    assert partial.status == 206 and await partial.read() == b"OTTO"


async def test_the_page_asks_for_it_last_and_may(world: World):
    response = await world.client.get("/workbench")
    page = await response.text()
    assert "font-src 'self'" in response.headers["Content-Security-Policy"]
    face = re.search(r"@font-face\{[^}]*\}", page).group(0)
    sources = re.findall(r"(local|url)\(([^)]*)\)", face)
    assert sources[-1] == ("url", FONT) and {kind for kind, _ in sources[:-1]} == {"local"}
    assert {'"Noto Sans CJK SC"', '"PingFang SC"', '"Microsoft YaHei"'} <= {name for _, name in sources}
