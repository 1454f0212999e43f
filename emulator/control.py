"""HTTP control API under /_emu/: the `Emulator` Python API for other processes.

The terminal demo (or any script) plays users and reads the bot's output through
it. Every route takes an optional `token` (which bot; default the first). Users
are given as {"id": ..., "first_name": ..., ...} (registered on first use) or as
the id of a user registered earlier. Errors answer 400 {"error": "..."}.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .state import FakeUser

if TYPE_CHECKING:
    from .core import EmulatorCore as Emulator

Endpoint = Callable[["Emulator", dict[str, Any]], Awaitable[Any]]


def add_control_routes(app: web.Application, emulator: Emulator) -> None:
    def route(endpoint: Endpoint) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def handler(request: web.Request) -> web.Response:
            args: dict[str, Any] = dict(request.query)
            try:
                if request.body_exists:
                    args.update(await request.json())
                return _json(await endpoint(emulator, args))
            except (LookupError, ValueError, TypeError) as error:
                return _json({"error": str(error)}, 400)

        return handler

    post = {
        "users": _users,
        "open_chat": _open_chat,
        "send_text": _send_text,
        "send_location": _send_location,
        "send_contact": _send_contact,
        "send_document": _send_document,
        "send_photo": _send_photo,
        "send_sticker": _send_sticker,
        "send_voice": _send_voice,
        "edit_text": _edit_text,
        "press": _press,
        "redeliver": _redeliver,
        "faults": _faults,
    }
    get = {
        "bots": _bots,
        "messages": _messages,
        "commands": _commands,
        "calls": _calls,
        "rejected": _rejected,
        "callbacks": _callbacks,
    }
    for name, endpoint in post.items():
        app.router.add_post(f"/_emu/{name}", route(endpoint))
    for name, endpoint in get.items():
        app.router.add_get(f"/_emu/{name}", route(endpoint))
    app.router.add_delete("/_emu/faults", route(_clear_faults))
    app.router.add_get("/_emu/files/{file_id}", _file_route(emulator))


def _user(emulator: Emulator, args: dict[str, Any]) -> FakeUser:
    user = args["user"]
    if isinstance(user, dict):
        return emulator.user(**user)
    return emulator.users[int(user)]


async def _users(emulator: Emulator, args: dict[str, Any]) -> Any:
    args.pop("token", None)
    return asdict(emulator.user(**args))


async def _open_chat(emulator: Emulator, args: dict[str, Any]) -> Any:
    emulator.open_chat(_user(emulator, args), token=args.get("token"))
    return {"ok": True}


async def _send_text(emulator: Emulator, args: dict[str, Any]) -> Any:
    update_id = await emulator.send_text(_user(emulator, args), args["text"], token=args.get("token"))
    return {"update_id": update_id}


async def _send_location(emulator: Emulator, args: dict[str, Any]) -> Any:
    user, token = _user(emulator, args), args.get("token")
    update_id = await emulator.send_location(user, float(args["latitude"]), float(args["longitude"]), token=token)
    return {"update_id": update_id}


async def _send_contact(emulator: Emulator, args: dict[str, Any]) -> Any:
    user, token = _user(emulator, args), args.get("token")
    update_id = await emulator.send_contact(user, str(args["phone_number"]), first_name=args.get("first_name"),
                                            last_name=args.get("last_name"), user_id=args.get("user_id"), token=token)
    return {"update_id": update_id}


async def _send_document(emulator: Emulator, args: dict[str, Any]) -> Any:
    update_id = await emulator.send_document(
        _user(emulator, args),
        args["filename"],
        base64.b64decode(args["data_base64"]),
        args.get("mime_type", "application/octet-stream"),
        caption=args.get("caption"),
        token=args.get("token"),
    )
    return {"update_id": update_id}


async def _send_photo(emulator: Emulator, args: dict[str, Any]) -> Any:
    extra = {"data": base64.b64decode(args["data_base64"])} if "data_base64" in args else {}
    update_id = await emulator.send_photo(
        _user(emulator, args), caption=args.get("caption"), token=args.get("token"), **extra
    )
    return {"update_id": update_id}


async def _send_sticker(emulator: Emulator, args: dict[str, Any]) -> Any:
    update_id = await emulator.send_sticker(_user(emulator, args), args.get("emoji", "👍"), token=args.get("token"))
    return {"update_id": update_id}


async def _send_voice(emulator: Emulator, args: dict[str, Any]) -> Any:
    update_id = await emulator.send_voice(_user(emulator, args), int(args.get("duration", 1)), token=args.get("token"))
    return {"update_id": update_id}


async def _edit_text(emulator: Emulator, args: dict[str, Any]) -> Any:
    update_id = await emulator.edit_text(
        _user(emulator, args), int(args["message_id"]), args["text"], token=args.get("token")
    )
    return {"update_id": update_id}


async def _press(emulator: Emulator, args: dict[str, Any]) -> Any:
    user, token = _user(emulator, args), args.get("token")
    if "text_contains" in args:
        update_id = await emulator.press_button(user, args["text_contains"], token=token)
    else:
        update_id = await emulator.press(user, int(args["message_id"]), args["callback_data"], token=token)
    return {"update_id": update_id}


async def _redeliver(emulator: Emulator, args: dict[str, Any]) -> Any:
    return {"queued": await emulator.redeliver(int(args["update_id"]), token=args.get("token"))}


async def _faults(emulator: Emulator, args: dict[str, Any]) -> Any:
    emulator.inject_fault(
        args.get("method"),
        str(args["kind"]),
        count=int(args.get("count", 1)),
        retry_after=int(args.get("retry_after", 1)),
        delay=float(args["delay"]) if "delay" in args else None,
    )
    return {"ok": True}


async def _clear_faults(emulator: Emulator, args: dict[str, Any]) -> Any:
    emulator.clear_faults()
    return {"ok": True}


async def _bots(emulator: Emulator, args: dict[str, Any]) -> Any:
    return [{"token": t, **emulator.bot_state(t).user_api} for t in emulator.tokens]


async def _messages(emulator: Emulator, args: dict[str, Any]) -> Any:
    """The bot's output stream (sends and edits) in a chat; poll with after=<previous next>."""
    after = int(args.get("after", 0))
    records = await emulator.outputs(
        int(args["chat_id"]), after, float(args.get("timeout", 0)), token=args.get("token")
    )
    return {"messages": [r.to_control() for r in records], "next": after + len(records)}


