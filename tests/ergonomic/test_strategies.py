"""Tests for the named multi-leg option strategy constructors."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from connecttrade.types.enums import LegAction
from connecttrade.types.option_symbol import OptionSymbol
from connecttrade.types.orders import InvalidOrder, Leg, OrderRequest
from connecttrade.types.strategies import (
    InvalidStrategy,
    bear_call_spread,
    bear_put_spread,
    bull_call_spread,
    bull_put_spread,
    butterfly,
    calendar,
    collar,
    iron_butterfly,
    iron_condor,
    long_straddle,
    long_strangle,
    multi_leg,
    ratio_spread,
)


def c(strike: int, expiry: str = "241018", root: str = "SPY") -> str:
    """The OCC symbol of a call."""
    return f"{root}{expiry}C{strike * 1000:08d}"


def p(strike: int, expiry: str = "241018", root: str = "SPY") -> str:
    """The OCC symbol of a put."""
    return f"{root}{expiry}P{strike * 1000:08d}"


def legs(*specs: tuple[str, str, int]) -> list[dict[str, str]]:
    """The wire legs for (symbol, action, ratio) triples."""
    return [{"symbol": s, "action": a, "ratio": str(r)} for s, a, r in specs]


def body(qty: str, price: str | None, *wire_legs: dict[str, str]) -> dict[str, object]:
    """The wire body of a multi-leg order; ``price`` None means a market order."""
    result: dict[str, object] = {
        "instrument": "MLEG_OPT",
        "order_type": "MKT" if price is None else "LMT",
        "order_tif": "DAY",
        "symbol": None,
        "order_qty": qty,
    }
    if price is not None:
        result["order_limit_price"] = price
    result["legs"] = list(wire_legs)
    return result


BTO, STO = "BUY_TO_OPEN", "SELL_TO_OPEN"


@pytest.mark.parametrize(
    ("build", "wire"),
    [
        pytest.param(
            lambda: bull_call_spread(c(430), c(435), qty=1, debit="1.20"),
            body("1", "1.20", *legs((c(430), BTO, 1), (c(435), STO, 1))),
            id="bull-call-spread",
        ),
        pytest.param(
            lambda: bear_put_spread(p(430), p(425), qty=2, debit=Decimal("1.10")),
            body("2", "1.10", *legs((p(430), BTO, 1), (p(425), STO, 1))),
            id="bear-put-spread",
        ),
        pytest.param(
            lambda: bear_call_spread(c(435), c(440), qty=1, credit="0.85"),
            body("1", "-0.85", *legs((c(435), STO, 1), (c(440), BTO, 1))),
            id="bear-call-spread",
        ),
        pytest.param(
            lambda: bull_put_spread(p(425), p(420), qty=1, credit="0.90"),
            body("1", "-0.90", *legs((p(425), STO, 1), (p(420), BTO, 1))),
            id="bull-put-spread",
        ),
        pytest.param(
            lambda: long_straddle(p(430), c(430), qty=1),
            body("1", None, *legs((p(430), BTO, 1), (c(430), BTO, 1))),
            id="long-straddle-market",
        ),
        pytest.param(
            lambda: long_strangle(p(425), c(435), qty=1, debit="3.10"),
            body("1", "3.10", *legs((p(425), BTO, 1), (c(435), BTO, 1))),
            id="long-strangle",
        ),
        pytest.param(
            lambda: iron_condor(p(420), p(425), c(435), c(440), qty=2, credit="1.05"),
            body(
                "2",
                "-1.05",
                *legs((p(420), BTO, 1), (p(425), STO, 1), (c(435), STO, 1), (c(440), BTO, 1)),
            ),
            id="iron-condor",
        ),
        pytest.param(
            lambda: iron_butterfly(p(420), p(430), c(430), c(440), qty=1, credit="6.50"),
            body(
                "1",
                "-6.50",
                *legs((p(420), BTO, 1), (p(430), STO, 1), (c(430), STO, 1), (c(440), BTO, 1)),
            ),
            id="iron-butterfly",
        ),
        pytest.param(
            lambda: butterfly(c(425), c(430), c(435), qty=1, debit="0.95"),
            body("1", "0.95", *legs((c(425), BTO, 1), (c(430), STO, 2), (c(435), BTO, 1))),
            id="call-butterfly",
        ),
        pytest.param(
            lambda: butterfly(p(420), p(430), p(445), qty=1, credit="0.10"),
            body("1", "-0.10", *legs((p(420), BTO, 1), (p(430), STO, 2), (p(445), BTO, 1))),
            id="broken-wing-put-butterfly-credit",
        ),
        pytest.param(
            lambda: ratio_spread(c(430), c(440), qty=1, credit="0.20"),
            body("1", "-0.20", *legs((c(430), BTO, 1), (c(440), STO, 2))),
            id="ratio-1x2",
        ),
        pytest.param(
            lambda: ratio_spread(p(420), p(430), ratio=(2, 1), qty=3, debit="0.35"),
            body("3", "0.35", *legs((p(420), BTO, 2), (p(430), STO, 1))),
            id="put-backspread-2x1",
        ),
        pytest.param(
            lambda: collar(p(420), c(440), qty=3, credit="0.15"),
            body("3", "-0.15", *legs((p(420), BTO, 1), (c(440), STO, 1))),
            id="collar",
        ),
        pytest.param(
            lambda: calendar(c(430), c(430, "241115"), qty=1, debit="2.40", tif="GTC"),
            body("1", "2.40", *legs((c(430), STO, 1), (c(430, "241115"), BTO, 1)))
            | {"order_tif": "GTC"},
            id="calendar",
        ),
        pytest.param(
            lambda: multi_leg(
                [
                    Leg(OptionSymbol.parse(c(430)), LegAction.SELL_TO_CLOSE),
                    Leg(OptionSymbol.parse(c(435)), LegAction.BUY_TO_CLOSE),
                ],
                qty=1,
                credit="1.50",
            ),
            body(
                "1",
                "-1.50",
                *legs((c(430), "SELL_TO_CLOSE", 1), (c(435), "BUY_TO_CLOSE", 1)),
            ),
            id="multi-leg-closing-a-spread",
        ),
    ],
)
def test_constructors_produce_the_exact_wire_body(
    build: Callable[[], OrderRequest], wire: dict[str, object]
) -> None:
    """Each constructor yields the exact MLEG_OPT body with signed net price and leg actions."""
    assert build().to_wire() == wire


def test_constructors_accept_option_symbol_values() -> None:
    """OptionSymbol values and their OCC strings build the same order."""
    from_text = bull_call_spread(c(430), c(435), qty=1, debit="1.20")
    from_values = bull_call_spread(
        OptionSymbol.parse(c(430)), OptionSymbol.parse(c(435)), qty=1, debit="1.20"
    )
    assert from_text == from_values


@pytest.mark.parametrize(
    ("build", "rule"),
    [
        # rules every multi-leg order keeps
        pytest.param(
            lambda: bull_call_spread(c(430), c(430), qty=1), "appears twice", id="same-contract"
        ),
        pytest.param(
            lambda: bull_call_spread(c(430), c(435, root="QQQ"), qty=1),
            "one underlying",
            id="two-underlyings",
        ),
        pytest.param(
            lambda: bull_call_spread("SPY", c(435), qty=1),
            "long_call: invalid OCC option symbol 'SPY'",
            id="bad-symbol",
        ),
        pytest.param(
            lambda: multi_leg([Leg(OptionSymbol.parse(c(430)), LegAction.BUY_TO_OPEN)], qty=1),
            "2 to 4 legs",
            id="multi-leg-one-leg",
        ),
        pytest.param(
            lambda: multi_leg(
                [
                    Leg(OptionSymbol.parse(c(430)), LegAction.BUY_TO_OPEN, 2),
                    Leg(OptionSymbol.parse(c(435)), LegAction.SELL_TO_OPEN, 2),
                ],
                qty=1,
            ),
            "share the factor 2",
            id="multi-leg-unreduced-ratio",
        ),
        # the price keywords
        pytest.param(
            lambda: bull_call_spread(c(430), c(435), qty=1, debit="1", credit="1"),
            "not both",
            id="debit-and-credit",
        ),
        pytest.param(
            lambda: bull_call_spread(c(430), c(435), qty=1, credit="1"),
            "opens for a net debit",
            id="credit-on-debit-strategy",
        ),
        pytest.param(
            lambda: bear_call_spread(c(435), c(440), qty=1, debit="1"),
            "opens for a net credit",
            id="debit-on-credit-strategy",
        ),
        # bull call spread
        pytest.param(
            lambda: bull_call_spread(c(435), c(430), qty=1),
            "long call strike (435) must be below the short call strike (430)",
            id="bull-call-strikes",
        ),
        pytest.param(
            lambda: bull_call_spread(c(430), p(435), qty=1),
            "short_call must be a call",
            id="bull-call-put-leg",
        ),
        pytest.param(
            lambda: bull_call_spread(c(430), c(435, "241115"), qty=1),
            "one expiry, got 2024-10-18, 2024-11-15",
            id="bull-call-expiries",
        ),
        # bear put spread
        pytest.param(
            lambda: bear_put_spread(p(425), p(430), qty=1),
            "short put strike (430) must be below the long put strike (425)",
            id="bear-put-strikes",
        ),
        pytest.param(
            lambda: bear_put_spread(c(430), p(425), qty=1),
            "long_put must be a put",
            id="bear-put-call-leg",
        ),
        pytest.param(
            lambda: bear_put_spread(p(430), p(425, "241115"), qty=1),
            "one expiry",
            id="bear-put-expiries",
        ),
        # bear call spread
        pytest.param(
            lambda: bear_call_spread(c(440), c(435), qty=1),
            "short call strike (440) must be below the long call strike (435)",
            id="bear-call-strikes",
        ),
        pytest.param(
            lambda: bear_call_spread(p(435), c(440), qty=1),
            "short_call must be a call",
            id="bear-call-put-leg",
        ),
        # bull put spread
        pytest.param(
            lambda: bull_put_spread(p(420), p(425), qty=1),
            "long put strike (425) must be below the short put strike (420)",
            id="bull-put-strikes",
        ),
        pytest.param(
            lambda: bull_put_spread(p(425), c(420), qty=1),
            "long_put must be a put",
            id="bull-put-call-leg",
        ),
        # straddle and strangle
        pytest.param(
            lambda: long_straddle(p(430), c(435), qty=1),
            "one strike, got 430 and 435",
            id="straddle-strikes",
        ),
        pytest.param(
            lambda: long_straddle(c(430), p(430), qty=1),
            "put must be a put",
            id="straddle-swapped",
        ),
        pytest.param(
            lambda: long_straddle(p(430), c(430, "241115"), qty=1),
            "one expiry",
            id="straddle-expiries",
        ),
        pytest.param(
            lambda: long_strangle(p(435), c(430), qty=1),
            "put strike (435) must be below the call strike (430)",
            id="strangle-strikes",
        ),
        pytest.param(
            lambda: long_strangle(p(430), c(430), qty=1),
            "put strike (430) must be below the call strike (430)",
            id="strangle-equal-strikes",
        ),
        pytest.param(
            lambda: long_strangle(p(425), p(435), qty=1),
            "call must be a call",
            id="strangle-two-puts",
        ),
        # iron condor
        pytest.param(
            lambda: iron_condor(p(420), p(435), c(430), c(440), qty=1),
            "short put strike (435) must be below the short call strike (430)",
            id="condor-crossed-shorts",
        ),
        pytest.param(
            lambda: iron_condor(p(420), p(430), c(430), c(440), qty=1),
            "short put strike (430) must be below the short call strike (430)",
            id="condor-equal-shorts",
        ),
        pytest.param(
            lambda: iron_condor(p(425), p(420), c(435), c(440), qty=1),
            "long put strike (425) must be below the short put strike (420)",
            id="condor-put-wing",
        ),
        pytest.param(
            lambda: iron_condor(p(420), p(425), c(440), c(435), qty=1),
            "short call strike (440) must be below the long call strike (435)",
            id="condor-call-wing",
        ),
        pytest.param(
            lambda: iron_condor(p(420), p(425), p(435), c(440), qty=1),
            "short_call must be a call",
            id="condor-rights",
        ),
        pytest.param(
            lambda: iron_condor(p(420), p(425), c(435), c(440, "241115"), qty=1),
            "one expiry",
            id="condor-expiries",
        ),
        pytest.param(
            lambda: iron_condor(p(420), p(425), c(435), c(440), qty=1, debit="1"),
            "opens for a net credit",
            id="condor-debit",
        ),
        # iron butterfly
        pytest.param(
            lambda: iron_butterfly(p(420), p(425), c(430), c(440), qty=1),
            "short put and short call need one strike, got 425 and 430",
            id="iron-fly-body",
        ),
        pytest.param(
            lambda: iron_butterfly(p(435), p(430), c(430), c(440), qty=1),
            "long put strike (435) must be below the short put strike (430)",
            id="iron-fly-put-wing",
        ),
        pytest.param(
            lambda: iron_butterfly(p(420), p(430), c(430), c(425), qty=1),
            "short call strike (430) must be below the long call strike (425)",
            id="iron-fly-call-wing",
        ),
        pytest.param(
            lambda: iron_butterfly(p(420), p(430), c(430), p(440), qty=1),
            "long_call must be a call",
            id="iron-fly-rights",
        ),
        pytest.param(
            lambda: iron_butterfly(p(420), p(430, "241115"), c(430), c(440), qty=1),
            "one expiry",
            id="iron-fly-expiries",
        ),
        # butterfly
        pytest.param(
            lambda: butterfly(c(425), p(430), c(435), qty=1),
            "middle must be a call",
            id="butterfly-mixed-rights",
        ),
        pytest.param(
            lambda: butterfly(c(430), c(425), c(435), qty=1),
            "lower strike (430) must be below the middle strike (425)",
            id="butterfly-strikes",
        ),
        pytest.param(
            lambda: butterfly(c(425), c(430), c(435, "241115"), qty=1),
            "one expiry",
            id="butterfly-expiries",
        ),
        # ratio spread
        pytest.param(
            lambda: ratio_spread(c(430), c(440), ratio=(1, 1), qty=1),
            "not a ratio spread",
            id="ratio-1x1",
        ),
        pytest.param(
            lambda: ratio_spread(c(430), c(440), ratio=(2, 4), qty=1),
            "share the factor 2",
            id="ratio-unreduced",
        ),
        pytest.param(
            lambda: ratio_spread(c(430), c(440), ratio=(0, 2), qty=1),
            "two positive ints",
            id="ratio-zero",
        ),
        pytest.param(
            lambda: ratio_spread(c(430), c(440), ratio=(1, 2, 3), qty=1),  # type: ignore[arg-type]
            "two positive ints",
            id="ratio-three-parts",
        ),
        pytest.param(
            lambda: ratio_spread(c(430), p(440), qty=1),
            "short must be a call",
            id="ratio-rights",
        ),
        pytest.param(
            lambda: ratio_spread(c(430), c(440, "241115"), qty=1),
            "one expiry",
            id="ratio-expiries",
        ),
        pytest.param(
            lambda: ratio_spread(c(430), c(430), qty=1),
            "appears twice",
            id="ratio-same-strike",
        ),
        # collar
        pytest.param(
            lambda: collar(p(440), c(430), qty=1),
            "long put strike (440) must be below the short call strike (430)",
            id="collar-strikes",
        ),
        pytest.param(
            lambda: collar(c(420), c(440), qty=1),
            "long_put must be a put",
            id="collar-rights",
        ),
        pytest.param(
            lambda: collar(p(420), c(440, "241115"), qty=1),
            "one expiry",
            id="collar-expiries",
        ),
        # calendar
        pytest.param(
            lambda: calendar(c(430), c(435, "241115"), qty=1),
            "one strike, got 430 and 435",
            id="calendar-strikes",
        ),
        pytest.param(
            lambda: calendar(c(430, "241115"), c(430), qty=1),
            "near expiry 2024-11-15 must come before the far expiry 2024-10-18",
            id="calendar-expiry-order",
        ),
        pytest.param(
            lambda: calendar(c(430), p(430, "241115"), qty=1),
            "far must be a call",
            id="calendar-rights",
        ),
        pytest.param(
            lambda: calendar(c(430), c(430, "241115"), qty=1, credit="1"),
            "opens for a net debit",
            id="calendar-credit",
        ),
    ],
)
def test_each_broken_rule_raises_invalid_strategy(build: Callable[[], object], rule: str) -> None:
    """A strategy that breaks a rule raises InvalidStrategy whose message names the rule."""
    with pytest.raises(InvalidStrategy) as info:
        build()
    assert rule in str(info.value)
    assert str(info.value).startswith(f"{info.value.strategy}: ")


@pytest.mark.parametrize(
    ("kwargs", "field", "problem"),
    [
        ({"qty": "1.5", "debit": "1"}, "qty", "whole quantity"),
        ({"qty": 0, "debit": "1"}, "qty", "greater than 0"),
        ({"qty": 1, "debit": "-1"}, "debit", "greater than 0"),
        ({"qty": 1, "debit": "0"}, "debit", "greater than 0"),
        ({"qty": 1, "debit": 1.2}, "debit", "float"),
        ({"qty": 1, "debit": "NaN"}, "debit", "finite"),
        ({"qty": 1, "debit": "0.0000000001"}, "debit", "9 decimal places"),
        ({"qty": 1, "debit": "1", "tif": "SOMETIMES"}, "tif", "'SOMETIMES'"),
    ],
    ids=[
        "fractional-qty",
        "zero-qty",
        "negative-debit",
        "zero-debit",
        "float-debit",
        "nan-debit",
        "ten-places",
        "bad-tif",
    ],
)
def test_bad_amounts_raise_invalid_order_naming_the_field(
    kwargs: dict[str, Any], field: str, problem: str
) -> None:
    """Quantity, price and time-in-force faults raise InvalidOrder naming the keyword."""
    with pytest.raises(InvalidOrder) as info:
        bull_call_spread(c(430), c(435), **kwargs)
    assert info.value.field == field
    assert problem in str(info.value)


def test_invalid_strategy_is_a_value_error_that_survives_pickling() -> None:
    """InvalidStrategy is a ValueError and keeps its strategy and rule across pickling."""
    error = InvalidStrategy("collar", "long_put must be a put")
    restored = pickle.loads(pickle.dumps(error))  # noqa: S301 -- our own bytes
    assert isinstance(restored, InvalidStrategy)
    assert isinstance(restored, ValueError)
    assert (restored.strategy, restored.rule, str(restored)) == (
        "collar",
        "long_put must be a put",
        "collar: long_put must be a put",
    )
