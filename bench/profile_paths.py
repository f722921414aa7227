"""Profiles (pyinstrument) of the mock's request path and of the SDK's call path.

The mock is driven in process through its ASGI interface (no sockets, so the profile is
the mock's own work): a prepared book, then many calls of each benchmarked endpoint. The
SDK is profiled calling a mock served on loopback. Text profiles go to
``bench/.cache/profiles/``; the top of each is printed.

    python -m bench.profile_paths [--calls 500]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

import httpx
from pyinstrument import Profiler

import connecttrade
from bench.load import DEMO_HEADERS, order_body
from bench.seeding import seed_orders
from bench.targets import CACHE, MOCK_START
from connecttrade_mock.app import create_app
from connecttrade_mock.clock import ClockMode
from connecttrade_mock.simulator import Settings
from connecttrade_mock.testing import MockServer

__all__ = ["main"]

OUT = CACHE / "profiles"


def _settings() -> Settings:
    return Settings(
        clock_mode=ClockMode.REAL,
        clock_start=datetime.fromisoformat(MOCK_START),
        order_rate_per_second=1e9,
        speedups=True,  # as `connecttrade-mock serve` runs by default
    )


def _save(name: str, profiler: Profiler, calls: int) -> None:
    # The packages under test are installed (site-packages), which pyinstrument would hide
    # as library code: show them, and list self time per function too.
    options = {"show_regex": r".*(connecttrade|jsonschema|starlette|httpx).*"}
    tree = profiler.output_text(show_all=False, processor_options=options)
    flat = profiler.output_text(flat=True, processor_options=options)
    (OUT / f"{name}.txt").write_text(tree + "\n\nSelf time per function:\n" + flat)
    seconds = profiler.last_session.duration if profiler.last_session else 0.0
    print(f"== {name}: {seconds / calls * 1e6:.0f} us per call -> {OUT / (name + '.txt')}")


async def _mock_paths(calls: int) -> None:
    app = create_app(_settings())
    seed_orders(app.state.broker.sim, 1000)
    numbers = itertools.count()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://mock", headers=DEMO_HEADERS
    ) as http:
        for symbol in ("AAPL", "MSFT", "SPY"):
            body = {**order_body(f"hold-{symbol}"), "symbol": symbol, "order_type": "MKT"}
            del body["order_limit_price"]
            (await http.post("/orders", json=body)).raise_for_status()
        requests: list[tuple[str, Callable[[], Awaitable[httpx.Response]]]] = [
            ("mock-get-positions", lambda: http.get("/positions")),
            ("mock-get-orders-page", lambda: http.get("/orders?limit=50")),
            (
                "mock-post-orders",
                lambda: http.post("/orders", json=order_body(f"p-{next(numbers)}")),
            ),
        ]
        for name, request in requests:
            (await request()).raise_for_status()
            profiler = Profiler(async_mode="enabled")
            with profiler:
                for _ in range(calls):
                    (await request()).raise_for_status()
            _save(name, profiler, calls)


def _sdk_path(calls: int) -> None:
    with (
        MockServer(_settings()) as mock,
        connecttrade.Client(
            base_url=mock.base_url,
            client_id=DEMO_HEADERS["client-id"],
            client_secret=DEMO_HEADERS["client-secret"],
            user_id=DEMO_HEADERS["user-id"],
            user_secret=DEMO_HEADERS["user-secret"],
            order_rate_per_second=None,
        ) as client,
    ):
        client.positions.list()
        profiler = Profiler()
        with profiler:
            for _ in range(calls):
                client.positions.list()
                client.orders.place(
                    connecttrade.limit("AAPL", "0.01", "250.00", side="BUY"),
                    account_id="acc_demo_margin",
                    broker="ALPACA",
                )
        _save("sdk-positions-and-place", profiler, calls)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=500)
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    asyncio.run(_mock_paths(args.calls))
    _sdk_path(args.calls)


if __name__ == "__main__":
    main()
