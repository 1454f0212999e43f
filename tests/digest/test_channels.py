"""The work-chat adapters against a local fake of WeCom, DingTalk and Feishu: payload
shape, signatures, size limits, errors and rate limits answered as the real ones do."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import aiohttp
import pytest

from bot.app import build_context
from bot.settings import Settings
from jobs.weekly_digest import SPEC
from services.broadcast import Permanent, RetryLater, Transient
from services.channels import ChannelError, Post
from services.channels.kinds import adapter
from services.digest_channels import list_channels, set_channel
from services.session import unit_of_work
from services.sheets import from_rows
from storage.digest_tables import DeliveryFailure
from tests.digest.conftest import measure_row, visit_row
from tests.digest.fake_robots import DING_SECRET, FEISHU_SECRET, FakeRobots

TZ = ZoneInfo("Asia/Shanghai")
DUE = datetime(2026, 11, 23, 9, 0, tzinfo=TZ)


@pytest.fixture
async def robots():
    fake = FakeRobots()
    await fake.start()
    yield fake
    await fake.stop()


def context(db, **extras):
    settings = Settings(DATABASE_URL=db.url)
    return build_context(settings, db, None, clock=lambda: DUE.astimezone(timezone.utc), **extras)


async def configure(db, robots, dingtalk_secret=DING_SECRET) -> None:
    async with unit_of_work(db) as s:
        await set_channel(s, "320585", "wecom", robots.wecom_url(), None)
        await set_channel(s, "320585", "dingtalk", robots.dingtalk_url(), dingtalk_secret)
        await set_channel(s, "320585", "feishu", robots.feishu_url(), FEISHU_SECRET)


async def test_the_digest_reaches_each_robot_once_in_its_own_format(db, robots):
    await configure(db, robots)
    rows = {"visits": from_rows([visit_row(1, company_name="**粗体**<font color=red>公司</font>")], when="visited_at")}
    ctx = context(db, row_sources=rows)
    await SPEC.run(ctx, DUE)
    await SPEC.run(ctx, DUE)  # a second run (restart) posts nothing more
    assert robots.errors == []
    wecom = robots.posts["wecom"]
    assert [p["msgtype"] for p in wecom] == ["markdown", "file"]
    assert "2026-W47" in wecom[0]["markdown"]["content"] and "**本周数字**" in wecom[0]["markdown"]["content"]
    assert robots.posts["wecom_upload"] == [{"filename": "周报_2026-W47_320585.xlsx",
                                             "size": robots.posts["wecom_upload"][0]["size"]}]
    assert robots.uploads["m1"][:2] == b"PK"  # the workbook itself
    (ding,) = robots.posts["dingtalk"]
    assert ding["markdown"]["title"] == "知识产权特派员工作周报 2026-W47（11-16—11-22）"
    assert "名册（Excel）已发送给本地区主管的 Telegram" in ding["markdown"]["text"]
    (feishu,) = robots.posts["feishu"]
    assert feishu["card"]["elements"][0]["content"] == ding["markdown"]["text"]
    async with db.sessions() as s:
        shown = {c.kind: c.url for c in await list_channels(s)}
    assert "key=" not in shown["wecom"] and "access_token" not in shown["dingtalk"]


async def test_a_long_digest_is_shortened_to_each_limit(db, robots):
    await configure(db, robots)
    late = [measure_row(i, measure="需要很长时间才能完成的措施" * 5, specialist_name=f"特派员{i % 40}")
            for i in range(400)]
    await SPEC.run(context(db, row_sources={"measures": from_rows(late)}), DUE)
    assert robots.errors == []
    wecom = robots.posts["wecom"][0]["markdown"]["content"]
    assert len(wecom.encode()) <= 4096 and "另有" in wecom and "共 400 项" in wecom
    assert len(robots.posts["dingtalk"][0]["markdown"]["text"].encode()) <= 20_000


async def test_a_wrong_signing_secret_is_a_recorded_failure(db, robots):
    await configure(db, robots, dingtalk_secret="SECwrong")
    await SPEC.run(context(db), DUE)
    assert robots.errors == [("dingtalk", 310000)]
    async with db.sessions() as s:
        failures = (await s.exec(DeliveryFailure.__table__.select())).all()
    assert [(f.recipient, "310000" in f.reason) for f in failures] == [("dingtalk:320585", True)]
    assert len(robots.posts["feishu"]) == 1 and len(robots.posts["wecom"]) == 2


async def test_server_errors_are_retried_until_the_post_goes_through(db, robots):
    async with unit_of_work(db) as s:
        await set_channel(s, "320585", "feishu", robots.feishu_url(), FEISHU_SECRET)
    robots.fail_next = [502, 503]
    await SPEC.run(context(db), DUE)
    assert len(robots.posts["feishu"]) == 1


@pytest.mark.parametrize(("kind", "url_of", "code", "limit"), [
    ("wecom", "wecom_url", 45009, 1), ("dingtalk", "dingtalk_url", 410100, 1), ("feishu", "feishu_url", 11232, 5),
])
async def test_rate_limits_are_answered_as_retry_later(robots, kind, url_of, code, limit):
    robots.per_minute = limit
    robot = adapter(kind)
    secret = {"dingtalk": DING_SECRET, "feishu": FEISHU_SECRET}.get(kind)
    async with aiohttp.ClientSession() as http:
        step = robot.steps(http, getattr(robots, url_of)(), secret, Post("t", "正文"), time.time)[0]
        for _ in range(limit):
            await step()
        with pytest.raises(RetryLater):
            await step()
    assert robots.errors[-1] == (kind, code)


async def test_bad_keys_and_unreachable_robots():
    robots = FakeRobots()
    await robots.start()
    wrong_key, url = robots.wecom_url("nope"), robots.url
    async with aiohttp.ClientSession() as http:
        with pytest.raises(Permanent, match="93000"):
            await adapter("wecom").steps(http, wrong_key, None, Post("t", "x"), time.time)[0]()
        await robots.stop()  # nobody listens any more
        with pytest.raises(Transient):
            await adapter("feishu").steps(http, f"{url}/open-apis/bot/v2/hook/x", None, Post("t", "x"), time.time)[0]()


@pytest.mark.parametrize(("kind", "url", "code"), [
    ("wecom", "not a url", "bad_url"), ("wecom", "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", "bad_url"),
    ("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send", "bad_url"),
    ("dingtalk", "https://evil.example.com/robot/send?access_token=t", "wrong_host"),
    ("feishu", "https://open.feishu.cn/open-apis/bot/v2/hook/", "bad_url"), ("slack", "https://x", "unknown_kind"),
])
async def test_malformed_webhooks_are_refused_with_a_reason(db, kind, url, code):
    async with unit_of_work(db) as s:
        with pytest.raises(ChannelError) as err:
            await set_channel(s, "320585", kind, url, None)
    assert err.value.code == code
