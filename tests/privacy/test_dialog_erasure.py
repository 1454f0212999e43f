"""A confirmed /privacy deletion leaves nothing of the person in dialog state: not in the
`dialog_state` table, not in Redis (REDIS_URL), and nobody else's dialog goes with it.

The dialogs are written by the real storages (bot.state_storage.DatabaseStorage, aiogram's
RedisStorage) under the keys aiogram and aiogram-dialog build, so the test follows the
key format the bot really uses. Redis is the server on 127.0.0.1:6379, database 12 (no
other test uses it); the test removes its keys after itself.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StorageKey
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlmodel import select

from bot.state_storage import DatabaseStorage
from services import privacy
from services.dialog_erasure import parse_key
from services.session import unit_of_work
from storage.models import DialogState
from tests.e2e.harness import ADMIN_ID
from tests.privacy.world import LINKED, NOW, SME, build_world

REDIS_URL = "redis://127.0.0.1:6379/12"
GROUP = -1001234567890
BOT_ID = 424242


def _key(chat: int, user: int, destiny: str = "default", thread: int | None = None) -> StorageKey:
    return StorageKey(bot_id=BOT_ID, chat_id=chat, user_id=user, thread_id=thread, destiny=destiny)


#: The person's: the private chat (aiogram FSM, aiogram-dialog's stack and a context),
#: aiogram's FSM for them in a group, their aiogram-dialog stack in a group and its context.
THEIRS = [
    (_key(SME, SME), "CheckSG:ask", {"draft": "李总的草稿"}),
    (_key(SME, SME, "aiogd:stack:"), None, {"_id": "", "intents": ["sme1"], "last_message_id": 5}),
    (_key(SME, SME, "aiogd:context:sme1"), None, {"id": "sme1", "state": "Ask:text", "widget_data": {"q": "专利"}}),
    (_key(GROUP, SME, thread=77), "Poll:vote", {"choice": 2}),
    (_key(GROUP, GROUP, f"aiogd:stack:<{SME}>"), None, {"_id": f"<{SME}>", "intents": ["grp1"]}),
    (_key(GROUP, GROUP, "aiogd:context:grp1"), None, {"id": "grp1", "state": "Ask:text", "dialog_data": {"n": "李"}}),
]
#: Someone else's, though some hold the person's digits (a thread id equal to their id).
OTHERS = [
    (_key(LINKED, LINKED), "CheckSG:ask", {"draft": "赵的草稿"}),
    (_key(GROUP, LINKED, thread=SME), "Poll:vote", {"choice": 1}),
    (_key(GROUP, GROUP, f"aiogd:stack:<{LINKED}>"), None, {"_id": f"<{LINKED}>", "intents": ["grp2"]}),
    (_key(GROUP, GROUP, "aiogd:context:grp2"), None, {"id": "grp2", "state": "Ask:text"}),
]


async def _write(storage: BaseStorage, entries) -> None:  # noqa: ANN001
    for key, state, data in entries:
        if state is not None:
            await storage.set_state(key, state)
        await storage.set_data(key, data)


async def _read(storage: BaseStorage, entries) -> list:  # noqa: ANN001
    return [(await storage.get_state(key), await storage.get_data(key)) for key, _state, _data in entries]


async def _confirm(db, world, redis_url: str | None = None) -> privacy.Confirmed:  # noqa: ANN001
    async with unit_of_work(db) as session:
        request = await privacy.request_deletion(session, SME, "zh", NOW)
    async with unit_of_work(db) as session:
        return await privacy.confirm_deletion(session, world.admin, request.request_id, NOW, redis_url=redis_url)


@pytest.fixture
async def redis_storage() -> AsyncIterator[BaseStorage]:
    from aiogram.fsm.storage.redis import RedisStorage

    storage = RedisStorage.from_url(REDIS_URL, key_builder=DefaultKeyBuilder(with_destiny=True))
    try:
        await storage.redis.ping()
    except Exception as exc:  # noqa: BLE001
        await storage.close()
        pytest.skip(f"no Redis reachable at {REDIS_URL}: {exc}")
    mine = [storage.key_builder.build(key, part) for key, _s, _d in THEIRS + OTHERS for part in ("state", "data")]
    await storage.redis.delete(*mine)
    yield storage
    await storage.redis.delete(*mine)
    await storage.close()


def test_keys_are_taken_apart_as_aiogram_builds_them():
    builder = DefaultKeyBuilder(with_destiny=True)
    for key, _state, _data in THEIRS + OTHERS:
        parsed = parse_key(builder.build(key))
        assert parsed is not None and parsed.name() == builder.build(key)
        assert (int(parsed.chat), int(parsed.user), parsed.destiny) == (key.chat_id, key.user_id, key.destiny)
        assert parsed.thread == (str(key.thread_id) if key.thread_id else None)
    # a group's dialog context is the person's through their stack, which names it (see the tests below)
    assert [parse_key(builder.build(k)).belongs_to(SME) for k, _s, _d in THEIRS] == [True] * 5 + [False]
    assert [parse_key(builder.build(k)).belongs_to(SME) for k, _s, _d in OTHERS[:3]] == [False] * 3
    assert parse_key("fsm:lock:x") is None and parse_key("ipbot:order:1") is None


async def test_the_table_keeps_nothing_of_the_person_and_everything_of_the_others(db):
    world = await build_world(db)
    storage = DatabaseStorage(db)
    await _write(storage, THEIRS + OTHERS)
    others = await _read(storage, OTHERS)
    done = await _confirm(db, world)
    async with db.sessions() as session:
        left = set((await session.exec(select(DialogState.key))).all())
    builder = DefaultKeyBuilder(with_destiny=True)
    assert left == {builder.build(key) for key, _s, _d in OTHERS}
    # the six written here (the first is the world's own private-chat row, written over)
    assert done.counts["dialog_states"] == len(THEIRS)
    fresh = DatabaseStorage(db)  # no cache: what the table holds
    assert await _read(fresh, THEIRS) == [(None, {})] * len(THEIRS)
    assert await _read(fresh, OTHERS) == others


async def test_redis_keeps_nothing_of_the_person_and_everything_of_the_others(db, redis_storage):
    world = await build_world(db)
    await _write(redis_storage, THEIRS + OTHERS)
    others = await _read(redis_storage, OTHERS)
    assert all(state or data for state, data in await _read(redis_storage, THEIRS))
    done = await _confirm(db, world, REDIS_URL)
    assert done.counts["dialog_states"] == 1 + len(THEIRS)  # the table's row, and the six in Redis
    assert await _read(redis_storage, THEIRS) == [(None, {})] * len(THEIRS)
    assert await _read(redis_storage, OTHERS) == others
    left = {k.decode() async for k in redis_storage.redis.scan_iter(match=f"fsm:*{SME}*")}
    assert left == {redis_storage.key_builder.build(OTHERS[1][0], part) for part in ("state", "data")}


async def test_an_unreachable_redis_leaves_the_request_pending_and_the_person_kept(db):
    world = await build_world(db)
    with pytest.raises(RedisConnectionError):
        await _confirm(db, world, "redis://127.0.0.1:1/12")
    async with db.sessions() as session:
        kept = await privacy.kept(session, SME)
    assert not kept.nothing and kept.pending_request is not None


async def test_the_running_bot_forgets_the_person_s_dialogs_when_an_admin_confirms(harness):
    """Through the chat, on the embedded default (SQLite, whose storage keeps recent dialogs in
    memory): after the admin's press the running bot's own storage has nothing of the person."""
    emu = harness.emu
    admin = emu.user(ADMIN_ID, first_name="管理员")
    await harness.say(admin, "/start")
    await harness.add_company("91320585MA1W8K7Q3G", "太仓精工机械有限公司")
    owner = emu.user(8311, first_name="李总")
    await harness.join(owner, "sme", company_uscc="91320585MA1W8K7Q3G")
    storage = harness.running.dp.storage
    theirs = [_key(owner.id, owner.id), _key(owner.id, owner.id, "aiogd:context:own1")]
    others = [_key(admin.id, admin.id, "aiogd:context:adm1")]
    await _write(storage, [(theirs[0], "CheckSG:ask", {"draft": "李总的草稿"}),
                           (theirs[1], None, {"id": "own1", "widget_data": {"q": "专利"}}),
                           (others[0], None, {"id": "adm1"})])
    await harness.say(owner, "/privacy", "机器人保存的关于您的信息")
    await emu.press_button(owner, "申请删除我的个人信息")
    sent = await emu.wait_message(owner.id, "已提交删除申请")
    request_id = int(sent.text.split("#")[1].split("）")[0])
    asked = await emu.wait_message(admin.id, f"个人信息删除申请 #{request_id}")
    await emu.press(admin, asked.message_id, f"prvok:{request_id}")
    await emu.wait_message(owner.id, "您的个人信息已按您的申请删除")
    await harness.settled()
    assert [(await storage.get_state(k), await storage.get_data(k)) for k in theirs] == [(None, {})] * 2
    assert await storage.get_data(others[0]) == {"id": "adm1"}
    async with harness.db.sessions() as session:
        left = set((await session.exec(select(DialogState.key))).all())
    assert not [key for key in left if str(owner.id) in key], left
