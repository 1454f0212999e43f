"""A region as a person reads it, in chat, the CLI and the training card alike."""

from __future__ import annotations

from locales import t
from locales.format import escape
from services.regions import lookup

__all__ = ["region_label"]


def region_label(code: str | None, lang: str) -> str:
    """Full name and code, province-wide said so; no region is said to mean "sees nothing"
    (services.companies.can_see). HTML-escaped."""
    region = lookup(code)
    if region is None:
        return escape(code) if code else t("region_none", lang)
    key = "region_label_province" if region.level == "province" else "region_label"
    return t(key, lang, name=escape(region.full_name), code=region.code)
