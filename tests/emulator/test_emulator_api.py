"""Bot API methods over HTTP: answers, Telegram's errors, and what the emulator records."""

from __future__ import annotations

import aiohttp
import pytest

from emulator import Emulator

KEYBOARD = {"inline_keyboard": [[{"text": "Yes", "callback_data": "yes"}, {"text": "No", "callback_data": "no"}]]}


async def test_bad_token_and_unknown_method(emu: Emulator, api) -> None:
    assert await api("getMe", _token="999:WRONG") == (
        401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
    )
    assert await api("getMeNow") == (404, {"ok": False, "error_code": 404, "description": "Not Found"})
    assert [r.description for r in emu.rejected] == ["Unauthorized", "Not Found"]


async def test_get_me_any_case_and_any_encoding(emu: Emulator, api, http: aiohttp.ClientSession, token: str) -> None:
    status, body = await api("GETME")
    assert status == 200 and body["ok"] is True
    assert body["result"]["username"] == "ipbot_test" and body["result"]["id"] == 123456
    async with http.get(f"{emu.url}/bot{token}/getMe") as response:
        assert (await response.json())["result"]["is_bot"] is True


async def test_chat_not_found_until_the_user_writes(emu: Emulator, api) -> None:
    status, body = await api("sendMessage", chat_id=501, text="invite")
    assert (status, body["description"]) == (400, "Bad Request: chat not found")
    await emu.send_text(emu.user(501), "hi")
    status, body = await api("sendMessage", chat_id=501, text="invite")
    assert status == 200
    result = body["result"]
    assert result["chat"] == {"id": 501, "type": "private", "first_name": "Tester"}
    assert result["from"]["is_bot"] is True and result["message_id"] == 2 and result["text"] == "invite"


async def test_unknown_parameter_is_rejected_and_recorded(emu: Emulator, api) -> None:
    await emu.send_text(emu.user(7), "hi")
    status, body = await api("sendMessage", chat_id=7, text="x", parse_mod="HTML")
    assert status == 400 and 'unknown parameter "parse_mod"' in body["description"]
    assert emu.rejected[-1].method == "sendMessage"
    assert emu.rejected[-1].params["parse_mod"] == "HTML"
    assert emu.messages(7) == []


async def test_text_length_counts_characters_after_html_parsing(emu: Emulator, api) -> None:
    await emu.send_text(emu.user(7), "hi")
    assert (await api("sendMessage", chat_id=7, text="x" * 4096))[0] == 200
    status, body = await api("sendMessage", chat_id=7, text="x" * 4097)
    assert status == 400 and body["description"].startswith("Bad Request: message is too long")
    assert (await api("sendMessage", chat_id=7, text="<b>" + "我" * 4096 + "</b>", parse_mode="HTML"))[0] == 200
    assert (await api("sendMessage", chat_id=7, text="&amp;" * 4096, parse_mode="HTML"))[0] == 200
    status, body = await api("sendMessage", chat_id=7, text="<b>" + "x" * 4097 + "</b>", parse_mode="HTML")
    assert "message is too long" in body["description"]
    status, body = await api("sendMessage", chat_id=7, text="<b> </b>", parse_mode="HTML")
    assert body["description"] == "Bad Request: message text is empty"
    assert [len(m.text) for m in emu.messages(7)] == [4096, 4096, 4096]


async def test_invalid_html_is_rejected(emu: Emulator, api) -> None:
    await emu.send_text(emu.user(7), "hi")
    status, body = await api("sendMessage", chat_id=7, text="1 < 2", parse_mode="HTML")
    assert status == 400
    assert body["description"].startswith("Bad Request: can't parse entities: Unsupported start tag")
    assert len(emu.rejected) == 1
    status, body = await api("sendMessage", chat_id=7, text="<b>1 &lt; <i>2</i></b>", parse_mode="HTML")
    assert status == 200 and body["result"]["text"] == "1 < 2"
    assert body["result"]["entities"] == [
        {"type": "bold", "offset": 0, "length": 5}, {"type": "italic", "offset": 4, "length": 1}
    ]


