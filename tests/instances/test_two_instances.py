"""Two `ipbot run` processes behind one webhook, on one PostgreSQL and one Redis (tests/instances/
cluster.py): one user's updates are handled in order and once although every other one lands on
the other process; a database connection cut under a handling transaction leaves nothing half
written and the update handled; an instance killed in a burst loses no update.

The two processes are started once for the module (a process costs seconds to start on a busy
two-core machine) and run on the module's event loop; each test uses people of its own, and an
instance a test killed is started again before the next test needs it.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator

import asyncpg
import pytest
import pytest_asyncio
from sqlalchemy.engine import make_url
from sqlmodel import func, select

from emulator import Emulator
from services.session import Database
from storage.models import AuditEntry, InboxEntry, Invite, QuestionThread, User
from tests.databases import PG_SERVER, postgres_pool
from tests.e2e.harness import BOT_USERNAME, TOKEN
from tests.instances.cluster import Cluster, forget_keys, seed_people
from tests.instances.conftest import REDIS_URL

pytestmark = pytest.mark.asyncio(loop_scope="module")

QUESTIONS = 20
SPECIALIST, SME = 7_310_001, 7_310_002
NEWCOMER = 7_320_001
KILL_MEMBERS, KILL_NEWCOMERS, KILL_STRANGERS = 10, 6, 8
FIRST_MEMBER, FIRST_KILL_NEWCOMER, FIRST_STRANGER = 7_330_000, 7_340_000, 7_350_000


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(tmp_path_factory) -> AsyncIterator[dict]:
    """The emulator, a PostgreSQL database with the people of every test, two instances."""
    from redis.asyncio import Redis

    client = Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"no Redis reachable at {REDIS_URL}: {exc}")
    finally:
        await client.aclose()
    pool = await postgres_pool()
    name = await pool.take()
    url = f"postgresql+asyncpg://{PG_SERVER}/{name}"
    async with Emulator(TOKEN, username=BOT_USERNAME) as emu:
        await emu.start()
        specialist, sme = emu.user(SPECIALIST, first_name="王特派"), emu.user(SME, first_name="李总")
        members = [emu.user(FIRST_MEMBER + n, first_name=f"成员{n}") for n in range(KILL_MEMBERS)]
        tokens = await seed_people(url, specialist, [sme], members=members, newcomers=1 + KILL_NEWCOMERS)
        emu.open_chat(specialist)  # the specialist has talked to the bot before: it may write to them
        cluster = Cluster(emu, tmp_path_factory.mktemp("cluster"), url, REDIS_URL)
        try:
            await cluster.start()
            yield {"emu": emu, "cluster": cluster, "url": url, "tokens": tokens, "members": members,
                   "specialist": specialist, "sme": sme}
        finally:
            await cluster.stop()
            await forget_keys(REDIS_URL, *(f"fsm:*:{uid}:*" for uid in emu.users))
            pool.give_back(name)


@pytest_asyncio.fixture(loop_scope="module")
async def running(world) -> AsyncIterator[dict]:
    """The module's two instances, both up (one a test killed is started again)."""
    cluster: Cluster = world["cluster"]
    for instance in cluster.instances:
        if not instance.alive():
            await cluster.launch(instance)
    rejected = len(world["emu"].rejected)
    yield world
    assert world["emu"].rejected[rejected:] == []


async def count(url: str, query) -> int:
    db = Database(url)
    try:
        async with db.sessions() as session:
            return (await session.exec(query)).one()
    finally:
        await db.close()


async def until_settled(url: str, timeout: float = 20.0) -> dict[str, int]:
    """The inbox's counts once no row is pending (bounded)."""
    db = Database(url)
    try:
        deadline = time.monotonic() + timeout
        while True:
            async with db.sessions() as session:
                rows = dict((await session.exec(select(InboxEntry.state, func.count()).group_by(InboxEntry.state))).all())
            if not rows.get("pending") or time.monotonic() > deadline:
                return rows
            await asyncio.sleep(0.05)
    finally:
        await db.close()


