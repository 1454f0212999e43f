"""The visit dialog end to end through the emulator: register a company, log a visit in at
most 8 presses, edit from the summary, save twice, restart in the middle, and the
supervisor seeing it with the specialist's coverage.

The bot's clock is frozen (`bot_clock` below), and the calendar day a test presses is read
from that same clock, so a run that crosses midnight in Shanghai presses the day the bot shows.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlmodel import select

from storage.models import Company, Measure, Visit, VisitAttachment
from tests.databases import emptied_redis
from tests.e2e.harness import FrozenClock

USCC = "91320585MA1W8K7Q3G"


@pytest.fixture
def bot_clock() -> FrozenClock:
    """The clock of the bot's context in this module: now, frozen at the start of the test."""
    return FrozenClock()


def today_button(harness) -> str:
    """The calendar marks today "[ 02 ]"; a due date of today is always on the first page and never past.
    Today is the bot's: its context's clock in its zone."""
    return f"[ {harness.running.dp['ctx'].local_now():%d} ]"


class Presses:
    """Counts what the person taps: inline buttons and the reply-keyboard location button."""

    def __init__(self, harness, user) -> None:
        self.harness, self.user, self.count = harness, user, 0
        self.transcript: list[str] = []

    async def tap(self, text: str, expect: str | None = None):
        self.count += 1
        self.transcript.append(f"[tap] {text}")
        await self.harness.emu.press_button(self.user, text)
        return await self._reply(expect)

    async def share_location(self, expect: str | None = None):
        self.count += 1
        self.transcript.append("[tap] 📍 发送位置")
        await self.harness.emu.send_location(self.user, 31.4571, 121.1003)
        return await self._reply(expect)

    async def type(self, text: str, expect: str | None = None):
        self.transcript.append(f"> {text}")
        await self.harness.emu.send_text(self.user, text)
        return await self._reply(expect)

    async def photo(self, expect: str | None = None):
        self.transcript.append("[photo]")
        await self.harness.emu.send_photo(self.user)
        return await self._reply(expect)

    async def _reply(self, expect: str | None):
        message = await self.harness.emu.wait_message(self.user.id, expect)
        self.transcript.append("< " + (message.text or message.caption or "").replace("\n", " ⏎ ")[:160])
        return message


@pytest.fixture
async def people(harness):
    specialist = harness.emu.user(3101, first_name="王特派")
    supervisor = harness.emu.user(3102, first_name="张主管")
    await harness.join(specialist, "specialist", region_code="320585")
    await harness.join(supervisor, "supervisor", region_code="320500")
    return specialist, supervisor


