"""Signed training links and check-in codes: pure HMAC of a session's secret, no table of tokens.

- The self-enrolment link `tre_<id>_<sig>` is signed so that a guessed id does not enrol anyone.
- Check-in links `trc_<id>_<minute>_<sig>` and six-digit codes rotate every minute
  (`ROTATE_SECONDS`): they are an HMAC of the session's secret and the minute, so a link
  forwarded to someone absent stops working a minute later (`GRACE_SECONDS` covers a scan
  in the last seconds of its minute).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from services.session import AsyncSession
from services.training_access import TrainingRefusal
from storage.models import Training

__all__ = ["CHECKIN_PREFIX", "CheckinToken", "ENROL_PREFIX", "GRACE_SECONDS", "ROTATE_SECONDS", "checkin_token",
           "checkin_window", "enrol_link_payload", "fresh", "linked_session", "match_code", "parse_enrol_payload"]

ROTATE_SECONDS = 60
#: A link scanned in the last seconds of its minute still works this long after it rotated.
GRACE_SECONDS = 10
#: How many past minutes a typed code is compared with (to say "expired" rather than "wrong").
CODE_LOOKBACK = 30
ENROL_PREFIX, CHECKIN_PREFIX = "tre_", "trc_"


@dataclass(frozen=True)
class CheckinToken:
    payload: str  # the /start payload of the QR deep link
    code: str  # six digits for typing
    valid_until: datetime


def enrol_link_payload(training: Training) -> str:
    """`tre_<id>_<sig>`: a session's self-enrolment deep link (the signature stops guessed ids)."""
    return f"{ENROL_PREFIX}{training.id}_{_mac(training, 'enrol', 10)}"


async def parse_enrol_payload(session: AsyncSession, payload: str) -> Training:
    match = re.fullmatch(rf"{ENROL_PREFIX}(\d{{1,9}})_([0-9a-f]{{10}})", payload)
    training = await session.get(Training, int(match.group(1))) if match else None
    if training is None or not hmac.compare_digest(_mac(training, "enrol", 10), match.group(2)):
        raise TrainingRefusal("link_unknown")
    return training


def checkin_token(training: Training, now: datetime) -> CheckinToken:
    """The current minute's check-in link payload and typed code."""
    window = checkin_window(now)
    _ensure_secret(training)
    valid_until = datetime.fromtimestamp((window + 1) * ROTATE_SECONDS, tz=now.tzinfo)
    return CheckinToken(f"{CHECKIN_PREFIX}{training.id}_{window}_{_mac(training, f'link:{window}', 10)}",
                        _code(training, window), valid_until)


async def linked_session(session: AsyncSession, payload: str, now: datetime) -> Training:
    """The session a check-in link names, if its signature holds and its minute is still fresh."""
    match = re.fullmatch(rf"{CHECKIN_PREFIX}(\d{{1,9}})_(\d{{1,12}})_([0-9a-f]{{10}})", payload)
    training = await session.get(Training, int(match.group(1))) if match else None
    if training is None or not training.checkin_secret:
        raise TrainingRefusal("checkin_link_invalid")
    window = int(match.group(2))
    if not hmac.compare_digest(_mac(training, f"link:{window}", 10), match.group(3)):
        raise TrainingRefusal("checkin_link_invalid")
    if not fresh(window, now):
        raise TrainingRefusal("checkin_link_expired")
    return training


def match_code(training: Training, code: str, now: datetime) -> int | None:
    """The minute, within the last half hour, whose code for this session `code` is (else None)."""
    current = checkin_window(now)
    for window in range(current, current - CODE_LOOKBACK, -1):
        if hmac.compare_digest(_code(training, window), code):
            return window
    return None


def checkin_window(now: datetime) -> int:
    """The minute a check-in token belongs to (its number names the rotation's run key)."""
    return int(now.timestamp()) // ROTATE_SECONDS


def fresh(window: int, now: datetime) -> bool:
    current = checkin_window(now)
    return window == current or (window == current - 1 and now.timestamp() - current * ROTATE_SECONDS <= GRACE_SECONDS)


def _code(training: Training, window: int) -> str:
    return f"{int(_mac(training, f'code:{window}', 12), 16) % 1_000_000:06d}"


def _ensure_secret(training: Training) -> None:
    """Sessions made before training_1 (or by an import) get their secret on first use."""
    if not training.checkin_secret:
        training.checkin_secret = secrets.token_hex(16)


def _mac(training: Training, purpose: str, length: int) -> str:
    _ensure_secret(training)
    message = f"{training.id}:{purpose}".encode()
    return hmac.new(training.checkin_secret.encode(), message, hashlib.sha256).hexdigest()[:length]
