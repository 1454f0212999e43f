"""`Emulator`: the emulator with its HTTP server (Bot API routes and the /_emu/ control API).

The behaviour lives in `emulator.core.EmulatorCore`; this module only starts and stops the
server around it, so `core` never imports the routes that call it.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Iterable, Mapping

from aiohttp import web

from .core import EmulatorCore
from .server import create_app
from .state import BotInfo

__all__ = ["Emulator", "run_standalone"]


class Emulator(EmulatorCore):
    """A Telegram Bot API server for one or more bot tokens (see `EmulatorCore`), served over HTTP."""

    # --- lifecycle ------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve on host:port (0 = any free port); return the base URL for TelegramAPIServer.from_base.

        Calling it again while serving returns the same URL (so `async with` plus an
        explicit start() is harmless) unless a different port is asked for.
        """
        if self._runner is not None:
            if port not in (0, self._port):
                raise RuntimeError(f"the emulator already serves on {self.url}")
            return self.url
        self._closing.clear()
        for bot in self._bots.values():
            bot.closed = False
        runner = web.AppRunner(create_app(self), access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        await web.TCPSite(runner, host, port).start()
        self._runner = runner
        self._port = runner.addresses[0][1]
        self.url = f"http://{f'[{host}]' if ':' in host else host}:{self._port}"
        return self.url

    async def stop(self) -> None:
        """Release long polls and held requests, stop webhooks, close the server."""
        self._closing.set()
        for bot in self._bots.values():
            bot.closed = True
            bot.queue.wake()
        await self._webhooks.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Emulator:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()


def run_standalone(
    host: str = "127.0.0.1",
    port: int = 8081,
    tokens: Mapping[str, BotInfo] | Iterable[str] | str = (),
    username: str = "emulator_bot",
) -> None:
    """Serve until SIGINT or SIGTERM; used by `python -m emulator` and `ipbot emulator`."""

    async def serve() -> None:
        emulator = Emulator(tokens, username)
        url = await emulator.start(host, port)
        bots = ", ".join(f"@{emulator.bot_state(t).info.username}" for t in emulator.tokens)
        print(f"Telegram Bot API emulator on {url} for {bots}; control API under {url}/_emu/", flush=True)
        stopped = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stopped.set)
        try:
            await stopped.wait()
        finally:
            await emulator.stop()

    asyncio.run(serve())
