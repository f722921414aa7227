"""Tests that the POST /orders request the SDK writes directly is the generated client's."""

from __future__ import annotations

from typing import Any

import pytest

from connecttrade import (
    Instrument,
    InvalidOrder,
    OrderRequest,
    limit,
    market,
    stop,
    stop_limit,
)
from connecttrade._http import endpoints as ops
from connecttrade._http.account_book import AccountBook
from connecttrade._http.calls import Auth, HttpCall, Retry, from_generated
from connecttrade.types.strategies import bull_call_spread, iron_condor
from connecttrade_client.api.orders import place_order as api_place_order
from connecttrade_client.models import (
    CryptoOrderRequest,
    EquityOrderRequest,
    FutureOrderRequest,
    MultiLegOrderRequest,
    OptionOrderRequest,
)

_MODELS: dict[Instrument, Any] = {
    Instrument.STK: EquityOrderRequest,
    Instrument.OPT: OptionOrderRequest,
    Instrument.MLEG_OPT: MultiLegOrderRequest,
    Instrument.FUT: FutureOrderRequest,
    Instrument.CRYPTO: CryptoOrderRequest,
}
_CALL = "SPY241220C00430000"
_CALL_HIGHER = "SPY241220C00435000"

ORDERS = [
    pytest.param(market("AAPL", 10, side="BUY"), id="stk-market"),
    pytest.param(market("AAPL", side="BUY", notional="250.50"), id="stk-market-notional"),
    pytest.param(limit("AAPL", "0.01", "250.00", side="BUY"), id="stk-limit-fractional"),
    pytest.param(stop("MSFT", 5, "300", side="SELL", tif="GTC"), id="stk-stop-gtc"),
    pytest.param(
        stop_limit("BRK/B", 2, stop_price="410", limit_price="412.07", side="SELL_SHORT"),
        id="stk-stop-limit-class-shares",
    ),
    pytest.param(limit(_CALL, 3, "1.25", side="BUY_TO_OPEN", tif="IOC"), id="opt-limit"),
    pytest.param(market(_CALL, 1, side="SELL_TO_CLOSE"), id="opt-market"),
    pytest.param(
        bull_call_spread(_CALL, _CALL_HIGHER, qty=1, debit="1.20"), id="mleg-debit-spread"
    ),
    pytest.param(
        iron_condor(
            "SPY241220P00420000",
            "SPY241220P00425000",
            _CALL_HIGHER,
            "SPY241220C00440000",
            qty=2,
            credit="1.05",
        ),
        id="mleg-iron-condor-credit",
    ),
    pytest.param(limit("ESZ6", 1, "5000.25", side="BUY", instrument="FUT"), id="future"),
    pytest.param(
        market("BTC/USD", "0.000123456", side="BUY", instrument=Instrument.CRYPTO), id="crypto"
    ),
    pytest.param(
        market("ETH/USD", side="SELL", notional="100", instrument="CRYPTO"),
        id="crypto-notional",
    ),
    pytest.param(limit("AAPL", "1.123456789", "99.000000000", side="BUY"), id="stk-nine-places"),
]


def _ids() -> dict[str, str]:
    return {"account_id": "acc_demo_margin", "broker": "ALPACA", "cl_order_id": "ct-fixed"}


def _generated(order: OrderRequest) -> HttpCall:
    """The request as the generated client builds it, from the order with its ids."""
    wire = order.with_ids(**_ids()).to_wire()
    kwargs = api_place_order._get_kwargs(body=_MODELS[order.instrument].from_dict(wire))
    return from_generated(kwargs, auth=Auth.USER, retry=Retry.SAFE)


@pytest.mark.parametrize("order", ORDERS)
def test_body_equals_the_generated_models(order: OrderRequest) -> None:
    """The body written directly equals the generated request model's, for every kind."""
    body = ops.place_body(order, **_ids())
    assert body == _generated(order).json
    assert body == order.with_ids(**_ids()).to_wire()


@pytest.mark.parametrize("order", ORDERS)
def test_place_order_sends_the_generated_request(order: OrderRequest) -> None:
    """place_order yields the generated client's method, path and body, rate limited."""
    operation = ops.place_order(order.with_ids(cl_order_id="ct-fixed"), None, None, _book())
    with pytest.raises(InvalidOrder, match="account_id"):
        next(operation)  # no account anywhere: refused before anything is sent
    operation = ops.place_order(
        order.with_ids(cl_order_id="ct-fixed"), "acc_demo_margin", "ALPACA", _book()
    )
    call = next(operation)
    operation.close()
    expected = _generated(order)
    assert (call.method, call.path, call.params, call.json) == (
        expected.method,
        expected.path,
        expected.params,
        expected.json,
    )
    assert call.rate_limited
    assert call.settled == frozenset({409})


@pytest.mark.parametrize(
    ("ids", "field"),
    [
        pytest.param({"account_id": " acc"}, "account_id", id="account-padded"),
        pytest.param({"broker": ""}, "broker", id="broker-empty"),
        pytest.param({"cl_order_id": "id "}, "cl_order_id", id="cl-order-id-padded"),
    ],
)
def test_bad_ids_are_refused_like_with_ids(ids: dict[str, str], field: str) -> None:
    """An id with surrounding spaces or none at all raises InvalidOrder naming the field."""
    order = limit("AAPL", 1, "10", side="BUY")
    with pytest.raises(InvalidOrder) as direct:
        ops.place_body(order, **{**_ids(), **ids})
    with pytest.raises(InvalidOrder) as via_with_ids:
        order.with_ids(**{**_ids(), **ids})
    assert direct.value.field == via_with_ids.value.field == field


def test_a_new_cl_order_id_is_made_once_per_placement() -> None:
    """An order without cl_order_id gets a fresh one, different for each placement."""
    order = market("AAPL", 1, side="BUY")
    bodies = []
    for _ in range(2):
        operation = ops.place_order(order, "acc_demo_margin", "ALPACA", _book())
        bodies.append(next(operation).json)
        operation.close()
    first, second = (body["cl_order_id"] for body in bodies if isinstance(body, dict))
    assert first.startswith("ct-")
    assert first != second


def _book() -> AccountBook:
    return AccountBook()
