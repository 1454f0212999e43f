"""Durable update intake: record first, acknowledge second, handle from the record.

aiogram's own polling asks `getUpdates` for the next offset while the handlers of the
batch still run, so a process killed then loses the batch (Telegram forgets what is
below the offset). Here each batch is written to the inbox in one transaction before
the next `getUpdates` moves the offset; a webhook call is answered 200 only after its
update is written. Handling then runs from the recorded rows, one user's updates in
order, different users concurrently; a restart handles what was left pending. With
Redis, several processes share the inbox and keep one user's order between them
(bot/ordering.py); an update whose database connection was cut is handled again
(bot/db_retry.py).

Nothing in the inbox may stop the bot: a row that cannot be turned into an update of a
type aiogram knows is parked with its error when it is dispatched (at record time or at
resume), and the rest goes on. A webhook body of that kind is refused before it is
recorded (`parse_update`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Iterable
from contextlib import suppress
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar

import orjson
from aiogram import Bot, Dispatcher
from aiogram.methods import GetUpdates
from aiogram.types import Update
from aiogram.types.update import UpdateTypeLookupError
from aiogram.utils.backoff import Backoff, BackoffConfig
from pydantic import ValidationError

from bot.db_retry import DatabaseRetry
from bot.metrics import Metrics
from services import inbox
from services.session import Database
from services.updates import Receipt
from storage.types import utcnow

if TYPE_CHECKING:
    from bot.ordering import SharedOrder

log = logging.getLogger(__name__)
T = TypeVar("T")

BACKOFF = BackoffConfig(min_delay=0.5, max_delay=10.0, factor=1.5, jitter=0.1)
#: With PostgreSQL several processes may share the inbox; a pending row younger than this
#: may be in another live process's hands, so recovery leaves it alone.
SHARED_ORPHAN_AGE = timedelta(seconds=60)
PRUNE_EVERY = timedelta(hours=1)
RESUME_WAIT_SECONDS = 30.0


class NotAnUpdate(ValueError):
    """A webhook body or inbox row that is no Telegram update of a type this aiogram knows."""


def parse_update(payload: bytes | str, bot: Bot) -> Update:
    """The update in a webhook body or inbox row, or `NotAnUpdate` saying why not.

    aiogram alone accepts too much: `{"update_id": true}` validates (a bool is an int in
    Python) and an update with no event of a known type validates too, and only fails
    later, when its event is looked up.
    """
    try:
        data: Any = orjson.loads(payload)
    except orjson.JSONDecodeError as exc:
        raise NotAnUpdate(f"not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise NotAnUpdate(f"not a JSON object but {type(data).__name__}")
    if type(data.get("update_id")) is not int:
        raise NotAnUpdate("update_id is not an integer")
    try:
        update = Update.model_validate(data, context={"bot": bot})
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        where = ".".join(str(part) for part in first["loc"])
        raise NotAnUpdate(f"not a Telegram update: {where}: {first['msg']}") from None
    try:
        update.event_type  # noqa: B018 - raises for a type this aiogram does not know
    except UpdateTypeLookupError:
        raise NotAnUpdate(f"update {update.update_id} has no event of a type this aiogram knows") from None
    return update


def _key_or_none(update: Update) -> int | None:
    """`order_key`, or None for an update of a type this aiogram does not know (parked at dispatch)."""
    try:
        return order_key(update)
    except UpdateTypeLookupError:
        return None


def describe(exc: BaseException, token: str | None) -> str:
    """An exception for a log line or an inbox row, with the bot token blanked out (an
    HTTP error may quote the request URL, and the token is part of it)."""
    text = f"{type(exc).__name__}: {exc}"
    return text.replace(token, "<token>") if token else text


def raw_json(update: Update) -> str:
    """The update as Telegram sent it (unset fields left out), for the inbox."""
    return orjson.dumps(update.model_dump(mode="json", exclude_unset=True)).decode()


def order_key(update: Update) -> int | None:
    """Updates of one user (or chat) are handled one after another, in arrival order."""
    event = update.event
    user = getattr(event, "from_user", None)
    if user is not None:
        return user.id
    chat = getattr(event, "chat", None)
    return chat.id if chat is not None else None


class Intake:
    """Feeds recorded updates to the dispatcher and keeps their inbox rows up to date."""

    def __init__(self, dp: Dispatcher, bot: Bot, db: Database) -> None:
        self.dp, self.bot, self.db = dp, bot, db
        self.metrics: Metrics = dp.workflow_data.get("metrics") or Metrics()
        self.shared = db.engine.dialect.name != "sqlite"
        self.tails: dict[int | None, asyncio.Task] = {}
        self.tasks: set[asyncio.Task] = set()
        self.in_hand: set[int] = set()
        self.to_mark: list[int] = []
        self.marker: asyncio.Task | None = None
        self.last_prune = utcnow() - PRUNE_EVERY
        self.last_resume = utcnow()
        #: With Redis, one user's updates in order across processes too (bot/ordering.py; set by bot.runners).
        self.order: SharedOrder | None = None
        self.retry = DatabaseRetry(dp)  # an update whose database connection was lost is handled again

    @property
    def idle(self) -> bool:
        """Nothing in hand, running or left to mark: every reply to what was fetched has been sent."""
        return not (self.tasks or self.in_hand or self.to_mark)

    # ------------------------------------------------------------------ handling

    async def resume(self) -> int:
        """Handle what an earlier process recorded but did not finish; returns how many."""
        before = utcnow() - SHARED_ORPHAN_AGE if self.shared else None
        left = [r for r in await inbox.recover(self.db, before) if r.inbox_id not in self.in_hand]
        if left:
            log.info("resuming %d recorded update(s) left pending", len(left))
        self.dispatch((r, None) for r in left)
        await self._prune_now_and_then()
        if self.order is not None:
            self.order.start_sweeping(self._adopt)  # rows queued by processes that died
        return len(left)

    def dispatch(self, items: Iterable[tuple[inbox.Received, Update | None]]) -> None:
        """Start handling each row; one that is no update of a known type is parked instead."""
        for received, update in items:
            try:
                if update is None:
                    update = parse_update(received.payload, self.bot)
                key = order_key(update)  # looks the event up: raises for an unknown type
            except Exception as exc:  # noqa: BLE001 - poison: parked, never handled, never fatal
                self._track(asyncio.create_task(self._park(received, describe(exc, self.bot.token))))
                continue
            self.in_hand.add(received.inbox_id)
            task = asyncio.create_task(self._handle(self.tails.get(key), received, update, key))
            self.tails[key] = task
            task.add_done_callback(lambda t, k=key: self.tails.get(k) is t and self.tails.pop(k))
            self._track(task)

    async def _handle(self, before: asyncio.Task | None, received: inbox.Received, update: Update,
                      key: int | None = None) -> None:
        if before is not None:
            await asyncio.wait([before])
        try:
            if self.order is not None and key is not None:
                await self.order.handle(key, received.inbox_id, lambda: self._feed(received, update), self._adopt)
            else:
                await self._feed(received, update)
        finally:
            self.in_hand.discard(received.inbox_id)

    async def _feed(self, received: inbox.Received, update: Update) -> None:
        receipt = Receipt(received.inbox_id)
        started = time.perf_counter()
        try:
            await self.retry.feed(self.dp, self.bot, update, receipt)
        except Exception as exc:  # noqa: BLE001 - an update must never stop the intake
            receipt.error = receipt.error or repr(exc)
            log.exception("update %s failed outside the handlers", update.update_id)
        self.metrics.update_handled(time.perf_counter() - started, receipt.error)
        if receipt.error:
            await inbox.park(self.db, received.inbox_id, receipt.error)
        elif not receipt.marked:
            self._mark_soon(received.inbox_id)

    async def _adopt(self, inbox_id: int) -> None:
        """A row another process recorded and did not handle (bot/ordering.py): read back
        from the inbox and handled here, unless it is no longer pending."""
        received = await inbox.pending(self.db, inbox_id)
        if received is None:
            return
        try:
            update = parse_update(received.payload, self.bot)
        except NotAnUpdate as exc:
            await self._park(received, str(exc))
            return
        await self._feed(received, update)

    async def _park(self, received: inbox.Received, error: str) -> None:
        log.warning("update %s (inbox row %d) parked: %s", received.update_id, received.inbox_id, error[:200])
        self.metrics.parked.labels("unreadable").inc()
        try:
            await inbox.park(self.db, received.inbox_id, error)
        except Exception:  # noqa: BLE001 - left pending: parked at a later resume
            log.exception("could not park inbox row %d", received.inbox_id)

    def _mark_soon(self, inbox_id: int) -> None:
        """Read-only updates are marked done in one statement per burst, not one each."""
        self.to_mark.append(inbox_id)
        if self.marker is None or self.marker.done():
            self.marker = asyncio.create_task(self._mark_all())
            self._track(self.marker)

    async def _mark_all(self) -> None:
        while self.to_mark:
            ids, self.to_mark = self.to_mark, []
            try:
                await inbox.mark_done(self.db, ids)
            except Exception:  # noqa: BLE001 - left pending: handled again after a restart
                log.exception("could not mark %d update(s) done", len(ids))

    def _track(self, task: asyncio.Task) -> None:
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def drain(self, timeout: float = 10.0) -> None:
        """Let updates in hand finish (and be marked) before the process stops."""
        if self.order is not None:
            await self.order.stop()  # no more rows adopted from other processes
        deadline = asyncio.get_running_loop().time() + timeout
        while self.tasks:
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                log.warning("%d update task(s) still running at shutdown", len(self.tasks))
                return
            await asyncio.wait(list(self.tasks), timeout=left)

    async def _prune_now_and_then(self) -> None:
        now = utcnow()
        if now - self.last_prune >= PRUNE_EVERY:
            self.last_prune = now
            try:
                await inbox.prune(self.db, now)
            except Exception:  # noqa: BLE001
                log.exception("inbox prune failed")

    # ------------------------------------------------------------------ intake

    async def take(self, updates: list[Update]) -> None:
        """Record a batch (one transaction) and start handling the new ones; copies are dropped."""
        self.metrics.received.inc(len(updates))
        by_key = {}
        pairs = []
        for update in updates:
            raw = raw_json(update)
            by_key[(update.update_id, raw)] = update
            pairs.append((update.update_id, raw))
        fresh = await inbox.record(self.db, pairs, before_commit=self._queue_for(by_key))
        self.dispatch((r, by_key.get((r.update_id, r.payload))) for r in fresh)

    def _queue_for(self, by_key: dict[tuple[int, str], Update]):  # noqa: ANN202
        """With several processes (bot/ordering.py): what queues the new rows under their users,
        inside the recording transaction; None without Redis."""
        order = self.order
        if order is None:
            return None

        async def queue(rows: list[inbox.Received]) -> None:
            await order.queue((_key_or_none(by_key[(r.update_id, r.payload)]), r.inbox_id) for r in rows)
        return queue

    async def poll(self, polling_timeout: int = 10, allowed_updates: list[str] | None = None,
                   stop: asyncio.Event | None = None) -> None:
        """Long polling in which the offset moves past an update only once it is recorded.

        Returns once `stop` is set: a getUpdates under way is abandoned (what it would have
        brought stays unconfirmed, so Telegram hands it out again), a batch already fetched
        is recorded first. Telegram or the database away is waited out with backoff.
        """
        stop = stop or asyncio.Event()
        backoff = Backoff(config=BACKOFF)
        request = GetUpdates(timeout=polling_timeout, allowed_updates=allowed_updates)
        request_timeout = int((self.bot.session.timeout or 0) + polling_timeout)
        try:
            me = await self.bot.me()
            log.info("Run polling for bot @%s id=%d (durable intake)", me.username, me.id)
        except Exception as exc:  # noqa: BLE001 - Telegram away at start: the loop waits it out
            log.warning("getMe failed at start: %s", describe(exc, self.bot.token))
        if await self.resume():
            # Finish what an earlier process left before taking more: older updates first, and
            # an update is not cut off again and again by restarts that come in quick succession
            # (each would count as an attempt towards parking it).
            await _unless(stop, self.drain(RESUME_WAIT_SECONDS))
        while not stop.is_set():
            try:
                fetched = await _unless(stop, self.bot(request, request_timeout=request_timeout))
                if fetched is None:
                    break
                updates = fetched[0]
                if updates:
                    await self.take(updates)
                    request.offset = updates[-1].update_id + 1
                backoff.reset()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - Telegram or the database away: wait and go on
                self.metrics.errors.labels("intake").inc()
                log.warning("polling: %s; next try in %.1f s", describe(exc, self.bot.token), backoff.next_delay)
                await _unless(stop, asyncio.sleep(next(backoff)))
                continue
            await self._prune_now_and_then()
            if self.shared and utcnow() - self.last_resume >= SHARED_ORPHAN_AGE:
                self.last_resume = utcnow()
                await self.resume()
        log.info("polling stopped")

    async def take_webhook(self, body: bytes) -> None:
        """A webhook call: recorded before the 200 goes back; handled after.

        Raises `NotAnUpdate` (a ValueError) for a body that is no update of a known type;
        such a body is not recorded.
        """
        await self.take([parse_update(body, self.bot)])


async def _unless(stop: asyncio.Event, awaitable: Awaitable[T]) -> tuple[T] | None:
    """Await `awaitable` unless `stop` is set first: then it is cancelled and None returned.

    The result comes in a 1-tuple, so a result of None is told apart from being stopped.
    """
    work = asyncio.ensure_future(awaitable)
    if stop.is_set():
        work.cancel()
    else:
        stopping = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({work, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
            if not work.done():
                work.cancel()
    if work.cancelled() or not work.done():
        with suppress(asyncio.CancelledError):
            await work
        return None
    return (work.result(),)
