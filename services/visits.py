"""Company visits: saving a draft from the visit dialog, listing visits, and coverage.

A visit record carries what Jiangsu's visit campaigns ask of each visit (送政策, 需求清单,
"有难必答、有问必复", opinions): programmes discussed, needs, problems (answered by the
measures saved with it), opinions, plus way, time, location, photos and voice notes.
Needs, problems and opinions are read from the findings' lines that begin "需求：",
"问题：" or "意见：", so the specialist types once.

A draft is plain JSON (it lives in dialog state across restarts); saving it twice, or
after a restart, saves one visit: its ``key`` is unique.

Who sees which visits: a specialist their own; supervisors those of the companies in
their region; admins all (services.companies.visible_clause decides the companies).
**Coverage** = the share of a specialist's assigned companies that they visited in a
period (a first-class figure in /visits, /companies and the digest).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import false
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, func, select

from services import companies, eligibility, plans, regions, textgate
from services.companies import Company, CompanyError, visible_clause
from services.errors import Refusal
from services.session import AsyncSession
from services.users import Actor
from storage.models import Measure, Role, User, Visit, VisitAttachment
from storage.types import UTCDateTime

__all__ = ["VisitError", "WAYS", "TOPICS", "LIMITS", "Saved", "Coverage", "VisitRow", "save_visit", "week_of",
           "check_findings", "visits_between", "coverage", "recent_companies", "visits_of_company", "split_findings",
           "last_visits"]

WAYS = ("onsite", "phone", "online")
#: 首件发明/专利挖掘, 贯标, 质押融资, 维权援助, 项目申报, 培训, 商标品牌, 专利导航, 其他 (labels in locales).
TOPICS = ("first_invention", "ip_standard", "pledge", "enforcement", "projects", "training", "trademark",
          "navigation", "other")
#: Telegram's own limits where they exist (a message is 4096 characters; a bot downloads files
#: up to 20 MB); the rest are ours, parameters rather than policy.
LIMITS = {"findings": textgate.FINDINGS.limit, "photos": 10, "photo_bytes": 10 * 1024 * 1024, "voice_seconds": 300,
          "voice_bytes": 20 * 1024 * 1024, "measures": 10, "participants": textgate.PARTICIPANTS.limit}
VISITOR_ROLES = (Role.specialist, Role.supervisor, Role.admin)
_LABELLED = {"needs": ("需求", "need", "needs"), "problems": ("问题", "困难", "problem", "problems"),
             "opinions": ("意见", "建议", "opinion", "opinions"),
             "participants": ("参加", "参加人", "参加人员", "参与", "participants")}


class VisitError(Refusal):
    """A visit draft cannot be saved as it is; nothing was written."""


@dataclass(frozen=True)
class Saved:
    visit_id: int
    company_id: int
    created: bool  # False: this draft had been saved already
    measure_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Coverage:
    assigned: int
    visited: int

    @property
    def share(self) -> float:
        return self.visited / self.assigned if self.assigned else 0.0


@dataclass(frozen=True)
class VisitRow:
    id: int
    company_id: int
    company: str
    specialist_id: int
    specialist: str
    way: str
    visited_at: datetime
    topics: list[str]
    findings: str
    photos: int
    measures: int


def split_findings(text: str) -> dict[str, list[str]]:
    """Lines "需求：…", "问题：…", "意见：…", "参加：…" (or need:/problem:/opinion:/participants:)
    sorted into lists; each item one line of at most 500 characters (textgate.FINDINGS_ITEM: the
    findings themselves are stored whole)."""
    out: dict[str, list[str]] = {k: [] for k in _LABELLED}
    for line in textgate.clean(text, textgate.Kind.text).splitlines():
        match = re.match(r"^\s*([^:：]{1,8})\s*[:：]\s*(.+)$", line)
        if not match:
            continue
        label, rest = match.group(1).strip().lower(), match.group(2).strip()
        for key, labels in _LABELLED.items():
            if label in labels:
                item = textgate.gate(rest, textgate.FINDINGS_ITEM)
                if item:
                    out[key].append(item)
    return out


def _check_draft(draft: dict[str, Any], today: date) -> list[tuple[str, int, date]]:
    """Validate everything before anything is written; returns the measures (what, owner, due)."""
    if draft.get("way") not in WAYS:
        raise VisitError("bad_way")
    topics = draft.get("topics") or []
    if not isinstance(topics, list) or any(t not in TOPICS for t in topics):
        raise VisitError("bad_topic")
    findings = check_findings(draft.get("findings"))
    if not findings and not draft.get("voices"):
        raise VisitError("findings_missing")
    photos = draft.get("photos") or []
    if len(photos) > LIMITS["photos"]:
        raise VisitError("too_many_photos", limit=LIMITS["photos"])
    for photo in photos:
        check_photo(photo.get("size"))
    for voice in draft.get("voices") or []:
        check_voice(voice.get("duration"), voice.get("size"))
    location = draft.get("location")
    if location is not None and not (-90 <= location[0] <= 90 and -180 <= location[1] <= 180):
        raise VisitError("bad_location")
    measures = draft.get("measures") or []
    if len(measures) > LIMITS["measures"]:
        raise VisitError("too_many_measures", limit=LIMITS["measures"])
    checked = []
    for m in measures:
        due = date.fromisoformat(m["due"])
        checked.append((plans.check_measure(m.get("what", ""), due, today), int(m["owner_id"]), due))
    return checked


def check_findings(text: object) -> str:
    """The findings as stored: free text through the gate (services.textgate.FINDINGS: no control
    or bidi character, lines kept), refused when over the limit with both lengths named."""
    try:
        return textgate.gate(text, textgate.FINDINGS)
    except textgate.TextTooLong as exc:
        raise VisitError(exc.code, **exc.params) from None


def check_photo(size: int | None) -> None:
    if size is not None and size > LIMITS["photo_bytes"]:
        raise VisitError("photo_too_large", limit_mb=LIMITS["photo_bytes"] // (1024 * 1024),
                         got_mb=round(size / 1024 / 1024, 1))


def check_voice(duration: int | None, size: int | None = None) -> None:
    if (duration or 0) > LIMITS["voice_seconds"]:
        raise VisitError("voice_too_long", limit=LIMITS["voice_seconds"], got=duration)
    if size is not None and size > LIMITS["voice_bytes"]:
        raise VisitError("voice_too_large", limit_mb=LIMITS["voice_bytes"] // (1024 * 1024))


async def save_visit(session: AsyncSession, actor: Actor, draft: dict[str, Any], *, now: datetime, today: date,
                     catalog: Any = None) -> Saved:
    """Save the dialog's draft as one visit with its attachments, measures and fact updates.

    Everything is checked before anything is written: a refusal (VisitError, PlanError,
    CompanyError incl. ProfileConflict, FactError) leaves the database as it was.
    """
    key = str(draft.get("key") or "")[:64]
    if not key:
        raise VisitError("no_key")
    done = (await session.exec(select(Visit).where(Visit.client_key == key))).first()
    if done is not None:
        ids = (await session.exec(select(Measure.id).where(Measure.visit_id == done.id))).all()
        return Saved(done.id, done.company_id, False, list(ids))
    await ensure_may_visit(session, actor, "visit.save")
    company = await companies.get_visible(session, actor, int(draft.get("company_id") or 0), "visit.save")
    measures = _check_draft(draft, today)
    owners = {uid for uid, _ in await plans.owner_candidates(session, actor, company)}
    if any(owner not in owners for _w, owner, _d in measures):
        raise plans.PlanError("bad_owner")
    facts = draft.get("facts") or {}
    if facts:  # validated, conflict-checked and written by the profile service; raises first
        await companies.set_profile(session, actor, company.id, {f"fact:{k}": v for k, v in facts.items()},
                                    source=f"visit:{key}", as_of=today, catalog=catalog,
                                    base={f"fact:{k}": v for k, v in (draft.get("facts_base") or {}).items()})
    findings = check_findings(draft.get("findings"))
    parts = split_findings(findings)
    who = textgate.gate(draft.get("participants") or "、".join(parts.pop("participants")), textgate.PARTICIPANTS)
    parts.pop("participants", None)
    location = draft.get("location")
    visit = Visit(client_key=key, company_id=company.id, specialist_id=actor.user_id, way=draft["way"],
                  visited_at=now, latitude=location[0] if location else None,
                  longitude=location[1] if location else None, topics=list(draft.get("topics") or []),
                  programmes=[str(p)[:64] for p in draft.get("programmes") or []][:20],
                  findings=findings, participants=who, **parts)
    session.add(visit)
    try:
        await session.flush()
    except IntegrityError:  # the same draft saved concurrently by another process
        await session.rollback()
        raise VisitError("saved_elsewhere") from None
    for kind, items in (("photo", draft.get("photos") or []), ("voice", draft.get("voices") or [])):
        for item in items:
            session.add(VisitAttachment(visit_id=visit.id, kind=kind, file_id=str(item["file_id"])[:256],
                                        file_unique_id=str(item.get("file_unique_id") or "")[:64],
                                        size=item.get("size"), duration=item.get("duration"),
                                        local_path=item.get("local_path")))
    ids = []
    for what, owner, due in measures:
        measure = await plans.add_measure(session, actor, company.id, what, owner, due, today=today,
                                          visit_id=visit.id, now=now)
        ids.append(measure.id)
    await session.flush()
    return Saved(visit.id, company.id, True, ids)


async def ensure_may_visit(session: AsyncSession, actor: Actor, action: str = "visit.start") -> None:
    """Only specialists, supervisors and admins log visits; anyone else is refused and audited."""
    if actor.role not in VISITOR_ROLES:
        await companies.refuse(session, actor, action, "not_allowed")


# ---------------------------------------------------------------- reading


def week_of(day: date) -> tuple[date, date]:
    """The ISO week (Monday to Sunday) holding `day`."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def _utc_bounds(start: date, end: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[start 00:00, end+1 00:00) in the zone, as aware datetimes (compared as UTC)."""
    return datetime.combine(start, time(), tz), datetime.combine(end + timedelta(days=1), time(), tz)


