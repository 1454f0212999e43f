"""Telegram through a proxy (`TELEGRAM_PROXY`): the setting read, shown without its password,
turned into the bot session's connector, and its failures put into words.

Telegram's Bot API cannot be reached from mainland China without a proxy, so every Bot API
call and every file download of the bot's one HTTP session (`bot.session.BotSession`) goes
through aiohttp-socks' `ProxyConnector` when the setting is there:

| `TELEGRAM_PROXY`                 | what the bot speaks to the proxy                         |
|----------------------------------|----------------------------------------------------------|
| `http://user:pass@host:port`     | HTTP `CONNECT` (Basic credentials), then TLS to Telegram |
| `https://user:pass@host:port`    | the same inside TLS to the proxy (its certificate checked against the system's CAs) |
| `socks5://user:pass@host:port`   | SOCKS5 with user name and password (RFC 1928, RFC 1929); `socks5h://` is the same |

Host names are resolved by the proxy (`rdns`), so a poisoned local DNS answer for
api.telegram.org does not matter. Without a port the scheme's registered one is used
(IANA service names: http 80, https 443, socks 1080). User name and password may be
percent-encoded (`p%40ss` for `p@ss`).

The password is a secret: nothing here puts it into a log line or an error message.
`Proxy.masked()` shows `socks5://user:***@host:port`, the dataclass's repr leaves it out, and
`explain` describes a failure by the masked address.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

__all__ = ["Proxy", "ProxyError", "connector", "explain", "is_proxy_failure", "masked", "parse_proxy"]

#: IANA "Service Name and Transport Protocol Port Number Registry": http 80, https 443, socks 1080.
DEFAULT_PORTS = {"http": 80, "https": 443, "socks5": 1080}
SCHEMES = {"http": "http", "https": "https", "socks5": "socks5", "socks5h": "socks5"}


class ProxyError(ValueError):
    """TELEGRAM_PROXY cannot be read; the message never repeats the setting (it may hold a password)."""


@dataclass(frozen=True)
class Proxy:
    scheme: str  # http, https or socks5
    host: str
    port: int
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    def masked(self) -> str:
        """The address for a log line: the user name stays, the password is `***`."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        who = f"{self.username}:***@" if self.username or self.password else ""
        return f"{self.scheme}://{who}{host}:{self.port}"


def parse_proxy(url: str) -> Proxy:
    """The proxy of a TELEGRAM_PROXY value, or `ProxyError` naming what is wrong (not the value)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise ProxyError("has a port that is not a number from 1 to 65535") from None
    scheme = SCHEMES.get(parts.scheme.lower())
    if scheme is None:
        raise ProxyError("must start with http://, https:// or socks5://")
    if not parts.hostname:
        raise ProxyError("has no host name (such as socks5://user:password@proxy.example:1080)")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ProxyError("must be only scheme://[user:password@]host[:port], without a path")
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    return Proxy(scheme, parts.hostname, port or DEFAULT_PORTS[scheme], username, password)


def masked(url: str | None) -> str | None:
    """A TELEGRAM_PROXY value fit for a log line (None stays None)."""
    if url is None:
        return None
    try:
        return parse_proxy(url).masked()
    except ProxyError:
        return "(an unreadable TELEGRAM_PROXY)"


def connector(proxy: Proxy, **tcp: Any) -> tuple[type, dict[str, Any]]:
    """The connector class and its arguments for aiohttp: `tcp` (the session's own TCP options:
    TLS context, connection limit, DNS cache) plus the proxy's."""
    from aiohttp_socks import ProxyConnector, ProxyType

    kind = ProxyType.SOCKS5 if proxy.scheme == "socks5" else ProxyType.HTTP
    init = dict(tcp, proxy_type=kind, host=proxy.host, port=proxy.port, username=proxy.username,
                password=proxy.password, rdns=True)
    if proxy.scheme == "https":
        init["proxy_ssl"] = ssl.create_default_context()
    return ProxyConnector, init


def is_proxy_failure(exc: BaseException) -> bool:
    from aiohttp_socks import ProxyConnectionError, ProxyError as SocksError, ProxyTimeoutError

    return isinstance(exc, (SocksError, ProxyConnectionError, ProxyTimeoutError))


def explain(exc: BaseException, proxy: Proxy) -> str:
    """What went wrong with the proxy, for the operator, with the password left out."""
    from aiohttp_socks import ProxyConnectionError, ProxyTimeoutError

    where = f"the Telegram proxy {proxy.masked()} (TELEGRAM_PROXY)"
    detail = str(exc)
    if proxy.password:
        detail = detail.replace(proxy.password, "***")
    if isinstance(exc, ProxyTimeoutError):
        return f"{where} did not answer in time"
    if isinstance(exc, ProxyConnectionError):
        return f"{where} cannot be reached: {detail}"
    lowered = detail.lower()
    refused = getattr(exc, "error_code", None) == 407 or "authentication" in lowered
    if refused and (proxy.username or proxy.password):
        return f"{where} refused the user name or password ({detail})"
    if refused:
        return f"{where} asks for a user name and password; put them in TELEGRAM_PROXY as user:password@ ({detail})"
    return f"{where} did not connect to Telegram: {detail}"
