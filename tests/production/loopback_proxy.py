"""A small proxy on loopback for the tests: HTTP CONNECT (RFC 9110 §9.3.6, Basic credentials)
and SOCKS5 (RFC 1928 with RFC 1929 user name and password) on one port, told apart by the
first byte (5 is SOCKS5's version).

It counts what went through it: tunnels opened, credentials refused, and every HTTP request
line the client sent inside a tunnel (the emulator speaks plain HTTP, so the requests can be
read), so a test can check that each Bot API call and download went through the proxy.

Bounded: it serves on 127.0.0.1 only, closes by itself after `lifetime` seconds, and every
tunnel is closed with it.
"""

from __future__ import annotations

import asyncio
import base64
import re
import ssl
import struct
from dataclasses import dataclass, field

#: A Bot API request line (a keep-alive request follows the last one's body directly, no CRLF between).
REQUEST_LINE = re.compile(rb"(GET|POST) (/(?:file/)?bot\S*) HTTP/1\.[01]\r\n")
KEEP = 4096


@dataclass
class LoopbackProxy:
    username: str | None = None
    password: str | None = None
    lifetime: float = 30.0
    #: With a TLS context the proxy speaks TLS to its clients (an https:// proxy).
    tls: ssl.SSLContext | None = None
    tunnels: int = 0
    refused: int = 0
    requests: list[tuple[str, str]] = field(default_factory=list)
    _server: asyncio.Server | None = None
    _tasks: set[asyncio.Task] = field(default_factory=set)

    async def __aenter__(self) -> "LoopbackProxy":
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=self.tls)
        self.port = self._server.sockets[0].getsockname()[1]
        self._deadline = asyncio.get_running_loop().call_later(self.lifetime, self._server.close)
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self._deadline.cancel()
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()

    def url(self, scheme: str, username: str | None = None, password: str | None = None) -> str:
        who = f"{username}:{password}@" if username is not None else ""
        return f"{scheme}://{who}127.0.0.1:{self.port}"

    def methods(self) -> list[str]:
        """The Bot API method (or "download") of every request that went through, in order."""
        return ["download" if path.startswith("/file/") else path.rsplit("/", 1)[-1] for _verb, path in self.requests]

    # ------------------------------------------------------------------ serving

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        self._tasks.add(task)
        try:
            first = await asyncio.wait_for(reader.readexactly(1), 5)
            target = await (self._socks5(reader, writer) if first == b"\x05" else self._connect(first, reader, writer))
            if target is None:
                return
            up_reader, up_writer = await asyncio.open_connection(*target)
            self.tunnels += 1
            await asyncio.gather(self._pipe(reader, up_writer, count=True), self._pipe(up_reader, writer))
        except (asyncio.IncompleteReadError, ConnectionError, TimeoutError):
            pass
        finally:
            writer.close()
            self._tasks.discard(task)

    def _allowed(self, username: str | None, password: str | None) -> bool:
        if self.username is None:
            return True
        return (username, password) == (self.username, self.password)

    async def _connect(self, first: bytes, reader: asyncio.StreamReader,
                       writer: asyncio.StreamWriter) -> tuple[str, int] | None:
        head = first + await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
        lines = head.decode("latin-1").split("\r\n")
        verb, authority, _version = lines[0].split(" ", 2)
        headers = dict(line.split(":", 1) for line in lines[1:] if ":" in line)
        given = {k.strip().lower(): v.strip() for k, v in headers.items()}.get("proxy-authorization", "")
        username = password = None
        if given.lower().startswith("basic "):
            username, _, password = base64.b64decode(given[6:]).decode().partition(":")
        if verb != "CONNECT":
            writer.write(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            return None
        if not self._allowed(username, password):
            self.refused += 1
            writer.write(b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                         b"Proxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\n\r\n")
            await writer.drain()
            return None
        host, _, port = authority.rpartition(":")
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        await writer.drain()
        return host.strip("[]"), int(port)

    async def _socks5(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> tuple[str, int] | None:
        count = (await reader.readexactly(1))[0]
        offered = await reader.readexactly(count)
        wanted = 2 if self.username is not None else 0
        if wanted not in offered:
            writer.write(b"\x05\xff")
            self.refused += 1
            return None
        writer.write(bytes([5, wanted]))
        if wanted == 2:
            _version, size = await reader.readexactly(2)
            username = (await reader.readexactly(size)).decode()
            size = (await reader.readexactly(1))[0]
            password = (await reader.readexactly(size)).decode()
            if not self._allowed(username, password):
                self.refused += 1
                writer.write(b"\x01\x01")
                await writer.drain()
                return None
            writer.write(b"\x01\x00")
        _version, command, _reserved, kind = await reader.readexactly(4)
        if kind == 1:
            host = ".".join(str(b) for b in await reader.readexactly(4))
        elif kind == 3:
            host = (await reader.readexactly((await reader.readexactly(1))[0])).decode()
        else:
            raise ConnectionError("IPv6 targets are not needed here")
        (port,) = struct.unpack("!H", await reader.readexactly(2))
        if command != 1:
            writer.write(b"\x05\x07\x00\x01\x00\x00\x00\x00\x00\x00")
            return None
        writer.write(b"\x05\x00\x00\x01\x7f\x00\x00\x01\x00\x00")
        await writer.drain()
        return host, port

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, count: bool = False) -> None:
        pending = b""
        try:
            while chunk := await reader.read(65536):
                if count:
                    data = pending + chunk
                    end = 0
                    for match in REQUEST_LINE.finditer(data):
                        self.requests.append((match[1].decode(), match[2].decode()))
                        end = match.end()
                    pending = data[end:][-KEEP:]
                writer.write(chunk)
                await writer.drain()
        finally:
            writer.close()
