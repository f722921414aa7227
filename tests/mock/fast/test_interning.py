"""Shared decimals and names (``fast/interning.py``): one object per value, with the
speedups switch on only; answers are the same either way."""

from __future__ import annotations

import sys
from decimal import Decimal

import pytest
from mock_api import settings

from connecttrade_mock.app import create_app
from connecttrade_mock.broker.state import Order
from connecttrade_mock.fast import interning
from connecttrade_mock.http.mock_broker import MockBroker
from connecttrade_mock.simulator import DEMO
from connecttrade_mock.wire.records import order_json

USER = (DEMO.client_id, DEMO.user_id)


def test_orders_share_one_decimal_per_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same text gives the same (immutable) Decimal; texts that differ only in their
    exponent stay apart, since the answer shows what was sent; past the bound new texts
    are still read, only not kept."""
    monkeypatch.setattr(interning, "_DECIMALS", {})
    monkeypatch.setattr(interning, "DECIMALS_KEPT", 3)
    first = interning.shared_decimal("250.00")
    assert first is interning.shared_decimal("250.00")
    assert (str(first), first) == ("250.00", Decimal("250.00"))
    assert str(interning.shared_decimal("250.0")) == "250.0"
    assert interning.shared_decimal("250.0") is not first
    assert interning.shared_decimal(None) is None
    interning.shared_decimal("1")
    late = interning.shared_decimal("0.001")
    assert late == Decimal("0.001")
    assert late is not interning.shared_decimal("0.001")  # the bound was reached
    assert len(interning._DECIMALS) == 3


def test_names_from_a_body_are_shared_strings() -> None:
    """Text fields become the one interned string of their text; other values pass."""
    made = "".join(["BU", "Y"])
    assert interning.shared_text(made) is sys.intern("BUY")
    assert interning.shared_text(None) is None


def _two_orders(speedups: bool) -> tuple[Order, Order]:
    broker: MockBroker = create_app(settings(speedups=speedups)).state.broker
    made = []
    for n in range(2):
        body = {
            "account_id": DEMO.margin_account_id,
            "cl_order_id": f"intern-{n}",
            "broker": "ALPACA",
            "symbol": "".join(["AA", "PL"]),  # a fresh string each time, as a body's is
            "side": "BUY",
            "order_type": "LMT",
            "order_tif": "GTC",
            "order_qty": "".join(["1", "7"]),
            "order_limit_price": "1.00",
        }
        made.append(broker.sim.engine.place(USER, body))
    return made[0], made[1]


def test_with_the_switch_on_orders_share_their_values_across_a_reset() -> None:
    """With speedups, two orders hold one Decimal and one string per value, after a reset
    too (the switch outlives the engine it was installed into)."""
    broker: MockBroker = create_app(settings(speedups=True)).state.broker
    broker.reset()
    first, second = _two_orders(speedups=True)
    assert first.order_qty is second.order_qty
    assert first.symbol is second.symbol
    assert broker.sim.engine.values.decimal is interning.shared_decimal


def test_with_the_switch_off_orders_answer_the_same() -> None:
    """Without speedups the values are made afresh, and the answers are the same JSON."""
    fast = _two_orders(speedups=True)
    plain = _two_orders(speedups=False)
    assert plain[0].order_qty is not plain[1].order_qty
    for with_speedups, without in zip(fast, plain, strict=True):
        assert order_json(with_speedups) == order_json(without)
