"""The engine's open-order indexes (reserve sums, resting-order book) change nothing it does.

Two simulators run the same seeded session of orders, cancels, replaces, quote moves and
clock jumps: one with the engine as shipped, one whose indexes are replaced by scanning
every open order (what the engine did before it had them). Every order, balance,
position and transaction must come out the same.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable, Iterable, Mapping
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from mock_api import CALL_100, CALL_110, START

from connecttrade_mock.broker._engine_support import SELLING_SIDES
from connecttrade_mock.broker.accounting import Reserve
from connecttrade_mock.broker.engine import Engine
from connecttrade_mock.broker.errors import ApiError
from connecttrade_mock.broker.state import Order, Position, Store
from connecttrade_mock.clock import ClockMode
from connecttrade_mock.simulator import DEMO, Settings, Simulator
from connecttrade_mock.wire.records import balance_json, order_json, position_json, transaction_json

USER = (DEMO.client_id, DEMO.user_id)
ACCOUNTS = {DEMO.margin_account_id: "ALPACA", DEMO.cash_account_id: "TRADIER"}
SYMBOLS = ("AAPL", "MSFT", "ZWZZT")
TIFS = ("DAY", "GTC", "DAY+", "IOC", "FOK", "CLOSE")
SIDES = ("BUY", "SELL", "SELL_SHORT", "BUY_TO_COVER")


class ScanningReserves:
    """The reserve sums answered by scanning every open order of the account."""

    def __init__(self, store: Callable[[], Store]) -> None:
        self._store = store

    def entry(self, order_id: str) -> Reserve | None:
        """No entries kept: every answer is a fresh scan."""
        return None

    def put(self, entry: Reserve) -> None:
        """Nothing to keep: every answer is a fresh scan."""

    def discard(self, order_id: str) -> None:
        """Nothing to forget: every answer is a fresh scan."""

    def total(
        self,
        account_id: str,
        positions: Mapping[str, Position],
        priced: Callable[[Order], Decimal],
        exclude: Order | None = None,
    ) -> Decimal:
        orders = self._store().open_orders_of(account_id)
        return sum((priced(o) for o in orders if o is not exclude), Decimal(0))

    def sellers(self, account_id: str, symbol: str) -> Iterable[Order]:
        return [
            o
            for o in self._store().open_orders_of(account_id)
            if o.symbol == symbol and o.side in SELLING_SIDES
        ]


class ScanningEngine(Engine):
    """The engine without its indexes: every tick works every open order."""

    def _track_orders(self) -> None:
        super()._track_orders()
        self._reserves = ScanningReserves(lambda: self.store)  # type: ignore[assignment]

    def _due(self) -> dict[str, Order]:
        self.store.take_order_changes()
        return dict(self.store.open_orders)


def simulator(scanning: bool) -> Simulator:
    sim = Simulator(
        Settings(clock_mode=ClockMode.MANUAL, clock_start=START, order_rate_per_second=1e9)
    )
    if scanning:
        sim.engine = ScanningEngine(
            sim.store, sim.engine.market, sim.ids, lambda: sim.clock.forced_session
        )
        sim.engine.step(sim.clock.now())
    return sim


def order_body(rng: random.Random, sim: Simulator, number: int) -> dict[str, Any]:
    account = rng.choice(list(ACCOUNTS))
    if rng.random() < 0.08:
        return {
            "account_id": DEMO.margin_account_id,
            "cl_order_id": f"c{number}",
            "broker": "ALPACA",
            "instrument": "MLEG_OPT",
            "order_type": "LMT",
            "order_tif": "DAY",
            "order_qty": "1",
            "order_limit_price": rng.choice(["2.50", "-1.00", "9.00"]),
            "legs": [
                {"symbol": CALL_100, "action": "BUY_TO_OPEN", "ratio": "1"},
                {"symbol": CALL_110, "action": "SELL_TO_OPEN", "ratio": "1"},
            ],
        }
    symbol = rng.choice(SYMBOLS)
    quote = sim.market.quote(symbol)
    order_type = rng.choice(("LMT", "LMT", "LMT", "MKT", "STP", "STPLMT"))
    body: dict[str, Any] = {
        "account_id": account,
        "cl_order_id": f"c{number}",
        "broker": ACCOUNTS[account],
        "symbol": symbol,
        "side": rng.choice(SIDES),
        "order_type": order_type,
        "order_tif": rng.choice(TIFS),
        "order_qty": rng.choice(["1", "3", "2.5", "40", "700"]),
    }
    if order_type in ("LMT", "STPLMT"):
        offset = Decimal(rng.randint(-30, 30)) / 1000
        body["order_limit_price"] = str((quote.last * (1 + offset)).quantize(Decimal("0.01")))
    if order_type in ("STP", "STPLMT"):
        offset = Decimal(rng.randint(-20, 20)) / 1000
        body["stop_price"] = str((quote.last * (1 + offset)).quantize(Decimal("0.01")))
    return body


def act(rng: random.Random, sim: Simulator, number: int) -> None:
    """One step of the session; the same ``rng`` state gives the same step on both."""
    roll = rng.random()
    # A replacement still pending is left alone: over HTTP every request steps the engine
    # first, which confirms the replace, so a client never cancels one in that state.
    open_ids = sorted(
        (i for i, o in sim.store.open_orders.items() if o.status.value != "pending"),
        key=lambda i: sim.store.orders[i].seq,
    )
    if roll < 0.55:
        sim.engine.place(USER, order_body(rng, sim, number))
    elif roll < 0.65 and open_ids:
        order = sim.store.orders[rng.choice(open_ids)]
        with contextlib.suppress(ApiError):  # refused cancels are part of the session
            sim.engine.cancel(USER, order.account_id, order.order_id)
    elif roll < 0.72 and open_ids:
        order = sim.store.orders[rng.choice(open_ids)]
        change: dict[str, Any] = {"broker": order.broker, "new_cl_order_id": f"m{number}"}
        if order.order_limit_price is not None and order.instrument != "MLEG_OPT":
            change["order_limit_price"] = str(order.order_limit_price * Decimal("1.01"))
        with contextlib.suppress(ApiError):  # refused replaces too
            sim.engine.modify(USER, order.account_id, order.order_id, change)
    elif roll < 0.85:
        symbol = rng.choice(SYMBOLS[:2])
        mid = sim.market.quote(symbol).last * (1 + Decimal(rng.randint(-25, 25)) / 1000)
        sim.market.set_quote(symbol, mid.quantize(Decimal("0.01")), mid + Decimal("0.05"))
        sim.sync()
    else:
        sim.advance(rng.choice([1, 1, 2, 30, 900, 4 * 3600, 20 * 3600]))


def snapshot(sim: Simulator) -> dict[str, Any]:
    store = sim.store
    return {
        "orders": {i: order_json(o) for i, o in store.orders.items()},
        "balances": [
            balance_json(a, sim.engine.balance_figures(a)) for a in store.accounts.values()
        ],
        "positions": [position_json(p, sim.engine.last_price(p)) for p in store.positions.values()],
        "transactions": [transaction_json(t) for t in store.transactions.values()],
    }


@pytest.mark.parametrize("seed", [1, 2, 3], ids=["seed-1", "seed-2", "seed-3"])
def test_indexed_engine_does_what_scanning_every_open_order_does(seed: int) -> None:
    """Orders, balances, positions and transactions match a scan of every open order."""
    indexed, scanning = simulator(scanning=False), simulator(scanning=True)
    indexed_rng, scanning_rng = random.Random(seed), random.Random(seed)
    for number in range(400):
        act(indexed_rng, indexed, number)
        act(scanning_rng, scanning, number)
        if number % 25 == 0:
            assert snapshot(indexed) == snapshot(scanning), f"differ after step {number}"
    assert snapshot(indexed) == snapshot(scanning)
    states = {o.status.value for o in indexed.store.orders.values()}
    # The session reached the paths the indexes shortcut, or it proved little.
    assert {"filled", "expired", "cancelled", "rejected"} <= states
    assert states & {"working", "partially_filled"}  # some orders rested in the indexes
    assert any(o.fills and o.is_open for o in indexed.store.orders.values()) or (
        "partially_filled" in states
    )


def test_a_tick_with_many_resting_orders_works_only_those_that_can_act() -> None:
    """Resting limits far from the touch cost a tick nothing; a crossed one still fills."""
    sim = simulator(scanning=False)
    sim.market.set_quote("AAPL", Decimal("100.00"), Decimal("100.10"))
    for number in range(300):
        sim.engine.place(
            USER,
            {
                "account_id": DEMO.margin_account_id,
                "cl_order_id": f"r{number}",
                "broker": "ALPACA",
                "symbol": "AAPL",
                "side": "BUY",
                "order_type": "LMT",
                "order_tif": "GTC",
                "order_qty": "1",
                "order_limit_price": str(Decimal("95.00") + Decimal(number) / 100),
            },
        )
    worked: list[str] = []
    original = sim.engine._work

    def counting(order: Order) -> None:
        worked.append(order.order_id)
        original(order)

    sim.engine._work = counting  # type: ignore[method-assign]
    sim.advance(1)
    assert worked == []
    sim.market.set_quote("AAPL", Decimal("97.89"), Decimal("97.94"))
    sim.advance(1)
    orders = sim.store.orders.values()
    crossed = [o for o in orders if (o.order_limit_price or 0) >= Decimal("97.94")]
    assert sorted(worked) == sorted(o.order_id for o in crossed)
    assert all(o.status.value == "filled" for o in crossed)
    assert len(sim.store.open_orders) == 300 - len(crossed)


def test_expired_resting_orders_leave_the_book_at_their_time() -> None:
    """A day order resting far from the touch expires at the close like any other."""
    sim = simulator(scanning=False)
    order = sim.engine.place(
        USER,
        {
            "account_id": DEMO.margin_account_id,
            "cl_order_id": "day-1",
            "broker": "ALPACA",
            "symbol": "AAPL",
            "side": "BUY",
            "order_type": "LMT",
            "order_tif": "DAY",
            "order_qty": "1",
            "order_limit_price": str(
                (sim.market.circuit_band("AAPL")[0] + 1).quantize(Decimal("0.01"))
            ),
        },
    )
    assert order.status.value == "working"
    sim.advance(timedelta(hours=6).total_seconds() + 1)
    assert order.status.value == "expired"
    account = sim.store.accounts[order.account_id]
    assert sim.engine.balance_figures(account).open_orders_reserved == 0