async def _commands(emulator: Emulator, args: dict[str, Any]) -> Any:
    token = args.get("token")
    if "visible_to" in args:
        return emulator.visible_commands(int(args["visible_to"]), args.get("language_code"), token=token)
    chat_id = int(args["chat_id"]) if "chat_id" in args else None
    return emulator.commands(
        chat_id, args.get("language_code"), scope=args.get("scope", "default"), token=token
    )


async def _calls(emulator: Emulator, args: dict[str, Any]) -> Any:
    after = int(args.get("after", 0))
    calls = emulator.calls[after:]
    return {"calls": [asdict(c) for c in calls], "next": after + len(calls)}


async def _rejected(emulator: Emulator, args: dict[str, Any]) -> Any:
    return [asdict(r) for r in emulator.rejected]


async def _callbacks(emulator: Emulator, args: dict[str, Any]) -> Any:
    token = args.get("token")
    unanswered = str(args.get("unanswered", "")).lower() in ("1", "true")
    callbacks = emulator.unanswered_callbacks(token=token) if unanswered else emulator.callbacks(token=token)
    return [asdict(c) for c in callbacks]


def _file_route(emulator: Emulator) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def handler(request: web.Request) -> web.Response:
        try:
            files = emulator.bot_state(request.query.get("token")).files
        except LookupError as error:
            return _json({"error": str(error)}, 400)
        record = files.get(request.match_info["file_id"])
        if record is None:
            return _json({"error": "unknown file_id"}, 404)
        return web.Response(body=record.data, content_type=record.mime_type or "application/octet-stream")

    return handler


def _json(payload: Any, status: int = 200) -> web.Response:
    return web.Response(
        status=status, text=json.dumps(payload, ensure_ascii=False, default=_encode), content_type="application/json"
    )


def _encode(value: Any) -> Any:
    """File contents inside journaled params (uploads) are shown by size only."""
    if isinstance(value, bytes):
        return {"size": len(value)}
    raise TypeError(f"cannot encode {type(value).__name__}")
