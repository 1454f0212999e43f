"""The demo's keyboard: one line at a time from a thread of its own, and how long a line may be."""

from __future__ import annotations

import asyncio
import queue
import sys
import threading

__all__ = ["LineReader", "line_limit"]


def line_limit(interactive: bool) -> int | None:
    """Bytes of a line the terminal may keep, when input() reads it in canonical mode.

    The kernel's line discipline holds 4,095 bytes of a line (Linux; 1,023 on macOS) and
    drops the rest silently. readline reads key by key, without that limit, but input()
    uses it only when both stdin and stdout are the terminal; a pipe has no limit at all.
    """
    if not interactive:
        return None
    try:
        import readline  # noqa: F401  (line editing, history, and whole long lines for input())
    except ImportError:
        pass
    else:
        if sys.stdout.isatty():
            return None
    return 4095 if sys.platform.startswith("linux") else 1023


class LineReader:
    """input() in a daemon thread of its own: on Ctrl-C the demo must not wait for a line
    that never comes (a thread of the default executor would be waited for at exit)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._requests: queue.SimpleQueue[tuple[str, asyncio.Future[str]]] = queue.SimpleQueue()
        threading.Thread(target=self._serve, name="demo-input", daemon=True).start()

    def read(self, prompt: str) -> asyncio.Future[str]:
        future: asyncio.Future[str] = self._loop.create_future()
        self._requests.put((prompt, future))
        return future

    def _serve(self) -> None:
        while True:
            prompt, future = self._requests.get()
            try:
                outcome: str | BaseException = input(prompt)
            except (EOFError, OSError, ValueError) as error:  # end of input, closed stdin
                outcome = error if isinstance(error, EOFError) else EOFError(str(error))
            self._loop.call_soon_threadsafe(_settle_future, future, outcome)
            if isinstance(outcome, BaseException):
                return


def _settle_future(future: asyncio.Future[str], outcome: str | BaseException) -> None:
    if future.done():
        return
    if isinstance(outcome, BaseException):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)
