"""Telegram's delivery quirks: 429s, redelivered updates, odd input, old buttons."""

import time

from sqlmodel import func, select

from storage.models import AuditEntry, InboxEntry, Invite, User


async def test_a_429_is_waited_out_and_the_message_still_arrives(harness):
    emu = harness.emu
    user = emu.user(4001)
    await harness.join(user, "specialist")
    emu.inject_fault("sendMessage", "429", count=1, retry_after=1)
    await harness.say(user, "/whoami", "特派员", timeout=8)
    faulted = [c for c in emu.calls if c.method == "sendMessage" and c.fault]
    assert len(faulted) == 1
    assert sum("我的身份" in (m.text or "") for m in emu.messages(user.id)) == 1  # waited out, not sent twice


async def test_a_5xx_is_retried(harness):
    emu = harness.emu
    user = emu.user(4002)
    await harness.join(user, "specialist")
    emu.inject_fault("sendMessage", "500", count=2)
    await harness.say(user, "/help", "可用的命令", timeout=8)
    tries = [c for c in emu.calls if c.method == "sendMessage"]
    assert [c.fault is not None for c in tries[-3:]] == [True, True, False], [(c.params, c.fault) for c in tries[-3:]]
    assert sum("可用的命令" in (m.text or "") for m in emu.messages(user.id)) == 1


async def test_the_same_update_delivered_twice_is_applied_once(harness):
    emu = harness.emu
    boss = emu.user(4003, first_name="张主管")
    await harness.join(boss, "supervisor", region_code="320585")
    update_id = await emu.send_text(boss, "/invite specialist")
    await emu.wait_message(boss.id, "t.me/")
    assert await emu.redeliver(update_id)
    newcomer = emu.user(4004)
    token = await harness.invite("specialist")
    start_id = await emu.send_text(newcomer, f"/start {token}")
    await emu.wait_message(newcomer.id, "欢迎")
    assert await emu.redeliver(start_id)
    await harness.settled()  # the copies were fetched and looked at: whatever they did is done
    async with harness.db.sessions() as session:
        invites_by_boss = (await session.exec(select(func.count()).select_from(Invite)
                                              .where(Invite.created_by.is_not(None)))).one()
        users = (await session.exec(select(func.count()).select_from(User).where(User.telegram_id == newcomer.id))).one()
        processed = (await session.exec(select(InboxEntry.update_id).where(InboxEntry.state == "done"))).all()
    assert invites_by_boss == 1 and users == 1
    assert {update_id, start_id} <= set(processed) and len(processed) == len(set(processed))
    assert [m.text for m in emu.messages(newcomer.id) if "欢迎" in (m.text or "")].__len__() == 1
    assert sum("t.me/" in (m.text or "") for m in emu.messages(boss.id)) == 1


async def test_odd_input_gets_a_sentence_and_never_a_rejected_request(harness):
    emu = harness.emu
    user = emu.user(4005)
    await harness.join(user, "specialist")
    cases = [
        ("text", "<b>bold</b> & <script>alert(1)</script>"),
        ("text", "=HYPERLINK(\"http://x\")"),
        ("text", "😀" * 3000),
        ("text", "长" * 5000),
        ("text", "\u202e\u200b\u0000zero-width"),
        ("text", "/unknowncommand with args"),
    ]
    for _kind, text in cases:
        await emu.send_text(user, text)
        reply = await emu.wait_message(user.id)
        assert reply.text
    for send in (emu.send_sticker, emu.send_voice, emu.send_photo):
        await send(user)
        assert "文字" in (await emu.wait_message(user.id)).text
    await emu.send_document(user, "名册.xlsx", b"PK\x03\x04 not really", "application/vnd.ms-excel")
    assert "文字" in (await emu.wait_message(user.id)).text
    await emu.send_location(user, 31.45, 121.10)
    assert (await emu.wait_message(user.id)).text
    mine = next(m for m in emu.messages(user.id, include_user=True) if not m.from_bot and m.text)
    await emu.edit_text(user, mine.message_id, "edited")  # ignored quietly
    first = emu.messages(user.id)[0]
    nowhere = await emu.press(user, first.message_id, "not-ours", strict=False)  # a button from nowhere
    assert await harness.settle(nowhere) == "done"
    # the long text got the length sentence
    assert any("太长" in (m.text or "") for m in emu.messages(user.id))


