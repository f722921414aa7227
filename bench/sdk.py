"""What the SDK costs on top of raw HTTP: calls against a live mock, and answer parsing.

Calls: ``connecttrade.Client`` and a raw ``httpx.Client`` (same headers, same connection
reuse, ``response.json()`` for the raw answer) make the same call against the same mock,
in interleaved blocks so that drift in the machine's load hits both alike; the ratio is
of the median call times. The SDK's order pacing is turned off, as the mock's limiter is.

Parsing: one 500-order page body, ``json.loads`` alone against the SDK's decoding into
typed ``Order`` values (Decimal numbers, enums, datetimes).
"""

from __future__ import annotations

import itertools
import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

import connecttrade
from bench.load import DEMO_HEADERS, order_body
from connecttrade._private import parse
from connecttrade._private.fields import decode_json

__all__ = ["CallCost", "ParseCost", "page_body", "parse_cost", "sdk_call_costs"]

_BLOCKS = 15
_CALLS_PER_BLOCK = 20
_PARSE_REPEATS = 25


@dataclass(frozen=True, slots=True)
class CallCost:
    """Median seconds per call, raw and through the SDK."""

    call: str
    raw: float
    sdk: float

    @property
    def ratio(self) -> float:
        return self.sdk / self.raw


@dataclass(frozen=True, slots=True)
class ParseCost:
    """Median seconds to turn one page body into Python values."""

    orders: int
    json_loads: float
    sdk: float

    @property
    def ratio(self) -> float:
        return self.sdk / self.json_loads


def _interleaved(raw: Callable[[], object], sdk: Callable[[], object]) -> tuple[float, float]:
    raw_times: list[float] = []
    sdk_times: list[float] = []
    for block in range(_BLOCKS):
        # Alternate which goes first, so neither always runs on a warmer server.
        pairs = [(raw, raw_times), (sdk, sdk_times)]
        for call, times in pairs if block % 2 == 0 else reversed(pairs):
            for _ in range(_CALLS_PER_BLOCK):
                started = time.perf_counter()
                call()
                times.append(time.perf_counter() - started)
    return statistics.median(raw_times), statistics.median(sdk_times)


def sdk_call_costs(base_url: str) -> list[CallCost]:
    """GET /positions and POST /orders, raw against SDK, against the mock at ``base_url``."""
    numbers = itertools.count()
    with (
        httpx.Client(
            base_url=base_url, headers={**DEMO_HEADERS, "accept": "application/json"}
        ) as http,
        connecttrade.Client(
            base_url=base_url,
            client_id=DEMO_HEADERS["client-id"],
            client_secret=DEMO_HEADERS["client-secret"],
            user_id=DEMO_HEADERS["user-id"],
            user_secret=DEMO_HEADERS["user-secret"],
            order_rate_per_second=None,
        ) as client,
    ):

        def raw_positions() -> object:
            response = http.get("/positions")
            response.raise_for_status()
            return response.json()

        def raw_place() -> object:
            response = http.post("/orders", json=order_body(f"raw-{next(numbers)}"))
            response.raise_for_status()
            return response.json()

        def sdk_place() -> object:
            order = connecttrade.limit("AAPL", "0.01", "250.00", side="BUY")
            return client.orders.place(order, account_id="acc_demo_margin", broker="ALPACA")

        results = []
        for name, raw, sdk in (
            ("GET /positions", raw_positions, client.positions.list),
            ("POST /orders", raw_place, sdk_place),
        ):
            raw(), sdk()  # connections open, caches warm
            raw_median, sdk_median = _interleaved(raw, sdk)
            results.append(CallCost(name, raw_median, sdk_median))
        return results


def page_body(base_url: str, size: int = 500) -> bytes:
    """A page of ``size`` orders as the mock sends it (status=all, newest first)."""
    response = httpx.get(
        f"{base_url}/orders",
        params={"status": "all", "limit": str(size)},
        headers=DEMO_HEADERS,
        timeout=30,
    )
    response.raise_for_status()
    return response.content


def parse_cost(body: bytes) -> ParseCost:
    """json.loads against the SDK's typed parsing of the same page body."""
    orders = len(json.loads(body)["orders"])
    loads_times: list[float] = []
    sdk_times: list[float] = []
    for _ in range(_PARSE_REPEATS):
        started = time.perf_counter()
        json.loads(body)
        loads_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        parse.page(parse.order, decode_json(body), "orders")
        sdk_times.append(time.perf_counter() - started)
    return ParseCost(orders, statistics.median(loads_times), statistics.median(sdk_times))
