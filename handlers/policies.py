"""/policies: every programme in the catalog, its period, deadline and citation; then the
policy documents the bot answers from (the library: shipped plus those added under
IPBOT_POLICY_DIR, marked).

Those in force today (in the configured zone, ``ctx.today()``) come first, then those not yet started, then the
ended ones, most recently ended first, each marked.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from html import escape
from typing import Any

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from locales import t
from locales.programmes import plain_period
from policy import ProgrammeInfo
from policy.engine import in_force_at
from policy.texts import LibraryDocument

#: Raw HTML length per message; Telegram's limit (4096) counts the text after parsing,
#: which is never longer than the source.
MESSAGE_BUDGET = 4000

IN_FORCE, UPCOMING, ENDED = "in_force", "upcoming", "ended"
MARKERS = {IN_FORCE: "✅", UPCOMING: "⏳", ENDED: "⏹"}


def state(info: ProgrammeInfo, as_of: date) -> str:
    in_force, _note = in_force_at(info, as_of)
    if in_force:
        return IN_FORCE
    return UPCOMING if as_of < info.start else ENDED


def ordered(infos: list[ProgrammeInfo], as_of: date) -> list[tuple[str, ProgrammeInfo]]:
    """In force, then upcoming (soonest first), then ended (most recently ended first)."""
    rank = {IN_FORCE: 0, UPCOMING: 1, ENDED: 2}

    def key(pair: tuple[int, ProgrammeInfo]) -> tuple[int, int, int]:
        index, info = pair
        kind = state(info, as_of)
        if kind == UPCOMING:
            return rank[kind], info.start.toordinal(), index
        if kind == ENDED:
            ended = min(d for d in (info.end, info.deadline) if d is not None)
            return rank[kind], -ended.toordinal(), index
        return rank[kind], 0, index

    return [(state(info, as_of), info) for _, info in sorted(enumerate(infos), key=key)]


def _period(info: ProgrammeInfo, lang: str) -> str:
    if lang == "zh":
        return plain_period(info, lang)
    if info.end is None:
        return t("policies_period_open", lang, start=info.start.isoformat())
    return t("policies_period", lang, start=info.start.isoformat(), end=info.end.isoformat())


def render_programme(kind: str, info: ProgrammeInfo, lang: str) -> str:
    period = _period(info, lang)
    deadline = ""
    # the Chinese period texts of the packs already name their deadline ("；申报截止 …")
    if info.deadline is not None and not (lang == "zh" and info.deadline.isoformat() in period):
        deadline = t("policies_deadline", lang, date=info.deadline.isoformat())
    return t(
        "policies_line", lang, marker=MARKERS[kind],
        title=escape(info.title if lang == "zh" else info.title_en or info.title),
        status=t(f"policies_{kind}", lang) if kind != IN_FORCE else "",
        period=escape(period), deadline=escape(deadline), citation=escape(info.citation.text()),
    )


def render_document(doc: LibraryDocument, lang: str) -> str:
    """One line: 文号《title》, when it was issued (where known), and whether it was added locally."""
    issued = t("policies_document_issued", lang, date=doc.meta.issued.isoformat()) if doc.meta.issued else ""
    return t("policies_document_line", lang, number=escape(doc.number),
             title=escape(doc.title), issued=issued, added=t("policies_document_added", lang) if doc.added else "")


#: document lines per block, so that a long library still packs into messages within the budget
DOCUMENTS_PER_BLOCK = 15


def render(infos: list[ProgrammeInfo], as_of: date, lang: str,
           documents: Iterable[LibraryDocument] = ()) -> list[str]:
    """The header and one block per programme, then the documents, packed into messages within the budget."""
    lines = [render_document(doc, lang) for doc in documents]
    if not infos and not lines:
        return [t("policies_empty", lang)]
    blocks = [t("policies_header", lang, date=as_of.isoformat())] if infos else [t("policies_empty", lang)]
    blocks += [render_programme(kind, info, lang) for kind, info in ordered(infos, as_of)]
    if lines:
        lines.insert(0, t("policies_documents_header", lang))
        blocks += ["\n".join(lines[i:i + DOCUMENTS_PER_BLOCK]) for i in range(0, len(lines), DOCUMENTS_PER_BLOCK)]
    messages: list[str] = []
    current = ""
    for block in blocks:
        if current and len(current) + 2 + len(block) > MESSAGE_BUDGET:
            messages.append(current)
            current = block
        else:
            current = f"{current}\n\n{block}" if current else block
    messages.append(current)
    return messages


async def policies(message: Message, lang: str, ctx: Any) -> None:
    """The context's catalog (built-in packs plus IPBOT_POLICY_DIR) at the context's today, and
    the library its search answers from."""
    catalog, as_of = ctx.catalog, ctx.today()
    infos = [catalog.programme(pid, as_of) for pid in catalog.programme_ids]
    for text in render(infos, as_of, lang, ctx.search.library):
        await message.answer(text)


def build() -> Router:
    """A fresh router per dispatcher, so a restarted bot in one process wires cleanly."""
    router = Router(name="policies")
    router.message.register(policies, Command("policies"))
    return router
