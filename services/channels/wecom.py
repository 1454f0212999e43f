"""企业微信 group robot.

Documented (群机器人配置说明): POST JSON to
https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY; markdown `content` at most 4096
bytes UTF-8; at most 20 messages a minute per robot; answer {"errcode": 0, "errmsg": "ok"}.
Files go through .../webhook/upload_media?key=KEY&type=file (multipart field `media`,
5 B to 20 MB), then a {"msgtype": "file", "file": {"media_id": …}} message.
Error codes handled: 45009 (api freq out of limit) -> retry after a minute; 93000
(invalid webhook url) and any other non-zero code -> permanent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs

import aiohttp

from services.broadcast import Limits, Permanent, RetryLater
from services.channels import ChannelError, Post, Step, check_webhook, post_json

MAX_FILE_BYTES = 20 * 1024 * 1024
RATE_LIMITED = 45009


def _answer(status: int, body: dict) -> dict:
    code = body.get("errcode")
    if code == 0:
        return body
    if code == RATE_LIMITED:
        raise RetryLater(60, f"wecom {code}: {body.get('errmsg', '')}"[:120])
    raise Permanent(f"wecom HTTP {status} errcode {code}: {body.get('errmsg', '')}"[:200])


@dataclass(frozen=True)
class WeCom:
    kind: str = "wecom"
    limit_bytes: int = 4096
    takes_files: bool = True
    limits: Limits = Limits(per_second=1.0, per_chat_interval=3.0)  # 20 a minute per robot
    hosts: tuple[str, ...] = ("qyapi.weixin.qq.com",)

    def check(self, url: str, secret: str | None) -> None:
        parts = check_webhook(self, url)
        if not parts.path.endswith("/cgi-bin/webhook/send") or not parse_qs(parts.query).get("key"):
            raise ChannelError("bad_url", kind=self.kind)

    def steps(self, http: aiohttp.ClientSession, url: str, secret: str | None, post: Post,
              clock: Callable[[], float]) -> list[Step]:
        async def markdown() -> None:
            _answer(*await post_json(http, url, json={"msgtype": "markdown", "markdown": {"content": post.markdown}}))

        async def file() -> None:
            form = aiohttp.FormData(quote_fields=False)  # the file name as UTF-8, as WeCom shows it
            form.add_field("media", post.file_bytes, filename=post.file_name,
                           content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            upload = url.replace("/webhook/send", "/webhook/upload_media") + "&type=file"
            media = _answer(*await post_json(http, upload, data=form))
            _answer(*await post_json(http, url, json={"msgtype": "file", "file": {"media_id": media["media_id"]}}))

        steps: list[Step] = [markdown]
        if post.file_bytes and 5 <= len(post.file_bytes) <= MAX_FILE_BYTES:
            steps.append(file)
        return steps


WECOM = WeCom()
