"""Every rejection reason: the order is created (201) with status rejected and a reason."""

from __future__ import annotations

from typing import Any

import pytest
from mock_api import CALL_100, CALL_110, CASH, Api

SPREAD = [
    {"symbol": CALL_100, "action": "BUY_TO_OPEN", "ratio": "1"},
    {"symbol": CALL_110, "action": "SELL_TO_OPEN", "ratio": "1"},
]
MLEG: dict[str, Any] = {
    "instrument": "MLEG_OPT",
    "symbol": None,
    "side": None,
    "order_type": "MKT",
}

CASES: list[tuple[str, dict[str, Any], str]] = [
    (
        "insufficient-buying-power-cash",
        {"account_id": CASH, "order_qty": "3000"},
        "insufficient buying power",
    ),
    ("insufficient-buying-power-margin", {"order_qty": "25000"}, "insufficient buying power"),
    (
        "buy-limit-far-through-the-ask",
        {"order_type": "LMT", "order_limit_price": "111.00"},
        "limit order price protection",
    ),
    (
        "short-limit-far-through-the-bid",
        {"side": "SELL_SHORT", "order_type": "LMT", "order_limit_price": "89.00"},
        "limit order price protection",
    ),
    (
        "sub-penny-stop",
        {"order_type": "STP", "stop_price": "150.005"},
        "sub-penny increment",
    ),
    (
        "market-order-outside-the-luld-band",
        {"symbol": "KO"},
        "market order price protection",
    ),
    ("naked-call", {"instrument": "OPT", "symbol": CALL_100, "side": "SELL_TO_OPEN"}, "naked"),
    ("hard-to-borrow", {"symbol": "BACpL", "side": "SELL_SHORT"}, "not shortable"),
    (
        "fractional-contract",
        {"instrument": "OPT", "symbol": CALL_100, "order_qty": "0.5", "side": "BUY_TO_OPEN"},
        "integer",
    ),
    ("fractional-share-at-tradier", {"account_id": CASH, "order_qty": "0.5"}, "fractional"),
    ("tiny-fraction-of-a-share", {"order_qty": "0.000000001"}, "cost basis must be >= 1"),
    ("unknown-symbol", {"symbol": "QQQQ"}, "unknown symbol"),
    (
        "unknown-option-root",
        {"instrument": "OPT", "symbol": "ZZZZ261218C00100000", "side": "BUY_TO_OPEN"},
        "unknown symbol",
    ),
    (
        "expired-option",
        {"instrument": "OPT", "symbol": "AAPL261016C00100000", "side": "BUY_TO_OPEN"},
        "has expired",
    ),
    ("short-sale-cash-account", {"account_id": CASH, "side": "SELL_SHORT"}, "short sale"),
    ("sell-unheld-cash-account", {"account_id": CASH, "side": "SELL"}, "short sale"),
    (
        "notional-order-at-tradier",
        {"account_id": CASH, "side": "SELL", "order_qty": None, "order_notional": "1000.00"},
        "notional (dollar amount) orders are not offered at Tradier",
    ),
    (
        "notional-too-small",
        {
            "instrument": "CRYPTO",
            "symbol": "BTC/USD",
            "order_qty": None,
            "order_notional": "0.000000001",
            "order_tif": "GTC",
        },
        "too small",
    ),
    (
        "sell-to-open-cash-account",
        {"account_id": CASH, "instrument": "OPT", "symbol": CALL_100, "side": "SELL_TO_OPEN"},
        "options not permitted",
    ),
    (
        "spread-cash-account",
        {"account_id": CASH, **MLEG, "legs": SPREAD},
        "options not permitted",
    ),
    ("futures-at-alpaca", {"instrument": "FUT", "symbol": "ESZ6"}, "futures not permitted"),
    (
        "crypto-at-tradier",
        {"account_id": CASH, "instrument": "CRYPTO", "symbol": "BTC/USD"},
        "crypto not permitted",
    ),
    (
        "legs-duplicate-contract",
        {**MLEG, "legs": [SPREAD[0], {**SPREAD[0], "action": "SELL_TO_OPEN"}]},
        "bad legs",
    ),
    (
        "legs-two-underlyings",
        {**MLEG, "legs": [SPREAD[0], {**SPREAD[1], "symbol": "MSFT261218C00500000"}]},
        "bad legs",
    ),
    (
        "legs-ratios-not-lowest-terms",
        {**MLEG, "legs": [{**SPREAD[0], "ratio": "2"}, {**SPREAD[1], "ratio": "4"}]},
        "bad legs",
    ),
    ("scenario-reject", {"symbol": "ZXZZT"}, "rejected by broker"),
]


