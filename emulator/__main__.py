"""`python -m emulator --port 8081 --token 123456:ABC`: a standalone emulator."""

from __future__ import annotations

import argparse
import logging

from .core import run_standalone


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m emulator", description="Telegram Bot API emulator")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", action="append", required=True, help="bot token; repeat for several bots")
    parser.add_argument("--username", default="emulator_bot", help="the bot's username (default emulator_bot)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    run_standalone(args.host, args.port, args.token, args.username)


if __name__ == "__main__":
    main()