async def test_register_then_log_a_visit_in_at_most_8_presses_and_the_supervisor_sees_it(harness, people, capsys):
    specialist, supervisor = people
    emu = harness.emu
    # Coverage before: nothing assigned, nothing visited.
    before = await harness.say(supervisor, "/visits", "覆盖率")
    assert "王特派：0/0（0%）" in before.text

    p = Presses(harness, specialist)
    # Register a company in chat: name, then the USCC (one wrong character first).
    await p.type("/companies", "我负责的企业")
    await p.tap("登记企业", "请输入企业名称")
    await p.type("太仓精工机械有限公司", "统一社会信用代码")
    wrong = await p.type("91320585MA1W8K7Q3X", "校验位")
    assert "应为“G”" in wrong.text
    await p.type("91320585 ma1w8k7q3g", "已登记")
    card = await emu.wait_message(specialist.id, "统一社会信用代码：91320585MA1W8K7Q3G")
    assert "江苏省苏州市太仓市" in card.text and "王特派" in card.text
    await p.tap("完成")
    await harness.settled()

    # The visit itself: presses counted from here.
    p.count = 0
    await p.type("/visit", "走访哪家企业")
    await p.tap("太仓精工", "走访方式")                      # 1
    await p.share_location("谈到了哪些内容")                  # 2 (location = 实地)
    await p.tap("贯标", lambda m: any("✅ 贯标" in b["text"] for b in m.buttons()))  # 3
    await p.type("需求：想申请首件发明专利补贴\n问题：不清楚贯标流程\n意见：希望多办培训\n参加：李总、研发部王工", "发送照片")
    await p.photo("已收到 1 张")
    await p.tap("下一步", "一企一策措施")                     # 4
    await p.type("协助撰写首件发明专利申请", "请选择完成期限")
    await p.tap(today_button(harness), "协助撰写首件发明专利申请")  # 5 a day of the calendar
    await p.type("组织贯标内审员培训", "请选择完成期限")
    await p.tap(today_button(harness), "组织贯标内审员培训")        # 6
    summary = await p.tap("完成", "走访记录")                 # 7
    assert "位置 31.4571" in summary.text and "照片：1 张" in summary.text and "措施：2 条" in summary.text
    saved = await p.tap("保存", "已保存")                      # 8
    assert p.count <= 8, p.count
    print("\n".join(p.transcript))

    async with harness.db.sessions() as s:
        visit = (await s.exec(select(Visit))).one()
        assert visit.way == "onsite" and visit.topics == ["ip_standard"] and visit.latitude == pytest.approx(31.4571)
        assert visit.needs == ["想申请首件发明专利补贴"] and visit.problems == ["不清楚贯标流程"]
        assert visit.opinions == ["希望多办培训"] and visit.participants == "李总、研发部王工"
        photo = (await s.exec(select(VisitAttachment))).one()
        assert photo.kind == "photo" and photo.file_id
    for _ in range(50):  # the local copy is made right after the answer
        async with harness.db.sessions() as s:
            photo = (await s.exec(select(VisitAttachment))).one()
        if photo.local_path:
            break
        await asyncio.sleep(0.1)
    with open(photo.local_path, "rb") as fh:  # the embedded default keeps a local copy
        assert fh.read() == b"\xff\xd8\xff\xe0emulated-jpeg"
    async with harness.db.sessions() as s:
        assert len((await s.exec(select(Measure).where(Measure.visit_id == visit.id))).all()) == 2
    assert "目前" in saved.text

    # The supervisor of the city sees the visit, and the specialist's coverage is 1/1.
    report = await harness.say(supervisor, "/visits", "覆盖率")
    assert "太仓精工机械有限公司" in report.text and "王特派：1/1（100%）" in report.text
    mine = await harness.say(specialist, "/visits", "覆盖率")
    assert "王特派：1/1（100%）" in mine.text


async def _company(harness, specialist) -> int:
    return await harness.add_company(USCC, "太仓精工机械有限公司", specialist=specialist)


async def _to_summary(p: Presses) -> None:
    await p.type("/visit", "走访哪家企业")
    await p.tap("太仓精工", "走访方式")
    await p.tap("电话", "谈到了哪些内容")
    await p.type("电话沟通了质押融资", "发送照片")
    await p.tap("下一步", "一企一策措施")
    await p.tap("完成", "走访记录")


async def test_save_pressed_twice_saves_once_and_an_edit_from_the_summary_changes_one_field(harness, people):
    specialist, _supervisor = people
    await _company(harness, specialist)
    p = Presses(harness, specialist)
    await _to_summary(p)
    await p.tap("✏️ 发现", "走访发现")
    edited = await p.type("改为：电话沟通了质押融资和贯标", "走访记录")
    assert "改为：电话沟通了质押融资和贯标" in edited.text and "电话" in edited.text
    # Press save twice on the same message, as fast as a thumb does.
    summary = harness.emu.messages(specialist.id)[-1]
    save = next(b["callback_data"] for b in summary.buttons() if "保存" in b["text"])
    await harness.emu.press(specialist, summary.message_id, save)
    second = await harness.emu.press(specialist, summary.message_id, save, strict=False)
    await harness.emu.wait_message(specialist.id, "已保存")
    await harness.settle(second)  # the second press is handled too: it saved nothing
    async with harness.db.sessions() as s:
        assert len((await s.exec(select(Visit))).all()) == 1


