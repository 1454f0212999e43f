"""Injected failures: how Telegram misbehaves in production, on demand.

A faulted call is answered with the failure before validation and has no side
effect, and it is not counted as a rejection: the bot did nothing wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FaultKind = Literal["429", "500", "502", "timeout"]
KINDS: frozenset[str] = frozenset({"429", "500", "502", "timeout"})

# What Telegram's nginx front end answers when the Bot API backend is down: HTML, not JSON.
NGINX_BAD_GATEWAY = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n"
    "</body>\r\n</html>\r\n"
)


@dataclass(slots=True)
class Fault:
    method: str | None  # lower-case method name, or None for any method
    kind: str
    remaining: int
    retry_after: int
    delay: float


class FaultPlan:
    """Pending faults, consumed in the order they were injected."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []

    def add(self, method: str | None, kind: str, count: int, retry_after: int, delay: float) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {sorted(KINDS)}")
        if count < 1:
            raise ValueError("count must be at least 1")
        self._faults.append(Fault(method.lower() if method else None, kind, count, retry_after, delay))

    def take(self, method: str) -> Fault | None:
        """Consume one use of the first fault that applies to this method."""
        if not self._faults:
            return None
        name = method.lower()
        for fault in self._faults:
            if fault.method is None or fault.method == name:
                fault.remaining -= 1
                if fault.remaining == 0:
                    self._faults.remove(fault)
                return fault
        return None

    def clear(self) -> None:
        self._faults.clear()
