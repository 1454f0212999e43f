"""The one exception type that turns into a Bot API error answer.

Everything below the HTTP layer (validation, formatting, method handlers) raises
`ApiError`; the server renders it once, so error bodies always have Telegram's shape.
"""

from __future__ import annotations


class ApiError(Exception):
    """A Bot API failure: `{"ok": false, "error_code": code, "description": ...}`."""

    def __init__(self, code: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def to_payload(self) -> dict:
        payload: dict = {"ok": False, "error_code": self.code, "description": self.description}
        if self.retry_after is not None:
            payload["parameters"] = {"retry_after": self.retry_after}
        return payload


def bad_request(detail: str) -> ApiError:
    """400 with Telegram's "Bad Request: " prefix, which bots match on."""
    return ApiError(400, f"Bad Request: {detail}")
