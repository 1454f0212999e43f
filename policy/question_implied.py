"""The programme a question means without naming it, from the facts it states.

"高新技术企业，国内官司输了，也没在国外维过权，没被国外政府调查过" names no programme, yet every
fact it states is one condition or another of the enforcement aid and of no other programme: the
owner is asking whether the company qualifies for it. Two facts at least, all of them used by
exactly one programme (an edition counts as its own programme), name it; one fact alone ("我们是高企")
or facts several programmes share say too little, and the question is searched in the texts. The
facts must be the asker's: the message speaks of the company (我们, 我司 …) or only tells, asking
nothing; "是不是每年要免费帮中小企业代理一件申请" asks of others.

Pure: no services, no database.
"""

from __future__ import annotations

import re
from typing import Any

from .facts import CONFIRM_PREFIX
from .question_facts import programme_facts
from .question_flags import SPEAKER
from .question_vocab import per_catalog

__all__ = ["implied_programme"]

#: any asking: a message without 我们 that asks may ask of others ("高新技术企业在海外维权的，政府怎么支持")
_ASKING = re.compile(r"吗|呢|？|\?|怎么|怎样|什么|啥|哪|多少|几|如何|能|可以|是否|是不是|有没有|会不会|算不算|要不要")
#: the fewest stated facts that may name a programme on their own
MIN_FACTS = 2


@per_catalog
def _facts_by_programme(catalog: Any) -> tuple[tuple[str, frozenset[str]], ...]:
    return tuple((pid, programme_facts(catalog, (pid,))) for pid in catalog.programme_ids)


def implied_programme(catalog: Any, text: str, facts: dict) -> str | None:
    """The one programme whose conditions use every fact stated, when at least MIN_FACTS are."""
    if not (SPEAKER.search(text) or not _ASKING.search(text)):
        return None
    stated = {name for name in facts if not name.startswith(CONFIRM_PREFIX)}
    if len(stated) < MIN_FACTS:
        return None
    fits = [pid for pid, used in _facts_by_programme(catalog) if stated <= used]
    return fits[0] if len(fits) == 1 else None
