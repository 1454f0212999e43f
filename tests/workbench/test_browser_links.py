"""A browser link opens once in all the bot's processes, not once in each: two workbench
applications built separately (each with its own engine on the one database, as two bot
processes behind one proxy have) share the record of used links. On SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import dataclasses

from aiohttp.test_utils import TestClient, TestServer

from services import runs
from services.session import Database
from services.workbench_links import LINK_CLAIM, LinkBook
from tests.workbench.conftest import World
from tests.workbench.signing import TOKEN
from web.app import create_app


async def test_a_link_used_in_one_process_is_refused_in_another(world: World):
    other_db = Database(world.ctx.db.url)
    other = TestClient(TestServer(create_app(dataclasses.replace(world.ctx, db=other_db), TOKEN)))
    book = LinkBook(TOKEN, 3600, clock=world.clock.now.timestamp)
    zhou = world.actors["zhou"].telegram_id
    try:
        await other.start_server()
        link = book.issue(zhou)
        first = await other.get(f"/workbench/b/{link}")
        assert first.status == 200 and 'data-session="' in await first.text()
        again = await world.client.get(f"/workbench/b/{link}")
        assert (again.status, await again.text()) == (401, "401")
        assert (await other.get(f"/workbench/b/{link}")).status == 401

        # the same link reaching both processes at once: exactly one of them opens it
        raced = book.issue(zhou)
        answers = await asyncio.gather(world.client.get(f"/workbench/b/{raced}"), other.get(f"/workbench/b/{raced}"))
        assert sorted(a.status for a in answers) == [200, 401]
    finally:
        await other.close()
        await other_db.close()
    async with world.ctx.db.sessions() as session:
        claims = await runs.runs_of(session, LINK_CLAIM)
    assert len(claims) == 2 and {c.recipient for c in claims} == {""}  # a nonce each; no person's id kept
