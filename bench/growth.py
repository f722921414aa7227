"""How cost grows with the orders on the books.

- Over HTTP: a mock started with N orders already resting (``seeded_mock.py``), measured
  with the same wrk settings: ``GET /orders`` (a page of 50) and order placement. The
  mock runs without its answer cache, so every page is worked out afresh: the cost that
  would grow if a request scanned the books.
- In process: the engine's cost per market tick (one simulated second) with N open
  orders, on a manual clock so nothing else runs.
"""

from __future__ import annotations

import statistics
import sys
import time
from dataclasses import dataclass
from datetime import datetime

from bench.load import Load, LoadResult
from bench.seeding import seed_orders
from bench.targets import MOCK_START, Server, free_port
from connecttrade_mock.clock import ClockMode
from connecttrade_mock.simulator import Settings, Simulator

__all__ = ["BookPoint", "book_point", "tick_costs"]

_TICKS = 20


@dataclass(frozen=True, slots=True)
class BookPoint:
    """The measurements at one book size."""

    orders: int
    seed_seconds: float
    page: LoadResult
    place: LoadResult


def book_point(load: Load, orders: int) -> BookPoint:
    """Start a mock with ``orders`` resting orders and measure a page read and placement."""
    port = free_port()
    started = time.perf_counter()
    command = [sys.executable, "-m", "bench.seeded_mock", "--orders", str(orders)]
    command.append("--no-answer-cache")
    with Server(f"mock-{orders}-orders", [*command, "--port", str(port)], port) as mock:
        seeded = time.perf_counter() - started
        page = load.get(mock.base_url, "/orders?limit=50")
        place = load.place(mock.base_url, f"g{orders}")
    return BookPoint(orders, seeded, page, place)


def tick_costs(sizes: list[int]) -> dict[int, float]:
    """Median seconds per engine tick with each number of open orders (sizes ascending)."""
    sim = Simulator(
        Settings(
            clock_mode=ClockMode.MANUAL,
            clock_start=datetime.fromisoformat(MOCK_START),
            order_rate_per_second=1e9,
        )
    )
    costs: dict[int, float] = {}
    seeded = 0
    for size in sizes:
        seed_orders(sim, size - seeded, first=seeded)
        seeded = size
        times = []
        for _ in range(_TICKS):
            started = time.perf_counter()
            sim.advance(1)
            times.append(time.perf_counter() - started)
        if len(sim.store.open_orders) != size:
            raise RuntimeError(f"expected {size} open orders, found {len(sim.store.open_orders)}")
        costs[size] = statistics.median(times)
    return costs
