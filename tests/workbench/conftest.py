"""A small province for the workbench: Suzhou (3205) and Nanjing (3201), staff of each, two SMEs.

Today is Thursday 2026-12-03 (Asia/Shanghai), so the default week is 2026-W48
(Mon 23 Nov - Sun 29 Nov). 王特派 visited 太仓精工 and 吴中电子 that week and agreed a
measure due 26 Nov (overdue at the week's end); 赵特派 visited 鼓楼软件 in Nanjing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from aiohttp.test_utils import TestClient, TestServer

from policy import load_catalog
from services import visits
from services.companies import add_company
from services.context import AppContext
from services.session import unit_of_work
from services.users import Actor
from storage.models import Company, Role, User
from tests.digest.conftest import make_uscc
from tests.workbench.signing import TOKEN
from web.app import create_app

TZ = ZoneInfo("Asia/Shanghai")
UTC = timezone.utc
NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
CATALOG = load_catalog()


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class World:
    ctx: AppContext
    clock: Clock
    actors: dict[str, Actor]
    companies: dict[str, int]
    client: TestClient | None = None

    @property
    def now(self) -> float:
        return self.clock.now.timestamp()


async def _user(s, tid: int, role: Role, name: str, region: str | None, company_id: int | None = None,
                language: str = "zh") -> Actor:
    user = User(telegram_id=tid, role=role, full_name=name, region_code=region, company_id=company_id,
                language=language)
    s.add(user)
    await s.flush()
    return Actor(user.id, tid, role, name, region, company_id, language)


async def _visit(db, actor: Actor, company_id: int, when: datetime, key: str,
                 measures: list[tuple[str, date]] = ()) -> None:
    draft = {"key": key, "company_id": company_id, "way": "onsite", "topics": ["pledge"],
             "findings": "需求：质押融资\n问题：缺少<评估>机构", "photos": [], "voices": [], "facts": {}, "facts_base": {},
             "measures": [{"what": w, "owner_id": actor.user_id, "due": d.isoformat()} for w, d in measures]}
    async with unit_of_work(db) as s:
        await visits.save_visit(s, actor, draft, now=when, today=when.astimezone(TZ).date())


@pytest.fixture
async def world(db):
    async with unit_of_work(db) as s:
        wang = await _user(s, 601, Role.specialist, "王特派", "320500")
        qian = await _user(s, 602, Role.specialist, "钱特派", "320500")
        zhao = await _user(s, 603, Role.specialist, "赵特派", "320100")
        zhou = await _user(s, 604, Role.supervisor, "周主管", "3205")
        sun = await _user(s, 605, Role.supervisor, "孙主管", "3201")
        admin = await _user(s, 608, Role.admin, "管理员", None)
        a = await add_company(s, make_uscc(1), "太仓精工机械有限公司", "320585", specialist_id=wang.user_id)
        b = await add_company(s, make_uscc(2, "320506"), "吴中电子有限公司", "320506", specialist_id=wang.user_id)
        c = await add_company(s, make_uscc(3), "太仓<i>新材料</i>&有限公司", "320585", specialist_id=qian.user_id)
        d = await add_company(s, make_uscc(4, "320102"), "鼓楼软件有限公司", "320102", specialist_id=zhao.user_id)
        e = await add_company(s, make_uscc(5), "昆山从未走访有限公司", "320583", specialist_id=wang.user_id)
        a.facts = {"valid_invention_patents": 12, "is_high_tech_enterprise": True, "jiangsu_legal_entity": True}
        s.add(a)
        await s.flush()
        ids = {"a": a.id, "b": b.id, "c": c.id, "d": d.id, "e": e.id}
        sme = await _user(s, 606, Role.sme, "太仓精工联系人", None, a.id)
        sme_d = await _user(s, 607, Role.sme, "鼓楼软件联系人", None, d.id)
    await _visit(db, wang, ids["a"], datetime(2026, 11, 24, 2, 0, tzinfo=UTC), "v1",
                 [("申请首件发明专利", date(2026, 11, 26))])
    await _visit(db, wang, ids["b"], datetime(2026, 11, 25, 3, 0, tzinfo=UTC), "v2")
    await _visit(db, wang, ids["b"], datetime(2026, 11, 10, 3, 0, tzinfo=UTC), "v0")
    await _visit(db, zhao, ids["d"], datetime(2026, 11, 24, 6, 0, tzinfo=UTC), "v3",
                 [("鼓楼的措施", date(2026, 11, 25))])
    clock = Clock(NOW)
    ctx = AppContext(settings=None, catalog=CATALOG, db=db, tz=TZ, clock=clock)
    actors = {"wang": wang, "qian": qian, "zhao": zhao, "zhou": zhou, "sun": sun, "sme": sme, "sme_d": sme_d,
              "admin": admin}
    async with TestClient(TestServer(create_app(ctx, TOKEN))) as client:
        yield World(ctx, clock, actors, ids, client)


__all__ = ["World", "TZ", "NOW", "CATALOG", "Company"]
