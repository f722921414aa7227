"""PATCH (cancel/replace) and DELETE: confirmed on the next engine step, refused on
terminal orders."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from mock_api import Api

Order = dict[str, Any]


@pytest.fixture(autouse=True)
def aapl(api: Api) -> None:
    api.pin("AAPL", "100.00", "100.10", "100.05")


def resting(api: Api) -> Order:
    return api.placed(order_type="LMT", order_limit_price="95.00", order_qty="10")


def test_cancel_is_pending_then_cancelled(api: Api) -> None:
    """DELETE answers pending_cancel; the next request shows the order cancelled."""
    order = resting(api)
    response = api.cancel(order)
    assert response.status_code == 200
    assert response.json()["status"] == "pending_cancel"
    assert api.order(order)["status"] == "cancelled"


def test_cancel_releases_the_reserve(api: Api) -> None:
    """Once cancelled, an order no longer blocks buying power."""
    order = resting(api)
    assert api.balance()["open_orders_reserved"] == "475.00"
    api.cancel(order)
    api.advance(1)
    assert api.balance()["open_orders_reserved"] == "0.00"


def test_replace_confirms_on_the_next_step(api: Api) -> None:
    """PATCH answers the pending replacement and parks the original in pending_replace; the
    next read shows the original replaced and the replacement working with the new fields,
    the new cl_order_id and replaces_order_id."""
    original = resting(api)
    response = api.modify(original, order_limit_price="96.00", new_cl_order_id="rep-1")
    assert response.status_code == 200
    replacement = response.json()
    assert replacement["order_id"] != original["order_id"]
    assert replacement["status"] == "pending"
    assert replacement["cl_order_id"] == "rep-1"
    assert replacement["replaces_order_id"] == original["order_id"]
    assert api.order(original)["status"] in ("pending_replace", "replaced")
    api.advance(1)
    old, new = api.order(original), api.order(replacement)
    assert old["status"] == "replaced"
    assert old["replaced_by_order_id"] == new["order_id"]
    assert new["status"] == "working"
    assert new["order_limit_price"] == "96.00"
    assert new["order_qty"] == "10"
    assert new["replaces_order_id"] == old["order_id"]


def test_replacement_that_becomes_marketable_fills(api: Api) -> None:
    """A replacement whose new limit crosses the quote fills when it is confirmed."""
    original = resting(api)
    replacement = api.modify(original, order_limit_price="100.10").json()
    api.advance(1)
    assert api.order(replacement)["status"] == "filled"
    assert api.positions()["AAPL"]["quantity"] == "10"


def test_replace_reuses_no_cl_order_id(api: Api) -> None:
    """A new_cl_order_id already used today is a 409 and leaves the original working."""
    original = resting(api)
    other = resting(api)
    response = api.modify(original, order_qty="5", new_cl_order_id=other["cl_order_id"])
    assert response.status_code == 409
    assert api.order(original)["status"] == "working"


def test_replace_of_a_partially_filled_order_keeps_what_filled(api: Api) -> None:
    """Replacing a partially filled order carries on with the quantity still open."""
    original = api.placed(
        symbol="ZWZZT", order_type="LMT", order_limit_price="10.00", order_qty="9"
    )
    assert original["status"] == "partially_filled"
    response = api.modify(original, order_qty="12")
    assert response.status_code == 200
    replacement = response.json()
    api.advance(1)
    old = api.order(original)
    assert old["status"] == "replaced"
    assert old["filled_qty"] == "3"
    assert Decimal(api.order(replacement)["order_qty"]) == Decimal(9)


def test_zbzzt_cancel_is_refused_back_to_working(api: Api) -> None:
    """ZBZZT's broker refuses every cancel: pending_cancel, then working again."""
    order = api.placed(symbol="ZBZZT")
    assert api.cancel(order).json()["status"] == "pending_cancel"
    assert api.order(order)["status"] == "working"
    assert api.cancel(order).status_code == 200  # it may be asked again
    api.advance(1)
    assert api.order(order)["status"] == "working"


