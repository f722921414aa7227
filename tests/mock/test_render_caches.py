"""The mock's read caches (rendered orders, a second's quote) never serve a stale answer."""

from __future__ import annotations

from decimal import Decimal

from mock_api import START

from connecttrade_mock.clock import ClockMode
from connecttrade_mock.simulator import DEMO, Settings, Simulator
from connecttrade_mock.wire.records import order_json

USER = (DEMO.client_id, DEMO.user_id)


def simulator() -> Simulator:
    return Simulator(
        Settings(clock_mode=ClockMode.MANUAL, clock_start=START, order_rate_per_second=1e9)
    )


def test_an_order_renders_anew_after_every_change() -> None:
    """Rendering, filling and rendering again shows the fill; the caller's copy is its own."""
    sim = simulator()
    sim.market.set_quote("AAPL", Decimal("100.00"), Decimal("100.10"))
    order = sim.engine.place(
        USER,
        {
            "account_id": DEMO.margin_account_id,
            "cl_order_id": "render-1",
            "broker": "ALPACA",
            "symbol": "AAPL",
            "side": "BUY",
            "order_type": "LMT",
            "order_tif": "GTC",
            "order_qty": "2",
            "order_limit_price": "99.00",
        },
    )
    first = order_json(order)
    assert first["status"] == "working"
    first["status"] = "scribbled"
    assert order_json(order)["status"] == "working"
    sim.market.set_quote("AAPL", Decimal("98.80"), Decimal("98.90"))
    sim.advance(1)
    filled = order_json(order)
    assert filled["status"] == "filled"
    assert filled["filled_qty"] == "2"
    assert filled["fills"][0]["price"] == "98.90"
    assert filled["version"] != first["version"]


def test_pinning_a_quote_changes_the_quote_of_the_same_second() -> None:
    """A quote read, then pinned and read again within one second, shows the pin."""
    sim = simulator()
    before = sim.market.quote("MSFT")
    pinned = sim.market.set_quote("MSFT", Decimal("300.00"), Decimal("300.05"))
    after = sim.market.quote("MSFT")
    assert after.time == before.time
    assert (
        (after.bid, after.ask)
        == (Decimal("300.00"), Decimal("300.05"))
        == (
            pinned.bid,
            pinned.ask,
        )
    )


def test_an_orders_json_lists_are_the_callers_own() -> None:
    """Changing the fills and legs lists of one order_json leaves the next one as it was."""
    sim = simulator()
    order = sim.engine.place(
        USER,
        {
            "account_id": DEMO.margin_account_id,
            "cl_order_id": "render-2",
            "broker": "ALPACA",
            "symbol": "ZVZZT",
            "side": "BUY",
            "order_type": "MKT",
            "order_tif": "DAY",
            "order_qty": "3",
        },
    )
    first = order_json(order)
    assert isinstance(first["fills"], list)
    assert isinstance(first["legs"], list)
    first["fills"][0]["price"] = "0.01"
    first["fills"].append({"fill_id": "scribbled"})
    first["legs"].append({"symbol": "scribbled"})
    again = order_json(order)
    assert len(again["fills"]) == 1
    assert again["legs"] == []
    assert again["fills"][0]["price"] != "0.01"
