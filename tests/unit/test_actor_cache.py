"""The actor cache: bounded staleness, and every user change in this process seen at once."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import select

from services.users import ACTOR_CACHE_SECONDS, ActorCache, Role, load_actor
from storage.models import User


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def _user(db, telegram_id: int = 5001, role: Role = Role.specialist) -> None:
    async with db.sessions() as session:
        session.add(User(telegram_id=telegram_id, role=role, full_name="李特派"))
        await session.commit()


async def _cached(db, cache: ActorCache, telegram_id: int = 5001):
    """What the middleware does: the cache, else the database (and remember it)."""
    found, actor = cache.get(telegram_id)
    if found:
        return actor
    version = cache.version
    async with db.sessions() as session:
        actor = await load_actor(session, telegram_id)
    cache.put(telegram_id, actor, version)
    return actor


def test_an_entry_lives_for_the_ttl_and_no_longer():
    clock = Clock()
    cache = ActorCache(ttl=2.0, clock=clock)
    cache.put(1, None, cache.version)
    assert cache.get(1) == (True, None)
    clock.now += 1.9
    assert cache.get(1) == (True, None)
    clock.now += 0.2
    assert cache.get(1) == (False, None)
    assert 0 < ACTOR_CACHE_SECONDS <= 10  # "a few seconds": the bound on a revocation made elsewhere


def test_a_load_that_raced_a_change_is_not_kept():
    cache = ActorCache()
    version = cache.version  # a load starts ...
    cache.forget(1)  # ... a change to that user lands meanwhile ...
    cache.put(1, None, version)  # ... so what the load read may be old
    assert cache.get(1) == (False, None)


async def test_revoking_through_a_session_drops_the_cached_actor_at_once(db):
    await _user(db)
    cache = ActorCache(ttl=3600)
    assert (await _cached(db, cache)).role == Role.specialist
    async with db.sessions() as session:
        user = (await session.exec(select(User).where(User.telegram_id == 5001))).one()
        user.active = False
        session.add(user)
        await session.commit()
    assert await _cached(db, cache) is None


async def test_a_role_change_drops_the_cached_actor_at_once(db):
    await _user(db)
    cache = ActorCache(ttl=3600)
    await _cached(db, cache)
    async with db.sessions() as session:
        user = (await session.exec(select(User).where(User.telegram_id == 5001))).one()
        user.role = Role.sme
        session.add(user)
        await session.commit()
    assert (await _cached(db, cache)).role == Role.sme


async def test_a_bulk_update_of_users_empties_the_cache(db):
    await _user(db)
    cache = ActorCache(ttl=3600)
    await _cached(db, cache)
    async with db.sessions() as session:
        await session.exec(update(User).where(User.telegram_id == 5001).values(active=False))
        await session.commit()
    assert await _cached(db, cache) is None


async def test_a_new_user_replaces_a_cached_stranger(db):
    cache = ActorCache(ttl=3600)
    assert await _cached(db, cache) is None  # a stranger, remembered as one
    await _user(db)  # e.g. an invite redeemed in this process
    assert (await _cached(db, cache)).telegram_id == 5001


async def test_a_change_from_outside_the_orm_shows_after_the_ttl(db):
    """Another process (or SQL by hand) is not heard: the TTL bounds how long it is missed."""
    await _user(db)
    clock = Clock()
    cache = ActorCache(ttl=2.0, clock=clock)
    await _cached(db, cache)
    async with db.engine.begin() as conn:
        await conn.exec_driver_sql("UPDATE users SET active = false WHERE telegram_id = 5001")
    assert (await _cached(db, cache)) is not None  # still trusted, within the TTL
    clock.now += 2.1
    assert await _cached(db, cache) is None