def test_second_cancel_is_a_conflict(api: Api) -> None:
    """A second DELETE finds the order already cancelled (confirmed before it) and is a 409."""
    order = resting(api)
    api.cancel(order)
    second = api.cancel(order)
    assert second.status_code == 409
    assert "cancelled" in second.json()["message"]


def _filled(api: Api) -> Order:
    return api.placed(symbol="ZVZZT")


def _rejected(api: Api) -> Order:
    return api.placed(symbol="ZXZZT")


def _cancelled(api: Api) -> Order:
    order = resting(api)
    api.cancel(order)
    api.advance(1)
    return order


def _expired(api: Api) -> Order:
    order = resting(api)
    api.advance(6 * 3600)
    return order


def _replaced(api: Api) -> Order:
    order = resting(api)
    api.modify(order, order_qty="5")
    api.advance(1)
    return order


def _ioc_cancelled(api: Api) -> Order:
    return api.placed(order_type="LMT", order_limit_price="99.00", order_tif="IOC")


TERMINAL: dict[str, Callable[[Api], Order]] = {
    "filled": _filled,
    "rejected": _rejected,
    "cancelled": _cancelled,
    "expired": _expired,
    "replaced": _replaced,
    "ioc-cancelled": _ioc_cancelled,
}


@pytest.mark.parametrize("make", TERMINAL.values(), ids=TERMINAL.keys())
@pytest.mark.parametrize("method", ["PATCH", "DELETE"])
def test_terminal_orders_refuse_changes(
    api: Api, make: Callable[[Api], Order], method: str
) -> None:
    """PATCH and DELETE on a terminal order are 409 with a message naming its status, and
    change nothing."""
    order = make(api)
    before = api.order(order)
    assert before["status"] in ("filled", "rejected", "cancelled", "expired", "replaced")
    response = api.modify(order, order_qty="3") if method == "PATCH" else api.cancel(order)
    assert response.status_code == 409
    assert before["status"] in response.json()["message"]
    assert api.order(order) == before


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"order_limit_price": "96.00", "order_qty": "1", "stop_price": "101.00"}, "stop"),
        ({"order_notional": "500.00"}, "notional"),
        (
            {"order_qty": "0.5", "order_limit_price": "130.00"},
            "order_limit_price: limit price 130.00 is more than 10% through the market",
        ),
        ({"order_limit_price": "95.005"}, "order_limit_price: invalid order_limit_price 95.005"),
    ],
    ids=["stop-on-limit", "notional-on-qty", "limit-price-protection", "reg-nms-612"],
)
def test_replace_with_impossible_changes_is_a_409(
    api: Api, changes: dict[str, str], fragment: str
) -> None:
    """A replacement the order cannot become conflicts with its state (409); it stays working."""
    original = resting(api)
    response = api.modify(original, **changes)
    assert response.status_code == 409, response.text
    assert fragment in response.json()["message"]
    assert api.order(original)["status"] == "working"


def test_replace_below_the_filled_quantity_is_a_409(api: Api) -> None:
    """A new order_qty not above what already filled conflicts with the order (409)."""
    original = api.placed(
        symbol="ZWZZT", order_type="LMT", order_limit_price="10.00", order_qty="9"
    )
    response = api.modify(original, order_qty="3")
    assert response.status_code == 409
    assert "already filled" in response.json()["message"]


def test_cancel_of_a_partially_filled_order_keeps_its_fills(api: Api) -> None:
    """Cancelling a partially filled order ends it cancelled with the fills it had."""
    order = api.placed(symbol="ZWZZT", order_qty="9")
    api.cancel(order)
    done = api.order(order)
    assert done["status"] == "cancelled"
    assert done["filled_qty"] == "3"
    assert done["remaining_qty"] == "0"
    assert api.positions()["ZWZZT"]["quantity"] == "3"
