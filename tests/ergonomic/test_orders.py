"""Tests for order requests, their builders and the wire vocabularies they use."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import pickle
import re
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from connecttrade.types import orders
from connecttrade.types.enums import (
    EQUITY_SIDES,
    OPEN_STATUSES,
    OPTION_SIDES,
    TERMINAL_STATUSES,
    Instrument,
    LegAction,
    OrderSide,
    OrderStatus,
    OrderType,
    TimeInForce,
)
from connecttrade.types.equity_symbol import EquitySymbol
from connecttrade.types.option_symbol import OptionSymbol
from connecttrade.types.orders import (
    InvalidOrder,
    Leg,
    OrderRequest,
    limit,
    market,
    new_cl_order_id,
    stop,
    stop_limit,
)

SPY_430C = OptionSymbol.parse("SPY241018C00430000")
SPY_435C = OptionSymbol.parse("SPY241018C00435000")
QQQ_400C = OptionSymbol.parse("QQQ241018C00400000")


def _spy_call(strike: int) -> OptionSymbol:
    """A SPY call expiring 2024-10-18 at ``400 + strike``."""
    return OptionSymbol.build("SPY", dt.date(2024, 10, 18), "C", 400 + strike)


def _mleg(**changes: Any) -> OrderRequest:
    """A valid two-leg order with some fields replaced."""
    fields: dict[str, Any] = {
        "instrument": Instrument.MLEG_OPT,
        "order_type": OrderType.LMT,
        "qty": Decimal(1),
        "limit_price": Decimal("1.20"),
        "legs": (Leg(SPY_430C, LegAction.BUY_TO_OPEN), Leg(SPY_435C, LegAction.SELL_TO_OPEN)),
    }
    return OrderRequest(**(fields | changes))


# --- the vocabularies -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("member", "wire"),
    [
        (TimeInForce.DAY_PLUS, "DAY+"),
        (TimeInForce.GTC_PLUS, "GTC+"),
        (OrderType.STPLMT, "STPLMT"),
        (OrderStatus.PARTIALLY_FILLED, "partially_filled"),
        (Instrument.MLEG_OPT, "MLEG_OPT"),
    ],
    ids=["day-plus", "gtc-plus", "stop-limit", "partially-filled", "mleg"],
)
def test_enum_values_are_the_wire_strings(member: str, wire: str) -> None:
    """Each member's value is the exact string the API uses, and it serializes as such."""
    assert member == wire
    assert json.dumps(member) == json.dumps(wire)


def test_open_and_terminal_statuses_partition_all_statuses() -> None:
    """Every status is either open or terminal, never both."""
    assert frozenset(OrderStatus) == OPEN_STATUSES | TERMINAL_STATUSES
    assert not OPEN_STATUSES & TERMINAL_STATUSES
    assert {OrderStatus.PENDING_CANCEL, OrderStatus.PARTIALLY_FILLED} <= OPEN_STATUSES
    assert {OrderStatus.REPLACED, OrderStatus.EXPIRED} <= TERMINAL_STATUSES


def test_leg_actions_are_exactly_the_option_sides() -> None:
    """The four leg actions spell the same strings as the four option order sides."""
    assert {action.value for action in LegAction} == {side.value for side in OPTION_SIDES}
    assert not EQUITY_SIDES & OPTION_SIDES


# --- builders: exact wire bodies ------------------------------------------------------


