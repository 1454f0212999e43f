"""User-facing text, Chinese first, English second, kept in YAML files beside this module.

Each language is `<lang>.yaml` plus any `<lang>.<feature>.yaml` (e.g. `zh.visits.yaml`),
so a feature keeps its sentences in a file of its own; a key defined in two files of one
language is an error, not "the last one wins".

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


def files(lang: str) -> list[Path]:
    return [_DIR / f"{lang}.yaml", *sorted(_DIR.glob(f"{lang}.*.yaml"))]


@cache
def catalog(lang: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in files(lang):
        with path.open(encoding="utf-8") as fh:
            part = yaml.safe_load(fh) or {}
        twice = set(part) & set(merged)
        if twice:
            raise ValueError(f"{path.name}: keys already defined in another {lang} file: {sorted(twice)}")
        merged.update(part)
    return merged


def pick_language(telegram_language_code: str | None) -> str:
    """English for users whose Telegram speaks English; Chinese otherwise."""
    code = (telegram_language_code or "").lower()
    return "en" if code.startswith("en") else DEFAULT


def t(key: str, lang: str = DEFAULT, /, **params: object) -> str:
    text = catalog(lang).get(key) if lang in LANGUAGES else None
    if text is None:
        text = catalog(DEFAULT)[key]
    return text.format(**params) if params else text