async def test_one_users_updates_are_handled_in_order_and_once_across_two_instances(running):
    emu, cluster, url, specialist, sme = (running[k] for k in ("emu", "cluster", "url", "specialist", "sme"))
    before = {i.url: emu.webhook_deliveries.get(i.url, 0) for i in cluster.instances}
    for n in range(1, QUESTIONS + 1):  # as fast as Telegram takes them: one at a time per chat
        await emu.send_text(sme, f"/ask 第{n}条 商标被抢注怎么办")

    def forwarded() -> list[int]:
        return [int(m.group(1)) for r in emu.messages(specialist.id) if (m := re.search(r"第(\d+)条", r.text or ""))]

    await cluster.until(lambda: len(forwarded()) >= QUESTIONS and len(emu.messages(sme.id)) >= QUESTIONS,
                        60, "every question forwarded and acknowledged")
    await until_settled(url)
    assert forwarded() == list(range(1, QUESTIONS + 1))  # in order, each once
    assert len(emu.messages(sme.id)) == QUESTIONS
    assert all("已转给您的特派员" in r.text for r in emu.messages(sme.id))
    db = Database(url)
    try:
        async with db.sessions() as session:
            stored = (await session.exec(select(QuestionThread.question).order_by(QuestionThread.id))).all()
    finally:
        await db.close()
    assert [int(re.search(r"第(\d+)条", q).group(1)) for q in stored] == list(range(1, QUESTIONS + 1))
    shares = sorted(emu.webhook_deliveries.get(i.url, 0) - before[i.url] for i in cluster.instances)
    assert shares == [QUESTIONS // 2, QUESTIONS // 2]  # every other update on the other process
    print(f"\n{QUESTIONS} questions over two instances; rows handled for the other instance so far: "
          f"{cluster.logged('for the process that recorded it')}")


@pytest.mark.fault
async def test_a_connection_cut_under_a_handling_transaction_is_retried_and_nothing_half_written(running):
    """The newcomer's /start claims the invite, then adds the user: that insert is made to wait on
    a lock this test holds, and the session is ended from the server (`pg_terminate_backend`)
    while it waits, with the invite's claim already made in its transaction."""
    emu, cluster, url = running["emu"], running["cluster"], running["url"]
    newcomer = emu.user(NEWCOMER, first_name="新人")
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    admin = await asyncpg.connect(dsn)
    cut = 0
    try:
        lock = admin.transaction()
        await lock.start()
        await admin.execute("LOCK TABLE users IN SHARE MODE")  # reads go on; inserts wait for us
        try:
            await emu.send_text(newcomer, f"/start {running['tokens'][0]}")
            deadline = time.monotonic() + 20
            while not cut:
                assert time.monotonic() < deadline, "the handling transaction never reached the users table"
                waiting = await admin.fetch(  # a handling transaction waits to add the user
                    "SELECT pid FROM pg_locks WHERE relation = 'users'::regclass AND NOT granted "
                    "AND mode = 'RowExclusiveLock'")
                for row in waiting:
                    assert await admin.fetchval(
                        "SELECT count(*) FROM pg_locks WHERE pid = $1 AND relation = 'invites'::regclass "
                        "AND mode = 'RowExclusiveLock' AND granted", row["pid"]) == 1  # its claim is made
                    cut += await admin.fetchval("SELECT pg_terminate_backend($1)", row["pid"])
                await asyncio.sleep(0.01)
        finally:
            await lock.rollback()
    finally:
        await admin.close()
    welcome = await emu.wait_message(newcomer.id, "欢迎", timeout=20)
    assert welcome is not None and cut == 1
    await until_settled(url)
    assert [m.text for m in emu.messages(newcomer.id) if "出错了" in (m.text or "")] == []
    assert await count(url, select(func.count()).select_from(User).where(User.telegram_id == NEWCOMER)) == 1
    assert await count(url, select(func.count()).select_from(Invite).where(Invite.used_by_telegram_id == NEWCOMER)) == 1
    assert await count(url, select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "invite.redeem", AuditEntry.telegram_id == NEWCOMER)) == 1
    assert await count(url, select(func.count()).select_from(InboxEntry).where(InboxEntry.state == "dead")) == 0
    assert cluster.logged("lost its database connection") == 1


@pytest.mark.fault
async def test_an_instance_killed_in_a_burst_loses_no_update(running):
    """SIGKILL one of the two while updates pour in: what it had recorded and not finished is
    handled by the other (bot/ordering.py's sweep), what it never answered Telegram sends the
    other; every update takes effect once, a reply is repeated at most once for the kill."""
    emu, cluster, url = running["emu"], running["cluster"], running["url"]
    members = running["members"]
    newcomers = [emu.user(FIRST_KILL_NEWCOMER + n, first_name=f"新人{n}") for n in range(KILL_NEWCOMERS)]
    strangers = [emu.user(FIRST_STRANGER + n, first_name=f"访客{n}") for n in range(KILL_STRANGERS)]
    victim = cluster.instances[0]
    start = emu.webhook_deliveries.get(victim.url, 0)
    sent: dict[int, int] = {}
    updates = [*((m, "/help") for m in members), *((u, f"/start {t}") for u, t in zip(newcomers, running["tokens"][1:])),
               *((s, "/start") for s in strangers)]
    before = {uid: len(emu.messages(uid)) for uid in emu.users}
    for round_ in range(2):
        for user, text in updates:
            if round_ and text.startswith("/start "):
                text = "/whoami"
            await emu.send_text(user, text)
            sent[user.id] = sent.get(user.id, 0) + 1
        if not round_:
            await cluster.until(lambda: emu.webhook_deliveries.get(victim.url, 0) - start >= 6, 20,
                                "the first instance to take a few updates")
            await cluster.kill(0)

    def replies(uid: int) -> int:
        return len(emu.messages(uid)) - before.get(uid, 0)

    def missing() -> int:
        return sum(max(0, n - replies(uid)) for uid, n in sent.items())

    try:
        await cluster.until(lambda: missing() == 0, 40, "every update to be answered")
    except AssertionError as exc:
        unanswered = {uid: (n, replies(uid)) for uid, n in sent.items() if replies(uid) < n}
        raise AssertionError(f"{exc}\nunanswered (sent, replies): {unanswered}; "
                             f"at the emulator: {emu.pending_updates()}") from None
    counts = await until_settled(url)
    repeated = sum(max(0, replies(uid) - n) for uid, n in sent.items())
    print(f"\nkilled one instance of two in a burst of {sum(sent.values())} updates: lost {missing()}, "
          f"repeated replies {repeated}, rows handled for the other instance so far "
          f"{cluster.logged('for the process that recorded it')}")
    assert repeated <= 1
    assert counts.get("dead", 0) == 0
    joined = await count(url, select(func.count()).select_from(User).where(
        User.telegram_id.in_([u.id for u in newcomers])))
    assert joined == KILL_NEWCOMERS and all("欢迎" in emu.messages(u.id)[0].text for u in newcomers)