def _visible_visits(actor: Actor) -> Any:
    clause = visible_clause(actor)
    if actor.role == Role.specialist:
        return clause & (Visit.specialist_id == actor.user_id)
    if actor.role == Role.sme:
        return false()
    return clause


async def _rows(session: AsyncSession, visits: list[Visit]) -> list[VisitRow]:
    if not visits:
        return []
    ids = [v.id for v in visits]
    names = dict((await session.exec(select(Company.id, Company.name).where(
        col(Company.id).in_({v.company_id for v in visits})))).all())
    people = dict((await session.exec(select(User.id, User.full_name).where(
        col(User.id).in_({v.specialist_id for v in visits})))).all())
    photos = dict((await session.exec(select(VisitAttachment.visit_id, func.count()).where(
        col(VisitAttachment.visit_id).in_(ids), VisitAttachment.kind == "photo").group_by(VisitAttachment.visit_id))).all())
    measures = dict((await session.exec(select(Measure.visit_id, func.count()).where(
        col(Measure.visit_id).in_(ids)).group_by(Measure.visit_id))).all())
    return [VisitRow(v.id, v.company_id, names.get(v.company_id, "?"), v.specialist_id, people.get(v.specialist_id, "?"),
                     v.way, v.visited_at, list(v.topics), v.findings, photos.get(v.id, 0), measures.get(v.id, 0))
            for v in visits]


