"""A local stand-in for the WeCom, DingTalk and Feishu group-robot endpoints (127.0.0.1).

It checks what the real ones document (payload shape, signature and its time window,
size limits, 20-a-minute / 5-a-second rates) and answers as they do: HTTP 200 with an
error code in the JSON, 5xx when told to fail.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

WECOM_KEY, DING_TOKEN, DING_SECRET, FEISHU_HOOK, FEISHU_SECRET = "wk-1", "dt-1", "SECabc123", "fh-1", "fs-1"


@dataclass
class FakeRobots:
    posts: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    errors: list[tuple[str, Any]] = field(default_factory=list)
    fail_next: list[int] = field(default_factory=list)  # HTTP statuses to answer next
    uploads: dict[str, bytes] = field(default_factory=dict)
    _times: dict[str, deque] = field(default_factory=lambda: defaultdict(deque))
    per_minute: int = 20
    url: str = ""
    _runner: web.AppRunner | None = None

    def _rate(self, robot: str, limit: int, window: float) -> bool:
        now, times = time.monotonic(), self._times[robot]
        while times and times[0] <= now - window:
            times.popleft()
        if len(times) >= limit:
            return False
        times.append(now)
        return True

    def _error(self, robot: str, code: Any) -> None:
        self.errors.append((robot, code))

    async def wecom_send(self, request: web.Request) -> web.Response:
        if self.fail_next:
            return web.Response(status=self.fail_next.pop(0), text="<html>bad gateway</html>")
        if request.query.get("key") != WECOM_KEY:
            self._error("wecom", 93000)
            return web.json_response({"errcode": 93000, "errmsg": "invalid webhook url"})
        body = await request.json()
        kind = body.get("msgtype")
        if kind == "markdown":
            content = body["markdown"]["content"]
            if len(content.encode()) > 4096:
                self._error("wecom", 40058)
                return web.json_response({"errcode": 40058, "errmsg": "markdown.content exceed max length 4096"})
        elif kind == "file":
            if body["file"]["media_id"] not in self.uploads:
                return web.json_response({"errcode": 40007, "errmsg": "invalid media_id"})
        else:
            return web.json_response({"errcode": 40008, "errmsg": "invalid message type"})
        if not self._rate("wecom", self.per_minute, 60):
            self._error("wecom", 45009)
            return web.json_response({"errcode": 45009, "errmsg": "api freq out of limit"})
        self.posts["wecom"].append(body)
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    async def wecom_upload(self, request: web.Request) -> web.Response:
        if request.query.get("key") != WECOM_KEY or request.query.get("type") != "file":
            return web.json_response({"errcode": 93000, "errmsg": "invalid webhook url"})
        form = await request.post()
        media = form.get("media")
        data = media.file.read() if media is not None else b""
        if not 5 <= len(data) <= 20 * 1024 * 1024:
            return web.json_response({"errcode": 40006, "errmsg": "invalid media size"})
        media_id = f"m{len(self.uploads) + 1}"
        self.uploads[media_id] = data
        self.posts["wecom_upload"].append({"filename": media.filename, "size": len(data)})
        return web.json_response({"errcode": 0, "errmsg": "ok", "type": "file", "media_id": media_id})

    async def dingtalk(self, request: web.Request) -> web.Response:
        if self.fail_next:
            return web.Response(status=self.fail_next.pop(0), text="busy")
        q = request.query
        if q.get("access_token") != DING_TOKEN:
            return web.json_response({"errcode": 300001, "errmsg": "token is not exist"})
        try:
            ms = int(q.get("timestamp", ""))
        except ValueError:
            ms = 0
        digest = hmac.new(DING_SECRET.encode(), f"{ms}\n{DING_SECRET}".encode(), hashlib.sha256).digest()
        # aiohttp has already url-decoded the query value
        if abs(time.time() * 1000 - ms) > 3_600_000 or q.get("sign") != base64.b64encode(digest).decode():
            self._error("dingtalk", 310000)
            return web.json_response({"errcode": 310000, "errmsg": "sign not match"})
        raw = await request.read()
        body = json.loads(raw)
        if body.get("msgtype") != "markdown" or not body["markdown"].get("title") or "text" not in body["markdown"]:
            return web.json_response({"errcode": 40035, "errmsg": "缺少参数 json"})
        if len(body["markdown"]["text"].encode()) > 20_000:
            self._error("dingtalk", 460101)
            return web.json_response({"errcode": 460101, "errmsg": "message too long, exceed 20000 bytes"})
        if not self._rate("dingtalk", self.per_minute, 60):
            self._error("dingtalk", 410100)
            return web.json_response({"errcode": 410100, "errmsg": "send too fast, exceed 20 times per minute"})
        self.posts["dingtalk"].append(body)
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    async def feishu(self, request: web.Request) -> web.Response:
        if self.fail_next:
            return web.Response(status=self.fail_next.pop(0), text="busy")
        if request.match_info["hook"] != FEISHU_HOOK:
            return web.json_response({"code": 19001, "msg": "param invalid: incoming webhook access token invalid"})
        raw = await request.read()
        if len(raw) > 20 * 1024:
            self._error("feishu", 9499)
            return web.json_response({"code": 9499, "msg": "request body exceeds 20 KB"}, status=400)
        body = json.loads(raw)
        ts = int(body.get("timestamp", "0"))
        expected = base64.b64encode(hmac.new(f"{ts}\n{FEISHU_SECRET}".encode(), b"", hashlib.sha256).digest())
        if abs(time.time() - ts) > 3600 or body.get("sign") != expected.decode():
            self._error("feishu", 19021)
            return web.json_response({"code": 19021, "msg": "sign match fail or timestamp is not within one hour"})
        card = body.get("card") or {}
        if body.get("msg_type") != "interactive" or card.get("elements", [{}])[0].get("tag") != "markdown":
            return web.json_response({"code": 9499, "msg": "Bad Request"}, status=400)
        if not self._rate("feishu", 5, 1) or not self._rate("feishu_min", 100, 60):
            self._error("feishu", 11232)
            return web.json_response({"code": 11232, "msg": "frequency limited"})
        self.posts["feishu"].append(body)
        return web.json_response({"code": 0, "msg": "success", "data": {}})

    async def start(self) -> str:
        app = web.Application(client_max_size=25 * 1024 * 1024)
        app.router.add_post("/cgi-bin/webhook/send", self.wecom_send)
        app.router.add_post("/cgi-bin/webhook/upload_media", self.wecom_upload)
        app.router.add_post("/robot/send", self.dingtalk)
        app.router.add_post("/open-apis/bot/v2/hook/{hook}", self.feishu)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self.url

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    def wecom_url(self, key: str = WECOM_KEY) -> str:
        return f"{self.url}/cgi-bin/webhook/send?key={key}"

    def dingtalk_url(self, token: str = DING_TOKEN) -> str:
        return f"{self.url}/robot/send?access_token={token}"

    def feishu_url(self, hook: str = FEISHU_HOOK) -> str:
        return f"{self.url}/open-apis/bot/v2/hook/{hook}"
