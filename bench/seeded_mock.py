"""The mock broker with N orders already on the books, then served as ``serve`` serves it.

The settings are those :func:`bench.targets.mock_command` gives ``connecttrade-mock serve``
(real clock from ``MOCK_START``, order rate limit lifted, responses validated; the answer
cache off with ``--no-answer-cache``); the orders
come from :func:`bench.seeding.seed_orders`; then, as the CLI does with the books it
starts with, the live objects are frozen out of full collections and uvicorn runs the app
on the mock's ``server_config``.

    python -m bench.seeded_mock --orders 100000 --port 8100
"""

from __future__ import annotations

import argparse
import logging
import time
from collections.abc import Sequence
from datetime import datetime

import uvicorn

from bench.seeding import seed_orders
from bench.targets import MOCK_ORDER_RATE, MOCK_START
from connecttrade_mock import speedups
from connecttrade_mock.app import create_app
from connecttrade_mock.clock import ClockMode
from connecttrade_mock.simulator import Settings
from connecttrade_mock.testing import server_config

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--no-answer-cache", action="store_true", help="as serve's flag")
    args = parser.parse_args(argv)
    settings = Settings(
        clock_mode=ClockMode.REAL,
        clock_start=datetime.fromisoformat(MOCK_START),
        order_rate_per_second=float(MOCK_ORDER_RATE),
        cache_answers=not args.no_answer_cache,
        speedups=True,  # as `connecttrade-mock serve` runs by default
    )
    app = create_app(settings)
    started = time.perf_counter()
    seed_orders(app.state.broker.sim, args.orders)
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("bench").warning(
        "seeded %d orders in %.1f s", args.orders, time.perf_counter() - started
    )
    config = server_config(app, host="127.0.0.1", port=args.port, log_level="warning")
    speedups.before_serving()  # as serve does: the seeded books stay out of collections
    uvicorn.Server(config).run()


if __name__ == "__main__":
    main()
