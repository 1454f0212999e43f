"""Who may ask: forged, stale, missing initData and strangers get 401 and nothing else; a browser
link works once, for its user, within its minutes."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qsl, urlencode

from handlers.workbench import browser_link
from services.workbench_links import LinkBook
from tests.workbench.conftest import World
from tests.workbench.signing import TOKEN, headers, init_data
from web.auth import check_init_data

WEEK = "/workbench/view/week?week=2026-W48"


async def status_of(world: World, path: str, header: dict[str, str]) -> tuple[int, str]:
    response = await world.client.get(path, headers=header)
    return response.status, await response.text()


def test_signed_init_data_passes_aiograms_check():
    raw = init_data(TOKEN, 42, 1_000_000, language_code="en")
    identity = check_init_data(TOKEN, raw, 1_000_100, 3600)
    assert identity is not None and identity.telegram_id == 42 and identity.language_code == "en"
    assert check_init_data(TOKEN, raw, 1_000_000 + 3601, 3600) is None
    assert check_init_data("654321:another-token-BBBBBBBBBBBBBBBB", raw, 1_000_100, 3600) is None


async def test_no_forged_or_stale_init_data_and_no_strangers(world: World):
    zhou = world.actors["zhou"].telegram_id
    assert await status_of(world, WEEK, headers(TOKEN, zhou, world.now - 60)) == (await status_of(
        world, WEEK, headers(TOKEN, zhou, world.now - 60)))  # the same good request twice: both served
    assert (await status_of(world, WEEK, headers(TOKEN, zhou, world.now - 60)))[0] == 200

    refused = {
        "none": {},
        "empty": {"Authorization": "tma "},
        "another bot's token": headers("654321:another-token-BBBBBBBBBBBBBBBB", zhou, world.now - 60),
        "stale": headers(TOKEN, zhou, world.now - 3601),
        "from the future": headers(TOKEN, zhou, world.now + 3600),
        "a stranger": headers(TOKEN, 999_999, world.now - 60),
        "another scheme": {"Authorization": "Bearer abc"},
        "a forged session": {"Authorization": "wbs 604.9999999999.AAAA"},
    }
    fields = dict(parse_qsl(init_data(TOKEN, world.actors["sme"].telegram_id, world.now - 60)))
    fields["user"] = fields["user"].replace(str(world.actors["sme"].telegram_id), str(zhou))  # an SME posing
    refused["tampered user"] = {"Authorization": "tma " + urlencode(fields)}
    for what, header in refused.items():
        for path in (WEEK, "/workbench/view/home", "/workbench/roster.xlsx"):
            assert await status_of(world, path, header) == (401, "401"), (what, path)


async def test_a_browser_link_works_once_for_its_user(world: World):
    zhou = world.actors["zhou"].telegram_id
    link = browser_link("http://127.0.0.1/workbench", TOKEN, zhou, 3600,
                        clock=world.clock.now.timestamp).rsplit("/b/", 1)[1]
    response = await world.client.get(f"/workbench/b/{link}")
    page = await response.text()
    assert response.status == 200 and 'data-session="' in page
    session = page.split('data-session="', 1)[1].split('"', 1)[0]
    assert (await status_of(world, WEEK, {"Authorization": f"wbs {session}"}))[0] == 200
    again = await world.client.get(f"/workbench/b/{link}")
    assert again.status == 401 and await again.text() == "401"
    # the session is bound to its user: a supervisor's session sees their region, not another's
    status, _ = await status_of(world, f"/workbench/view/company/{world.companies['d']}",
                                {"Authorization": f"wbs {session}"})
    assert status == 403
    world.clock.now += timedelta(seconds=3601)
    assert (await status_of(world, WEEK, {"Authorization": f"wbs {session}"}))[0] == 401


async def test_a_browser_link_expires_and_cannot_be_altered(world: World):
    zhou = world.actors["zhou"].telegram_id
    book = LinkBook(TOKEN, 3600, clock=world.clock.now.timestamp)
    late = book.issue(zhou, minutes=10)
    altered = book.issue(zhou).replace(str(zhou), str(world.actors["sun"].telegram_id), 1)
    assert (await world.client.get(f"/workbench/b/{altered}")).status == 401
    world.clock.now += timedelta(minutes=11)
    assert (await world.client.get(f"/workbench/b/{late}")).status == 401
    stranger = LinkBook(TOKEN, 3600, clock=world.clock.now.timestamp).issue(999_999)
    assert (await world.client.get(f"/workbench/b/{stranger}")).status == 401
