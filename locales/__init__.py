"""User-facing text, Chinese first, English second, kept in YAML files beside this module.

`t(key, lang, **params)` formats with str.format; a key missing in English falls
back to Chinese, and a key missing everywhere raises, so typos fail tests rather
than reaching a user.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

DEFAULT = "zh"
LANGUAGES = ("zh", "en")
_DIR = Path(__file__).parent


@cache
def catalog(lang: str) -> dict[str, str]:
    with (_DIR / f"{lang}.yaml").open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def pick_language(telegram_language_code: str | None) -> str:
    """English for users whose Telegram speaks English; Chinese otherwise."""
    code = (telegram_language_code or "").lower()
    return "en" if code.startswith("en") else DEFAULT


def t(key: str, lang: str = DEFAULT, /, **params: object) -> str:
    text = catalog(lang).get(key) if lang in LANGUAGES else None
    if text is None:
        text = catalog(DEFAULT)[key]
    return text.format(**params) if params else text