async def visits_between(session: AsyncSession, actor: Actor, start: date, end: date, tz: ZoneInfo) -> list[VisitRow]:
    """The visits the actor may see, made between the two days (inclusive, local), newest first."""
    lo, hi = _utc_bounds(start, end, tz)
    query = (select(Visit).join(Company, Company.id == Visit.company_id)
             .where(_visible_visits(actor), Visit.visited_at >= lo, Visit.visited_at < hi)
             .order_by(col(Visit.visited_at).desc()).limit(200))
    return await _rows(session, list((await session.exec(query)).all()))


async def visits_of_company(session: AsyncSession, actor: Actor, company_id: int, limit: int = 5) -> list[VisitRow]:
    await companies.get_visible(session, actor, company_id, "visit.list")
    query = (select(Visit).join(Company, Company.id == Visit.company_id)
             .where(_visible_visits(actor), Visit.company_id == company_id)
             .order_by(col(Visit.visited_at).desc()).limit(limit))
    return await _rows(session, list((await session.exec(query)).all()))


async def coverage(session: AsyncSession, specialist_id: int, start: date, end: date, tz: ZoneInfo) -> Coverage:
    """Assigned companies of the specialist, and how many of them they visited in the period."""
    assigned = set((await session.exec(select(Company.id).where(Company.specialist_id == specialist_id))).all())
    if not assigned:
        return Coverage(0, 0)
    lo, hi = _utc_bounds(start, end, tz)
    visited = set((await session.exec(select(Visit.company_id).where(
        Visit.specialist_id == specialist_id, col(Visit.company_id).in_(assigned),
        Visit.visited_at >= lo, Visit.visited_at < hi))).all())
    return Coverage(len(assigned), len(visited))