@pytest.mark.parametrize(("fields", "reason"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rejection_reason(api: Api, fields: dict[str, Any], reason: str) -> None:
    """The order is answered 201 with status rejected and a reject_reason naming why, and
    leaves the account's cash and open orders untouched."""
    api.pin("AAPL", "100.00", "100.10", "100.05")
    api.pin("KO", "80.00", "80.10", "70.00")  # the touch beyond the LULD band of 63-77
    account = fields.get("account_id", "acc_demo_margin")
    cash = api.cash(account)
    response = api.place(**fields)
    assert response.status_code == 201, response.text
    order = response.json()
    assert order["status"] == "rejected"
    assert reason in order["reject_reason"]
    assert order["fills"] == []
    assert api.cash(account) == cash
    assert api.balance(account)["open_orders_reserved"] == "0.00"
    assert api.order(order)["status"] == "rejected"


@pytest.mark.parametrize("session", ["closed", "pre_market", "after_hours"])
def test_market_order_while_not_regular_is_queued_not_rejected(api: Api, session: str) -> None:
    """A DAY market order outside the regular session is not refused at Alpaca: it is held
    for the open (the rule itself is tested in test_broker_rules.py)."""
    api.session(session)
    order = api.placed()
    assert (order["status"], order["broker_status"]) == ("pending", "accepted")
    assert order["reject_reason"] is None


@pytest.mark.parametrize("session", ["closed", "pre_market", "after_hours"])
def test_ioc_market_order_while_not_regular_is_rejected(api: Api, session: str) -> None:
    """An IOC market order cannot wait for the open: outside the regular session it is
    rejected, naming the session."""
    api.session(session)
    order = api.placed(order_tif="IOC")
    assert order["status"] == "rejected"
    assert order["reject_reason"].startswith("market orders are not accepted while the market is")


def test_forced_reason_is_the_reject_reason(api: Api) -> None:
    """``/_mock/next-outcome`` with a reason rejects the next order with that reason only."""
    api.control("POST", "/next-outcome", {"outcome": "reject", "reason": "account restricted"})
    first = api.placed()
    second = api.placed()
    assert (first["status"], first["reject_reason"]) == ("rejected", "account restricted")
    assert second["status"] == "filled"


def test_buying_power_counts_open_orders(api: Api) -> None:
    """Resting orders reserve buying power, so a second order that only fits without the
    first is rejected."""
    api.pin("AAPL", "100.00", "100.10", "100.05")
    first = api.placed(
        account_id=CASH, order_type="LMT", order_limit_price="99.00", order_qty="2000"
    )
    assert first["status"] == "working"
    second = api.placed(
        account_id=CASH, order_type="LMT", order_limit_price="99.00", order_qty="600"
    )
    assert second["status"] == "rejected"
    assert "insufficient buying power" in second["reject_reason"]
    assert api.cancel(first).status_code == 200
    api.advance(1)
    third = api.placed(
        account_id=CASH, order_type="LMT", order_limit_price="99.00", order_qty="600"
    )
    assert third["status"] == "working"


def test_cash_account_cannot_sell_shares_already_in_open_sell_orders(api: Api) -> None:
    """In a cash account, shares already promised to resting sell orders cannot be sold
    again: the second sell is rejected, so the account never goes short."""
    api.pin("KO", "70.00", "70.10")
    api.placed(account_id=CASH, symbol="KO", order_qty="5")
    first = api.placed(
        account_id=CASH, symbol="KO", side="SELL", order_qty="3",
        order_type="LMT", order_limit_price="71.00",
    )  # fmt: skip
    second = api.placed(
        account_id=CASH, symbol="KO", side="SELL", order_qty="3",
        order_type="LMT", order_limit_price="71.00",
    )  # fmt: skip
    assert first["status"] == "working"
    assert second["status"] == "rejected"
    assert "short sale" in second["reject_reason"]
    third = api.placed(
        account_id=CASH, symbol="KO", side="SELL", order_qty="2",
        order_type="LMT", order_limit_price="71.00",
    )  # fmt: skip
    assert third["status"] == "working"
    api.pin("KO", "71.00", "71.10")
    api.advance(1)
    assert api.positions(CASH) == {}
