"""一企一策 measures: what was agreed with a company, who does it, by when; done or postponed.

苏知发〔2018〕86号 二(五)14 asks specialists to serve each company with a plan of its
own ("一企一策"); a measure is one line of that plan. Every change is kept in
``measure_events``, so a postponed measure still shows when it was first due.

Who may change a measure: its owner and the company's responsible specialist, and the
supervisors and admins who see the company (services.companies.can_see). SMEs see their own company's plan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import col, select

from services import audit, textgate
from services.companies import Company, can_see, get_visible, visible_clause
from services.errors import Refusal
from services.session import AsyncSession
from services.users import Actor
from storage.models import Measure, MeasureEvent, Role, User
from storage.types import utcnow

__all__ = ["PlanError", "MeasureRow", "MAX_WHAT", "MAX_AHEAD", "POSTPONE_CHOICES", "check_measure", "add_measure",
           "plan_for", "mark_done", "postpone", "postpone_target", "parse_due", "measure_for", "overdue", "overdue_for",
           "owner_candidates", "may_change", "Measure"]

MAX_WHAT = textgate.MEASURE.limit  # measures.what VARCHAR(500)
#: How far ahead a due date may be set; beyond it is surely a typo (a parameter, not policy).
MAX_AHEAD = timedelta(days=3 * 366)
POSTPONE_DAYS = 7
#: The quick choices offered when postponing (days from the later of today and the old due date);
#: a calendar and a typed date cover the rest.
POSTPONE_CHOICES = (3, 7, 14)


class PlanError(Refusal):
    """A measure cannot be added or changed."""


@dataclass(frozen=True)
class MeasureRow:
    id: int
    company_id: int
    company: str
    what: str
    owner_id: int
    owner: str
    due_on: date
    status: str
    overdue: bool
    postponed: int  # how many times


def check_measure(what: str, due_on: date, today: date) -> str:
    """The measure's text, cleaned; refuses an empty or over-long text and a due date in the past.

    The text goes through the one gate (services.textgate.MEASURE): one line of the plan, no
    control, bidi or invisible separator; over 500 characters refused with both lengths named."""
    try:
        what = textgate.gate(what, textgate.MEASURE)
    except textgate.TextTooLong as exc:
        raise PlanError(exc.code, **exc.params) from None
    if not what:
        raise PlanError("what_missing")
    if due_on < today:
        raise PlanError("due_past", due=due_on.isoformat(), today=today.isoformat())
    if due_on - today > MAX_AHEAD:
        raise PlanError("due_too_far", due=due_on.isoformat())
    return what


async def owner_candidates(session: AsyncSession, actor: Actor, company: Company) -> list[tuple[int, str]]:
    """Who a measure of this company may be given to: the actor, its specialist, its SME users."""
    ids = [actor.user_id]
    if company.specialist_id:
        ids.append(company.specialist_id)
    smes = await session.exec(select(User.id).where(User.company_id == company.id, User.role == Role.sme, User.active))
    ids += list(smes.all())
    users = {u.id: u for u in (await session.exec(select(User).where(col(User.id).in_(ids), User.active))).all()}
    seen: list[tuple[int, str]] = []
    for uid in ids:
        if uid in users and uid not in [s for s, _ in seen]:
            seen.append((uid, users[uid].full_name or str(users[uid].telegram_id)))
    return seen


async def add_measure(session: AsyncSession, actor: Actor, company_id: int, what: str, owner_id: int, due_on: date,
                      *, today: date, visit_id: int | None = None, now: datetime | None = None) -> Measure:
    """`now` (the context's clock) dates the measure: the roster lists measures open in a period."""
    company = await get_visible(session, actor, company_id, "measure.add")
    if actor.role == Role.sme:
        await _refuse(session, actor, "measure.add", company_id=company_id)
    what = check_measure(what, due_on, today)
    if owner_id not in [uid for uid, _ in await owner_candidates(session, actor, company)]:
        raise PlanError("bad_owner")
    measure = Measure(company_id=company_id, visit_id=visit_id, what=what, owner_id=owner_id, due_on=due_on,
                      created_by=actor.user_id, created_at=now or utcnow())
    session.add(measure)
    await session.flush()
    session.add(MeasureEvent(measure_id=measure.id, actor_id=actor.user_id, action="created", due_after=due_on))
    return measure


def may_change(actor: Actor, measure: Measure | MeasureRow, company: Company) -> bool:
    """Its owner (an SME user too, for a measure given to it), the company's specialist, and the
    supervisors and admins who see the company. The /plan window shows buttons by this rule."""
    if not can_see(actor, company):
        return False
    return (measure.owner_id == actor.user_id or company.specialist_id == actor.user_id
            or actor.role in (Role.supervisor, Role.admin))


async def _changeable(session: AsyncSession, actor: Actor, measure_id: int, action: str) -> tuple[Measure, Company]:
    measure = await session.get(Measure, measure_id)
    company = await session.get(Company, measure.company_id) if measure else None
    if measure is None or company is None or not may_change(actor, measure, company):
        await _refuse(session, actor, action, measure_id=measure_id)
    return measure, company


async def _refuse(session: AsyncSession, actor: Actor, action: str, **detail: object) -> None:
    await audit.record(session, action, "denied", actor.telegram_id, role=actor.role.value, **detail)
    raise PlanError("not_allowed")


async def mark_done(session: AsyncSession, actor: Actor, measure_id: int, *, now: datetime) -> tuple[Measure, bool]:
    """Mark done; (measure, changed). Pressing it twice changes nothing the second time."""
    measure, _company = await _changeable(session, actor, measure_id, "measure.done")
    if measure.status == "done":
        return measure, False
    measure.status, measure.done_at = "done", now
    session.add(measure)
    session.add(MeasureEvent(measure_id=measure.id, actor_id=actor.user_id, action="done", due_before=measure.due_on))
    await session.flush()
    return measure, True


def postpone_target(due_on: date, today: date, days: int) -> date:
    """The new due date of a "+N days" choice: counted from the later of today and the old due
    date, so postponing an overdue measure by 7 days gives a week from now, not a past day."""
    return max(today, due_on) + timedelta(days=days)


_DUE_FORMATS = (
    re.compile(r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*[日号]?$"),
    re.compile(r"^(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*[日号]?$"),
)


def parse_due(text: str, today: date) -> date | None:
    """A typed date: 2026-12-20, 2026/12/20, 2026年12月20日, or 12-20 / 12月20日 (this year, or next
    year when that day has passed). None when it is not a date; the range is checked by postpone."""
    value = (text or "").strip()
    for pattern in _DUE_FORMATS:
        found = pattern.match(value)
        if not found:
            continue
        parts = found.groupdict()
        try:
            day = date(int(parts.get("y") or today.year), int(parts["m"]), int(parts["d"]))
        except ValueError:
            return None
        if parts.get("y") is None and day < today:
            try:
                day = day.replace(year=day.year + 1)
            except ValueError:
                return None
        return day
    return None


async def measure_for(session: AsyncSession, actor: Actor, measure_id: int) -> Measure:
    """One measure the actor may change (the postpone window shows its full text); refused otherwise."""
    measure, _company = await _changeable(session, actor, measure_id, "measure.postpone")
    return measure


async def postpone(session: AsyncSession, actor: Actor, measure_id: int, *, today: date,
                   days: int = POSTPONE_DAYS, new_due: date | None = None) -> Measure:
    """Move the due date: to `new_due` when given (a calendar day or a typed date), else by `days`
    from the later of today and the old due date. A day in the past, one beyond MAX_AHEAD or the
    same day as now is refused with the reason; a done measure is not postponed."""
    measure, _company = await _changeable(session, actor, measure_id, "measure.postpone")
    if measure.status == "done":
        raise PlanError("already_done")
    target = new_due or postpone_target(measure.due_on, today, days)
    check_measure(measure.what, target, today)
    if target == measure.due_on:
        raise PlanError("due_unchanged", due=target.isoformat())
    session.add(MeasureEvent(measure_id=measure.id, actor_id=actor.user_id, action="postponed",
                             due_before=measure.due_on, due_after=target))
    measure.due_on = target
    session.add(measure)
    await session.flush()
    return measure


async def _rows(session: AsyncSession, measures: list[Measure], today: date) -> list[MeasureRow]:
    if not measures:
        return []
    owners = {u.id: u for u in (await session.exec(
        select(User).where(col(User.id).in_({m.owner_id for m in measures})))).all()}
    companies = {c.id: c for c in (await session.exec(
        select(Company).where(col(Company.id).in_({m.company_id for m in measures})))).all()}
    ids = [m.id for m in measures]
    events = (await session.exec(select(MeasureEvent.measure_id).where(
        col(MeasureEvent.measure_id).in_(ids), MeasureEvent.action == "postponed"))).all()
    return [MeasureRow(m.id, m.company_id, companies[m.company_id].name, m.what, m.owner_id,
                       owners[m.owner_id].full_name if m.owner_id in owners else "?", m.due_on, m.status,
                       m.status == "open" and m.due_on < today, sum(1 for e in events if e == m.id))
            for m in measures]


async def plan_for(session: AsyncSession, actor: Actor, company_id: int, *, today: date) -> tuple[Company, list[MeasureRow]]:
    """The company's measures in the order they were agreed (creation order), done ones in place.

    The order never depends on status or due date, so a measure keeps its number in /plan after
    it is marked done or postponed (a list that renumbers under the thumb makes the next press
    hit the wrong line)."""
    company = await get_visible(session, actor, company_id, "plan.open")
    measures = (await session.exec(select(Measure).where(Measure.company_id == company_id))).all()
    ordered = sorted(measures, key=lambda m: m.id)
    return company, await _rows(session, ordered, today)


async def open_counts(session: AsyncSession, company_ids: list[int]) -> dict[int, int]:
    if not company_ids:
        return {}
    rows = await session.exec(select(Measure.company_id).where(col(Measure.company_id).in_(company_ids),
                                                               Measure.status == "open"))
    counts: dict[int, int] = {}
    for cid in rows.all():
        counts[cid] = counts.get(cid, 0) + 1
    return counts


async def overdue(session: AsyncSession, today: date) -> list[MeasureRow]:
    """Every open measure due before today (for the reminder job; no actor)."""
    rows = await session.exec(select(Measure).where(Measure.status == "open", Measure.due_on < today)
                              .order_by(Measure.due_on, Measure.id))
    return await _rows(session, list(rows.all()), today)


async def overdue_for(session: AsyncSession, actor: Actor, today: date) -> list[MeasureRow]:
    """Overdue measures of the companies the actor sees."""
    query = (select(Measure).join(Company, Company.id == Measure.company_id)
             .where(Measure.status == "open", Measure.due_on < today, visible_clause(actor))
             .order_by(Measure.due_on, Measure.id))
    return await _rows(session, list((await session.exec(query)).all()), today)


async def companies_with_plans(session: AsyncSession, actor: Actor) -> list[tuple[int, str, int]]:
    """(company id, name, open measures) for the /plan picker: the actor's visible companies."""
    companies = (await session.exec(select(Company).where(visible_clause(actor)).order_by(Company.name).limit(100))).all()
    counts = await open_counts(session, [c.id for c in companies])
    return sorted([(c.id, c.name, counts.get(c.id, 0)) for c in companies], key=lambda r: (-r[2], r[1]))


async def contacts(session: AsyncSession, user_ids: set[int]) -> dict[int, tuple[int, str]]:
    """users.id -> (Telegram id, language) of active users, for reminders."""
    if not user_ids:
        return {}
    rows = await session.exec(select(User).where(col(User.id).in_(user_ids), User.active))
    return {u.id: (u.telegram_id, u.language) for u in rows.all()}
