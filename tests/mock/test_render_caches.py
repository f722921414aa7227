"""The mock's read caches (rendered orders, a second's quote) never serve a stale answer."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from mock_api import START

from connecttrade_mock.broker.state import Fill, Leg, Order
from connecttrade_mock.clock import ClockMode
from connecttrade_mock.lifecycle import OrderStatus
from connecttrade_mock.simulator import DEMO, Settings, Simulator
from connecttrade_mock.wire import records
from connecttrade_mock.wire.records import order_json, rendered_order

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


def _changes(order: Order) -> dict[str, Callable[[], None]]:
    """One change per field of an order (every field: a new one must be listed here)."""
    later = timedelta(seconds=1)

    def put(name: str, value: object) -> Callable[[], None]:
        return lambda: setattr(order, name, value)

    def add_fill() -> None:
        order.fills.append(Fill("fill_x", order.created_at, Decimal("1"), Decimal("98.00")))

    return {
        "order_id": put("order_id", order.order_id),  # the cache's slot: same id, see below
        "seq": put("seq", order.seq + 1),
        "account_id": put("account_id", DEMO.cash_account_id),
        "client_id": put("client_id", "another-client"),
        "user_id": put("user_id", "another-user"),
        "cl_order_id": put("cl_order_id", "render-2"),
        "broker": put("broker", "TRADIER"),
        "instrument": put("instrument", "ETF"),
        "symbol": put("symbol", "MSFT"),
        "side": put("side", "SELL"),
        "order_type": put("order_type", "STPLMT"),
        "order_tif": put("order_tif", "DAY"),
        "order_qty": put("order_qty", Decimal("3")),
        "order_notional": put("order_notional", Decimal("500")),
        "order_limit_price": put("order_limit_price", Decimal("97.00")),
        "stop_price": put("stop_price", Decimal("96.00")),
        "legs": put("legs", (Leg("AAPL260116C00100000", "BUY_TO_OPEN", 1),)),
        "status": put("status", OrderStatus.PARTIALLY_FILLED),
        "created_at": put("created_at", order.created_at - later),
        "updated_at": put("updated_at", order.updated_at + later),
        "trading_day": put("trading_day", order.trading_day + timedelta(days=1)),
        "expires_at": put("expires_at", order.created_at + timedelta(hours=1)),
        "reject_reason": put("reject_reason", "no reason"),
        "fills": add_fill,
        "replaces_order_id": put("replaces_order_id", "ord_before"),
        "replaced_by_order_id": put("replaced_by_order_id", "ord_after"),
        "pending_replacement_id": put("pending_replacement_id", "ord_pending"),
        "triggered": put("triggered", True),
        "scenario": put("scenario", "fill"),
        "partial_steps_left": put("partial_steps_left", 2),
        "last_fill_at": put("last_fill_at", order.created_at + later),
        "queued": put("queued", True),
        "version": put("version", order.version + 1),
    }


def test_a_change_to_any_field_of_an_order_renders_it_anew() -> None:
    """The rendered-order cache is keyed on every field: no change serves stale JSON."""
    sim = simulator()
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
            "order_limit_price": "1.00",
        },
    )
    changes = _changes(order)
    assert set(changes) == {f.name for f in dataclasses.fields(Order)}
    del changes["order_id"]  # the id names the cache's slot: another id is another entry
    before = rendered_order(order)
    assert rendered_order(order) is before  # unchanged: the kept rendering
    for name, change in changes.items():
        change()
        after = rendered_order(order)
        assert after is not before, name
        assert after.value == records._render_order(order), name  # as made afresh
        before = after