@pytest.mark.parametrize(
    ("request_", "wire"),
    [
        pytest.param(
            market("MSFT", 1, side="BUY"),
            {"instrument": "STK", "side": "BUY", "order_type": "MKT", "order_tif": "DAY"}
            | {"symbol": "MSFT", "order_qty": "1"},
            id="docs-market",
        ),
        pytest.param(
            limit("TSLA251031C00437500", 1, "13.50", side="BUY_TO_OPEN", tif="GTC"),
            {"instrument": "OPT", "side": "BUY_TO_OPEN", "order_type": "LMT"}
            | {"order_tif": "GTC", "symbol": "TSLA251031C00437500", "order_qty": "1"}
            | {"order_limit_price": "13.50"},
            id="docs-option-limit",
        ),
        pytest.param(
            market("AAPL", notional=Decimal("250.00"), side=OrderSide.BUY),
            {"instrument": "STK", "side": "BUY", "order_type": "MKT", "order_tif": "DAY"}
            | {"symbol": "AAPL", "order_notional": "250.00"},
            id="notional",
        ),
        pytest.param(
            stop("AAPL", 10, "180", side="SELL", tif=TimeInForce.GTC),
            {"instrument": "STK", "side": "SELL", "order_type": "STP", "order_tif": "GTC"}
            | {"symbol": "AAPL", "order_qty": "10", "stop_price": "180"},
            id="stop",
        ),
        pytest.param(
            stop_limit("AAPL", "0.5", stop_price="180", limit_price="179.50", side="SELL"),
            {"instrument": "STK", "side": "SELL", "order_type": "STPLMT", "order_tif": "DAY"}
            | {"symbol": "AAPL", "order_qty": "0.5", "order_limit_price": "179.50"}
            | {"stop_price": "180"},
            id="stop-limit",
        ),
        pytest.param(
            limit("BRK/B", 2, "412.07", side="SELL_SHORT", tif="DAY+"),
            {"instrument": "STK", "side": "SELL_SHORT", "order_type": "LMT"}
            | {"order_tif": "DAY+", "symbol": "BRK/B", "order_qty": "2"}
            | {"order_limit_price": "412.07"},
            id="class-shares",
        ),
        pytest.param(
            market(EquitySymbol.parse("BRK.B", "NASDAQ"), 1, side="BUY_TO_COVER"),
            {"instrument": "STK", "side": "BUY_TO_COVER", "order_type": "MKT"}
            | {"order_tif": "DAY", "symbol": "BRK/B", "order_qty": "1"},
            id="equity-object-renders-cqs",
        ),
        pytest.param(
            market("SPY   241018C00430000", 3, side="SELL_TO_CLOSE"),
            {"instrument": "OPT", "side": "SELL_TO_CLOSE", "order_type": "MKT"}
            | {"order_tif": "DAY", "symbol": "SPY241018C00430000", "order_qty": "3"},
            id="padded-option-sent-unpadded",
        ),
        pytest.param(
            limit("ESZ6", 1, "5000.25", side="BUY", instrument="FUT"),
            {"instrument": "FUT", "side": "BUY", "order_type": "LMT", "order_tif": "DAY"}
            | {"symbol": "ESZ6", "order_qty": "1", "order_limit_price": "5000.25"},
            id="future",
        ),
        pytest.param(
            market("BTC/USD", "0.000123456", side="BUY", instrument=Instrument.CRYPTO),
            {"instrument": "CRYPTO", "side": "BUY", "order_type": "MKT", "order_tif": "DAY"}
            | {"symbol": "BTC/USD", "order_qty": "0.000123456"},
            id="crypto-fractional",
        ),
    ],
)
def test_builders_produce_the_exact_wire_body(request_: OrderRequest, wire: dict[str, str]) -> None:
    """Each builder yields exactly the documented body, numbers as strings, no nulls."""
    assert request_.to_wire() == wire
    assert json.loads(json.dumps(request_.to_wire())) == wire


def test_instrument_is_inferred_from_the_symbol() -> None:
    """OCC text or OptionSymbol gives OPT; a ticker or EquitySymbol gives STK."""
    assert market(SPY_430C, 1, side="BUY_TO_OPEN").instrument is Instrument.OPT
    assert market("SPY241018C00430000", 1, side="BUY_TO_OPEN").instrument is Instrument.OPT
    assert market("SPY", 1, side="BUY").instrument is Instrument.STK
    assert market(EquitySymbol("SPY"), 1, side="BUY").instrument is Instrument.STK


