"""The engine's step between sweeps costs nothing, yet nothing it keeps goes stale.

A step notes the time and returns at once unless a sweep (once per simulated second), a
cancel or replace to confirm or a new day is due; quotes, circuit bands and position
values are kept only while what they derive from stands still. These tests drive a
simulator on the manual clock and on the fast clock (over a fake wall clock) and check
that fills, expiries, day rolls and quote pins still show up exactly when they should.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from mock_api import CALL_100, START, settings

from connecttrade_mock import simulator as simulator_module
from connecttrade_mock.broker.state import Order
from connecttrade_mock.clock import NEW_YORK, ClockMode, VirtualClock
from connecttrade_mock.simulator import DEMO, Simulator

USER = (DEMO.client_id, DEMO.user_id)
SPEED = 60  # the fast clock's simulated seconds per wall second


def status(order: Order) -> str:
    """The order's status now (a call, so that type checkers do not pin it down)."""
    return order.status.value


class FakeWall:
    """A wall clock that moves only when told to."""

    def __init__(self) -> None:
        self.seconds = 5000.0

    def __call__(self) -> float:
        return self.seconds


class Driver:
    """A simulator and a way to move its clock, whatever the clock's mode."""

    def __init__(self, sim: Simulator, move: Callable[[float], object]) -> None:
        self.sim = sim
        self._move = move
        self._numbers = iter(range(1, 10_000))

    def wait(self, seconds: float) -> None:
        """Let ``seconds`` of simulated time pass, then sync as the next request would."""
        self._move(seconds)
        self.sim.sync()

    def place(self, **fields: Any) -> Order:
        body = {
            "account_id": DEMO.margin_account_id,
            "cl_order_id": f"s-{next(self._numbers)}",
            "broker": "ALPACA",
            "symbol": "AAPL",
            "side": "BUY",
            "order_type": "LMT",
            "order_tif": "DAY",
            "order_qty": "2",
        }
        body.update(fields)
        self.sim.sync()
        return self.sim.engine.place(USER, body)

    def pin(self, bid: str, ask: str, symbol: str = "AAPL") -> None:
        self.sim.market.set_quote(symbol, Decimal(bid), Decimal(ask))
        self.sim.sync()


