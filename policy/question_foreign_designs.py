"""Patents abroad told to be of another kind than an invention: no grant through PCT (round 23d).

001 三（一） rewards a foreign **invention** grant obtained through PCT. An owner who says the company's
only patents abroad are designs or utility models ("海外的专利我们只有一件美国外观设计", "唯一的国外专利是走海牙
拿的外观设计"), or that they came through the Hague system (designs only), tells that it has no such
grant: the count of them is none. Said only when the question names PCT (the reward asked about). Pure.
"""

from __future__ import annotations

import re

__all__ = ["only_other_kinds_abroad"]

_ABROAD = r"(?:国外|海外|境外|外国)"
_OTHER_KIND = r"(?:外观|实用新型)"
_ONLY_OTHER_KINDS = re.compile(
    rf"{_ABROAD}的?专利[^。！？!?]{{0,12}}(?:只有|仅有|就有|就|唯一|都是)[^。！？!?，,；;]{{0,10}}{_OTHER_KIND}"
    rf"|唯一的?{_ABROAD}专利[^。！？!?]{{0,16}}{_OTHER_KIND}"
    r"|海牙(?:协定|体系|途径)?|\bhague\b", re.IGNORECASE)
_PCT = re.compile(r"pct", re.IGNORECASE)


def only_other_kinds_abroad(text: str) -> bool:
    """Whether ``text`` says the company's patents abroad are designs or utility models only."""
    return _PCT.search(text) is not None and _ONLY_OTHER_KINDS.search(text) is not None