@pytest.mark.parametrize(
    ("text", "instrument"),
    [
        pytest.param("AAPL", None, id="ticker"),
        pytest.param("BRK/B", None, id="class"),
        pytest.param("SPY241018C00430000", None, id="occ"),
        pytest.param("SPY   241018C00430000", Instrument.OPT, id="padded-occ"),
        pytest.param("AAPL", Instrument.STK, id="ticker-given"),
    ],
)
def test_a_symbol_ordered_again_is_the_same_symbol(
    text: str, instrument: Instrument | None
) -> None:
    """Ordering a symbol text again gives an equal symbol and instrument (the parse is kept)."""
    orders._PARSED_SYMBOLS.clear()
    first = market(
        text, 1, side="BUY" if "C0" not in text else "BUY_TO_OPEN", instrument=instrument
    )
    again = market(
        text, 1, side="BUY" if "C0" not in text else "BUY_TO_OPEN", instrument=instrument
    )
    expected = (
        OptionSymbol.parse(text) if first.instrument is Instrument.OPT else EquitySymbol.parse(text)
    )
    assert first.symbol == again.symbol == expected
    assert first.instrument is again.instrument
    assert first.to_wire() == again.to_wire()


def test_a_bad_symbol_is_refused_every_time() -> None:
    """A symbol that fails to parse is refused again when ordered again (failures are not kept)."""
    for _ in range(2):
        with pytest.raises(InvalidOrder, match="symbol"):
            market("aapl", 1, side="BUY")
        with pytest.raises(InvalidOrder, match="symbol"):
            market("AAPL", 1, side="BUY", instrument=Instrument.OPT)
    assert "aapl" not in {text for text, _ in orders._PARSED_SYMBOLS}


