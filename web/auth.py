"""Who is asking the workbench: Telegram's signed initData, or a browser link a supervisor asked for.

* **initData** (inside Telegram): every request carries the Mini App's `initData` in the
  header ``Authorization: tma <initData>``. It is checked with aiogram's
  `safe_parse_webapp_init_data` against the bot token (HMAC-SHA256 with the key
  HMAC("WebAppData", token), as Telegram signs it) and refused once `auth_date` is older
  than the setting WORKBENCH_INIT_DATA_MAX_AGE (or lies in the future beyond a minute of
  clock skew).
* **Browser links** (at a desk): `/workbench` in chat gives staff a link
  ``/workbench/b/<link>`` that works once, within LINK_MINUTES, for that Telegram user. The
  link is signed (no table of links); opening it claims its nonce in the database
  (services.workbench_links.redeem), so it opens once whichever bot process behind the
  proxy gets it. Opening it hands the page a browser session token, sent back as
  ``Authorization: wbs <token>`` and good for the same max age as initData.

`sign_init_data` signs initData exactly as Telegram does, for the demo and the tests.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from urllib.parse import quote, urlencode

from aiogram.utils.web_app import safe_parse_webapp_init_data

from services.workbench_links import INIT_DATA_SCHEME, LINK_MINUTES, SESSION_SCHEME, Identity, LinkBook

__all__ = ["Identity", "LINK_MINUTES", "LinkBook", "INIT_DATA_SCHEME", "SESSION_SCHEME", "sign_init_data",
           "telegram_address", "check_init_data", "identify"]

#: initData dated this far ahead of our clock is still taken (phones' clocks drift).
CLOCK_SKEW = 60


def sign_init_data(token: str, user: dict, auth_date: int, *, query_id: str = "AAH-workbench",
                   **extra: str) -> str:
    """initData for `user` (a dict: id, first_name, language_code …), signed with the bot's
    token as Telegram signs it: the query string a Mini App finds in ``tgWebAppData``."""
    fields = {"query_id": query_id, "user": json.dumps(user, ensure_ascii=False, separators=(",", ":")),
              "auth_date": str(int(auth_date)), **extra}
    check = "\n".join(f"{k}={v}" for k, v in sorted(fields.items()))
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    fields["hash"] = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    return urlencode(fields)


def telegram_address(page: str, token: str, user: dict, auth_date: int) -> str:
    """The page's address as Telegram opens a Mini App: signed initData in the fragment's
    ``tgWebAppData`` (the page's script reads it there), for the demo and browser tests."""
    data = quote(sign_init_data(token, user, auth_date), safe="")
    return f"{page}#tgWebAppData={data}&tgWebAppVersion=8.0&tgWebAppPlatform=weba"


def check_init_data(token: str, raw: str, now: float, max_age: int) -> Identity | None:
    """The user of valid, fresh initData; None when forged, stale, or without a user."""
    try:
        data = safe_parse_webapp_init_data(token, raw)
    except (ValueError, TypeError):
        return None
    auth = data.auth_date.timestamp()
    if data.user is None or now - auth > max_age or auth - now > CLOCK_SKEW:
        return None
    return Identity(data.user.id, data.user.language_code, INIT_DATA_SCHEME)


def identify(header: str | None, token: str, book: LinkBook, now: float, max_age: int) -> Identity | None:
    """The identity an Authorization header proves, or None (the request gets 401)."""
    scheme, _, value = (header or "").strip().partition(" ")
    value = value.strip()
    if not value:
        return None
    if scheme.lower() == INIT_DATA_SCHEME:
        return check_init_data(token, value, now, max_age)
    if scheme.lower() == SESSION_SCHEME:
        return book.check_session(value)
    return None