async def test_every_router_but_the_public_ones_is_guarded(harness):
    from bot.middlewares import RequireRoles

    def walk(router):
        yield router
        for sub in router.sub_routers:
            yield from walk(sub)

    # language: every invited user (part of common); training_links: whoever opens a training link
    # (UpdateContext admits a stranger only for what handlers.training.for_trainee accepts); privacy:
    # anyone's own data (handlers.privacy.for_anyone; services.privacy checks the admin's button)
    public = {"common", "language", "training_links", "privacy", "fallback", "errors"}
    unguarded = []
    for router in walk(harness.running.dp):
        if router is harness.running.dp or router.name in public:
            continue
        guarded = any(isinstance(m, RequireRoles) for r in router.chain_head for m in r.message.middleware)
        if not guarded:
            unguarded.append(router.name)
    assert unguarded == []


async def test_a_revoked_user_pressing_an_old_button_is_refused_and_audited(harness):
    emu = harness.emu
    boss = emu.user(4006)
    await harness.join(boss, "supervisor", region_code="320585")
    await harness.say(boss, "/invite", "请选择")
    menu = emu.messages(boss.id)[-1]
    async with harness.db.sessions() as session:
        user = (await session.exec(select(User).where(User.telegram_id == boss.id))).one()
        user.active = False
        session.add(user)
        await session.commit()
    await _press_is_refused(harness, boss, menu)


async def test_a_copy_delivered_after_a_restart_is_skipped(harness):
    emu = harness.emu
    boss = emu.user(4007)
    await harness.join(boss, "supervisor", region_code="320585")
    update_id = await emu.send_text(boss, "/invite specialist")
    await emu.wait_message(boss.id, "t.me/")
    await harness.restart()  # the new process has not seen this update; the database has
    assert await emu.redeliver(update_id)
    await harness.say(boss, "/whoami", "主管")  # handled after the copy, so the copy was looked at
    async with harness.db.sessions() as session:
        made = (await session.exec(select(func.count()).select_from(Invite).where(Invite.created_by.is_not(None)))).one()
    assert made == 1
    assert sum("t.me/" in (m.text or "") for m in emu.messages(boss.id)) == 1


async def test_a_revocation_made_outside_this_process_is_honoured_within_the_actor_ttl(harness):
    """The bot caches actors for a few seconds (services.users.ACTOR_CACHE_SECONDS); a change it
    cannot hear of (another process, SQL by hand) must still lock the user out once that passes."""
    from bot.middlewares import UpdateContext

    emu = harness.emu
    boss = emu.user(4008)
    await harness.join(boss, "supervisor", region_code="320585")
    context = next(m for m in harness.running.dp.update.outer_middleware if isinstance(m, UpdateContext))
    monotonic = [time.monotonic()]
    context.actors.clock = lambda: monotonic[0]  # the cache's own clock, moved by hand below
    context.actors.ttl = 0.5
    await harness.say(boss, "/invite", "请选择")  # the actor is cached now
    menu = emu.messages(boss.id)[-1]
    async with harness.db.engine.begin() as conn:  # no ORM events: as another process would
        await conn.exec_driver_sql("UPDATE users SET active = false WHERE telegram_id = ?", (boss.id,))
    monotonic[0] += 0.4  # within the TTL the cached actor is still let in ...
    assert context.actors.get(boss.id)[0]
    monotonic[0] += 0.2  # ... and once it passed, the database is asked again
    await _press_is_refused(harness, boss, menu)


async def _press_is_refused(harness, boss, menu):
    """A revoked supervisor presses an old invite button: turned away, audited, no invite made."""
    emu = harness.emu
    pressed = await emu.press(boss, menu.message_id, menu.inline_keyboard[0][0]["callback_data"])
    assert await harness.settle(pressed) == "done"
    async with harness.db.sessions() as session:
        denied = (await session.exec(select(AuditEntry).where(AuditEntry.telegram_id == boss.id,
                                                              AuditEntry.outcome == "denied"))).all()
        invites = (await session.exec(select(func.count()).select_from(Invite))).one()
    assert [d.action for d in denied] == ["access.unknown_user"]
    assert invites == 1  # only the one harness.join made
    assert not any("t.me/" in (m.text or "") for m in emu.messages(boss.id))
