"""What the intake takes for an update, and how it writes an error where people read it."""

import pytest
from aiogram import Bot

from bot.intake import NotAnUpdate, describe, parse_update

TOKEN = "424242:TEST-token-for-the-emulator-only"
MESSAGE = {"message_id": 1, "date": 1, "chat": {"id": 7, "type": "private"}, "text": "/start"}


@pytest.mark.parametrize("payload", [
    b'{"update_id": true, "message": ' + str(MESSAGE).replace("'", '"').encode() + b"}",  # bool is no id
    b'{"update_id": 5}',  # no event
    b'{"update_id": 5, "unknown_field": {"a": 1}}',  # no event of a known type
    b'{"update_id": "5", "message": {}}',
    b'{"update_id": 5.0}',
    b"{not json",
    b"[1, 2]",
    b"null",
    b'{"update_id": 6, "message": 3}',
])
def test_what_is_not_an_update(payload):
    with pytest.raises(NotAnUpdate):
        parse_update(payload, Bot(TOKEN))


def test_an_update_is_read_with_its_event():
    update = parse_update(b'{"update_id": 5, "message": ' + str(MESSAGE).replace("'", '"').encode() + b"}", Bot(TOKEN))
    assert update.update_id == 5 and update.event_type == "message" and update.message.text == "/start"


def test_an_error_that_quotes_the_request_url_loses_the_token():
    error = RuntimeError(f"404, message='Not Found', url='https://api.telegram.org/bot{TOKEN}/getMe'")
    text = describe(error, TOKEN)
    assert TOKEN not in text and "TEST-token" not in text and text.startswith("RuntimeError: 404")
