"""飞书 custom bot, with 签名校验 (signing secret).

Documented (自定义机器人使用指南): POST JSON to https://open.feishu.cn/open-apis/bot/v2/hook/ID;
with a secret, the body carries "timestamp" (seconds, as a string, within an hour) and
"sign" = base64(HmacSHA256(key=f"{timestamp}\\n{secret}", msg=b"")); the request body at
most 20 KB; 100 messages a minute and 5 a second per bot; answer {"code": 0, "msg": "success"}.
Markdown goes in an interactive card's "markdown" element. The custom bot cannot send
files: the roster is left out and the text says where it is. Codes handled: 11232
(frequency limited) -> retry; 19021 (sign match fail or timestamp out of range), 19024
(keywords), 9499 (bad request) and others -> permanent.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass

import aiohttp

from services.broadcast import Limits, Permanent, RetryLater
from services.channels import ChannelError, Post, Step, check_webhook, post_json

MAX_BODY_BYTES = 20 * 1024
RATE_LIMITED = 11232


def sign(secret: str, timestamp: int) -> str:
    digest = hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def card(title: str, markdown: str) -> dict:
    return {"header": {"title": {"tag": "plain_text", "content": title}, "template": "blue"},
            "elements": [{"tag": "markdown", "content": markdown}]}


@dataclass(frozen=True)
class Feishu:
    kind: str = "feishu"
    #: The body limit less room for the card's wrapping, title and signature.
    limit_bytes: int = MAX_BODY_BYTES - 1024
    takes_files: bool = False
    limits: Limits = Limits(per_second=5.0, per_chat_interval=0.6)  # 100 a minute, 5 a second
    hosts: tuple[str, ...] = ("open.feishu.cn", "open.larksuite.com")

    def check(self, url: str, secret: str | None) -> None:
        parts = check_webhook(self, url)
        if not parts.path.startswith("/open-apis/bot/v2/hook/") or parts.path.endswith("/hook/"):
            raise ChannelError("bad_url", kind=self.kind)
        if secret is not None and not secret.strip():
            raise ChannelError("bad_secret", kind=self.kind)

    def steps(self, http: aiohttp.ClientSession, url: str, secret: str | None, post: Post,
              clock: Callable[[], float]) -> list[Step]:
        async def interactive() -> None:
            payload: dict = {"msg_type": "interactive", "card": card(post.title, post.markdown)}
            if secret:
                ts = int(clock())
                payload.update(timestamp=str(ts), sign=sign(secret, ts))
            body = json.dumps(payload, ensure_ascii=False).encode()
            if len(body) > MAX_BODY_BYTES:
                raise Permanent(f"feishu body {len(body)} bytes over {MAX_BODY_BYTES}")
            status, answer = await post_json(http, url, data=body, headers={"Content-Type": "application/json"})
            code = answer.get("code", answer.get("StatusCode"))
            if code == 0:
                return
            if code == RATE_LIMITED or status == 429:
                raise RetryLater(1, f"feishu {code}")
            raise Permanent(f"feishu HTTP {status} code {code}: {answer.get('msg', '')}"[:200])

        return [interactive]


FEISHU = Feishu()