def test_the_parsed_symbol_memo_stays_bounded() -> None:
    """However many distinct symbols are ordered, the memo never holds more than its bound."""
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    for number in range(orders._PARSED_SYMBOLS_KEPT * 2):
        root = letters[number % 26] + letters[number // 26 % 26] + letters[number // 676 % 26]
        assert market(root, 1, side="BUY").symbol == EquitySymbol(root)
        assert len(orders._PARSED_SYMBOLS) <= orders._PARSED_SYMBOLS_KEPT


@pytest.mark.parametrize(
    ("amount", "wire"),
    [
        (Decimal("1E+2"), "100"),
        (Decimal("1.500"), "1.500"),
        (Decimal("0.000000001"), "0.000000001"),
        (Decimal("1.5000000000"), "1.500000000"),
        (Decimal("123456789012.123456789"), "123456789012.123456789"),
        (7, "7"),
        ("2.01", "2.01"),
    ],
    ids=["exponent", "trailing-zeros", "nine-places", "ten-places-zeros", "wide", "int", "str"],
)
def test_amounts_are_written_as_plain_digits(amount: Decimal | int | str, wire: str) -> None:
    """Amounts go out without exponents, keep their trailing zeros, and never exceed 9 places."""
    assert limit("AAPL", 1, amount, side="BUY").to_wire()["order_limit_price"] == wire


@given(
    st.decimals(
        min_value=Decimal("0.000000001"),
        max_value=Decimal("1e12"),
        places=9,
        allow_nan=False,
        allow_infinity=False,
    )
)
def test_any_nine_place_amount_round_trips_through_the_wire(amount: Decimal) -> None:
    """Every positive amount with at most 9 places is sent as digits that read back equal."""
    text = limit("AAPL", amount, amount, side="BUY").to_wire()["order_qty"]
    assert isinstance(text, str)
    assert re.fullmatch(r"[0-9]+(\.[0-9]{1,9})?", text)
    assert Decimal(text) == amount


# --- rejections -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "field", "problem"),
    [
        pytest.param(lambda: market("AAPL", 0, side="BUY"), "qty", "greater than 0", id="zero"),
        pytest.param(lambda: market("AAPL", "-1", side="BUY"), "qty", "greater", id="negative"),
        pytest.param(
            lambda: market("AAPL", 1.5, side="BUY"),  # type: ignore[arg-type]
            "qty",
            "float",
            id="float",
        ),
        pytest.param(lambda: market("AAPL", True, side="BUY"), "qty", "bool", id="bool"),
        pytest.param(lambda: market("AAPL", "abc", side="BUY"), "qty", "not a number", id="text"),
        pytest.param(lambda: market("AAPL", "NaN", side="BUY"), "qty", "finite", id="nan"),
        pytest.param(lambda: market("AAPL", "1E+100", side="BUY"), "qty", "digits", id="huge"),
        pytest.param(
            lambda: limit("AAPL", 1, "1.0000000001", side="BUY"),
            "limit_price",
            "more than 9 decimal places",
            id="ten-places",
        ),
        pytest.param(
            lambda: stop("AAPL", 1, "-5", side="SELL"), "stop_price", "greater", id="stop"
        ),
        pytest.param(
            lambda: market("AAPL", 1, notional=5, side="BUY"), "qty", "exactly one", id="both"
        ),
        pytest.param(lambda: market("AAPL", side="BUY"), "qty", "exactly one", id="neither"),
        pytest.param(
            lambda: market(SPY_430C, notional=5, side="BUY_TO_OPEN"),
            "notional",
            "only for STK and CRYPTO",
            id="option-notional",
        ),
        pytest.param(
            lambda: market(SPY_430C, "1.5", side="BUY_TO_OPEN"),
            "qty",
            "whole quantity",
            id="fractional-contracts",
        ),
        pytest.param(
            lambda: market("ESZ6", "0.5", side="BUY", instrument="FUT"),
            "qty",
            "whole quantity",
            id="fractional-future",
        ),
        pytest.param(
            lambda: market("AAPL", 1, side="BUY_TO_OPEN"), "side", "not a STK side", id="stk-side"
        ),
        pytest.param(lambda: market(SPY_430C, 1, side="BUY"), "side", "OPT side", id="opt-side"),
        pytest.param(
            lambda: market("BTC/USD", 1, side="SELL_SHORT", instrument="CRYPTO"),
            "side",
            "CRYPTO side",
            id="crypto-short",
        ),
        pytest.param(lambda: market("AAPL", 1, side="HOLD"), "side", "'HOLD'", id="unknown-side"),
        pytest.param(
            lambda: market("AAPL", 1, side="BUY", tif="NEVER"), "tif", "'NEVER'", id="bad-tif"
        ),
        pytest.param(
            lambda: market("AAPL", 1, side="BUY", instrument="BOND"),
            "instrument",
            "'BOND'",
            id="bad-instrument",
        ),
        pytest.param(
            lambda: market("AAPL", 1, side="BUY", instrument="MLEG_OPT"),
            "instrument",
            "strategies",
            id="mleg-via-builder",
        ),
        pytest.param(
            lambda: market("ESZ6", 1, side="BUY"), "symbol", "instrument=", id="future-no-hint"
        ),
        pytest.param(
            lambda: market("BRK.B", 1, side="BUY", instrument="STK"),
            "symbol",
            "NASDAQ dialect",
            id="dot-ticker-as-stk",
        ),
        pytest.param(
            lambda: market("SPY", 1, side="BUY_TO_OPEN", instrument="OPT"),
            "symbol",
            "bad length",
            id="ticker-as-opt",
        ),
        pytest.param(
            lambda: market(EquitySymbol("SPY"), 1, side="BUY_TO_OPEN", instrument="OPT"),
            "symbol",
            "OptionSymbol",
            id="equity-object-as-opt",
        ),
        pytest.param(
            lambda: market(SPY_430C, 1, side="BUY", instrument="FUT"),
            "symbol",
            "str symbol",
            id="option-object-as-future",
        ),
        pytest.param(
            lambda: market(" ESZ6", 1, side="BUY", instrument="FUT"),
            "symbol",
            "surrounding spaces",
            id="future-spaces",
        ),
        pytest.param(
            lambda: market("", 1, side="BUY", instrument="CRYPTO"),
            "symbol",
            "empty",
            id="crypto-empty",
        ),
    ],
)
def test_builders_reject_invalid_orders_naming_the_field(
    build: Any, field: str, problem: str
) -> None:
    """A builder given an invalid order raises InvalidOrder naming the field and the fault."""
    with pytest.raises(InvalidOrder) as info:
        build()
    assert info.value.field == field
    assert problem in str(info.value)
    assert str(info.value).startswith(f"{field}: ")


