"""钉钉 custom group robot, with 加签 (signing secret).

Documented (自定义机器人接入): POST JSON to https://oapi.dingtalk.com/robot/send?access_token=T
&timestamp=MS&sign=S, where S = urlencode(base64(HmacSHA256(key=secret, msg=f"{MS}\\n{secret}")))
and MS is the time in milliseconds, within an hour of DingTalk's clock; at most 20
messages a minute per robot; markdown {"msgtype": "markdown", "markdown": {"title", "text"}};
answer {"errcode": 0, "errmsg": "ok"}. The custom robot cannot send files: the roster
is left out and the text says where it is. Message limit: 20,000 bytes (errcode 460101,
"message too long"). Error codes handled: 410100 (send too fast) -> retry after a
minute; 310000 (sign not match / keywords / ip), 300001 (token) and others -> permanent.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, quote_plus

import aiohttp

from services.broadcast import Limits, Permanent, RetryLater
from services.channels import ChannelError, Post, Step, check_webhook, post_json

RATE_LIMITED = 410100


def sign(secret: str, timestamp_ms: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest))


@dataclass(frozen=True)
class DingTalk:
    kind: str = "dingtalk"
    limit_bytes: int = 20_000
    takes_files: bool = False
    limits: Limits = Limits(per_second=1.0, per_chat_interval=3.0)  # 20 a minute per robot
    hosts: tuple[str, ...] = ("oapi.dingtalk.com",)

    def check(self, url: str, secret: str | None) -> None:
        parts = check_webhook(self, url)
        if not parts.path.endswith("/robot/send") or not parse_qs(parts.query).get("access_token"):
            raise ChannelError("bad_url", kind=self.kind)
        if secret is not None and not secret.strip():
            raise ChannelError("bad_secret", kind=self.kind)

    def steps(self, http: aiohttp.ClientSession, url: str, secret: str | None, post: Post,
              clock: Callable[[], float]) -> list[Step]:
        async def markdown() -> None:
            target = url
            if secret:
                ms = int(clock() * 1000)
                target = f"{url}&timestamp={ms}&sign={sign(secret, ms)}"
            payload = {"msgtype": "markdown", "markdown": {"title": post.title, "text": post.markdown}}
            status, body = await post_json(http, target, json=payload)
            code = body.get("errcode")
            if code == 0:
                return
            if code == RATE_LIMITED:
                raise RetryLater(60, f"dingtalk {code}")
            raise Permanent(f"dingtalk HTTP {status} errcode {code}: {body.get('errmsg', '')}"[:200])

        return [markdown]


DINGTALK = DingTalk()
