"""Work-chat group robots (WeCom, DingTalk, Feishu): one small adapter each.

An adapter knows its channel's webhook URL shape, signature, message size limit, rate
limit and error codes, and turns one `Post` (a title, markdown already within its
limit, maybe a file) into send steps for `services.broadcast`, raising `RetryLater`,
`Transient` or `Permanent` as the channel answers. What is said is decided elsewhere;
the adapters only carry it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

import aiohttp

from services.broadcast import Limits, Permanent, Transient
from services.errors import Refusal

__all__ = ["Channel", "ChannelError", "Post", "check_webhook", "post_json", "KINDS"]

KINDS = ("wecom", "dingtalk", "feishu")
TIMEOUT = aiohttp.ClientTimeout(total=15)


class ChannelError(Refusal):
    """A webhook configuration that cannot work (malformed URL, wrong host, no secret)."""


@dataclass(frozen=True)
class Post:
    title: str
    markdown: str
    file_name: str | None = None
    file_bytes: bytes | None = None


Step = Callable[[], Awaitable[object]]


class Channel(Protocol):
    kind: str
    #: The markdown's limit in UTF-8 bytes, as the channel documents it.
    limit_bytes: int
    takes_files: bool
    limits: Limits
    hosts: tuple[str, ...]

    def check(self, url: str, secret: str | None) -> None: ...

    def steps(self, http: aiohttp.ClientSession, url: str, secret: str | None, post: Post,
              clock: Callable[[], float]) -> list[Step]: ...


def check_webhook(channel: Channel, url: str) -> Any:
    """Parse and check a webhook URL: https on the channel's host (plain http only on
    this machine, for tests); raises ChannelError naming what is wrong."""
    url = (url or "").strip()
    if len(url) > 512 or any(c.isspace() for c in url):
        raise ChannelError("bad_url", kind=channel.kind)
    parts = urlsplit(url)
    loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
    if parts.scheme not in ("https", "http") or not parts.hostname or (parts.scheme == "http" and not loopback):
        raise ChannelError("bad_url", kind=channel.kind)
    if not loopback and parts.hostname not in channel.hosts:
        raise ChannelError("wrong_host", kind=channel.kind, host=parts.hostname, hosts="、".join(channel.hosts))
    return parts


async def post_json(http: aiohttp.ClientSession, url: str, **kwargs: Any) -> tuple[int, dict[str, Any]]:
    """POST and read a JSON answer; connection trouble and 5xx are Transient.

    A timeout is Permanent: the robot may already have posted it, and a message in a
    group twice is worse than one reported as possibly missing.
    """
    try:
        async with http.post(url, timeout=TIMEOUT, **kwargs) as response:
            if response.status >= 500:
                raise Transient(f"HTTP {response.status}")
            try:
                body = await response.json(content_type=None)
            except ValueError:
                raise Permanent(f"HTTP {response.status}: not JSON") from None
            return response.status, body if isinstance(body, dict) else {}
    except asyncio.TimeoutError:
        raise Permanent("timed out; the message may have arrived") from None
    except aiohttp.ClientConnectionError as exc:
        raise Transient(f"connection: {type(exc).__name__}") from None