@pytest.fixture(params=[ClockMode.MANUAL, ClockMode.FAST], ids=["manual-clock", "fast-clock"])
def driver(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Driver:
    """A fresh simulator at ``START``: on the manual clock moved by ``advance``, or on the
    fast clock moved by its wall."""
    mode: ClockMode = request.param
    wall = FakeWall()
    monkeypatch.setattr(
        simulator_module, "VirtualClock", functools.partial(VirtualClock, wall=wall, speed=SPEED)
    )
    sim = Simulator(settings(clock_mode=mode))
    if mode is ClockMode.MANUAL:
        return Driver(sim, lambda seconds: sim.clock.advance(timedelta(seconds=seconds)))

    def move_wall(seconds: float) -> None:
        wall.seconds += seconds / SPEED

    return Driver(sim, move_wall)


def test_a_resting_limit_fills_in_the_first_sweep_after_the_quote_crosses(driver: Driver) -> None:
    """A buy limit resting below the ask fills at the next once-a-second sweep after the
    ask comes down to it, not before, at the pinned ask."""
    driver.wait(1)  # a sweep happens now: the next is due a second later
    driver.pin("99.90", "100.00")
    order = driver.place(order_limit_price="99.50")
    assert status(order) == "working"
    driver.pin("99.40", "99.45")
    driver.wait(0.5)
    assert status(order) == "working"  # no sweep within the second
    driver.wait(0.5)
    assert status(order) == "filled"
    assert [(f.quantity, f.price) for f in order.fills] == [(Decimal(2), Decimal("99.45"))]
    assert order.fills[0].time == driver.sim.clock.now()


def test_a_day_order_expires_in_the_first_sweep_at_its_close(driver: Driver) -> None:
    """A day order far from the touch works until the 16:00 close and expires at it."""
    driver.pin("99.90", "100.00")
    order = driver.place(order_limit_price="95.00")
    close = START.astimezone(NEW_YORK).replace(hour=16).astimezone(START.tzinfo)
    driver.wait((close - driver.sim.clock.now()).total_seconds() - 1)
    assert status(order) == "working"
    driver.wait(1)
    assert driver.sim.clock.now() == close
    assert status(order) == "expired"
    assert order.updated_at == close


def test_positions_roll_into_the_new_day_at_midnight(driver: Driver) -> None:
    """A held position starts its daily P&L from the previous close at the first step of
    the next New York day, and not a moment before."""
    driver.pin("99.90", "100.00")
    held = driver.place(order_type="MKT", order_limit_price=None)
    assert status(held) == "filled"
    position = driver.sim.store.positions[(DEMO.margin_account_id, "AAPL")]
    today = position.trading_day
    midnight = datetime.combine(
        START.astimezone(NEW_YORK).date() + timedelta(days=1), datetime.min.time(), NEW_YORK
    )
    driver.wait((midnight - driver.sim.clock.now()).total_seconds() - 0.5)
    assert position.trading_day == today
    driver.wait(0.5)
    assert position.trading_day == midnight.date()
    reference = driver.sim.market.reference_price("AAPL")
    assert position.day_basis == position.quantity * reference * position.multiplier
    assert position.realized_today == 0


def test_steps_within_a_second_work_no_order(
    driver: Driver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Requests within one simulated second after a sweep find nothing due: no order is
    worked and no open order is looked at, however many rest."""
    driver.pin("99.90", "100.00")
    for price in ("95.00", "96.00", "97.00"):
        driver.place(order_limit_price=price)
    driver.wait(1)
    engine = driver.sim.engine
    looked: list[str] = []

    def due() -> dict[str, Order]:
        looked.append("due")
        return {}

    monkeypatch.setattr(engine, "_due", due)
    monkeypatch.setattr(engine, "_work", lambda order: looked.append(order.order_id))
    for _ in range(40):
        driver.wait(0.02)
    assert looked == []
    driver.wait(0.2)
    assert looked == ["due"]


def test_a_pin_within_the_second_moves_fills_and_balances_at_once(driver: Driver) -> None:
    """Quotes and position values kept for the current second give way to a pin made
    within it: a market order fills at the new ask and equity follows the new last."""
    driver.pin("99.90", "100.00")
    driver.place(order_type="MKT", order_limit_price=None, order_qty="10")
    account = driver.sim.store.accounts[DEMO.margin_account_id]
    before = driver.sim.engine.balance_figures(account)
    driver.pin("109.90", "110.00")
    order = driver.place(order_type="MKT", order_limit_price=None, order_qty="1")
    assert order.fills[0].price == Decimal("110.00")
    after = driver.sim.engine.balance_figures(account)
    # Marked at the pinned quotes' last prices (their mids): 99.95, then 109.95.
    assert before.long_market_value == 10 * Decimal("99.95")
    assert after.long_market_value == 11 * Decimal("109.95")


def test_a_pinned_last_moves_the_circuit_band_at_once(driver: Driver) -> None:
    """The circuit band kept for the day follows a pin's last price the moment it is made:
    a market order whose touch is beyond the band is refused (market order price
    protection) until a pin moves the last price, and the band with it."""
    driver.pin("99.90", "100.00")
    _low, high = driver.sim.market.circuit_band("AAPL")
    outside = (high * Decimal("1.05")).quantize(Decimal("0.01"))
    last = Decimal("99.95")
    driver.sim.market.set_quote("AAPL", outside, outside + Decimal("0.10"), last)
    driver.sim.sync()
    refused = driver.place(order_type="MKT")
    assert status(refused) == "rejected"
    assert "market order price protection" in (refused.reject_reason or "")
    driver.sim.market.set_quote("AAPL", outside, outside + Decimal("0.10"), outside)
    driver.sim.sync()
    accepted = driver.place(order_type="MKT")
    assert status(accepted) == "filled", accepted.reject_reason


def test_option_quotes_are_asked_for_again_at_every_new_moment(
    driver: Driver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An option's model value follows the time to expiry to the microsecond, so the engine
    asks the market for it again at every new moment, while a stock's quote is kept for
    the rest of its second; both match what the market quotes then."""
    driver.pin("99.90", "100.00")
    for symbol, instrument, side in ((CALL_100, "OPT", "BUY_TO_OPEN"), ("AAPL", "STK", "BUY")):
        order = driver.place(
            symbol=symbol,
            instrument=instrument,
            side=side,
            order_type="MKT",
            order_limit_price=None,
            order_qty="1",
        )
        assert status(order) == "filled"
    engine, market = driver.sim.engine, driver.sim.market
    positions = driver.sim.store.positions
    option, stock = (
        positions[(DEMO.margin_account_id, CALL_100)],
        positions[(DEMO.margin_account_id, "AAPL")],
    )
    asked: list[str] = []
    adapter = engine.market
    original = adapter.quote

    def counting(symbol: str, at: datetime) -> Any:
        asked.append(symbol)
        return original(symbol, at)

    monkeypatch.setattr(adapter, "quote", counting)
    driver.wait(1)
    for _ in range(3):
        assert engine.last_price(option) == market.quote(CALL_100).last
        assert engine.last_price(stock) == market.quote("AAPL").last
        driver.wait(0.25)
    assert asked.count(CALL_100) == 3
    assert asked.count("AAPL") == 1
