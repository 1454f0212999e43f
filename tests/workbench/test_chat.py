"""/workbench in the emulator, with the bot polling and serving the workbench on its local port
(WORKBENCH_PORT): a web_app button and the chat's menu button for https; a browser link for
staff that opens the page once; none for an SME."""

from __future__ import annotations

import asyncio
import re
import socket

import aiohttp

from bot.runners import run_webhook
from tests.e2e.conftest import _one_search_index, emu, harness_class, settings  # noqa: F401 - the e2e fixtures
from tests.e2e.harness import assert_nothing_refused

URL = "https://bot.example.org/workbench"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_workbench_command_button_menu_and_single_use_link(emu, settings, harness_class):  # noqa: F811
    port = _free_port()
    own = settings.model_copy(update={"workbench_url": URL, "workbench_port": port})
    async with harness_class(emu, own) as harness:
        supervisor = emu.user(4801, first_name="周主管")
        await harness.join(supervisor, "supervisor", region_code="3205")
        await emu.send_text(supervisor, "/workbench")
        reply = await emu.wait_message(supervisor.id, "工作台")
        buttons = [b for row in reply.reply_markup["inline_keyboard"] for b in row]
        assert buttons[0]["web_app"] == {"url": URL}
        assert emu.bot_state().chats[supervisor.id].menu_button == {
            "type": "web_app", "text": "打开工作台", "web_app": {"url": URL}}
        link = re.search(re.escape(URL) + r"/b/([A-Za-z0-9_.\-]+)", reply.text)
        assert link, reply.text
        page = f"http://127.0.0.1:{port}/workbench/b/{link.group(1)}"
        async with aiohttp.ClientSession() as http:
            async with http.get(page) as first:
                assert first.status == 200 and "data-session" in await first.text()
            async with http.get(page) as second:
                assert second.status == 401

        sme = emu.user(4802, first_name="企业")
        company_id = await harness.add_company("91320585MA1W8K7Q3G", "太仓精工", "320585")
        await harness.join(sme, "sme", company_id=company_id)
        await emu.send_text(sme, "/workbench")
        reply = await emu.wait_message(sme.id, "工作台")
        assert "/b/" not in reply.text and reply.reply_markup["inline_keyboard"][0][0]["web_app"] == {"url": URL}
    assert_nothing_refused(emu)


async def test_without_an_address_the_command_says_so(emu, settings, harness_class):  # noqa: F811
    async with harness_class(emu, settings) as harness:
        specialist = emu.user(4803)
        await harness.join(specialist, "specialist", region_code="320585")
        reply = await harness.say(specialist, "/workbench", "WORKBENCH_URL")
        assert reply.reply_markup is None


async def test_webhook_mode_serves_the_workbench_beside_the_webhook(emu, settings):  # noqa: F811
    """The same listener as /telegram: the page, and a view refused without initData."""
    port = _free_port()
    webhook = settings.model_copy(update={"webhook_url": f"http://127.0.0.1:{port}", "webhook_secret": "s3cret-Token_1",
                                          "workbench_url": URL})
    started = asyncio.Event()
    task = asyncio.create_task(run_webhook(webhook, "127.0.0.1", port, started))
    try:
        await asyncio.wait_for(started.wait(), 10)
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/workbench") as page:
                assert page.status == 200 and "tgWebAppData" in await page.text()
            async with http.get(f"http://127.0.0.1:{port}/workbench/view/home") as view:
                assert view.status == 401
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert emu.rejected == []
