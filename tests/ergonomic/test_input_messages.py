"""Refusals say the real cause, and broker codes are accepted in any case.

A symbol that is neither grammar is refused with the reason of the parser whose grammar it
looks like (OCC when it has a digit, CQS otherwise); sides and times in force are broker
codes, normalised to upper case.
"""

from __future__ import annotations

import pytest

import connecttrade as ct
from connecttrade import InvalidOrder, OrderSide, TimeInForce, strategies


@pytest.mark.parametrize(
    ("symbol", "reason"),
    [
        ("aapl", "invalid CQS equity symbol 'aapl': bad root: must start with 1-6 letters A-Z"),
        ("", "invalid CQS equity symbol '': bad root"),
        ("AAPL2612X", "invalid OCC option symbol 'AAPL2612X': bad length"),
        ("AAPL261218C0010000", "bad strike: '0010000' has 7 digits, expected 8"),
        ("AAPL261318C00100000", "invalid OCC option symbol 'AAPL261318C00100000'"),
    ],
    ids=["lower-case-equity", "empty", "short-occ", "short-strike", "bad-month"],
)
def test_a_bad_symbol_says_the_parsers_reason(symbol: str, reason: str) -> None:
    """The message is the reason of the parser the text looks like, not a generic line."""
    with pytest.raises(InvalidOrder) as caught:
        ct.market(symbol, 1, side="BUY")
    assert caught.value.field == "symbol"
    assert reason in str(caught.value)
    assert "instrument=Instrument.FUT" in str(caught.value)


def test_an_occ_looking_symbol_names_the_occ_reason_not_the_cqs_one() -> None:
    """A symbol with digits gets the OCC parser's reason and no CQS reason."""
    with pytest.raises(InvalidOrder) as caught:
        ct.limit("SPY251317P00500000", 1, "1.00", side="BUY_TO_OPEN")
    message = str(caught.value)
    assert "OCC option symbol" in message
    assert "bad root" not in message


@pytest.mark.parametrize(
    ("side", "tif", "expected_side", "expected_tif"),
    [
        ("buy", "day", OrderSide.BUY, TimeInForce.DAY),
        ("Sell", "gtc", OrderSide.SELL, TimeInForce.GTC),
        ("sell_short", "day+", OrderSide.SELL_SHORT, TimeInForce.DAY_PLUS),
        ("buy_to_cover", "ioc", OrderSide.BUY_TO_COVER, TimeInForce.IOC),
    ],
)
def test_lower_case_side_and_tif_are_normalised(
    side: str, tif: str, expected_side: OrderSide, expected_tif: TimeInForce
) -> None:
    """Every builder accepts broker codes in any case and sends them upper case."""
    for order in (
        ct.market("AAPL", 1, side=side, tif=tif),
        ct.limit("AAPL", 1, "10", side=side, tif=tif),
        ct.stop("AAPL", 1, "10", side=side, tif=tif),
        ct.stop_limit("AAPL", 1, stop_price="10", limit_price="9", side=side, tif=tif),
    ):
        assert (order.side, order.tif) == (expected_side, expected_tif)
        assert order.to_wire()["order_tif"] == expected_tif.value


def test_strategies_accept_a_lower_case_tif() -> None:
    """A strategy's tif is normalised too."""
    spread = strategies.bull_call_spread(
        "AAPL270115C00100000", "AAPL270115C00105000", qty=1, debit="1.00", tif="gtc"
    )
    assert spread.tif is TimeInForce.GTC


def test_unknown_codes_are_still_refused() -> None:
    """A code that is no side in any case is refused, naming the field and the choices."""
    with pytest.raises(InvalidOrder, match="side: 'purchase' is not one of BUY, SELL"):
        ct.market("AAPL", 1, side="purchase")
    with pytest.raises(InvalidOrder, match="tif: 'week' is not one of DAY"):
        ct.market("AAPL", 1, side="buy", tif="week")