async def test_edits_follow_telegram_rules(emu: Emulator, api) -> None:
    user = emu.user(7)
    await emu.send_text(user, "hi")
    _, sent = await api("sendMessage", chat_id=7, text="Question?", reply_markup=KEYBOARD)
    message_id = sent["result"]["message_id"]
    assert sent["result"]["reply_markup"] == KEYBOARD

    status, body = await api("editMessageText", chat_id=7, message_id=message_id, text="Question?", reply_markup=KEYBOARD)
    assert status == 400 and body["description"] == (
        "Bad Request: message is not modified: specified new message content and reply markup are "
        "exactly the same as a current content and reply markup of the message"
    )
    status, body = await api("editMessageText", chat_id=7, message_id=999, text="x")
    assert body["description"] == "Bad Request: message to edit not found"
    status, body = await api("editMessageText", chat_id=7, message_id=1, text="x")
    assert body["description"] == "Bad Request: message can't be edited"

    # Same text without reply_markup is a change: Telegram drops the keyboard.
    status, body = await api("editMessageText", chat_id=7, message_id=message_id, text="Question?")
    assert status == 200 and "reply_markup" not in body["result"] and body["result"]["edit_date"]
    status, body = await api("editMessageReplyMarkup", chat_id=7, message_id=message_id, reply_markup=KEYBOARD)
    assert status == 200 and body["result"]["reply_markup"] == KEYBOARD

    record = emu.message(7, message_id)
    assert record.edited and record.reply_markup == KEYBOARD
    assert [(v.text, v.reply_markup) for v in record.history] == [("Question?", KEYBOARD), ("Question?", None)]
    assert [r.summary() for r in await emu.outputs(7)] == [f"#{message_id} 'Question?'"] + [
        f"#{message_id} (edited) 'Question?'"
    ] * 2


async def test_delete_message(emu: Emulator, api) -> None:
    await emu.send_text(emu.user(7), "hi")
    _, sent = await api("sendMessage", chat_id=7, text="bye")
    message_id = sent["result"]["message_id"]
    assert await api("deleteMessage", chat_id=7, message_id=message_id) == (200, {"ok": True, "result": True})
    status, body = await api("deleteMessage", chat_id=7, message_id=message_id)
    assert body["description"] == "Bad Request: message to delete not found"
    assert emu.messages(7)[0].deleted


async def test_reply_parameters(emu: Emulator, api) -> None:
    await emu.send_text(emu.user(7), "question")
    _, body = await api("sendMessage", chat_id=7, text="answer", reply_parameters={"message_id": 1})
    assert body["result"]["reply_to_message"]["text"] == "question"
    status, body = await api("sendMessage", chat_id=7, text="x", reply_parameters={"message_id": 99})
    assert body["description"] == "Bad Request: message to be replied not found"
    status, _ = await api(
        "sendMessage", chat_id=7, text="x", reply_parameters={"message_id": 99, "allow_sending_without_reply": True}
    )
    assert status == 200


async def test_callback_answers_are_tracked(emu: Emulator, api) -> None:
    user = emu.user(7)
    await emu.send_text(user, "hi")
    _, sent = await api("sendMessage", chat_id=7, text="Q", reply_markup=KEYBOARD)
    update_id = await emu.press_button(user, "Ye")
    _, updates = await api("getUpdates", offset=update_id)
    query = updates["result"][0]["callback_query"]
    assert query["data"] == "yes" and query["message"]["message_id"] == sent["result"]["message_id"]
    assert [c.data for c in emu.unanswered_callbacks()] == ["yes"]

    status, body = await api("answerCallbackQuery", callback_query_id=query["id"], text="x" * 201)
    assert status == 400 and "MESSAGE_TOO_LONG" in body["description"]
    assert (await api("answerCallbackQuery", callback_query_id=query["id"], text="x" * 200))[0] == 200
    assert emu.unanswered_callbacks() == []
    status, body = await api("answerCallbackQuery", callback_query_id=query["id"])
    assert body["description"] == "Bad Request: query is too old and response timeout expired or query ID is invalid"


async def test_press_checks_the_button_exists(emu: Emulator, api) -> None:
    user = emu.user(7)
    await emu.send_text(user, "hi")
    _, sent = await api("sendMessage", chat_id=7, text="Q", reply_markup=KEYBOARD)
    message_id = sent["result"]["message_id"]
    await emu.press(user, message_id, "no")
    try:
        await emu.press(user, message_id, "maybe")
    except LookupError as error:
        assert "maybe" in str(error) and "('Yes', 'yes')" in str(error)
    else:
        raise AssertionError("pressing a button that is not shown must fail")
    await emu.press(user, message_id, "maybe", strict=False)