async def _at_topics(harness, specialist) -> Presses:
    """An online visit to the company, up to the window that asks what was talked about."""
    await _company(harness, specialist)
    p = Presses(harness, specialist)
    await p.type("/visit", "走访哪家企业")
    await p.tap("太仓精工", "走访方式")
    await p.tap("线上", "谈到了哪些内容")
    return p


async def test_bad_input_is_named_and_nothing_is_lost(harness, people):
    specialist, _supervisor = people
    p = await _at_topics(harness, specialist)
    too_long = await p.type("很" * 4001, "太长")
    assert "4001" in too_long.text
    await harness.emu.send_voice(specialist, duration=900)
    assert "语音太长" in (await harness.emu.wait_message(specialist.id, "语音太长")).text
    await harness.emu.send_voice(specialist, duration=20)
    await harness.emu.wait_message(specialist.id, "发送照片")
    await p.tap("下一步", "一企一策措施")
    await p.type("补交材料", "请选择完成期限")
    # A forged press of a day in the past (the calendar does not show it): refused, named.
    due = harness.emu.messages(specialist.id)[-1]
    day = next(b["callback_data"] for b in due.buttons() if b["text"] == today_button(harness))
    past = day[: day.rindex(":") + 1] + "1577836800"  # 2020-01-01
    await harness.emu.press(specialist, due.message_id, past, strict=False)
    assert "已经过去" in (await harness.emu.wait_message(specialist.id, "已经过去")).text
    # Commands typed mid-dialog reach their own handlers; the draft is still there.
    await p.type("/whoami", "特派员")
    await harness.emu.press_button(specialist, today_button(harness))
    summary_ready = await harness.emu.wait_message(specialist.id, "补交材料")
    assert "补交材料" in summary_ready.text
    await p.type("/cancel", "已取消")
    async with harness.db.sessions() as s:
        assert (await s.exec(select(Visit))).first() is None


REDIS_URL = "redis://127.0.0.1:6379/14"


async def _restart_mid_visit(harness, specialist) -> None:
    await _company(harness, specialist)
    p = Presses(harness, specialist)
    await p.type("/visit", "走访哪家企业")
    await p.tap("太仓精工", "走访方式")
    await p.tap("电话", "谈到了哪些内容")
    await p.tap("贯标")
    await harness.restart()  # a new process: memory is gone, the dialog state is not
    await p.type("重启后继续记录", "发送照片")
    await p.tap("下一步", "一企一策措施")
    summary = await p.tap("完成", "走访记录")
    assert "重启后继续记录" in summary.text and "内容：贯标" in summary.text and "电话" in summary.text


async def test_a_restart_in_the_middle_keeps_the_draft_on_the_embedded_default(harness, people):
    """The draft is plain JSON in dialog_data, so wherever dialog state is durable it survives."""
    specialist, _supervisor = people
    assert type(harness.running.dp.storage).__name__ == "DatabaseStorage"  # the embedded default keeps it
    await _restart_mid_visit(harness, specialist)


async def test_a_restart_in_the_middle_keeps_the_draft_in_redis(emu, settings, harness_class):
    async with emptied_redis(REDIS_URL) as url, \
            harness_class(emu, settings.model_copy(update={"redis_url": url})) as harness:
        specialist = emu.user(3111, first_name="王特派")
        await harness.join(specialist, "specialist", region_code="320585")
        await _restart_mid_visit(harness, specialist)
    assert emu.rejected == []


