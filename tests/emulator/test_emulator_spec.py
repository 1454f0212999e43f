"""Validation of calls against the Bot API spec."""

from __future__ import annotations

import json

import pytest

from emulator.errors import ApiError
from emulator.spec import Spec, Upload


@pytest.fixture(scope="module")
def spec() -> Spec:
    return Spec.load()


def validate(spec: Spec, method: str, uploads: dict | None = None, **params: object) -> dict:
    method_spec = spec.method(method)
    assert method_spec is not None
    return spec.validate(method_spec, params, uploads or {})


def refused(spec: Spec, method: str, uploads: dict | None = None, **params: object) -> str:
    with pytest.raises(ApiError) as caught:
        validate(spec, method, uploads, **params)
    assert caught.value.code == 400
    return caught.value.description


def keyboard(*buttons: dict) -> str:
    return json.dumps({"inline_keyboard": [list(buttons)]})


def test_spec_is_loaded_once_and_methods_are_case_insensitive(spec: Spec) -> None:
    assert Spec.load() is spec
    assert spec.method("SENDMESSAGE").name == "sendMessage"
    assert spec.method("noSuchMethod") is None


def test_unknown_and_missing_parameters_are_named(spec: Spec) -> None:
    assert 'unknown parameter "txt"' in refused(spec, "sendMessage", chat_id=1, text="x", txt="y")
    assert 'required parameter "text" is missing' in refused(spec, "sendMessage", chat_id=1)
    assert 'required parameter "chat_id" is missing' in refused(spec, "sendMessage", text="x")


def test_form_strings_are_coerced(spec: Spec) -> None:
    clean = validate(
        spec, "sendMessage", chat_id="42", text="hi", disable_notification="true",
        reply_markup=keyboard({"text": "A", "callback_data": "a"}),
    )
    assert clean == {
        "chat_id": 42, "text": "hi", "disable_notification": True,
        "reply_markup": {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]},
    }
    assert validate(spec, "sendMessage", chat_id="@channel", text="x")["chat_id"] == "@channel"


def test_wrong_types_are_refused(spec: Spec) -> None:
    assert 'parameter "message_id" must be Integer' in refused(spec, "deleteMessage", chat_id=1, message_id="abc")
    assert 'parameter "disable_notification" must be Boolean' in refused(
        spec, "sendMessage", chat_id=1, text="x", disable_notification="maybe"
    )
    assert "not valid JSON" in refused(spec, "sendMessage", chat_id=1, text="x", reply_markup="{oops")
    assert 'field "reply_markup.inline_keyboard[0][0].callback_data" must be String' in refused(
        spec, "sendMessage", chat_id=1, text="x", reply_markup=keyboard({"text": "A", "callback_data": 5})
    )


def test_callback_data_is_limited_to_64_utf8_bytes(spec: Spec) -> None:
    validate(spec, "sendMessage", chat_id=1, text="x", reply_markup=keyboard({"text": "A", "callback_data": "я" * 32}))
    description = refused(
        spec, "sendMessage", chat_id=1, text="x", reply_markup=keyboard({"text": "A", "callback_data": "я" * 32 + "a"})
    )
    assert "BUTTON_DATA_INVALID" in description
    assert "65 bytes" in description
    assert "BUTTON_DATA_INVALID" in refused(
        spec, "sendMessage", chat_id=1, text="x", reply_markup=keyboard({"text": "A", "callback_data": ""})
    )


@pytest.mark.parametrize(
    ("button", "detail"),
    [
        ({"text": "A"}, "Text buttons are unallowed in the inline keyboard"),
        ({"text": "A", "callback_data": "a", "url": "https://e.x"}, "exactly one action field"),
        ({"text": "", "callback_data": "a"}, "text must be non-empty"),
        ({"text": "A", "callback_data": "a", "colour": "red"}, 'unknown field "reply_markup.inline_keyboard[0][0].colour"'),
        ({"callback_data": "a"}, 'field "reply_markup.inline_keyboard[0][0].text" of InlineKeyboardButton is required'),
    ],
)
def test_inline_buttons_are_checked(spec: Spec, button: dict, detail: str) -> None:
    assert detail in refused(spec, "sendMessage", chat_id=1, text="x", reply_markup=keyboard(button))


def test_other_markups_and_abstract_types(spec: Spec) -> None:
    reply_keyboard = {"keyboard": [[{"text": "Menu"}]], "resize_keyboard": True}
    assert validate(spec, "sendMessage", chat_id=1, text="x", reply_markup=reply_keyboard)["reply_markup"] == reply_keyboard
    validate(spec, "sendMessage", chat_id=1, text="x", reply_markup={"remove_keyboard": True})
    assert "unknown field" in refused(
        spec, "sendMessage", chat_id=1, text="x", reply_markup={"keyboard": [[{"text": "M", "sticker": 1}]]}
    )
    commands = [{"command": "start", "description": "Start"}]
    validate(spec, "setMyCommands", commands=commands, scope={"type": "chat", "chat_id": 5}, language_code="zh")
    assert 'field "scope.chat_id" of BotCommandScopeChat is required' in refused(
        spec, "setMyCommands", commands=commands, scope={"type": "chat"}
    )
    validate(spec, "setChatMenuButton", menu_button={"type": "commands"})


def test_legacy_parameters_are_accepted_where_telegram_still_takes_them(spec: Spec) -> None:
    clean = validate(spec, "sendMessage", chat_id=1, text="x", reply_to_message_id="7", disable_web_page_preview="true")
    assert clean["reply_to_message_id"] == 7
    assert clean["disable_web_page_preview"] is True
    assert "unknown parameter" in refused(spec, "deleteMessage", chat_id=1, message_id=1, reply_to_message_id=2)


def test_uploads_by_attach_reference_or_by_field_name(spec: Spec) -> None:
    upload = Upload("report.xlsx", b"PK\x03\x04")
    clean = validate(spec, "sendDocument", {"f1": upload}, chat_id="1", document="attach://f1")
    assert clean["document"] is upload
    assert validate(spec, "sendDocument", {"document": upload}, chat_id="1")["document"] is upload
    assert validate(spec, "sendDocument", chat_id="1", document="EMU1-document-1")["document"] == "EMU1-document-1"
    assert 'refers to file part "f2"' in refused(spec, "sendDocument", {"f1": upload}, chat_id="1", document="attach://f2")
    assert 'unexpected file part "f1"' in refused(spec, "sendMessage", {"f1": upload}, chat_id="1", text="x")
    assert 'parameter "text" must not be a file' in refused(spec, "sendMessage", chat_id="1", text=upload)


def test_bot_command_rules(spec: Spec) -> None:
    assert "BOT_COMMAND_INVALID" in refused(spec, "setMyCommands", commands=[{"command": "Start", "description": "x"}])
    assert "BOT_COMMAND_INVALID" in refused(spec, "setMyCommands", commands=[{"command": "a" * 33, "description": "x"}])
    assert "BOT_COMMAND_DESCRIPTION_INVALID" in refused(
        spec, "setMyCommands", commands=[{"command": "start", "description": ""}]
    )
    validate(spec, "setMyCommands", commands=[{"command": "a" * 32, "description": "d" * 256}])
    assert "BOT_COMMAND_DESCRIPTION_INVALID" in refused(
        spec, "setMyCommands", commands=[{"command": "start", "description": "d" * 257}]
    )
