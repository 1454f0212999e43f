import asyncio
from datetime import timedelta

import pytest
from sqlmodel import select

from services.companies import add_company
from services.invites import (
    InviteError, Redeemed, create_invite, hash_token, parse_lifetime, redeem,
)
from services.session import unit_of_work
from services.users import Role, load_actor
from storage.models import AuditEntry, Invite
from storage.types import utcnow

USCC = "91320585MA1W8K7Q3G"


async def test_token_is_stored_only_hashed_and_works_once(db):
    async with unit_of_work(db) as s:
        ticket = await create_invite(s, "specialist", region_code="320585")
    async with unit_of_work(db) as s:
        rows = (await s.exec(select(Invite))).all()
        assert [r.token_hash for r in rows] == [hash_token(ticket.token)]
        assert ticket.token not in rows[0].token_hash
        first = await redeem(s, ticket.token, 42, "王特派", None, "zh")
    assert first.outcome == Redeemed.ok and first.actor.role == Role.specialist
    assert first.actor.region_code == "320585"
    async with unit_of_work(db) as s:
        second = await redeem(s, ticket.token, 43, "Someone else", None, "zh")
        assert second.outcome == Redeemed.used
        assert await load_actor(s, 43) is None


async def test_expired_and_unknown_tokens_give_no_role(db):
    async with unit_of_work(db) as s:
        ticket = await create_invite(s, "supervisor", lifetime=timedelta(minutes=5))
    async with unit_of_work(db) as s:
        late = await redeem(s, ticket.token, 50, "x", None, "zh", now=utcnow() + timedelta(minutes=6))
        bogus = await redeem(s, "A" * 24, 51, "y", None, "zh")
        weird = await redeem(s, "<script>", 52, "z", None, "zh")
    assert (late.outcome, bogus.outcome, weird.outcome) == (Redeemed.expired, Redeemed.unknown, Redeemed.unknown)
    async with unit_of_work(db) as s:
        assert await load_actor(s, 50) is None
        outcomes = sorted(e.outcome for e in (await s.exec(select(AuditEntry))).all() if e.action == "invite.redeem")
        assert outcomes == ["expired", "unknown", "unknown"]


async def test_sme_invite_binds_the_company(db):
    async with unit_of_work(db) as s:
        company = await add_company(s, USCC, "太仓精工机械有限公司", "320585")
        with pytest.raises(InviteError) as err:
            await create_invite(s, "sme")
        assert err.value.code == "sme_needs_company"
        with pytest.raises(InviteError) as err:
            await create_invite(s, "sme", company_uscc="91320585MA1W8K7Q3X")
        assert err.value.code == "bad_uscc"
        ticket = await create_invite(s, "sme", company_uscc=USCC.lower())
    async with unit_of_work(db) as s:
        result = await redeem(s, ticket.token, 77, "李总", None, "zh")
    assert result.actor.company_id == company.id


async def test_supervisor_cannot_invite_an_admin(db):
    async with unit_of_work(db) as s:
        boss = await redeem(s, (await create_invite(s, "supervisor", region_code="320500")).token, 9, "张主管", None, "zh")
        with pytest.raises(InviteError) as err:
            await create_invite(s, "admin", created_by=boss.actor)
        assert err.value.code == "not_allowed"
        assert (await create_invite(s, "specialist", created_by=boss.actor)).role == Role.specialist


async def test_two_users_racing_for_one_link_one_wins(db):
    async with unit_of_work(db) as s:
        ticket = await create_invite(s, "specialist")

    async def attempt(telegram_id):
        try:
            async with unit_of_work(db) as s:
                return (await redeem(s, ticket.token, telegram_id, "racer", None, "zh")).outcome
        except Exception as exc:  # the loser may also fail on the database lock
            return type(exc).__name__

    outcomes = await asyncio.gather(*(attempt(100 + i) for i in range(5)))
    assert outcomes.count(Redeemed.ok) == 1


@pytest.mark.parametrize("text", ["0d", "91d", "7 days", "-1h", "4m", ""])
def test_bad_lifetimes(text):
    if text == "":
        assert parse_lifetime(text) == timedelta(days=7)
        return
    with pytest.raises(InviteError):
        parse_lifetime(text)


def test_good_lifetimes():
    assert parse_lifetime("12h") == timedelta(hours=12)
    assert parse_lifetime("90D") == timedelta(days=90)