async def test_commands_per_scope_and_language(emu: Emulator, api) -> None:
    await emu.send_text(emu.user(7, language_code="zh-hans"), "hi")
    default = [{"command": "start", "description": "Start"}]
    personal = [{"command": "start", "description": "开始"}, {"command": "cases", "description": "我的案件"}]
    assert (await api("setMyCommands", commands=default))[0] == 200
    assert (await api("setMyCommands", commands=personal, scope={"type": "chat", "chat_id": 7}, language_code="zh"))[0] == 200
    assert emu.commands() == default
    assert emu.commands(scope_chat_id=7, language_code="zh") == personal
    assert emu.commands(scope_chat_id=7) == []
    assert emu.visible_commands(7) == personal
    assert emu.visible_commands(7, language_code="en") == default
    _, body = await api("getMyCommands", scope={"type": "chat", "chat_id": 7}, language_code="zh")
    assert body["result"] == personal

    status, body = await api("setMyCommands", commands=default, language_code="zh-hans")
    assert status == 400 and "invalid language code" in body["description"]
    status, body = await api("setMyCommands", commands=default, scope={"type": "chat", "chat_id": 8})
    assert body["description"] == "Bad Request: chat not found"
    status, body = await api("setMyCommands", commands=[{"command": f"c{i}", "description": "d"} for i in range(101)])
    assert status == 400 and "too many commands" in body["description"]

    assert (await api("deleteMyCommands", scope={"type": "chat", "chat_id": 7}, language_code="zh"))[0] == 200
    assert emu.visible_commands(7) == default


async def test_documents_round_trip(emu: Emulator, http: aiohttp.ClientSession, token: str) -> None:
    user = emu.user(7)
    await emu.send_document(user, "申请表.docx", b"user-bytes", "application/msword")
    form = aiohttp.FormData()
    form.add_field("chat_id", "7")
    form.add_field("caption", "<i>report</i>")
    form.add_field("parse_mode", "HTML")
    form.add_field("document", "attach://f1")
    form.add_field("f1", b"\x00bot-bytes", filename="report.xlsx")
    async with http.post(f"{emu.url}/bot{token}/sendDocument", data=form) as response:
        sent = (await response.json())["result"]
    assert sent["document"]["file_name"] == "report.xlsx" and sent["caption"] == "report"
    assert sent["document"]["mime_type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    record = emu.messages(7)[0]
    assert (record.document.file_name, record.document.data) == ("report.xlsx", b"\x00bot-bytes")
    assert record.caption_entities == [{"type": "italic", "offset": 0, "length": 6}]

    user_document = emu.messages(7, include_user=True)[0].document
    for file_id, expected in ((sent["document"]["file_id"], b"\x00bot-bytes"), (user_document.file_id, b"user-bytes")):
        async with http.post(f"{emu.url}/bot{token}/getFile", json={"file_id": file_id}) as response:
            path = (await response.json())["result"]["file_path"]
        async with http.get(f"{emu.url}/file/bot{token}/{path}") as response:
            assert await response.read() == expected
    async with http.get(f"{emu.url}/file/bot{token}/documents/missing.pdf") as response:
        assert response.status == 404

    form = aiohttp.FormData({"chat_id": "7", "photo": sent["document"]["file_id"]})
    async with http.post(f"{emu.url}/bot{token}/sendPhoto", data=form) as response:
        assert response.status == 200


async def test_chat_action_menu_button_and_get_chat(emu: Emulator, api) -> None:
    await emu.send_text(emu.user(7, username="ann"), "hi")
    assert (await api("sendChatAction", chat_id=7, action="typing"))[0] == 200
    assert (await api("sendChatAction", chat_id=7, action="dancing"))[1]["description"] == (
        "Bad Request: wrong parameter action in request"
    )
    assert (await api("setChatMenuButton", chat_id=7, menu_button={"type": "commands"}))[0] == 200
    assert (await api("getChatMenuButton", chat_id=7))[1]["result"] == {"type": "commands"}
    _, body = await api("getChat", chat_id=7)
    assert body["result"]["username"] == "ann" and body["result"]["type"] == "private"


async def test_unsupported_methods_are_rejected_clearly(emu: Emulator, api) -> None:
    status, body = await api("sendPoll", chat_id=7, question="q", options=[{"text": "a"}, {"text": "b"}])
    assert status == 400 and body["description"] == "Bad Request: method sendPoll is not supported by the emulator"


async def test_start_is_idempotent_while_serving(emu: Emulator) -> None:
    assert await emu.start() == emu.url
    with pytest.raises(RuntimeError, match="already serves"):
        await emu.start(port=1)
