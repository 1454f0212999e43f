"""A category of people trained, as the reader says it: in the card, the roster and /progress.

The stored value is the target document's own word (services.trainees.CATEGORIES, which
the counting toward the target relies on); its name in each language is locale text,
`tr_cat_<key>`.
"""

from __future__ import annotations

from locales import t
from locales.format import escape

__all__ = ["CATEGORY_KEYS", "category_name"]

#: The stored categories and their locale keys.
CATEGORY_KEYS = {"知识产权总监": "director", "知识产权工程师": "engineer", "贯标内审员": "auditor",
                 "经营管理人员": "manager", "其他": "other"}


def category_name(category: str, lang: str) -> str:
    """A stored category in `lang`; one this list does not know, as it was stored. HTML-escaped."""
    key = CATEGORY_KEYS.get(category)
    return t(f"tr_cat_{key}", lang) if key else escape(category)