async def specialists_in_scope(session: AsyncSession, actor: Actor) -> list[User]:
    """The specialists whose coverage a supervisor follows (those of their region); admins all."""
    rows = (await session.exec(select(User).where(User.role == Role.specialist, User.active)
                               .order_by(User.full_name))).all()
    if actor.role == Role.admin:
        return list(rows)
    if actor.role == Role.supervisor:
        return [u for u in rows if regions.contains(actor.region_code, u.region_code)]
    return [u for u in rows if u.id == actor.user_id]


async def last_visits(session: AsyncSession, company_ids: list[int]) -> dict[int, datetime]:
    if not company_ids:
        return {}
    rows = await session.exec(select(Visit.company_id, func.max(Visit.visited_at, type_=UTCDateTime())).where(
        col(Visit.company_id).in_(company_ids)).group_by(Visit.company_id))
    return dict(rows.all())


async def recent_companies(session: AsyncSession, actor: Actor, limit: int = 6) -> list[tuple[int, str]]:
    """The visit picker: companies the actor visited lately first, then their assigned ones, then the rest."""
    last = func.max(Visit.visited_at)
    mine = (await session.exec(select(Visit.company_id, last).where(Visit.specialist_id == actor.user_id)
                               .group_by(Visit.company_id).order_by(last.desc()).limit(limit))).all()
    order = [cid for cid, _ in mine]
    visible = await companies.visible_companies(session, actor, limit=200)
    by_id = {c.id: c for c in visible}
    assigned = [c.id for c in visible if c.specialist_id == actor.user_id and c.id not in order]
    rest = [c.id for c in visible if c.id not in order and c.id not in assigned]
    return [(cid, by_id[cid].name) for cid in [*order, *assigned, *rest] if cid in by_id][:limit]


async def company_visible(session: AsyncSession, actor: Actor, company_id: int) -> Company:
    """For the dialog: the company (audited refusal when not visible)."""
    return await companies.get_visible(session, actor, company_id, "visit.company")


__all__ += ["specialists_in_scope", "company_visible", "CompanyError", "ensure_may_visit"]


@dataclass(frozen=True)
class CompanyRow:
    """A line of /companies: the company, its last visit and its open measures."""

    id: int
    name: str
    uscc: str | None
    region_code: str | None
    specialist_id: int | None
    last_visit: datetime | None
    open_measures: int