@pytest.mark.parametrize(
    ("fields", "field", "problem"),
    [
        pytest.param({"order_type": OrderType.LMT}, "limit_price", "required", id="lmt-no-price"),
        pytest.param(
            {"order_type": OrderType.STPLMT, "stop_price": Decimal(1)},
            "limit_price",
            "required",
            id="stplmt-no-limit",
        ),
        pytest.param(
            {"limit_price": Decimal(1)}, "limit_price", "not allowed", id="mkt-with-limit"
        ),
        pytest.param({"order_type": OrderType.STP}, "stop_price", "required", id="stp-no-stop"),
        pytest.param(
            {"order_type": OrderType.LMT, "limit_price": Decimal(1), "stop_price": Decimal(1)},
            "stop_price",
            "not allowed",
            id="lmt-with-stop",
        ),
        pytest.param(
            {"notional": Decimal(5), "qty": None, "order_type": OrderType.LMT}
            | {"limit_price": Decimal(1)},
            "notional",
            "must be MKT",
            id="notional-limit",
        ),
        pytest.param(
            {"legs": (Leg(SPY_430C, LegAction.BUY_TO_OPEN),)}, "legs", "only MLEG_OPT", id="legs"
        ),
        pytest.param({"side": None}, "side", "expected OrderSide", id="no-side"),
        pytest.param({"side": "BUY"}, "side", "expected OrderSide", id="str-side"),
        pytest.param({"instrument": "STK"}, "instrument", "expected Instrument", id="str-inst"),
        pytest.param({"qty": 1}, "qty", "expected Decimal", id="int-qty"),
        pytest.param({"account_id": ""}, "account_id", "non-empty", id="empty-account"),
        pytest.param({"broker": " ALPACA"}, "broker", "surrounding", id="spaced-broker"),
        pytest.param({"cl_order_id": 7}, "cl_order_id", "non-empty string", id="int-id"),
    ],
)
def test_order_request_checks_its_rules_on_construction(
    fields: dict[str, Any], field: str, problem: str
) -> None:
    """Constructing an OrderRequest directly enforces the same rules as the builders."""
    base: dict[str, Any] = {
        "instrument": Instrument.STK,
        "order_type": OrderType.MKT,
        "side": OrderSide.BUY,
        "symbol": EquitySymbol("AAPL"),
        "qty": Decimal(1),
    }
    with pytest.raises(InvalidOrder) as info:
        OrderRequest(**(base | fields))
    assert (info.value.field, problem in str(info.value)) == (field, True)


# --- multi-leg requests ---------------------------------------------------------------


def test_multi_leg_wire_body_has_null_symbol_and_no_side() -> None:
    """An MLEG_OPT body sends "symbol": null, legs with string ratios, and no side."""
    assert _mleg(limit_price=Decimal("-0.85")).to_wire() == {
        "instrument": "MLEG_OPT",
        "order_type": "LMT",
        "order_tif": "DAY",
        "symbol": None,
        "order_qty": "1",
        "order_limit_price": "-0.85",
        "legs": [
            {"symbol": "SPY241018C00430000", "action": "BUY_TO_OPEN", "ratio": "1"},
            {"symbol": "SPY241018C00435000", "action": "SELL_TO_OPEN", "ratio": "1"},
        ],
    }


@pytest.mark.parametrize(
    ("changes", "field", "problem"),
    [
        pytest.param({"side": OrderSide.BUY}, "side", "not a side", id="side"),
        pytest.param({"symbol": "SPY"}, "symbol", "symbol is None", id="symbol"),
        pytest.param(
            {"order_type": OrderType.STP, "stop_price": Decimal(1), "limit_price": None},
            "order_type",
            "MKT or LMT",
            id="stop",
        ),
        pytest.param({"limit_price": Decimal(0)}, "limit_price", "not be 0", id="zero-net"),
        pytest.param({"qty": Decimal("1.5")}, "qty", "whole", id="fractional-spreads"),
        pytest.param(
            {"legs": (Leg(SPY_430C, LegAction.BUY_TO_OPEN),)}, "legs", "2 to 4", id="one-leg"
        ),
        pytest.param(
            {"legs": tuple(Leg(_spy_call(strike), LegAction.BUY_TO_OPEN) for strike in range(5))},
            "legs",
            "2 to 4",
            id="five-legs",
        ),
        pytest.param(
            {"legs": (Leg(SPY_430C, LegAction.BUY_TO_OPEN), Leg(SPY_430C, LegAction.SELL_TO_OPEN))},
            "legs",
            "appears twice",
            id="duplicate",
        ),
        pytest.param(
            {"legs": (Leg(SPY_430C, LegAction.BUY_TO_OPEN), Leg(QQQ_400C, LegAction.SELL_TO_OPEN))},
            "legs",
            "one underlying",
            id="two-underlyings",
        ),
        pytest.param(
            {
                "legs": (
                    Leg(SPY_430C, LegAction.BUY_TO_OPEN, 2),
                    Leg(SPY_435C, LegAction.SELL_TO_OPEN, 4),
                )
            },
            "legs",
            "share the factor 2",
            id="unreduced-ratio",
        ),
        pytest.param({"legs": [SPY_430C, SPY_435C]}, "legs", "tuple of Leg", id="list"),
        pytest.param({"legs": (SPY_430C, SPY_435C)}, "legs", "must be a Leg", id="not-legs"),
    ],
)
def test_multi_leg_requests_enforce_the_leg_rules(
    changes: dict[str, Any], field: str, problem: str
) -> None:
    """A multi-leg request refuses sides, symbols, stops, zero net prices and bad legs."""
    with pytest.raises(InvalidOrder) as info:
        _mleg(**changes)
    assert info.value.field == field
    assert problem in str(info.value)


