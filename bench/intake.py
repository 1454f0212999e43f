"""Benchmark: what the durable intake costs per update, on SQLite (the embedded default).

Records 2,000 updates in batches of 20 (about what one getUpdates returns under the
updates bench's load), then marks them done in bursts, as the intake does for
read-only updates. The yardstick, in the same run: aiogram parsing the same updates
from JSON (work every bot does for every update anyway).

Last line: {"bench": "intake", "us_per_update": x, "parse_us_per_update": y, "ratio": x/y}
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aiogram.types import Update  # noqa: E402

from bot.intake import raw_json  # noqa: E402
from services import inbox  # noqa: E402
from services.session import Database  # noqa: E402

N, BATCH = 2000, 20


def sample(i: int) -> dict:
    return {"update_id": 100_000 + i, "message": {
        "message_id": i, "date": 1764547200 + i, "text": f"/whoami {i}",
        "chat": {"id": 910_000 + i % 50, "type": "private", "first_name": "用户"},
        "from": {"id": 910_000 + i % 50, "is_bot": False, "first_name": "用户", "language_code": "zh-hans"},
        "entities": [{"type": "bot_command", "offset": 0, "length": 7}]}}


async def main() -> None:
    payloads = [json.dumps(sample(i), ensure_ascii=False) for i in range(N)]
    started = time.process_time()
    updates = [Update.model_validate_json(p) for p in payloads]
    parse = time.process_time() - started

    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite+aiosqlite:///{tmp}/bench.db")
        await db.upgrade()
        started = time.process_time()
        for i in range(0, N, BATCH):
            batch = updates[i:i + BATCH]
            fresh = await inbox.record(db, [(u.update_id, raw_json(u)) for u in batch])
            await inbox.mark_done(db, [r.inbox_id for r in fresh])
        intake = time.process_time() - started
        counts = await inbox.counts(db)
        await db.close()
    assert counts["done"] == N, counts
    us, parse_us = intake / N * 1e6, parse / N * 1e6
    print(f"intake: {us:.0f} µs of CPU per update (record in batches of {BATCH}, mark done per batch); "
          f"yardstick, aiogram parsing the same update: {parse_us:.0f} µs")
    print(json.dumps({"bench": "intake", "us_per_update": round(us, 1), "parse_us_per_update": round(parse_us, 1),
                      "ratio": round(us / parse_us, 2)}))


if __name__ == "__main__":
    asyncio.run(main())
