"""HTTP front: Telegram's URL layout and request encodings, nothing else.

aiogram 3 posts every call as a form: application/x-www-form-urlencoded when no
file is attached, multipart/form-data otherwise (files as parts referenced by
"attach://<name>"), with objects JSON-encoded and booleans as "true"/"false".
Other clients send JSON or query strings; all are accepted, as Telegram does.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .control import add_control_routes
from .errors import ApiError, bad_request
from .spec import Upload

if TYPE_CHECKING:
    from .core import EmulatorCore as Emulator

MAX_REQUEST_BYTES = 50 * 1024 * 1024  # Telegram's upload limit for bots
_NOT_FOUND = '{"ok":false,"error_code":404,"description":"Not Found"}'


def create_app(emulator: Emulator) -> web.Application:
    app = web.Application(client_max_size=MAX_REQUEST_BYTES)

    async def bot_api(request: web.Request) -> web.Response:
        token, method = request.match_info["token"], request.match_info["method"]
        try:
            params, uploads = await _read_params(request)
        except ApiError as error:
            reply = emulator.api.refuse(token, method, {}, error)
        else:
            reply = await emulator.api.handle(token, method, params, uploads, lambda: _connected(request))
        return web.Response(status=reply.status, text=reply.body, content_type=reply.content_type)

    async def download(request: web.Request) -> web.Response:
        token, path = request.match_info["token"], request.match_info["path"]
        record = emulator.bot_state(token).files_by_path.get(path) if token in emulator.tokens else None
        if record is None:
            return web.Response(status=404, text=_NOT_FOUND, content_type="application/json")
        return web.Response(body=record.data, content_type=record.mime_type or "application/octet-stream")

    app.router.add_route("*", "/bot{token}/{method}", bot_api)
    app.router.add_get("/file/bot{token}/{path:.+}", download)
    add_control_routes(app, emulator)
    return app


async def _read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, Upload]]:
    params: dict[str, Any] = dict(request.query)
    uploads: dict[str, Upload] = {}
    if not request.body_exists:
        return params, uploads
    content_type = request.content_type
    if content_type == "application/json":
        try:
            body = json.loads(await request.read())
        except ValueError:
            raise bad_request("can't parse JSON object") from None
        if not isinstance(body, dict):
            raise bad_request("request body must be a JSON object")
        params.update(body)
    elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for key, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                uploads[key] = Upload(value.filename, value.file.read(), value.content_type)
            else:
                params[key] = value
    else:
        raise bad_request(f"unsupported request content type {content_type!r}")
    return params, uploads


def _connected(request: web.Request) -> bool:
    transport = request.transport
    return transport is not None and not transport.is_closing()
