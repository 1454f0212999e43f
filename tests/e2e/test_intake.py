"""The intake end to end: a dialog across a restart, renumbered ids, parked failures."""

from __future__ import annotations

import asyncio

from emulator import Emulator
from services import inbox


async def test_a_dialog_half_done_survives_a_restart_on_sqlite(harness):
    emu = harness.emu
    user = emu.user(8101, first_name="王特派")
    await harness.join(user, "specialist", region_code="320585")
    await harness.add_company("91320585MA1W8K7Q3G", "太仓精工机械有限公司", specialist=user)
    await harness.say(user, "/check", "请选择")
    await harness.restart()  # a new process: nothing of the dialog is in memory
    await emu.press_button(user, "太仓精工")
    question = await emu.wait_message(user.id, "资格自查")
    assert "太仓精工机械有限公司" in question.text
    await emu.press_button(user, "直接看结果")
    results = await emu.wait_message(user.id, "资格自查结果")
    assert "太仓精工机械有限公司" in results.text


async def test_ids_numbered_from_one_again_are_new_updates(emu, settings, harness_class):
    """After a week without updates Telegram numbers them anew; the demo's emulator did too."""
    user_id = 8102
    async with harness_class(emu, settings) as harness:
        user = emu.user(user_id)
        await harness.join(user, "specialist")
        for _ in range(5):
            await harness.say(user, "/whoami", "我的身份")
        username = (await harness.running.bot.me()).username
    async with Emulator(emu.tokens[0], username=username) as fresh:  # update ids start at 1 again
        await fresh.start()
        async with harness_class(fresh, settings.model_copy(update={"telegram_api_base": fresh.url})) as harness:
            user = fresh.user(user_id)
            for _ in range(8):
                await fresh.send_text(user, "/whoami")
            deadline = asyncio.get_running_loop().time() + 10
            while len([m for m in fresh.messages(user_id) if "我的身份" in (m.text or "")]) < 8:
                assert asyncio.get_running_loop().time() < deadline, "some renumbered updates were taken for copies"
                await asyncio.sleep(0.05)
        assert fresh.rejected == []


async def test_an_update_that_fails_is_parked_and_an_admin_sees_the_count(harness, monkeypatch):
    import handlers.common

    emu = harness.emu
    user = emu.user(8103)
    await harness.join(user, "specialist")

    def broken(_actor):  # noqa: ANN001 - a bug in a handler, injected
        raise RuntimeError("injected failure")

    monkeypatch.setattr(handlers.common, "display_name", broken)
    await harness.say(user, "/whoami", "出错")
    monkeypatch.undo()
    deadline = asyncio.get_running_loop().time() + 5
    while (await inbox.counts(harness.db))["dead"] != 1:
        assert asyncio.get_running_loop().time() < deadline, "the failed update was not parked"
        await asyncio.sleep(0.05)
    admin = emu.user(next(iter(harness.settings.admin_ids)))
    status = await harness.say(admin, "/status", "运行状态")
    assert "已搁置（处理失败，需要查看）：1" in status.text
    denied = await harness.say(user, "/status")
    assert "没有使用这个功能的权限" in denied.text


async def test_one_users_updates_are_answered_in_order_while_others_run_alongside(harness):
    emu = harness.emu
    first, second = emu.user(8104), emu.user(8105)
    await harness.join(first, "specialist")
    await harness.join(second, "specialist")
    sequence = [("/help", "可用的命令"), ("/whoami", "我的身份"), ("/cancel", "没有进行中的操作"),
                ("/policies", "发明之星"), ("/whoami", "我的身份")]
    for text, _expected in sequence:  # sent back to back, before any answer
        await emu.send_text(first, text)
        await emu.send_text(second, text)
    for user in (first, second):
        for _text, expected in sequence:
            reply = await emu.wait_message(user.id)
            assert expected in reply.text, (expected, reply.text[:80])