async def test_an_sme_cannot_log_visits_and_forged_visit_buttons_are_refused(harness, people):
    specialist, _supervisor = people
    company_id = await _company(harness, specialist)
    sme = harness.emu.user(3103, first_name="李总")
    await harness.join(sme, "sme", company_uscc=USCC)
    denied = await harness.say(sme, "/visit", "没有")
    assert "权限" in denied.text
    # The specialist's visit window, its company button pressed by the SME.
    await harness.say(specialist, "/visit", "走访哪家企业")
    window = harness.emu.messages(specialist.id)[-1]
    data = next(b["callback_data"] for b in window.buttons() if "太仓精工" in b["text"])
    # A callback only the specialist's chat holds cannot be pressed by another user in Telegram;
    # the nearest forgery is the SME pressing the same data on its own chat's last message.
    sme_message = harness.emu.messages(sme.id)[-1]
    forged = await harness.emu.press(sme, sme_message.message_id, data, strict=False)
    assert await harness.settle(forged) == "done"
    answers = [c for c in harness.emu.callbacks() if c.user_id == sme.id]
    assert [c.update_id for c in answers] == [forged] and answers[0].answered
    assert "已过期" in answers[0].answer["text"]  # its own chat's message carries no such button
    async with harness.db.sessions() as s:
        assert (await s.get(Company, company_id)).specialist_id is not None
        assert (await s.exec(select(Visit))).first() is None


async def test_a_photo_too_large_is_named_and_the_others_are_kept(harness, people):
    specialist, _supervisor = people
    p = await _at_topics(harness, specialist)
    await p.type("线上沟通", "发送照片")
    await p.photo("已收到 1 张")
    await harness.emu.send_photo(specialist, b"\xff\xd8" + b"0" * (11 * 1024 * 1024))
    big = await harness.emu.wait_message(specialist.id, "太大")
    assert "11.0 MB" in big.text and "10 MB" in big.text
    await harness.emu.send_sticker(specialist)
    await harness.emu.wait_message(specialist.id, "不需要这种消息")
    await p.tap("下一步", "一企一策措施")
    summary = await p.tap("完成", "走访记录")
    assert "照片：1 张" in summary.text


COMMANDS = ("/visit", "/visits", "/companies", "/plan")
# role -> what each command answers (a substring): None means refused ("没有…权限").
EXPECTED = {
    "admin": ("走访哪家企业", "走访", "企业", "查看哪家企业"),
    "supervisor": ("走访哪家企业", "覆盖率", "企业", "查看哪家企业"),
    "specialist": ("走访哪家企业", "覆盖率", "企业（1 家", "查看哪家企业"),
    "specialist_no_region": ("走访哪家企业", "覆盖率", "没有设置负责地区", "没有设置负责地区"),
    "sme": (None, None, "统一社会信用代码", "一企一策措施"),
}


@pytest.mark.parametrize("role", list(EXPECTED))
async def test_every_command_for_every_role(harness, role):
    from tests.e2e.harness import ADMIN_ID

    owner = harness.emu.user(3150, first_name="王特派")
    await harness.join(owner, "specialist", region_code="320585")
    await _company(harness, owner)
    if role == "admin":
        user = harness.emu.user(ADMIN_ID)
        await harness.say(user, "/start", "管理员")
    else:
        user = harness.emu.user(3151, first_name="某人")
        kwargs = {"sme": {"company_uscc": USCC}, "specialist_no_region": {}}.get(role, {"region_code": "320585"})
        await harness.join(user, role.replace("_no_region", ""), **kwargs)
    for command, expected in zip(COMMANDS, EXPECTED[role]):
        answer = await harness.say(user, command, expected or "权限")
        if expected is None:
            assert "没有使用这个功能的权限" in answer.text
        elif role == "specialist_no_region" and command == "/visit":
            assert "太仓精工" not in str(list(answer.buttons()))  # deny by default: no company offered
        elif role in ("admin", "supervisor", "specialist") and command in ("/visit", "/companies"):
            assert "太仓精工" in answer.text + str(list(answer.buttons()))
        await harness.say(user, "/cancel")
    if EXPECTED[role][0] is None:
        async with harness.db.sessions() as s:
            from services import audit
            denied = [e for e in await audit.recent(s, limit=50) if e.telegram_id == user.id and e.outcome == "denied"]
        assert len(denied) >= 2
