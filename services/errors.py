"""The one shape of a refusal a person should read: a code that picks a sentence, and its values."""

from __future__ import annotations


class Refusal(ValueError):
    """Raised by a use case when input or permissions do not allow it; nothing was saved.

    `code` selects the user-facing sentence in the locale files; `params` fill it.
    """

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code, self.params = code, params
