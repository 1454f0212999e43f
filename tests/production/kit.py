"""Helpers of the production tests: a free loopback port, a scrape of /metrics, waiting."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable

import aiohttp
from prometheus_client.parser import text_string_to_metric_families


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.get(url, timeout=aiohttp.ClientTimeout(total=5)) as r:
        return r.status, await r.text()


async def scrape(url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """/metrics as {(sample name, sorted labels): value}."""
    status, body = await get(url)
    assert status == 200, body
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(body) for s in family.samples}


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def until(condition: Callable[[], object], timeout: float = 15.0, what: str = "condition") -> None:
    """Wait, bounded, until `condition()` is true."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, f"{what} not met within {timeout}s"
        await asyncio.sleep(0.01)


def sample(metrics, name: str, **labels: str) -> float:
    """One sample of a bot's own registry (bot.metrics.Metrics); 0 when it has none yet."""
    return metrics.registry.get_sample_value(name, labels) or 0.0