@pytest.mark.parametrize(
    ("symbol", "action", "ratio", "problem"),
    [
        (SPY_430C, LegAction.BUY_TO_OPEN, 0, "positive int"),
        (SPY_430C, LegAction.BUY_TO_OPEN, True, "positive int"),
        (SPY_430C, OrderSide.BUY, 1, "LegAction"),
        ("SPY241018C00430000", LegAction.BUY_TO_OPEN, 1, "OptionSymbol"),
    ],
    ids=["zero-ratio", "bool-ratio", "order-side", "str-symbol"],
)
def test_leg_rejects_bad_parts(symbol: object, action: object, ratio: object, problem: str) -> None:
    """A leg needs an OptionSymbol, a LegAction and a positive int ratio."""
    with pytest.raises(InvalidOrder, match=problem):
        Leg(symbol, action, ratio)  # type: ignore[arg-type]


def test_leg_is_buy_follows_the_action() -> None:
    """is_buy is true for the two buy actions and false for the two sell actions."""
    assert [Leg(SPY_430C, action).is_buy for action in LegAction] == [True, True, False, False]


# --- ids and immutability -------------------------------------------------------------


def test_with_ids_fills_ids_and_leaves_the_original_unchanged() -> None:
    """with_ids returns a copy carrying the ids; None keeps the current value."""
    original = market("MSFT", 1, side="BUY")
    filled = original.with_ids(account_id="acc_1", broker="ALPACA", cl_order_id="ct-1")
    assert original.to_wire().keys().isdisjoint({"account_id", "broker", "cl_order_id"})
    assert filled.to_wire() == original.to_wire() | {
        "account_id": "acc_1",
        "broker": "ALPACA",
        "cl_order_id": "ct-1",
    }
    kept = filled.with_ids(cl_order_id="ct-2")
    assert (kept.account_id, kept.broker, kept.cl_order_id) == ("acc_1", "ALPACA", "ct-2")


def test_with_ids_validates_the_ids() -> None:
    """An empty id given to with_ids is refused like one given to the constructor."""
    with pytest.raises(InvalidOrder, match="account_id"):
        market("MSFT", 1, side="BUY").with_ids(account_id="")


def test_order_requests_are_immutable() -> None:
    """Fields cannot be reassigned after construction."""
    request = market("MSFT", 1, side="BUY")
    with pytest.raises(dataclasses.FrozenInstanceError):
        request.qty = Decimal(2)  # type: ignore[misc]


def test_new_cl_order_id_is_unique_url_safe_and_short() -> None:
    """Generated client order ids are distinct, at most 40 characters, and URL-safe."""
    ids = {new_cl_order_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(len(i) <= 40 and re.fullmatch(r"[A-Za-z0-9_-]+", i) for i in ids)


def test_invalid_order_survives_pickling() -> None:
    """InvalidOrder keeps its field and problem across a pickle round trip."""
    restored = pickle.loads(pickle.dumps(InvalidOrder("qty", "bad")))  # noqa: S301 -- ours
    assert (restored.field, restored.problem, str(restored)) == ("qty", "bad", "qty: bad")


def test_invalid_order_is_a_value_error() -> None:
    """Callers catching ValueError also catch order validation failures."""
    assert issubclass(InvalidOrder, ValueError)
