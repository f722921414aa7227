"""POST /orders refuses option contracts the exchange does not list: an order on one is
answered 201 ``rejected`` with a broker's reason naming the rule, and a listed one is
worked as usual. The mock's clock starts on Wednesday 2026-11-18, 10:00 New York."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from mock_api import Api

from connecttrade_mock.market.instrument import OptionContract
from connecttrade_mock.market.options_math import OptionRight

NOT_FOUND = "option contract not found: "


def occ(root: str, expiry: date, strike: str, right: str = "C") -> str:
    return OptionContract(root, expiry, OptionRight(right), Decimal(strike)).symbol


def option_order(api: Api, symbol: str, **fields: Any) -> dict[str, Any]:
    """A one-contract limit buy of ``symbol`` at $1.00 on the margin account."""
    response = api.place(
        instrument="OPT",
        symbol=symbol,
        side="BUY_TO_OPEN",
        order_type="LMT",
        order_limit_price="1.00",
        **fields,
    )
    assert response.status_code == 201, response.text
    order: dict[str, Any] = response.json()
    return order


def assert_refused(api: Api, place: Callable[[], dict[str, Any]], *why: str) -> None:
    """``place`` is answered ``rejected`` with a reason saying each of ``why``, and the
    account's cash and reserve are what they were."""
    cash, reserved = api.cash(), api.balance()["open_orders_reserved"]
    order = place()
    assert order["status"] == "rejected"
    assert order["reject_reason"].startswith(NOT_FOUND)
    for part in why:
        assert part in order["reject_reason"]
    assert order["fills"] == []
    assert (api.cash(), api.balance()["open_orders_reserved"]) == (cash, reserved)


def test_a_listed_contract_is_accepted(api: Api) -> None:
    """SPY's November monthly at $670 is listed: the order is accepted and rests."""
    order = option_order(api, occ("SPY", date(2026, 11, 20), "670"))
    assert order["status"] == "working"
    assert order.get("reject_reason") is None


def test_unlisted_strike_rejected_on_post_orders(api: Api) -> None:
    """Strike 650.125 is not on SPY's $1 grid: rejected, naming the nearest strikes."""
    symbol = occ("SPY", date(2026, 11, 20), "650.125")
    assert_refused(
        api,
        lambda: option_order(api, symbol),
        f"{symbol} is not listed",
        "strike 650.125 is not a SPY 2026-11-20 strike; the nearest are 650 and 651",
    )


def test_a_strike_below_the_grid_is_rejected(api: Api) -> None:
    """Strike $0.001 (which used to fill at the full spot price) is below every listed
    strike."""
    symbol = occ("SPY", date(2026, 11, 20), "0.001")
    why = "strike 0.001 is below the lowest SPY 2026-11-20 strike"
    assert_refused(api, lambda: option_order(api, symbol), why)


@pytest.mark.parametrize(
    ("symbol", "why"),
    [
        ("SPY261122C00670000", "SPY has no expiration on Sunday 2026-11-22"),
        ("SPY261126C00670000", "Thursday 2026-11-26, an NYSE holiday"),
        ("AAPL261123C00270000", "AAPL has no expiration on Monday 2026-11-23"),
        ("SPY350119C00670000", "SPY LEAPS expirations are listed 1165 days ahead"),
        ("AAPL261106C00270000", "AAPL261106C00270000 has expired"),
    ],
    ids=["sunday", "thanksgiving", "monday-for-a-stock", "2035", "last-week"],
)
def test_unlisted_expiry_rejected_on_post_orders(api: Api, symbol: str, why: str) -> None:
    """An expiry that is no expiration day of the underlying, one beyond the listed
    horizon, or one that has passed is rejected with the rule it breaks."""
    order = option_order(api, symbol)
    assert order["status"] == "rejected"
    assert why in order["reject_reason"]


def test_a_padded_occ_symbol_is_the_same_listed_contract(api: Api) -> None:
    """The root padded to six characters names the same contract, listed or not."""
    assert option_order(api, "SPY   261120C00670000")["status"] == "working"
    assert_refused(api, lambda: option_order(api, "SPY   261120C00670500"), "strike 670.5")


def test_a_spread_with_an_unlisted_leg_is_rejected(api: Api) -> None:
    """A multi-leg order is refused when any leg is not listed, naming that leg."""
    listed = occ("SPY", date(2026, 11, 20), "670")
    unlisted = occ("SPY", date(2026, 11, 20), "680.5")

    def place() -> dict[str, Any]:
        response = api.place(
            instrument="MLEG_OPT",
            symbol=None,
            side=None,
            order_type="LMT",
            order_limit_price="2.00",
            legs=[
                {"symbol": listed, "action": "BUY_TO_OPEN", "ratio": "1"},
                {"symbol": unlisted, "action": "SELL_TO_OPEN", "ratio": "1"},
            ],
        )
        assert response.status_code == 201, response.text
        order: dict[str, Any] = response.json()
        return order

    assert_refused(api, place, f"{unlisted} is not listed")


def test_an_option_is_refused_once_it_expired_at_the_close(api: Api) -> None:
    """SPY's daily expiration of 2026-11-18 trades until 16:00 New York; from the close
    on, a new order for it is rejected as expired."""
    symbol = occ("SPY", date(2026, 11, 18), "670")
    api.advance(6 * 3600 - 1)  # 15:59:59
    assert option_order(api, symbol)["status"] in ("working", "filled")
    api.advance(1)
    why = "expired at 16:00 New York on 2026-11-18"
    assert_refused(api, lambda: option_order(api, symbol), why)


def test_stock_orders_are_not_asked_about_listings(api: Api) -> None:
    """The listing rule applies to option orders only: a stock order is untouched."""
    assert api.placed()["status"] == "filled"
