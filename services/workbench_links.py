"""Browser links to the workbench, and the browser sessions they open: signed, single use.

`/workbench` in chat (handlers/workbench.py) issues a link for a supervisor or specialist
at a desk; the workbench (web/) redeems it. Both sides only need the bot token: the link
is HMAC-signed with a key made from it (no table of links), bound to one Telegram user,
good for LINK_MINUTES and once. "Once" holds across processes: `redeem` claims the link's
nonce in the database (`services.runs.claim`, whose unique key lets exactly one claim win,
whichever bot process behind the proxy gets the request), so a second opening anywhere is
refused. Redeeming gives a session token the page sends back (``Authorization: wbs
<token>``), good for the initData max age.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from services import runs
from services.session import AsyncSession

__all__ = ["Identity", "LINK_MINUTES", "LinkBook", "INIT_DATA_SCHEME", "SESSION_SCHEME", "LINK_CLAIM", "redeem"]

INIT_DATA_SCHEME = "tma"
SESSION_SCHEME = "wbs"
#: How long a browser link may wait to be opened (a parameter, not policy).
LINK_MINUTES = 10
#: The job name under which a redeemed link's nonce is claimed (services.runs; no person's id stored).
LINK_CLAIM = "workbench.link"


@dataclass(frozen=True)
class Identity:
    """The Telegram user a request speaks for, and the language their Telegram uses."""

    telegram_id: int
    language_code: str | None
    via: str  # "tma" or "wbs"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _key(token: str, purpose: bytes) -> bytes:
    return hmac.new(purpose, token.encode(), hashlib.sha256).digest()


def _seal(key: bytes, payload: str) -> str:
    return f"{payload}.{_b64(hmac.new(key, payload.encode(), hashlib.sha256).digest())}"


def _open(key: bytes, sealed: str) -> list[str] | None:
    payload, _, _mac = sealed.rpartition(".")
    if not payload or not hmac.compare_digest(_seal(key, payload).encode(), sealed.encode()):
        return None
    return payload.split(".")


class LinkBook:
    """Browser links and the sessions they open, signed with a key made from the bot token."""

    def __init__(self, token: str, max_age: int, clock: Callable[[], float] = time.time) -> None:
        self.links_key = _key(token, b"ipbot-workbench-link")
        self.sessions_key = _key(token, b"ipbot-workbench-session")
        self.max_age, self.clock = max_age, clock

    def issue(self, telegram_id: int, minutes: int = LINK_MINUTES) -> str:
        """A link token for this user, good once within `minutes`."""
        expires = int(self.clock()) + minutes * 60
        return _seal(self.links_key, f"{int(telegram_id)}.{expires}.{secrets.token_urlsafe(12)}")

    def check(self, link: str) -> tuple[int, str] | None:
        """The link's user and nonce when it is genuine and in time (used or not); None otherwise."""
        parts = _open(self.links_key, link)
        if parts is None or len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
            return None
        if int(parts[1]) < self.clock():
            return None
        return int(parts[0]), parts[2]

    def session(self, telegram_id: int) -> str:
        """The token a page opened by a link sends back (``Authorization: wbs <token>``)."""
        return _seal(self.sessions_key, f"{int(telegram_id)}.{int(self.clock()) + self.max_age}")

    def check_session(self, token: str) -> Identity | None:
        parts = _open(self.sessions_key, token)
        if parts is None or len(parts) != 2 or not all(p.isdigit() for p in parts):
            return None
        if int(parts[1]) < self.clock():
            return None
        return Identity(int(parts[0]), None, SESSION_SCHEME)


async def redeem(session: AsyncSession, book: LinkBook, link: str) -> int | None:
    """The link's user the first time it is opened in time, by any process on this database;
    None afterwards, when late, or when forged. Commits the claim."""
    checked = book.check(link)
    if checked is None:
        return None
    telegram_id, nonce = checked
    return telegram_id if await runs.claim(session, LINK_CLAIM, nonce) else None
