"""Benchmark: the Monday digest to 500 supervisors through an emulator that enforces
Telegram's limits (30 messages a second overall, 1 a second per chat).

The emulator here answers 429 with retry_after=1 (as Telegram does) whenever a send would
exceed either limit within a sliding second; the bot must stay inside them by itself and
honour the 429s it gets. Each supervisor gets two messages (the digest, then the roster;
the roster is uploaded once per region and re-sent by file_id), so the best possible time
is 1,000 messages / 30 per second. Then the job runs again (a restart): nothing more may go.

Reports the accepted send rate against the 30/s allowed, 429s received, and per
supervisor: lost (missing digest or roster) and duplicates. Last line:

    {"bench": "digest", "rate_fraction": f, "lost": 0, "duplicates": 0}

Goal: rate_fraction >= 0.90, lost == 0, duplicates == 0.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections import deque
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa  # noqa: E402

from bot.app import build_context, create_bot  # noqa: E402
from bot.settings import Settings  # noqa: E402
from emulator import Emulator  # noqa: E402
from emulator.api import Reply  # noqa: E402
from jobs.weekly_digest import SPEC  # noqa: E402
from services.session import Database  # noqa: E402
from storage.models import User  # noqa: E402

TOKEN = "515151:BENCH-token-for-the-digest-bench"
TZ = ZoneInfo("Asia/Shanghai")
DUE = datetime(2026, 11, 23, 9, 0, tzinfo=TZ)
SENDS = frozenset({"sendMessage", "sendDocument"})
PER_SECOND, PER_CHAT = 30, 1.0


class TelegramLimits:
    """Wraps the emulator's API: a send over 30 in the last second overall, or within 1 s
    of the previous one to the same chat, gets Telegram's 429 (retry_after=1)."""

    def __init__(self, api) -> None:
        self.api, self.recent, self.last = api, deque(), {}
        self.accepted: list[float] = []
        self.limited = 0

    def __getattr__(self, name):
        return getattr(self.api, name)

    async def handle(self, token, method, params, uploads, connected):
        if method in SENDS:
            now, chat = time.monotonic(), str(params.get("chat_id"))
            while self.recent and self.recent[0] <= now - 1.0:
                self.recent.popleft()
            if len(self.recent) >= PER_SECOND or now - self.last.get(chat, -9.0) < PER_CHAT:
                self.limited += 1
                body = {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1",
                        "parameters": {"retry_after": 1}}
                return Reply(429, json.dumps(body))
            reply = await self.api.handle(token, method, params, uploads, connected)
            if reply.status == 200:
                self.recent.append(now)
                self.last[chat] = now
                self.accepted.append(now)
            return reply
        return await self.api.handle(token, method, params, uploads, connected)


async def main(supervisors: int, regions: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        async with Emulator(TOKEN, username="ipbot_bench_bot") as emu:
            limits = TelegramLimits(emu.api)
            emu.api = limits
            db = Database(f"sqlite+aiosqlite:///{tmp}/bench.db")
            await db.upgrade()
            ids = [900_000 + i for i in range(supervisors)]
            async with db.engine.begin() as conn:
                await conn.execute(sa.insert(User.__table__), [
                    {"telegram_id": tid, "role": "supervisor", "full_name": f"主管{tid}", "language": "zh",
                     "region_code": f"3205{i % regions:02d}", "active": True,
                     "created_at": datetime.now(timezone.utc)} for i, tid in enumerate(ids)])
            for tid in ids:  # each supervisor has opened the chat with the bot
                await emu.send_text(emu.user(tid), "/start")
            settings = Settings(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE=emu.url, DATABASE_URL=db.url)
            timings = {}
            for attempt in ("first", "restart"):
                bot = create_bot(settings)
                ctx = build_context(settings, db, bot, clock=lambda: DUE.astimezone(timezone.utc))
                t0 = time.perf_counter()
                await SPEC.run(ctx, DUE)
                timings[attempt] = time.perf_counter() - t0
                await bot.session.close()
            await db.close()
            texts = {tid: sum(1 for m in emu.messages(tid) if m.text) for tid in ids}
            docs = {tid: sum(1 for m in emu.messages(tid) if m.document) for tid in ids}
            rejected = len(emu.rejected)
    sent = limits.accepted
    span = sent[-1] - sent[0] if len(sent) > 1 else float("inf")
    rate = (len(sent) - 1) / span
    lost = sum(1 for tid in ids if texts[tid] == 0 or docs[tid] == 0)
    duplicates = sum(1 for tid in ids if texts[tid] > 1 or docs[tid] > 1)
    print(f"{supervisors} supervisors in {regions} regions: {len(sent)} messages accepted in {span:.1f}s "
          f"= {rate:.1f}/s of {PER_SECOND}/s allowed; 429s answered: {limits.limited}; rejected requests: {rejected}")
    print(f"job run: {timings['first']:.1f}s (digests, rosters and sending); run again after a restart: "
          f"{timings['restart']:.1f}s, messages sent by it: {len(sent) - 2 * supervisors if len(sent) > 2 * supervisors else 0}")
    print(f"lost: {lost}, duplicates: {duplicates}")
    return {"bench": "digest", "rate_fraction": round(rate / PER_SECOND, 3), "lost": lost, "duplicates": duplicates}


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--supervisors", type=int, default=500)
    parser.add_argument("--regions", type=int, default=10)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args.supervisors, args.regions))))