async def company_overview(session: AsyncSession, actor: Actor, today: date, tz: ZoneInfo, *,
                           mine_only: bool = True, limit: int = 100) -> list[CompanyRow]:
    """The actor's companies (assigned to a specialist; all visible for others, or with
    ``mine_only=False``), the ones not visited longest first."""
    query = select(Company).where(visible_clause(actor))
    if mine_only and actor.role == Role.specialist:
        query = query.where(Company.specialist_id == actor.user_id)
    found = list((await session.exec(query.order_by(Company.name).limit(limit))).all())
    ids = [c.id for c in found]
    last, open_ = await last_visits(session, ids), await plans.open_counts(session, ids)
    rows = [CompanyRow(c.id, c.name, c.uscc, c.region_code, c.specialist_id, last.get(c.id), open_.get(c.id, 0))
            for c in found]
    oldest = datetime.min.replace(tzinfo=tz)
    return sorted(rows, key=lambda r: (r.last_visit or oldest, r.name))


__all__ += ["CompanyRow", "company_overview"]


def outlook(catalog: Any, facts: dict[str, Any], as_of: date) -> Any:
    """What the company qualifies for now and what it is one step from (in force first):
    shown after a visit is saved. Returns services.eligibility.News."""
    results = catalog.evaluate(catalog.parse_facts(eligibility.known_facts(catalog, facts or {})), as_of)
    news = eligibility.news_between([], sorted(results, key=lambda r: not r.in_force))
    return news


def programme_choices(catalog: Any, facts: dict[str, Any], as_of: date, limit: int = 6) -> list[Any]:
    """Programmes to offer as 送政策 topics: in force first, eligible first, then one step away."""
    results = catalog.evaluate(catalog.parse_facts(eligibility.known_facts(catalog, facts or {})), as_of)
    return sorted(results, key=lambda r: (not r.in_force, r.status != "eligible", bool(r.missing)))[:limit]


__all__ += ["outlook", "programme_choices"]


@dataclass(frozen=True)
class Card:
    """Everything a company card shows, for one actor."""

    company: Company
    region: str
    specialist: str | None
    sourced: dict[str, Any]
    visits: list[VisitRow]
    measures: list[Any]
    may_edit: bool
    may_assign: bool
    may_visit: bool


async def company_card(session: AsyncSession, actor: Actor, company_id: int, today: date) -> Card:
    """The card: profile with sources, recent visits (those the actor may see), the plan."""
    company = await companies.get_visible(session, actor, company_id, "company.card")
    specialist = await session.get(User, company.specialist_id) if company.specialist_id else None
    shown = [] if actor.role == Role.sme else await visits_of_company(session, actor, company_id)
    _company, measures = await plans.plan_for(session, actor, company_id, today=today)
    return Card(company, companies.region_name(company.region_code), specialist.full_name if specialist else None,
                await companies.sourced_values(session, company_id), shown, measures,
                companies.may_edit(actor, company), companies.may_assign(actor, company),
                actor.role in VISITOR_ROLES)


__all__ += ["Card", "company_card"]


def attachments_dir(database_url: str) -> str | None:
    """Where the embedded default keeps local copies of photos and voice notes: beside its
    SQLite file (var/attachments). None for other databases (the file ids suffice)."""
    prefix = "sqlite+aiosqlite:///"
    if not database_url.startswith(prefix):
        return None
    return str(Path(database_url[len(prefix):]).parent / "attachments")


async def pending_copies(session: AsyncSession, visit_id: int) -> list[VisitAttachment]:
    rows = await session.exec(select(VisitAttachment).where(VisitAttachment.visit_id == visit_id,
                                                            VisitAttachment.local_path.is_(None)))
    return list(rows.all())


async def record_copy(session: AsyncSession, attachment_id: int, path: str) -> None:
    attachment = await session.get(VisitAttachment, attachment_id)
    if attachment is not None:
        attachment.local_path = path[:256]
        session.add(attachment)


__all__ += ["attachments_dir", "pending_copies", "record_copy"]
